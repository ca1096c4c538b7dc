import {
  figure,
  type Outcome,
  type RunContext,
  runOursDirect,
  runPandasProfile,
} from '../lib/contestants.ts';
import { ensureTelcoSnapshot, onlineRetailFile } from '../lib/data.ts';
import { ratio, ratioCell, seconds, timeCell } from '../lib/table.ts';
import type { SectionResult, Task } from '../lib/task.ts';

const SNAPSHOT_ROWS = 371_589;
const SNAPSHOT_COLS = 42;

interface Dataset {
  name: string;
  path: string;
  rows: number;
  cols: number;
  /** Exact duplicate rows planted by the generator, when it is known. */
  plantedDuplicates: number | null;
}

/** The real Online Retail file, gzip as committed; --quick: its first tenth, as plain CSV. */
async function onlineRetail(ctx: RunContext): Promise<Dataset> {
  return { cols: 8, plantedDuplicates: null, ...(await onlineRetailFile(ctx.quick, ctx.log)) };
}

/** The product's 42-column telco snapshot, seed 1, with the generator's count of planted duplicates. */
async function telcoSnapshot(ctx: RunContext): Promise<Dataset> {
  const rows = ctx.quick ? Math.round(SNAPSHOT_ROWS / 10) : SNAPSHOT_ROWS;
  const { path, duplicates } = await ensureTelcoSnapshot(rows, ctx.log);
  return { name: 'telco snapshot', path, rows, cols: SNAPSHOT_COLS, plantedDuplicates: duplicates };
}

interface Measured {
  dataset: Dataset;
  ours: Outcome;
  pandas: Outcome;
  agree: boolean | null;
  qualityText: string;
}

/** Rows and duplicate rows of ours against pandas (and against the planted count, when known). */
function quality(d: Dataset, ours: Outcome, pandas: Outcome): { agree: boolean | null; text: string } {
  const n = (v: number | null): string => (v === null ? 'n/a' : String(v));
  const rows = [figure(ours, 'rows'), figure(pandas, 'rows')] as const;
  const dups = [figure(ours, 'duplicate_rows'), figure(pandas, 'duplicate_rows')] as const;
  const planted = d.plantedDuplicates === null ? '' : ` (planted ${d.plantedDuplicates})`;
  if (rows[0] === null || dups[0] === null || rows[1] === null || dups[1] === null) {
    return {
      agree: null,
      text: `rows ours ${n(rows[0])} pandas ${n(rows[1])}, duplicate rows ours ${n(dups[0])} pandas ${n(dups[1])}${planted}`,
    };
  }
  const agree =
    rows[0] === rows[1] &&
    dups[0] === dups[1] &&
    (d.plantedDuplicates === null || dups[0] === d.plantedDuplicates);
  const sign = (a: number, b: number): string => (a === b ? '=' : '!=');
  return {
    agree,
    text:
      `rows ${rows[0]} ${sign(rows[0], rows[1])} ${rows[1]}, duplicate rows ${dups[0]} ` +
      `${sign(dups[0], dups[1])} ${dups[1]}${planted}: ${agree ? 'agree' : 'DIFFER'}`,
  };
}

/** A part of a contestant's time (load, profile, ...): its seconds when the contestant finished. */
function partCell(o: Outcome, key: string): string {
  const v = o.status === 'ok' ? figure(o, key) : null;
  return v === null ? '-' : seconds(v);
}

function render(measured: Measured[]): string {
  const header = [
    'dataset',
    'ours load s',
    'ours profile s',
    'ours total s',
    'pandas read s',
    'pandas describe+corr s',
    'pandas total s',
    'ours/pandas',
    'quality',
  ];
  const rows = measured.map(({ dataset: d, ours, pandas, qualityText }) => [
    `${d.name} ${d.rows}x${d.cols}`,
    partCell(ours, 'load_seconds'),
    partCell(ours, 'profile_seconds'),
    timeCell(ours),
    partCell(pandas, 'read_seconds'),
    partCell(pandas, 'profile_seconds'),
    timeCell(pandas),
    ratioCell(ratio(ours, pandas)),
    qualityText,
  ]);
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j]!.length)));
  const last = header.length - 1;
  const line = (cells: string[]): string =>
    cells
      .map((c, j) => (j === last ? c : j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!)))
      .join(' | ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)];
  const notes: string[] = [];
  for (const m of measured) {
    for (const o of [m.ours, m.pandas]) {
      if (o.status !== 'ok')
        notes.push(
          `profile ${m.dataset.name} / ${o.contestant}: ${o.status}${o.reason ? `: ${o.reason}` : ''}`,
        );
    }
  }
  if (notes.length > 0) out.push('', ...notes);
  return `${out.join('\n')}\n`;
}

/**
 * Ingest + profile of a file, as `clientele profile` does it (loadTable, then profileTable, then
 * close), against pandas reading it and describing it (describe, isna, nunique, duplicated,
 * Pearson and Spearman correlations), on Online Retail and on the 371,589 x 42 snapshot.
 */
export const profileTask: Task = {
  name: 'profile',
  async run(ctx: RunContext): Promise<SectionResult> {
    const datasets = [await onlineRetail(ctx), await telcoSnapshot(ctx)];
    const measured: Measured[] = [];
    for (const d of datasets) {
      ctx.log(`[profile] ${d.name}, ${d.rows} x ${d.cols}`);
      const ours = await runOursDirect(
        ctx,
        'profile',
        ['--input', d.path],
        'ours (loadTable + profileTable)',
      );
      const pandas = await runPandasProfile(ctx, ['--input', d.path]);
      const q = quality(d, ours, pandas);
      measured.push({ dataset: d, ours, pandas, agree: q.agree, qualityText: q.text });
    }
    const pandasVersion = measured
      .map((m) => m.pandas.figures['pandas'])
      .find((v): v is string => typeof v === 'string');
    return {
      task: 'profile',
      section: true,
      heading:
        `profile: ingest + profile, seconds (ours: loadTable, profileTable, close; ` +
        `pandas${pandasVersion ? ` ${pandasVersion}` : ''}: read_csv, describe + isna + nunique + ` +
        `duplicated + corr pearson/spearman); ratio = ours total / pandas total (below 1: ours is faster)`,
      table: render(measured),
      files: datasets.map((d) => d.path),
      report: {
        title: 'ingest + profile',
        datasets: measured.map((m) => ({
          name: m.dataset.name,
          rows: m.dataset.rows,
          cols: m.dataset.cols,
          planted_duplicates: m.dataset.plantedDuplicates,
          ours: m.ours,
          pandas: m.pandas,
          ratio_ours_pandas: ratio(m.ours, m.pandas),
          rows_and_duplicates_agree: m.agree,
          quality: m.qualityText,
        })),
      },
    };
  },
};
