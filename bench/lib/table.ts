import type { Outcome } from './contestants.ts';
import type { TaskResult } from './task.ts';

/** A plain text table: the first column left-aligned, the others right-aligned, as lines. */
export function textTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)];
}

export function seconds(s: number): string {
  if (s < 1) return s.toFixed(3);
  if (s < 100) return s.toFixed(2);
  return s.toFixed(1);
}

/** A contestant's time for the table: seconds, "> limit s" when killed, else why there is none. */
export function timeCell(o: Outcome): string {
  switch (o.status) {
    case 'ok':
      return seconds(o.seconds!);
    case 'timeout':
      return `> ${o.limitSeconds} s`;
    case 'skipped':
      return '-';
    default:
      return o.status === 'failed' ? 'failed' : 'n/a';
  }
}

const ratioText = (r: number): string => (r >= 100 ? r.toFixed(0) : r.toPrecision(3));

/**
 * ours / other, both in seconds: below 1 ours is faster. When one side was killed at the limit
 * the ratio is a bound: "< r" (ours faster than that) or "> r".
 */
export function ratio(ours: Outcome, other: Outcome | null): number | string | null {
  if (!other) return null;
  if (ours.status === 'ok' && other.status === 'ok') return ours.seconds! / other.seconds!;
  if (ours.status === 'ok' && other.status === 'timeout')
    return `< ${ratioText(ours.seconds! / other.limitSeconds)}`;
  if (ours.status === 'timeout' && other.status === 'ok')
    return `> ${ratioText(ours.limitSeconds / other.seconds!)}`;
  return null;
}

export function ratioCell(r: number | string | null): string {
  if (r === null) return '-';
  return typeof r === 'number' ? ratioText(r) : r;
}

/** The side-by-side table, then one line for every contestant that has no time, saying why. */
export function renderTable(results: TaskResult[]): string {
  const header = ['task', 'ours s', 'scikit-learn s', 'ours/sklearn', 'npm peer', 'ours/peer', 'quality'];
  const rows = results.map((r) => [
    `${r.task} ${r.rows}x${r.cols}`,
    timeCell(r.ours),
    timeCell(r.sklearn),
    ratioCell(ratio(r.ours, r.sklearn)),
    r.peer && r.peer.status !== 'skipped' ? `${r.peer.contestant} ${timeCell(r.peer)}` : '-',
    ratioCell(ratio(r.ours, r.peer)),
    r.qualityText,
  ]);
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, j) =>
        j === cells.length - 1 ? c : j === 0 || j === 4 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!),
      )
      .join(' | ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)];

  const notes: string[] = [];
  for (const r of results) {
    for (const o of [r.ours, r.sklearn, r.peer]) {
      if (o && o.status !== 'ok')
        notes.push(`${r.task} / ${o.contestant}: ${o.status}${o.reason ? `: ${o.reason}` : ''}`);
    }
    for (const n of r.qualityNotes) notes.push(`${r.task} / quality: ${n}`);
  }
  if (notes.length > 0) out.push('', ...notes);
  return `${out.join('\n')}\n`;
}
