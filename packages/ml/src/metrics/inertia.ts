import { MlError } from '../errors.ts';
import type { Matrix } from '../matrix.ts';

/**
 * Within-cluster sum of squared Euclidean distances (scikit-learn's `inertia_`):
 * `sum_i ||x_i - centers[labels[i]]||^2`, in the squared units of `x`.
 *
 * Shapes: `x` is n x p, `labels` has n entries in `[0, k)`, `centers` is k x p.
 * Complexity: O(n p) time, O(1) extra memory.
 *
 * @example
 * ```ts
 * const x = fromRows([[0, 0], [2, 0], [10, 10]]);
 * inertia(x, Int32Array.of(0, 0, 1), fromRows([[1, 0], [10, 10]])); // 2
 * ```
 */
export function inertia(x: Matrix, labels: Int32Array, centers: Matrix): number {
  const n = x.rows;
  const p = x.cols;
  const k = centers.rows;
  if (labels.length !== n) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `inertia: ${labels.length} labels for ${n} rows; pass one label per row`,
    );
  }
  if (centers.cols !== p) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `inertia: centers have ${centers.cols} columns but x has ${p}; use centers fitted on the same columns`,
    );
  }
  const xd = x.data;
  const cd = centers.data;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const a = labels[i]!;
    if (!(a >= 0 && a < k)) {
      throw new MlError(
        'BAD_OPTION',
        `inertia: label ${a} at row ${i} is outside [0, ${k}); one per center`,
        {
          row: i,
        },
      );
    }
    const xo = i * p;
    const co = a * p;
    let s = 0;
    for (let t = 0; t < p; t++) {
      const d = xd[xo + t]! - cd[co + t]!;
      s += d * d;
    }
    total += s;
  }
  return total;
}
