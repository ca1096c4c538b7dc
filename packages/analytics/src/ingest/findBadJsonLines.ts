import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { RejectedRow } from './loadTable.ts';

/**
 * Streams a JSON-lines file, lists the lines that are not one JSON object each (with their line
 * number), and writes the good lines to `validPath`. Blank lines are neither.
 */
export async function findBadJsonLines(
  path: string,
  validPath: string,
  maxReported = 100,
): Promise<{ rows: RejectedRow[]; total: number }> {
  const out = createWriteStream(validPath);
  const rows: RejectedRow[] = [];
  let total = 0;
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    const reason = jsonLineProblem(text);
    if (reason === null) {
      if (!out.write(`${text}\n`)) await once(out, 'drain');
      continue;
    }
    total++;
    if (rows.length < maxReported) rows.push({ line, column: null, reason, text: text.slice(0, 200) });
  }
  out.end();
  await once(out, 'finish');
  return { rows, total };
}

function jsonLineProblem(text: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `not valid JSON (${(err as Error).message})`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  return null;
}
