/**
 * Partial sort of row indices by one column: `order` holds row indices into `data`, a row-major
 * matrix with `p` columns, and keys are `data[row * p + dim]`. Rearranges `order[lo .. hi]`
 * (inclusive) so that `order[k]` holds the row with the k-th smallest key, rows with
 * smaller-or-equal keys before it and larger-or-equal after (k-d tree median splits).
 * Hoare quickselect with median-of-three pivots: O(hi - lo) expected; runs of equal keys split
 * evenly, so duplicate-heavy columns do not go quadratic. Not stable; no allocation.
 *
 * @example
 * const order = Int32Array.from({ length: x.rows }, (_, i) => i);
 * selectNth(order, x.data, x.cols, 0, 0, x.rows - 1, x.rows >> 1); // median row of column 0
 */
export function selectNth(
  order: Int32Array,
  data: Float64Array,
  p: number,
  dim: number,
  lo: number,
  hi: number,
  k: number,
): void {
  while (hi > lo) {
    const a = data[order[lo] * p + dim];
    const b = data[order[(lo + hi) >> 1] * p + dim];
    const c = data[order[hi] * p + dim];
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (data[order[i] * p + dim] < pivot) i++;
      while (data[order[j] * p + dim] > pivot) j--;
      if (i <= j) {
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}
