import type { SqlCell } from '@clientele/analytics';

/** Longest cell printed; the rest is cut with an ellipsis (JSON output keeps every character). */
const MAX_CELL = 60;

/**
 * A query's rows as an aligned text table for a terminal: header, a rule, one line per row;
 * numbers to 6 significant digits and right-aligned, null as empty.
 */
export function formatRows(columns: readonly { name: string }[], rows: readonly SqlCell[][]): string {
  const numeric = columns.map(
    (_, j) => rows.length > 0 && rows.every((r) => r[j] === null || typeof r[j] === 'number'),
  );
  const text = rows.map((r) => r.map(cellText));
  const widths = columns.map((c, j) => Math.max(c.name.length, ...text.map((r) => r[j]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, j) => (numeric[j] ? c.padStart(widths[j]!) : c.padEnd(widths[j]!)))
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c) => c.name)),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...text.map(line),
  ].join('\n');
}

function cellText(v: SqlCell): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  const flat = s.replace(/\s+/g, ' ');
  return flat.length > MAX_CELL ? `${flat.slice(0, MAX_CELL - 1)}…` : flat;
}
