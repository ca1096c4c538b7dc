import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';

/** A column to write: numbers or CSV-ready text, or null for an empty cell (a row that was left out). */
export type CsvColumn = ArrayLike<number | string | null>;

/**
 * Writes equal-length columns as a CSV file with a header. It writes a temporary file beside the
 * target and renames it at the end, so a failure never leaves a half-written file behind.
 */
export async function writeColumnsCsv(path: string, header: string[], columns: CsvColumn[]): Promise<void> {
  const n = columns[0]?.length ?? 0;
  const tmp = `${path}.tmp-${process.pid}`;
  const out = createWriteStream(tmp);
  try {
    out.write(`${header.join(',')}\n`);
    let buf = '';
    for (let i = 0; i < n; i++) {
      buf += `${columns.map((c) => c[i] ?? '').join(',')}\n`;
      if (buf.length > 1 << 16) {
        if (!out.write(buf)) await once(out, 'drain');
        buf = '';
      }
    }
    out.end(buf);
    await once(out, 'finish');
    await rename(tmp, path);
  } catch (err) {
    out.destroy();
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Spreads per-kept-row values back to every input row; rows left out get null (an empty cell). */
export function spreadToInputRows(
  values: ArrayLike<number>,
  inputRow: ArrayLike<number>,
  nInputRows: number,
): (number | null)[] {
  const out: (number | null)[] = new Array(nInputRows).fill(null);
  for (let r = 0; r < inputRow.length; r++) out[inputRow[r]!] = values[r]!;
  return out;
}
