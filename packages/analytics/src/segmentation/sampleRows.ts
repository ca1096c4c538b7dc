import { type Matrix, Rng, takeRows } from '@clientele/ml';

/** A seeded sample of at most `size` rows, kept in input order; returns the matrix and the row indices. */
export function sampleRows(x: Matrix, size: number, seed: number): { x: Matrix; rows: Int32Array } {
  if (size >= x.rows) {
    const rows = new Int32Array(x.rows);
    for (let i = 0; i < x.rows; i++) rows[i] = i;
    return { x, rows };
  }
  const rows = new Rng(seed).sample(x.rows, size).sort();
  return { x: takeRows(x, rows), rows };
}
