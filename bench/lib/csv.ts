import { readFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import type { Matrix } from '@clientele/ml';

/** A numeric CSV read whole: the header and a rows x cols matrix. */
export interface NumericCsv {
  header: string[];
  x: Matrix;
}

/**
 * Reads a CSV of plain numbers with a header (the files the bench writes: no quoting, no
 * missing cells). Kept minimal on purpose: it is not timed and not the product's reader.
 * `blankAsNaN`: an empty cell is a missing value (NaN) rather than Number('') = 0.
 */
export function readNumericCsv(path: string, opts: { blankAsNaN?: boolean } = {}): NumericCsv {
  const blank = opts.blankAsNaN ? Number.NaN : 0;
  const lines = readFileSync(path, 'utf8').split('\n');
  const header = lines[0]!.trim().split(',');
  const cols = header.length;
  let rows = lines.length - 1;
  while (rows > 0 && lines[rows]!.trim() === '') rows--;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const cells = lines[i + 1]!.split(',');
    if (cells.length !== cols)
      throw new Error(`${path}: line ${i + 2} has ${cells.length} cells, not ${cols}`);
    for (let j = 0; j < cols; j++) data[i * cols + j] = cells[j] === '' ? blank : Number(cells[j]);
  }
  return { header, x: { data, rows, cols } };
}

/** The one-column label files (header "label") that every contestant writes or reads. */
export function readLabels(path: string): Int32Array {
  const { x } = readNumericCsv(path);
  const out = new Int32Array(x.rows);
  for (let i = 0; i < x.rows; i++) out[i] = x.data[i * x.cols]!;
  return out;
}

/** Writes a numeric matrix as CSV (through a temporary file, so no half file is ever left). */
export async function writeMatrixCsv(
  path: string,
  header: readonly string[],
  x: Matrix,
  format: (v: number) => string = String,
): Promise<void> {
  const parts: string[] = [`${header.join(',')}\n`];
  const row: string[] = new Array(x.cols);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) row[j] = format(x.data[i * x.cols + j]!);
    parts.push(`${row.join(',')}\n`);
  }
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, parts.join(''));
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export async function writeLabelsCsv(path: string, labels: ArrayLike<number>): Promise<void> {
  await writeMatrixCsv(path, ['label'], { data: Float64Array.from(labels), rows: labels.length, cols: 1 });
}

/** Numbers as row arrays, for the npm peers that take number[][]. */
export function toRowArrays(x: Matrix): number[][] {
  const out: number[][] = new Array(x.rows);
  for (let i = 0; i < x.rows; i++) out[i] = Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols));
  return out;
}
