import { MlError } from './errors.ts';

/**
 * A dense row-major matrix: row i, column j is `data[i * cols + j]`.
 * Every `ml` estimator takes and returns these (or plain typed arrays), never `number[][]`.
 */
export interface Matrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

/** Wraps (or allocates, when `data` is omitted) a rows x cols matrix. */
export function matrix(rows: number, cols: number, data?: Float64Array): Matrix {
  const d = data ?? new Float64Array(rows * cols);
  if (d.length !== rows * cols) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `matrix: data has ${d.length} values, expected ${rows} x ${cols} = ${rows * cols}`,
    );
  }
  return { data: d, rows, cols };
}

/** Builds a matrix from nested arrays; for tests and small literals, not hot paths. */
export function fromRows(rows: ArrayLike<ArrayLike<number>>): Matrix {
  const n = rows.length;
  const p = n === 0 ? 0 : rows[0]!.length;
  const out = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    if (r.length !== p) {
      throw new MlError('SHAPE_MISMATCH', `fromRows: row ${i} has ${r.length} values, expected ${p}`);
    }
    for (let j = 0; j < p; j++) out[i * p + j] = r[j]!;
  }
  return { data: out, rows: n, cols: p };
}

/** Copies row i into a new Float64Array (a view would alias the matrix). */
export function rowOf(m: Matrix, i: number): Float64Array {
  return m.data.slice(i * m.cols, (i + 1) * m.cols);
}

/** Rows picked by index, in the order given. */
export function takeRows(m: Matrix, idx: ArrayLike<number>): Matrix {
  const p = m.cols;
  const out = new Float64Array(idx.length * p);
  for (let k = 0; k < idx.length; k++) {
    const src = idx[k]! * p;
    out.set(m.data.subarray(src, src + p), k * p);
  }
  return { data: out, rows: idx.length, cols: p };
}

/** Squared Euclidean distance between row i of a and row j of b. */
export function sqDistRows(a: Matrix, i: number, b: Matrix, j: number): number {
  const p = a.cols;
  const ad = a.data;
  const bd = b.data;
  const ao = i * p;
  const bo = j * p;
  let s = 0;
  for (let t = 0; t < p; t++) {
    const d = ad[ao + t]! - bd[bo + t]!;
    s += d * d;
  }
  return s;
}

/** Throws when the matrix holds a NaN or an infinity: estimators need finite input. */
export function assertFinite(m: Matrix, who: string): void {
  const d = m.data;
  for (let k = 0; k < d.length; k++) {
    if (!Number.isFinite(d[k]!)) {
      const row = Math.floor(k / m.cols);
      throw new MlError(
        'NON_FINITE',
        `${who}: value at row ${row}, column ${k % m.cols} is ${d[k]}; remove or impute missing values first`,
        { row, column: k % m.cols },
      );
    }
  }
}
