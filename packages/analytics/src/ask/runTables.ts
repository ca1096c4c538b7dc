import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import type { RunReport, SegmentReport } from '../pipeline/runReport.ts';

/** The tables `clientele analyze` writes as files, in the order a person reads them. */
export const FILE_TABLES = [
  'assignments',
  'scores',
  'value',
  'insiders',
  'selection',
  'segmentations',
] as const;

/** Tables made from segments.json: the segments, and each segment's statistics per feature. */
export const SEGMENT_TABLES = ['segments', 'segment_features'] as const;

export interface RunTableFile {
  name: (typeof FILE_TABLES)[number];
  /** Absolute path of the file the table reads. */
  path: string;
  format: 'parquet' | 'csv';
}

/** What a run folder holds that SQL can read. */
export interface RunFolder {
  dir: string;
  files: RunTableFile[];
  /** segments.json, when the run wrote it. */
  segments: SegmentReport[] | null;
  /** The features the segments were found on (run.json), to say so in the schema. */
  segmentFeatures: string[];
}

/**
 * Finds a run folder's tables: each of FILE_TABLES as Parquet where the run wrote it (typed, fast),
 * else as CSV (selection is CSV only); segments.json for the segment tables. A folder with none of
 * them is not a run folder, and the error says which folder to point at.
 */
export function findRunFolder(dir: string): RunFolder {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    throw new InputError(
      'FILE_NOT_FOUND',
      `${dir}: no such folder; point at a run folder written by \`clientele analyze --out DIR\``,
    );
  }
  const files: RunTableFile[] = [];
  for (const name of FILE_TABLES) {
    for (const format of ['parquet', 'csv'] as const) {
      const path = join(abs, `${name}.${format}`);
      if (existsSync(path)) {
        files.push({ name, path, format });
        break;
      }
    }
  }
  const segments = readJson<SegmentReport[]>(join(abs, 'segments.json'));
  if (files.length === 0 && segments === null) {
    throw new InputError(
      'NOT_A_RUN_FOLDER',
      `${dir} is not a run folder: it has none of assignments.parquet, scores.parquet, value.parquet, insiders.parquet, selection.csv or segments.json; point at the folder \`clientele analyze --out DIR\` wrote`,
    );
  }
  const report = readJson<RunReport>(join(abs, 'run.json'));
  return { dir: abs, files, segments, segmentFeatures: report?.segmentation?.features ?? [] };
}

function readJson<T>(path: string): T | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new InputError(
      'BAD_JSON',
      `${path} is not valid JSON (${(err as Error).message}); rerun the analysis`,
    );
  }
}
