import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { adjustedRandIndex } from '@clientele/ml';
import { openDuckDB, quoteIdent, quoteLiteral } from '../duckdb.ts';
import { InputError } from '../errors.ts';
import type { RunReport } from './runReport.ts';

/** One segmentation of a run folder, as `clientele segmentations` lists it. */
export interface SegmentationSummary {
  id: string;
  name: string;
  space: 'features' | 'pca' | 'umap';
  algorithm: string;
  k: number;
  silhouette: number | null;
  silhouetteOnFeatures: number | null;
  segments: { id: number; name: string; size: number }[];
}

/** How customers move between two segmentations of a run. */
export interface SegmentationCross {
  a: string;
  b: string;
  /** Customers in segment `from` of a and segment `to` of b; non-empty cells only. */
  cells: { from: number; to: number; customers: number }[];
  /** Adjusted Rand index of the two groupings: 1 the same, about 0 no more alike than chance. */
  ari: number | null;
}

function readReport(dir: string): RunReport {
  const path = join(resolve(dir), 'run.json');
  if (!existsSync(path)) {
    throw new InputError(
      'NOT_A_RUN_FOLDER',
      `${dir} has no run.json: point at a folder written by clientele analyze --out DIR`,
    );
  }
  return JSON.parse(readFileSync(path, 'utf8')) as RunReport;
}

/** The main segmentation and the run's others, with sizes and both silhouettes. */
export function listSegmentations(dir: string): SegmentationSummary[] {
  const r = readReport(dir);
  const segs = (s: RunReport['segmentation']) =>
    s.segments.map((g) => ({ id: g.id, name: g.name, size: g.size }));
  return [
    {
      id: 'main',
      name: 'Main segmentation',
      space: 'features',
      algorithm: r.segmentation.algorithm,
      k: r.segmentation.k,
      silhouette: r.segmentation.silhouette,
      silhouetteOnFeatures: r.segmentation.silhouette,
      segments: segs(r.segmentation),
    },
    ...(r.alternatives ?? []).map((a) => ({
      id: a.id,
      name: a.name,
      space: a.space,
      algorithm: a.algorithm,
      k: a.k,
      silhouette: a.silhouette,
      silhouetteOnFeatures: a.silhouetteOnFeatures,
      segments: segs(a),
    })),
  ];
}

/**
 * The cross-table of two segmentations of a run folder ('main' or another's id), from
 * assignments.csv and segmentations.csv, and their adjusted Rand index.
 */
export async function crossSegmentations(dir: string, a: string, b: string): Promise<SegmentationCross> {
  const ids = listSegmentations(dir).map((s) => s.id);
  for (const id of [a, b]) {
    if (!ids.includes(id)) {
      throw new InputError(
        'BAD_OPTION',
        `the run has no segmentation "${id}"; it has ${ids.map((i) => `"${i}"`).join(', ')}`,
      );
    }
  }
  const csv = (name: string): string =>
    `read_csv(${quoteLiteral(join(resolve(dir), name))}, header = true, all_varchar = true)`;
  const column = (id: string): string =>
    id === 'main' ? 'CAST(a.segment AS INTEGER)' : `CAST(s.${quoteIdent(id)} AS INTEGER)`;
  const db = await openDuckDB();
  try {
    const others = a !== 'main' || b !== 'main';
    const rows = (
      await db.runAndReadAll(`
        SELECT ${column(a)} AS x, ${column(b)} AS y, count(*) AS n
        FROM ${csv('assignments.csv')} a
        ${others ? `JOIN ${csv('segmentations.csv')} s USING (customer_id)` : ''}
        GROUP BY 1, 2 ORDER BY 1, 2`)
    ).getRows();
    const cells = rows.map((r) => ({ from: Number(r[0]), to: Number(r[1]), customers: Number(r[2]) }));
    return { a, b, cells, ari: crossTableAri(cells) };
  } finally {
    db.closeSync();
  }
}

/**
 * The adjusted Rand index of two groupings given as their cross-table (one pair of labels per
 * customer in each cell), by the scikit-learn-checked `adjustedRandIndex`; null under 2 customers.
 */
export function crossTableAri(
  cells: readonly { from: number; to: number; customers: number }[],
): number | null {
  const n = cells.reduce((t, c) => t + c.customers, 0);
  if (n < 2) return null;
  const la = new Int32Array(n);
  const lb = new Int32Array(n);
  let i = 0;
  for (const c of cells) {
    la.fill(c.from, i, i + c.customers);
    lb.fill(c.to, i, i + c.customers);
    i += c.customers;
  }
  return adjustedRandIndex(la, lb);
}
