import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import type { Matrix, Rng } from '@clientele/ml';
import { writeMatrixCsv } from './csv.ts';

/**
 * Bump when any generator below (or a size, seed or column choice) changes: every benchmark
 * CSV is then written again on the next run. Files are otherwise reused from bench/data/.
 */
export const GENERATOR_VERSION = 1;

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DATA_DIR = join(BENCH_DIR, 'data');
const MANIFEST = join(DATA_DIR, 'manifest.json');

interface ManifestEntry {
  version: number;
  files: string[];
  written: string;
  /** Fingerprint of the inputs the files were made from, when they live outside bench/ (see `sourceStamp`). */
  source?: string;
}

function readManifest(): Record<string, ManifestEntry> {
  if (!existsSync(MANIFEST)) return {};
  try {
    return JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, ManifestEntry>;
  } catch {
    return {};
  }
}

/**
 * Returns the paths of a dataset's files under bench/data/, calling `write` first when one is
 * missing or was written by another generator version. `write` gets the same paths to fill.
 * `source`, when given, is a fingerprint of inputs outside bench/ (a generator in packages/, a
 * fixture): the files are also written again when it changed, since nobody bumps
 * GENERATOR_VERSION for an edit there.
 */
export async function ensureDataset(
  key: string,
  names: string[],
  write: (paths: string[]) => Promise<void>,
  log: (msg: string) => void,
  source?: string,
): Promise<string[]> {
  await mkdir(DATA_DIR, { recursive: true });
  const paths = names.map((n) => join(DATA_DIR, n));
  const entry = readManifest()[key];
  const fresh =
    entry?.version === GENERATOR_VERSION && entry.source === source && paths.every((p) => existsSync(p));
  if (fresh) return paths;
  log(`generating ${names.join(', ')} (generator version ${GENERATOR_VERSION})`);
  const t0 = performance.now();
  await write(paths);
  const manifest = readManifest();
  manifest[key] = { version: GENERATOR_VERSION, files: names, written: new Date().toISOString(), source };
  await writeFile(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
  log(`generated ${key} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return paths;
}

/** A short fingerprint of files' bytes, for `ensureDataset`'s `source`. */
export function sourceStamp(paths: string[]): string {
  const h = createHash('sha256');
  for (const p of paths) h.update(readFileSync(p));
  return h.digest('hex').slice(0, 16);
}

/** Column-wise min-max scaling to [0, 1] (a constant column becomes 0). Returns a new matrix. */
export function minMaxScale(x: Matrix): Matrix {
  const { rows, cols } = x;
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < rows; i++) {
      const v = x.data[i * cols + j]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const span = hi - lo;
    for (let i = 0; i < rows; i++) out[i * cols + j] = span > 0 ? (x.data[i * cols + j]! - lo) / span : 0;
  }
  return { data: out, rows, cols };
}

/** Scaled values are written with 8 decimals: every contestant parses exactly these numbers. */
export const scaledFormat = (v: number): string => v.toFixed(8);

/**
 * Writes the synthetic telco snapshot of @clientele/analytics, then a second CSV with only the
 * chosen feature columns, min-max scaled. The raw file is a temporary.
 */
export async function writeScaledTelco(
  path: string,
  opts: { rows: number; seed: number; dropColumns?: string[] },
): Promise<string[]> {
  const rawPath = `${path}.raw-${process.pid}.csv`;
  try {
    const writeTelco = await loadTelcoWriter();
    await writeTelco(rawPath, { rows: opts.rows, seed: opts.seed });
    const raw = readTelcoFeatures(rawPath, opts.dropColumns ?? []);
    await writeMatrixCsv(path, raw.header, minMaxScale(raw.x), scaledFormat);
    return raw.header;
  } finally {
    await rm(rawPath, { force: true });
  }
}

type TelcoWriter = (path: string, opts: { rows: number; seed?: number }) => Promise<Int32Array>;

/**
 * The generator comes from @clientele/analytics. While that package cannot load (the ml exports
 * it needs land progressively), the same function is taken from its source file directly.
 */
async function loadTelcoWriter(): Promise<TelcoWriter> {
  try {
    return (await import('@clientele/analytics')).writeSyntheticTelcoCsv;
  } catch {
    return (await import('../../packages/analytics/src/demo/syntheticTelco.ts')).writeSyntheticTelcoCsv;
  }
}

/** The numeric feature columns of a telco CSV: every column but customer_id, segment, churn. */
function readTelcoFeatures(path: string, drop: string[]): { header: string[]; x: Matrix } {
  const lines = readFileSync(path, 'utf8').split('\n');
  const all = lines[0]!.trim().split(',');
  const keep: number[] = [];
  all.forEach((c, j) => {
    if (!['customer_id', 'segment', 'churn', ...drop].includes(c)) keep.push(j);
  });
  let rows = lines.length - 1;
  while (rows > 0 && lines[rows]!.trim() === '') rows--;
  const p = keep.length;
  const data = new Float64Array(rows * p);
  for (let i = 0; i < rows; i++) {
    const cells = lines[i + 1]!.split(',');
    for (let t = 0; t < p; t++) data[i * p + t] = Number(cells[keep[t]!]);
  }
  return { header: keep.map((j) => all[j]!), x: { data, rows, cols: p } };
}

/**
 * Gaussian blobs: each row picks a centre (equal odds), then adds N(0, sd^2) per coordinate;
 * a share `noise` of the rows is instead uniform over the box [lo, hi]^p.
 */
export function blobs(
  rng: Rng,
  rows: number,
  centers: number[][],
  opts: { sd: number[]; noise?: number; lo?: number; hi?: number },
): Matrix {
  const p = centers[0]!.length;
  const data = new Float64Array(rows * p);
  const { noise = 0, lo = 0, hi = 1 } = opts;
  for (let i = 0; i < rows; i++) {
    if (rng.next() < noise) {
      for (let j = 0; j < p; j++) data[i * p + j] = rng.uniform(lo, hi);
      continue;
    }
    const c = rng.int(centers.length);
    for (let j = 0; j < p; j++) data[i * p + j] = centers[c]![j]! + opts.sd[c]! * rng.normal();
  }
  return { data, rows, cols: p };
}

/** Columns named x0, x1, ... */
export function columnNames(p: number): string[] {
  return Array.from({ length: p }, (_, j) => `x${j}`);
}

/** The sources the telco snapshot's bytes come from: a change to one makes the cached file stale. */
export const TELCO_SNAPSHOT_SOURCES = ['telcoSnapshot.ts', 'atomicCsvFile.ts', 'randomDraws.ts'].map((f) =>
  join(BENCH_DIR, '../packages/analytics/src/demo', f),
);

type SnapshotWriter = (
  path: string,
  opts: { rows: number; seed?: number },
) => Promise<{ rows: number; duplicates: number }>;

/**
 * The 42-column telco snapshot of @clientele/analytics (`writeTelcoSnapshotCsv`), as the product
 * writes it: upper-case Spanish column names, text, dates, empty cells, planted duplicate rows.
 * Taken from the source file when the package index does not export it (yet).
 */
export async function writeTelcoSnapshot(
  path: string,
  opts: { rows: number; seed: number },
): Promise<{ rows: number; duplicates: number }> {
  let write: SnapshotWriter | undefined;
  try {
    write = (await import('@clientele/analytics')).writeTelcoSnapshotCsv;
  } catch {
    write = undefined;
  }
  write ??= (await import('../../packages/analytics/src/demo/telcoSnapshot.ts')).writeTelcoSnapshotCsv;
  return write(path, opts);
}

/**
 * The header and first `rows` lines of a CSV (gzip-compressed when the name ends in .gz), as a
 * plain CSV. Lines, not parsed records: for files without line breaks inside quoted cells (the
 * Online Retail fixture has none). Written through a temporary file.
 */
export async function writeCsvHead(source: string, path: string, rows: number): Promise<number> {
  const raw = createReadStream(source);
  const input = source.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  const parts: string[] = [];
  for await (const line of lines) {
    parts.push(`${line}\n`);
    if (parts.length > rows) break;
  }
  raw.destroy();
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, parts.join(''));
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return parts.length - 1;
}
