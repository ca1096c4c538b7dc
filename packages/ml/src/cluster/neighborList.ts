/** Options for {@link NeighborList}. */
export interface NeighborListOptions {
  /** Slots allocated up front; the list doubles when it runs out. Default 64. */
  capacity?: number;
  /**
   * Whether queries fill `distances` (Euclidean). Default true. Without them a radius query can
   * copy whole tree nodes that lie inside the ball without measuring each point.
   */
  distances?: boolean;
}

/**
 * A growable, reusable buffer of neighbour indices (and optionally distances) that
 * {@link KdTree} queries write into, so a loop of queries allocates only when a result outgrows
 * every earlier one. Entries `0 .. length - 1` of `indices` / `distances` are valid; the rest is
 * scratch.
 *
 * @example
 * const out = new NeighborList();
 * tree.radius(q, 0.5, out);
 * for (let k = 0; k < out.length; k++) use(out.indices[k], out.distances[k]);
 */
export class NeighborList {
  /** Row indices into the matrix the tree was built on. */
  indices: Int32Array;
  /** Euclidean distances, parallel to `indices`; empty when built with `distances: false`. */
  distances: Float64Array;
  /** Number of valid entries. */
  length = 0;
  readonly withDistances: boolean;

  constructor(options: NeighborListOptions = {}) {
    const capacity = Math.max(1, Math.floor(options.capacity ?? 64));
    this.withDistances = options.distances ?? true;
    this.indices = new Int32Array(capacity);
    this.distances = new Float64Array(this.withDistances ? capacity : 0);
  }

  /** Empties the list, keeping its storage. */
  clear(): void {
    this.length = 0;
  }

  /** Makes room for `extra` more entries. */
  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.indices.length) return;
    let cap = this.indices.length * 2;
    while (cap < need) cap *= 2;
    const idx = new Int32Array(cap);
    idx.set(this.indices.subarray(0, this.length));
    this.indices = idx;
    if (this.withDistances) {
      const dist = new Float64Array(cap);
      dist.set(this.distances.subarray(0, this.length));
      this.distances = dist;
    }
  }

  /** Appends one entry (`distance` is ignored without distances). */
  push(index: number, distance: number): void {
    if (this.length === this.indices.length) this.reserve(1);
    if (this.withDistances) this.distances[this.length] = distance;
    this.indices[this.length++] = index;
  }

  /** A copy of the valid indices. */
  toIndices(): Int32Array {
    return this.indices.slice(0, this.length);
  }
}
