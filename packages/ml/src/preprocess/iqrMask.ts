import { MlError } from '../errors.ts';
import { assertFinite, type Matrix } from '../matrix.ts';
import { columnQuartiles } from './quantile.ts';

/** Per-column Tukey fences from {@link iqrBounds}. Arrays have length p; unchecked columns hold NaN. */
export interface IqrBounds {
  /** 25th percentile (numpy linear interpolation). */
  q1: Float64Array;
  /** 75th percentile. */
  q3: Float64Array;
  /** q1 - factor * (q3 - q1). */
  lower: Float64Array;
  /** q3 + factor * (q3 - q1). */
  upper: Float64Array;
}

/** Options of {@link iqrOutlierMask}. */
export interface IqrMaskOptions {
  /** Fence width in IQRs: 1.5 (Tukey's "outlier", default) or 3 ("far out"). Must be >= 0. */
  factor?: number;
  /** Column indices to check; default all. */
  columns?: ArrayLike<number>;
}

/**
 * Tukey fences per column: [q1 - factor IQR, q3 + factor IQR], quartiles as `np.percentile(col,
 * [25, 75])` (linear interpolation). A constant column has zero width fences at its value.
 *
 * Time O(n log n) per column. Throws `MlError`: EMPTY_INPUT (no rows), NON_FINITE, BAD_OPTION.
 *
 * @example
 * iqrBounds(fromRows([[1], [2], [3], [4], [100]])); // q1 [2], q3 [4], lower [-1], upper [7]
 */
export function iqrBounds(x: Matrix, factor = 1.5, columns?: ArrayLike<number>): IqrBounds {
  const who = 'iqrBounds';
  checkFactor(factor, who);
  checkColumns(columns, x.cols, who);
  if (x.rows === 0) throw new MlError('EMPTY_INPUT', `${who}: no rows; quartiles need at least one row`);
  assertChecked(x, columns, who);
  const { q1, q3 } = columnQuartiles(x, columns);
  const p = x.cols;
  const lower = new Float64Array(p);
  const upper = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const iqr = q3[j]! - q1[j]!;
    lower[j] = q1[j]! - factor * iqr;
    upper[j] = q3[j]! + factor * iqr;
  }
  return { q1, q3, lower, upper };
}

/**
 * Flags rows outside the Tukey fences of any checked column: mask[i] = 1 when some checked
 * value is strictly below its `lower` or above its `upper` bound (see {@link iqrBounds}), else 0.
 * No rows gives an empty mask. Unchecked columns may hold anything, NaN included.
 *
 * Time O(n log n) per checked column; returns a Uint8Array of length n.
 * Throws `MlError`: NON_FINITE (in a checked column), BAD_OPTION (factor < 0, column out of range).
 *
 * @example
 * iqrOutlierMask(fromRows([[1], [2], [3], [4], [100]])); // [0, 0, 0, 0, 1]
 */
export function iqrOutlierMask(x: Matrix, opts: IqrMaskOptions = {}): Uint8Array {
  const who = 'iqrOutlierMask';
  const factor = opts.factor ?? 1.5;
  checkFactor(factor, who);
  checkColumns(opts.columns, x.cols, who);
  const n = x.rows;
  const p = x.cols;
  const mask = new Uint8Array(n);
  if (n === 0) return mask;
  const { lower, upper } = iqrBounds(x, factor, opts.columns);
  const cols = opts.columns ?? Int32Array.from({ length: p }, (_, j) => j);
  const d = x.data;
  for (let c = 0; c < cols.length; c++) {
    const j = cols[c]!;
    const lo = lower[j]!;
    const hi = upper[j]!;
    for (let i = 0; i < n; i++) {
      const v = d[i * p + j]!;
      if (v < lo || v > hi) mask[i] = 1;
    }
  }
  return mask;
}

function checkFactor(factor: number, who: string): void {
  if (!(Number.isFinite(factor) && factor >= 0)) {
    throw new MlError(
      'BAD_OPTION',
      `${who}: factor = ${factor}; pass a finite number >= 0 (usually 1.5 or 3)`,
    );
  }
}

function checkColumns(columns: ArrayLike<number> | undefined, p: number, who: string): void {
  if (!columns) return;
  for (let c = 0; c < columns.length; c++) {
    const j = columns[c]!;
    if (!Number.isInteger(j) || j < 0 || j >= p) {
      throw new MlError('BAD_OPTION', `${who}: column ${j} does not exist; x has columns 0 to ${p - 1}`, {
        column: j,
      });
    }
  }
}

/** Like assertFinite, limited to the columns that will be examined. */
function assertChecked(x: Matrix, columns: ArrayLike<number> | undefined, who: string): void {
  if (!columns) {
    assertFinite(x, who);
    return;
  }
  const p = x.cols;
  for (let c = 0; c < columns.length; c++) {
    const j = columns[c]!;
    for (let i = 0; i < x.rows; i++) {
      const v = x.data[i * p + j]!;
      if (!Number.isFinite(v)) {
        throw new MlError(
          'NON_FINITE',
          `${who}: value at row ${i}, column ${j} is ${v}; remove or impute missing values first`,
          { row: i, column: j },
        );
      }
    }
  }
}
