// Not embed/neighborHeap.ts: one growing heap whose ties go to the lower row index; that one is n fixed, pre-filled per-row heaps with NN-descent flags and distance-only order.
/**
 * A bounded max-heap of (squared distance, row index) pairs in two parallel typed arrays, for
 * k-nearest-neighbour searches: the root is the worst candidate kept, ordered by distance, then
 * by index so that ties resolve to the lower row. O(log k) per operation, no allocation.
 *
 * @example
 * let size = 0;
 * if (size < k) heapPush(idx, dist, size++, row, d2);
 * else if (d2 < dist[0] || (d2 === dist[0] && row < idx[0])) heapReplaceTop(idx, dist, size, row, d2);
 */

/** Is (d1, i1) worse (farther, then higher index) than (d2, i2)? */
function worse(d1: number, i1: number, d2: number, i2: number): boolean {
  return d1 > d2 || (d1 === d2 && i1 > i2);
}

/** Adds (i, d) to a heap of `size` entries (the caller tracks size; capacity must allow +1). */
export function heapPush(idx: Int32Array, dist: Float64Array, size: number, i: number, d: number): void {
  let c = size;
  while (c > 0) {
    const parent = (c - 1) >> 1;
    if (!worse(d, i, dist[parent], idx[parent])) break;
    idx[c] = idx[parent];
    dist[c] = dist[parent];
    c = parent;
  }
  idx[c] = i;
  dist[c] = d;
}

/** Replaces the root of a heap of `size` entries with (i, d) and sifts it down. */
export function heapReplaceTop(
  idx: Int32Array,
  dist: Float64Array,
  size: number,
  i: number,
  d: number,
): void {
  let c = 0;
  for (;;) {
    const l = 2 * c + 1;
    if (l >= size) break;
    let m = l;
    if (l + 1 < size && worse(dist[l + 1], idx[l + 1], dist[l], idx[l])) m = l + 1;
    if (!worse(dist[m], idx[m], d, i)) break;
    idx[c] = idx[m];
    dist[c] = dist[m];
    c = m;
  }
  if (size > 0) {
    idx[c] = i;
    dist[c] = d;
  }
}
