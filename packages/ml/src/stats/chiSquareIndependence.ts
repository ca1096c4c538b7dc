import { MlError } from '../errors.ts';
import { fromRows, type Matrix } from '../matrix.ts';
import { chiSquareSf } from './distributions.ts';

export interface ChiSquareIndependenceOptions {
  /** Yates' continuity correction, applied (as scipy does) only when df = 1, i.e. 2 x 2. Default true. */
  correction?: boolean;
}

export interface ChiSquareIndependenceResult {
  /** Pearson's chi-square (Yates-corrected when `correctionApplied`). */
  statistic: number;
  pValue: number;
  /** (rows - 1) (cols - 1). */
  df: number;
  /** Counts expected under independence, row total x column total / grand total. */
  expected: Matrix;
  /** sqrt(chi2 / (n (min(rows, cols) - 1))) from the uncorrected chi-square, as scipy's `association`. */
  cramersV: number;
  correctionApplied: boolean;
  rowTotals: Float64Array;
  colTotals: Float64Array;
  /** Grand total. */
  n: number;
}

/**
 * Chi-square test of independence of a rows x cols table of counts (rows: groups, e.g.
 * variants; columns: outcomes). Equals scipy's `chi2_contingency(table, correction)`. O(rows cols).
 *
 * ```ts
 * const r = chiSquareIndependence([[310, 90], [280, 120]]);
 * r.statistic; r.pValue; r.cramersV;
 * ```
 */
export function chiSquareIndependence(
  table: Matrix | ArrayLike<ArrayLike<number>>,
  options: ChiSquareIndependenceOptions = {},
): ChiSquareIndependenceResult {
  const fn = 'chiSquareIndependence';
  const t = isMatrix(table) ? table : fromRows(table);
  const { rows, cols, data } = t;
  if (rows < 2 || cols < 2) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `${fn}: the table is ${rows} x ${cols}; independence needs at least 2 rows and 2 columns`,
    );
  }
  const rowTotals = new Float64Array(rows);
  const colTotals = new Float64Array(cols);
  let n = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = data[i * cols + j]!;
      if (!Number.isFinite(v)) {
        throw new MlError('NON_FINITE', `${fn}: cell (${i}, ${j}) is ${v}; counts must be finite`);
      }
      if (v < 0)
        throw new MlError('BAD_OPTION', `${fn}: cell (${i}, ${j}) is ${v}; counts cannot be negative`);
      rowTotals[i]! += v;
      colTotals[j]! += v;
      n += v;
    }
  }
  for (let i = 0; i < rows; i++) {
    if (rowTotals[i] === 0) {
      throw new MlError(
        'EMPTY_INPUT',
        `${fn}: row ${i} has no counts, so its expected counts are 0; drop that row`,
      );
    }
  }
  for (let j = 0; j < cols; j++) {
    if (colTotals[j] === 0) {
      throw new MlError(
        'EMPTY_INPUT',
        `${fn}: column ${j} has no counts, so its expected counts are 0; drop it`,
      );
    }
  }
  const df = (rows - 1) * (cols - 1);
  const correctionApplied = (options.correction ?? true) && df === 1;
  const expected = new Float64Array(rows * cols);
  let statistic = 0;
  let uncorrected = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const e = (rowTotals[i]! * colTotals[j]!) / n;
      expected[i * cols + j] = e;
      const diff = data[i * cols + j]! - e;
      uncorrected += (diff * diff) / e;
      // Yates moves each count half a unit towards its expectation, never past it.
      const moved = correctionApplied ? Math.sign(diff) * Math.max(0, Math.abs(diff) - 0.5) : diff;
      statistic += (moved * moved) / e;
    }
  }
  return {
    statistic,
    pValue: chiSquareSf(statistic, df),
    df,
    expected: { data: expected, rows, cols },
    cramersV: Math.sqrt(uncorrected / (n * (Math.min(rows, cols) - 1))),
    correctionApplied,
    rowTotals,
    colTotals,
    n,
  };
}

function isMatrix(t: Matrix | ArrayLike<ArrayLike<number>>): t is Matrix {
  return (t as Matrix).data instanceof Float64Array && typeof (t as Matrix).rows === 'number';
}
