import type { Outcome, RunContext } from './contestants.ts';

export const TASK_NAMES = [
  'kmeans',
  'ward',
  'silhouette',
  'dbscan',
  'umap',
  'segmentations',
  'profile',
  'gbdt',
  'clv',
  'analyze',
  'lookout',
  'web',
] as const;
export type TaskName = (typeof TASK_NAMES)[number];

/** Everything one task measured: the three contestants on the same CSV, and the quality check. */
export interface TaskResult {
  task: TaskName;
  /** What was run, e.g. "k-means k=4 n_init=10". */
  title: string;
  rows: number;
  cols: number;
  params: Record<string, number | string>;
  files: string[];
  ours: Outcome;
  sklearn: Outcome;
  /** The npm package run on the same data, or null when none does this job. */
  peer: Outcome | null;
  /** Quality figures by name (null when one side has none). */
  quality: Record<string, number | null>;
  /** The same, short, for the table. */
  qualityText: string;
  /** Why a quality figure is missing, if it is. */
  qualityNotes: string[];
}

/**
 * A task whose figures do not fit the common columns (several datasets, timings in parts, pandas
 * rather than scikit-learn): it renders its own table, printed after the common one.
 */
export interface SectionResult {
  task: TaskName;
  section: true;
  /** What the table shows, one line (run.ts puts it under "Clientele bench: "). */
  heading: string;
  /** The rendered table, with its notes. */
  table: string;
  files: string[];
  /** Everything measured, for results/latest.json. */
  report: Record<string, unknown>;
}

export interface Task {
  name: TaskName;
  run(ctx: RunContext): Promise<TaskResult | SectionResult>;
}

/** A number for the quality column: 6 significant digits, no exponent for ordinary sizes. */
export function num(v: number | null, digits = 6): string {
  if (v === null) return 'n/a';
  if (v !== 0 && (Math.abs(v) >= 1e9 || Math.abs(v) < 1e-4)) return v.toExponential(2);
  return String(Number(v.toPrecision(digits)));
}
