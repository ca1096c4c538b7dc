// Not cluster/neighborHeap.ts: n fixed, pre-filled per-row heaps with NN-descent flags, duplicate checks and distance-only order; that one is one growing heap whose ties go to the lower row index.
/**
 * Fixed-size max-heaps of (distance, index) pairs, one per row, packed in flat typed arrays.
 * Row i's heap occupies slots [i * size, (i + 1) * size); the root (slot 0) holds the largest
 * distance, so "is this candidate better than my worst neighbour" is one comparison.
 * Empty slots hold index -1 and distance +Infinity, which keeps every heap full and branch-free.
 */
export interface NeighborHeap {
  /** Rows (heaps). */
  n: number;
  /** Slots per heap. */
  size: number;
  indices: Int32Array;
  distances: Float64Array;
  /** Per-slot flag for NN-descent: 1 = not yet used as a "new" candidate. */
  flags: Uint8Array;
}

/** Allocates n empty heaps of `size` slots each. O(n * size). */
export function makeHeap(n: number, size: number): NeighborHeap {
  const indices = new Int32Array(n * size).fill(-1);
  const distances = new Float64Array(n * size).fill(Number.POSITIVE_INFINITY);
  return { n, size, indices, distances, flags: new Uint8Array(n * size) };
}

/**
 * Offers (d, j) to row `row`'s heap; keeps it if it beats the current worst and `j` is not
 * already there. Returns 1 when the heap changed, else 0. O(size) for the duplicate scan.
 */
export function heapPush(h: NeighborHeap, row: number, d: number, j: number, flag: number): number {
  const size = h.size;
  const base = row * size;
  const dist = h.distances;
  const idx = h.indices;
  if (!(d < dist[base])) return 0;
  for (let s = base; s < base + size; s++) if (idx[s] === j) return 0;
  siftDownReplace(dist, idx, h.flags, base, size, d, j, flag);
  return 1;
}

/** As `heapPush` without the duplicate check, for callers that never offer a pair twice. */
export function heapPushUnchecked(h: NeighborHeap, row: number, d: number, j: number, flag: number): number {
  const base = row * h.size;
  if (!(d < h.distances[base])) return 0;
  siftDownReplace(h.distances, h.indices, h.flags, base, h.size, d, j, flag);
  return 1;
}

/** Replaces the root with (d, j, flag) and restores the max-heap order. */
function siftDownReplace(
  dist: Float64Array,
  idx: Int32Array,
  flags: Uint8Array,
  base: number,
  size: number,
  d: number,
  j: number,
  flag: number,
): void {
  let pos = 0;
  for (;;) {
    const l = 2 * pos + 1;
    if (l >= size) break;
    const r = l + 1;
    let c = l;
    if (r < size && dist[base + r] > dist[base + l]) c = r;
    if (dist[base + c] <= d) break;
    dist[base + pos] = dist[base + c];
    idx[base + pos] = idx[base + c];
    flags[base + pos] = flags[base + c];
    pos = c;
  }
  dist[base + pos] = d;
  idx[base + pos] = j;
  flags[base + pos] = flag;
}

/**
 * Sorts every heap in place into ascending distance (ties by index, so the order is fully
 * determined). O(n * size log size).
 */
export function sortHeaps(h: NeighborHeap): void {
  const { n, size, indices, distances } = h;
  for (let i = 0; i < n; i++) {
    const base = i * size;
    // Insertion sort: heaps are small (k ~ 15), and this keeps ties ordered by index.
    for (let a = base + 1; a < base + size; a++) {
      const d = distances[a];
      const j = indices[a];
      let b = a - 1;
      while (b >= base && (distances[b] > d || (distances[b] === d && indices[b] > j))) {
        distances[b + 1] = distances[b];
        indices[b + 1] = indices[b];
        b--;
      }
      distances[b + 1] = d;
      indices[b + 1] = j;
    }
  }
}
