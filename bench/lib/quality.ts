import { existsSync } from 'node:fs';
import type { Matrix } from '@clientele/ml';
import { Rng } from '@clientele/ml';
import { readLabels, readNumericCsv } from './csv.ts';

/** A quality figure, or why there is none. */
export type Maybe = { value: number } | { missing: string };

export const maybeValue = (m: Maybe): number | null => ('value' in m ? m.value : null);

/**
 * Adjusted Rand index of two label files, with the ml package's adjustedRandIndex (imported from
 * its source file, so the bench works before the package index exports it).
 */
export async function ariOfFiles(a: string, b: string): Promise<Maybe> {
  if (!existsSync(a) || !existsSync(b)) return { missing: 'labels missing' };
  try {
    const { adjustedRandIndex } = await import('../../packages/ml/src/metrics/adjustedRandIndex.ts');
    return { value: adjustedRandIndex(readLabels(a), readLabels(b)) };
  } catch (err) {
    return { missing: `adjustedRandIndex not available: ${(err as Error).message.split('\n')[0]}` };
  }
}

/** Rows of `x` picked by index. */
function pick(x: Matrix, idx: ArrayLike<number>): Matrix {
  const p = x.cols;
  const data = new Float64Array(idx.length * p);
  for (let t = 0; t < idx.length; t++) data.set(x.data.subarray(idx[t]! * p, idx[t]! * p + p), t * p);
  return { data, rows: idx.length, cols: p };
}

/**
 * Trustworthiness (k = 5, as scikit-learn's default) of an embedding, on a seeded subsample of
 * `sample` rows (the same rows for every contestant, so the figures compare). The embedding file
 * has columns row, x, y (the CLI's format; `row` is the input row) or x, y in input order.
 */
export async function trustworthinessOf(input: string, embeddingCsv: string, sample: number): Promise<Maybe> {
  if (!existsSync(embeddingCsv)) return { missing: 'no embedding written' };
  let trust: (x: Matrix, e: Matrix, k?: number) => number;
  try {
    trust = (await import('../../packages/ml/src/metrics/trustworthiness.ts')).trustworthiness;
  } catch (err) {
    return { missing: `trustworthiness not available: ${(err as Error).message.split('\n')[0]}` };
  }
  const x = readNumericCsv(input).x;
  const emb = readNumericCsv(embeddingCsv);
  const rowCol = emb.header.indexOf('row');
  const xCol = emb.header.indexOf('x');
  const yCol = emb.header.indexOf('y');
  if (xCol < 0 || yCol < 0) return { missing: `embedding has no x, y columns (${emb.header.join(',')})` };
  // Put the embedding in input-row order.
  const e = new Float64Array(x.rows * 2).fill(Number.NaN);
  for (let i = 0; i < emb.x.rows; i++) {
    const r = rowCol >= 0 ? emb.x.data[i * emb.x.cols + rowCol]! : i;
    e[r * 2] = emb.x.data[i * emb.x.cols + xCol]!;
    e[r * 2 + 1] = emb.x.data[i * emb.x.cols + yCol]!;
  }
  const idx = new Rng(7).sample(x.rows, Math.min(sample, x.rows));
  try {
    return { value: trust(pick(x, idx), pick({ data: e, rows: x.rows, cols: 2 }, idx), 5) };
  } catch (err) {
    return { missing: (err as Error).message.split('\n')[0]! };
  }
}
