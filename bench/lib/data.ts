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
 * chosen feature columns, min-max scaled (`unscaled`: the generator's numbers as they are, for a
 * task whose contestants transform and scale themselves). The raw file is a temporary.
 */
export async function writeScaledTelco(
  path: string,
  opts: { rows: number; seed: number; dropColumns?: string[]; unscaled?: boolean },
): Promise<string[]> {
  const rawPath = `${path}.raw-${process.pid}.csv`;
  try {
    const writeTelco = await loadTelcoWriter();
    await writeTelco(rawPath, { rows: opts.rows, seed: opts.seed });
    const raw = readTelcoFeatures(rawPath, opts.dropColumns ?? []);
    if (opts.unscaled) await writeMatrixCsv(path, raw.header, raw.x);
    else await writeMatrixCsv(path, raw.header, minMaxScale(raw.x), scaledFormat);
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

/**
 * The telco snapshot of `rows` rows (seed 1) in bench/data/, written on first use and shared by
 * the tasks that read it (`profile` times reading it; `gbdt` encodes it). Returns the CSV's path
 * and the number of duplicate rows the generator planted.
 */
export async function ensureTelcoSnapshot(
  rows: number,
  log: (msg: string) => void,
): Promise<{ path: string; duplicates: number }> {
  const cols = 42;
  const [path, truth] = await ensureDataset(
    `profile-telco-snapshot-${rows}`,
    [`telco-snapshot-${rows}x${cols}.csv`, `telco-snapshot-${rows}x${cols}.json`],
    async ([p, t]) => {
      const r = await writeTelcoSnapshot(p!, { rows, seed: 1 });
      await writeFile(t!, `${JSON.stringify({ rows: r.rows, duplicates: r.duplicates, seed: 1 })}\n`);
    },
    log,
    sourceStamp(TELCO_SNAPSHOT_SOURCES),
  );
  const planted = JSON.parse(readFileSync(truth!, 'utf8')) as { duplicates: number };
  return { path: path!, duplicates: planted.duplicates };
}

/**
 * The sidecar of an encoded model matrix (`writeEncodedSnapshot`, `writeSplitFixture`): which
 * columns are features, which of them are categorical codes, the target and the split column.
 */
export interface EncodedMeta {
  source: string;
  rows: number;
  features: string[];
  /** Indices into `features` of the integer-coded categorical columns. */
  categorical: number[];
  target: string;
  /** 1 = test row, 0 = train row: a stratified 80/20 split (`stratifiedSplit(y, 0.2, seed)`). */
  testColumn: string;
  splitSeed: number;
  trainRows: number;
  testRows: number;
  /** The levels of each coded text column, in code order (code = position). */
  levels?: Record<string, string[]>;
  /** Columns left out, and why. */
  dropped?: Record<string, string>;
  /** Date columns written as days since 1970-01-01. */
  dates?: string[];
  /** Blank (missing) cells per feature, when any. */
  blanks?: Record<string, number>;
}

export const GBDT_TEST_COLUMN = '__test';

/** The 0/1 test-row flag of a stratified split of y (ours, seeded: the same rows for everybody). */
async function testFlags(y: ArrayLike<number>, seed: number): Promise<Uint8Array> {
  const { stratifiedSplit } = await import('@clientele/ml');
  const { test } = stratifiedSplit(y, 0.2, seed);
  const flags = new Uint8Array(y.length);
  for (const i of test) flags[i] = 1;
  return flags;
}

async function writeText(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * An already encoded fixture (numbers, blanks = missing, target last; the IBM Telco matrix of
 * packages/ml/test/fixtures) copied with a `__test` column appended, and its sidecar.
 */
export async function writeSplitFixture(
  source: string,
  opts: { target: string; categorical: number[]; seed: number },
  csvPath: string,
  metaPath: string,
): Promise<EncodedMeta> {
  const lines = readFileSync(source, 'utf8').split('\n');
  while (lines.length > 0 && lines.at(-1)!.trim() === '') lines.pop();
  const header = lines[0]!.trim().split(',');
  const t = header.indexOf(opts.target);
  if (t < 0) throw new Error(`${source}: no column ${opts.target}`);
  const rows = lines.length - 1;
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) y[i] = Number(lines[i + 1]!.trim().split(',')[t]);
  const flags = await testFlags(y, opts.seed);
  const out: string[] = [`${[...header, GBDT_TEST_COLUMN].join(',')}\n`];
  for (let i = 0; i < rows; i++) out.push(`${lines[i + 1]!.trim()},${flags[i]}\n`);
  await writeText(csvPath, out.join(''));
  const nTest = flags.reduce((s, v) => s + v, 0);
  const meta: EncodedMeta = {
    source,
    rows,
    features: header.filter((_, j) => j !== t),
    categorical: opts.categorical,
    target: opts.target,
    testColumn: GBDT_TEST_COLUMN,
    splitSeed: opts.seed,
    trainRows: rows - nTest,
    testRows: nTest,
  };
  await writeText(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
  return meta;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The telco snapshot as a model matrix every contestant reads the same way: target CHURN (0/1,
 * last but one), IMEI dropped (an identifier), FECHA_ACTIVACION (and any column of ISO dates) as
 * days since 1970-01-01, every other text column as integer codes in order of first appearance
 * (categorical, listed in the sidecar), numbers as written, blank cells left blank (= missing),
 * then `__test` (stratified 80/20 split, seeded). The snapshot has no quoted cells: the lines are
 * split on commas (checked).
 */
export async function writeEncodedSnapshot(
  source: string,
  opts: { seed: number },
  csvPath: string,
  metaPath: string,
): Promise<EncodedMeta> {
  const target = 'CHURN';
  const dropped: Record<string, string> = { IMEI: 'identifier' };
  const lines = readFileSync(source, 'utf8').split('\n');
  while (lines.length > 0 && lines.at(-1)!.trim() === '') lines.pop();
  const header = lines[0]!.trim().split(',');
  const rows = lines.length - 1;
  const cells: string[][] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    const line = lines[i + 1]!.replace(/\r$/, '');
    if (line.includes('"'))
      throw new Error(`${source}: line ${i + 2} has a quoted cell; the encoder splits on commas`);
    const c = line.split(',');
    if (c.length !== header.length)
      throw new Error(`${source}: line ${i + 2} has ${c.length} cells, not ${header.length}`);
    cells[i] = c;
  }
  const t = header.indexOf(target);
  if (t < 0) throw new Error(`${source}: no column ${target}`);
  const keep = header.map((_, j) => j).filter((j) => j !== t && !(header[j]! in dropped));
  type Kind = 'number' | 'date' | 'text';
  const kinds: Kind[] = keep.map((j) => {
    let kind: Kind = 'number';
    let seen = false;
    for (let i = 0; i < rows; i++) {
      const v = cells[i]![j]!;
      if (v === '') continue;
      const isNum = Number.isFinite(Number(v));
      const isDate = ISO_DATE.test(v);
      if (!seen) kind = isNum ? 'number' : isDate ? 'date' : 'text';
      else if ((kind === 'number' && !isNum) || (kind === 'date' && !isDate)) kind = 'text';
      seen = true;
      if (kind === 'text') break;
    }
    return kind;
  });
  const levels: Record<string, string[]> = {};
  const codeMaps = kinds.map((k) => (k === 'text' ? new Map<string, number>() : null));
  const blanks: Record<string, number> = {};
  const y = new Int32Array(rows);
  const out: string[][] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    const row = cells[i]!;
    const yv = Number(row[t]);
    if (yv !== 0 && yv !== 1)
      throw new Error(`${source}: line ${i + 2}: ${target} is "${row[t]}", not 0 or 1`);
    y[i] = yv;
    const o: string[] = new Array(keep.length + 1);
    for (let f = 0; f < keep.length; f++) {
      const v = row[keep[f]!]!;
      if (v === '') {
        o[f] = '';
        const name = header[keep[f]!]!;
        blanks[name] = (blanks[name] ?? 0) + 1;
      } else if (kinds[f] === 'date') {
        o[f] = String(Math.round(Date.parse(`${v}T00:00:00Z`) / 86_400_000));
      } else if (kinds[f] === 'text') {
        const m = codeMaps[f]!;
        let code = m.get(v);
        if (code === undefined) {
          code = m.size;
          m.set(v, code);
        }
        o[f] = String(code);
      } else o[f] = v;
    }
    o[keep.length] = String(yv);
    out[i] = o;
  }
  const flags = await testFlags(y, opts.seed);
  const features = keep.map((j) => header[j]!);
  const parts: string[] = [`${[...features, target, GBDT_TEST_COLUMN].join(',')}\n`];
  for (let i = 0; i < rows; i++) parts.push(`${out[i]!.join(',')},${flags[i]}\n`);
  await writeText(csvPath, parts.join(''));
  const categorical: number[] = [];
  kinds.forEach((k, f) => {
    if (k !== 'text') return;
    const m = codeMaps[f]!;
    levels[features[f]!] = [...m.keys()];
    // 254 codes at most: scikit-learn (max_bins 255) refuses more, ours bins one code per bin.
    if (m.size <= 254) categorical.push(f);
    else dropped[`${features[f]!} (as categorical)`] = `${m.size} levels: kept as plain codes`;
  });
  const nTest = flags.reduce((s, v) => s + v, 0);
  const meta: EncodedMeta = {
    source,
    rows,
    features,
    categorical,
    target,
    testColumn: GBDT_TEST_COLUMN,
    splitSeed: opts.seed,
    trainRows: rows - nTest,
    testRows: nTest,
    levels,
    dropped,
    dates: features.filter((_, f) => kinds[f] === 'date'),
    blanks,
  };
  await writeText(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
  return meta;
}

const ONLINE_RETAIL = join(BENCH_DIR, '..', 'packages/analytics/test/fixtures/online_retail.csv.gz');
const ONLINE_RETAIL_ROWS = 541_909;

/**
 * The real Online Retail file, gzip as committed; quick: its first tenth as plain CSV, written
 * once to bench/data. Shared by the `profile` and `analyze` tasks.
 */
export async function onlineRetailFile(
  quick: boolean,
  log: (msg: string) => void,
): Promise<{ name: string; path: string; rows: number }> {
  if (!quick) return { name: 'online_retail.csv.gz', path: ONLINE_RETAIL, rows: ONLINE_RETAIL_ROWS };
  const rows = Math.ceil(ONLINE_RETAIL_ROWS / 10);
  const [path] = await ensureDataset(
    `profile-online-retail-${rows}`,
    [`online_retail-head${rows}.csv`],
    async ([p]) => {
      const written = await writeCsvHead(ONLINE_RETAIL, p!, rows);
      if (written !== rows) throw new Error(`${ONLINE_RETAIL} has ${written} rows, fewer than ${rows}`);
    },
    log,
    sourceStamp([ONLINE_RETAIL]),
  );
  return { name: 'online_retail head', path: path!, rows };
}
