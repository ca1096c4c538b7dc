import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseJsonOutput } from '../lib/child.ts';
import { REPO_DIR, type RunContext } from '../lib/contestants.ts';
import { ensureTelcoSnapshot, onlineRetailFile } from '../lib/data.ts';
import { seconds } from '../lib/table.ts';
import type { SectionResult, Task } from '../lib/task.ts';

const CLI_BIN = join(REPO_DIR, 'packages/cli/bin/clientele.js');
const TIME = '/usr/bin/time';
const SNAPSHOT_ROWS = 371_589;
const SNAPSHOT_COLS = 42;
/** The issue's aim for the full snapshot, on 2 cores. */
const AIM_SECONDS = 60;
const AIM_MB = 2048;
/** The steps of a run in their order (manifest.json `timings`); `churn` or `value` by the kind. */
const STEPS = [
  'load',
  'profile',
  'clean',
  'features',
  'segments',
  'describe',
  'views',
  'churn|value',
  'write',
];

interface Dataset {
  name: string;
  path: string;
  rows: number;
  cols: number;
  /** The full telco snapshot: the one the aim is about. */
  aimed: boolean;
}

/** Online Retail as committed (gzip); --quick: its first tenth as plain CSV (the file `profile` uses too). */
async function onlineRetail(ctx: RunContext): Promise<Dataset> {
  return { cols: 8, aimed: false, ...(await onlineRetailFile(ctx.quick, ctx.log)) };
}

/** The 42-column telco snapshot, seed 1 (shared with `profile` and `gbdt`); --quick: a tenth. */
async function telcoSnapshot(ctx: RunContext): Promise<Dataset> {
  const rows = ctx.quick ? Math.round(SNAPSHOT_ROWS / 10) : SNAPSHOT_ROWS;
  const { path } = await ensureTelcoSnapshot(rows, ctx.log);
  return { name: 'telco snapshot', path, rows, cols: SNAPSHOT_COLS, aimed: !ctx.quick };
}

/** What one `clientele analyze` process did. */
interface Measured {
  dataset: Dataset;
  status: 'ok' | 'timeout' | 'failed';
  reason: string | null;
  wallSeconds: number | null;
  /** The `seconds` the CLI printed: from the call of analyze() to its return. */
  cliSeconds: number | null;
  /** User + system CPU seconds of the process (from /usr/bin/time). */
  cpuSeconds: number | null;
  peakRssMb: number | null;
  /** manifest.json `timings`, seconds per step. */
  timings: Record<string, number>;
  summary: Record<string, unknown> | null;
  /** The step a failed run stopped at (its FAILED.json). */
  failedStep?: string;
}

/** The figures `/usr/bin/time -v` appends to stderr. */
function parseTimeV(stderr: string): { wall: number | null; cpu: number | null; rssKb: number | null } {
  const num = (re: RegExp): number | null => {
    const m = re.exec(stderr);
    return m ? Number(m[1]) : null;
  };
  const user = num(/User time \(seconds\): ([\d.]+)/);
  const sys = num(/System time \(seconds\): ([\d.]+)/);
  const clock = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/.exec(stderr)?.[1];
  const wall = clock ? clock.split(':').reduce((a, part) => a * 60 + Number(part), 0) : null;
  return {
    wall,
    cpu: user === null || sys === null ? null : user + sys,
    rssKb: num(/Maximum resident set size \(kbytes\): (\d+)/),
  };
}

/**
 * Runs `clientele analyze --json` under `/usr/bin/time -v` in its own process group, so that a run
 * past the time limit is killed with everything it started (time, node and DuckDB's threads).
 */
function runTimed(
  args: string[],
  timeoutSeconds: number,
): Promise<{ code: number | null; stdout: string; stderr: string; wall: number; timedOut: boolean }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(TIME, ['-v', process.execPath, CLI_BIN, ...args], {
      cwd: REPO_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr = (stderr + s).slice(-20_000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutSeconds * 1000);
    child.on('error', (err) => {
      stderr += `\n${err.message}`;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, wall: (performance.now() - t0) / 1000, timedOut });
    });
  });
}

async function measure(ctx: RunContext, d: Dataset, i: number): Promise<Measured> {
  const out = join(ctx.workDir, `analyze-${i}`);
  const base = { dataset: d, timings: {}, summary: null, cliSeconds: null, cpuSeconds: null };
  const run = await runTimed(['analyze', '--input', d.path, '--out', out, '--json'], ctx.timeoutSeconds);
  const time = parseTimeV(run.stderr);
  const wallSeconds = time.wall ?? run.wall;
  const peakRssMb = time.rssKb === null ? null : time.rssKb / 1024;
  let m: Measured;
  if (run.timedOut) {
    m = {
      ...base,
      status: 'timeout',
      reason: `killed after the ${ctx.timeoutSeconds} s limit`,
      wallSeconds: run.wall,
      peakRssMb: null,
    };
  } else {
    const json = parseJsonOutput(run.stdout);
    if (run.code !== 0 || !json) {
      const line = run.stderr
        .split('\n')
        .find((l) => l.startsWith('clientele:') || /Error/.test(l))
        ?.trim();
      m = {
        ...base,
        status: 'failed',
        reason: line ?? `exit code ${run.code}`,
        wallSeconds,
        peakRssMb,
        cpuSeconds: time.cpu,
      };
    } else {
      const manifest = join(out, 'manifest.json');
      const timings = existsSync(manifest)
        ? (JSON.parse(readFileSync(manifest, 'utf8')).timings as Record<string, number>)
        : {};
      m = {
        dataset: d,
        status: 'ok',
        reason: null,
        wallSeconds,
        cliSeconds: typeof json['seconds'] === 'number' ? json['seconds'] : null,
        cpuSeconds: time.cpu,
        peakRssMb,
        timings,
        summary: json,
      };
    }
  }
  // A failed run leaves <out>.failed/FAILED.json with the step it failed at.
  const failed = join(`${out}.failed`, 'FAILED.json');
  if (m.status === 'failed' && existsSync(failed))
    m.failedStep = String(JSON.parse(readFileSync(failed, 'utf8')).step);
  await rm(out, { recursive: true, force: true });
  await rm(`${out}.failed`, { recursive: true, force: true });
  ctx.log(
    m.status === 'ok'
      ? `  wall ${wallSeconds.toFixed(1)} s, peak RSS ${peakRssMb?.toFixed(0) ?? '?'} MB; steps ${JSON.stringify(m.timings)}`
      : `  ${m.status}: ${m.reason}`,
  );
  return m;
}

function stepSeconds(m: Measured, step: string): number | null {
  if (step === 'churn|value') return m.timings['churn'] ?? m.timings['value'] ?? null;
  return m.timings[step] ?? null;
}

/** k, silhouette, and AUC (a snapshot) or the Insiders (a transaction log), from the CLI's JSON. */
function resultText(m: Measured): string {
  if (m.status !== 'ok' || !m.summary) return m.failedStep ? `${m.status} at step ${m.failedStep}` : m.status;
  const s = m.summary as {
    segments?: { algorithm?: string; k?: number; silhouette?: number | null };
    churn?: { auc?: number } | null;
    insiders?: { count?: number; customer_share?: number; revenue_share?: number } | null;
  };
  const parts = [
    `${s.segments?.algorithm ?? '?'} k=${s.segments?.k ?? '?'}`,
    `silhouette ${typeof s.segments?.silhouette === 'number' ? s.segments.silhouette.toFixed(3) : '-'}`,
  ];
  if (s.churn?.auc !== undefined) parts.push(`AUC ${s.churn.auc.toFixed(3)}`);
  if (s.insiders) {
    parts.push(
      `Insiders ${s.insiders.count} (${(100 * (s.insiders.customer_share ?? 0)).toFixed(1)}% of customers, ` +
        `${(100 * (s.insiders.revenue_share ?? 0)).toFixed(1)}% of revenue)`,
    );
  }
  return parts.join(', ');
}

/** Whether the full snapshot met the aim, and the step that took longest. */
function aimText(m: Measured): string {
  const aim = `aim: ${m.dataset.rows.toLocaleString('en-US')} x ${m.dataset.cols} in < ${AIM_SECONDS} s and < 2 GB on 2 cores`;
  if (m.status !== 'ok') return `${aim}: not measured (${m.status}${m.reason ? `: ${m.reason}` : ''})`;
  const fast = m.wallSeconds !== null && m.wallSeconds < AIM_SECONDS;
  const small = m.peakRssMb !== null && m.peakRssMb < AIM_MB;
  const total = Object.values(m.timings).reduce((a, b) => a + b, 0);
  const ranked = Object.entries(m.timings).sort((a, b) => b[1] - a[1]);
  const top = ranked
    .slice(0, 3)
    .map(([k, v]) => `${k} ${seconds(v)} s (${((100 * v) / total).toFixed(0)}%)`)
    .join(', ');
  return (
    `${aim}: ${fast && small ? 'MET' : 'MISSED'} (wall ${seconds(m.wallSeconds!)} s, ` +
    `peak RSS ${m.peakRssMb?.toFixed(0) ?? '?'} MB); longest steps ${top} of ${seconds(total)} s in steps`
  );
}

function render(measured: Measured[], cores: number, load: number[]): string {
  const header = [
    'dataset',
    'rows x cols',
    'wall s',
    'cpu s',
    'peak RSS MB',
    ...STEPS.map((s) => `${s} s`),
    'result',
  ];
  const cell = (v: number | null): string => (v === null ? '-' : seconds(v));
  const rows = measured.map((m) => [
    m.dataset.name,
    `${m.dataset.rows}x${m.dataset.cols}`,
    m.status === 'timeout' ? `> ${m.wallSeconds?.toFixed(0)} s` : cell(m.wallSeconds),
    cell(m.cpuSeconds),
    m.peakRssMb === null ? '-' : m.peakRssMb.toFixed(0),
    ...STEPS.map((s) => cell(stepSeconds(m, s))),
    resultText(m),
  ]);
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j]!.length)));
  const last = header.length - 1;
  const line = (cells: string[]): string =>
    cells
      .map((c, j) => (j === last ? c : j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!)))
      .join(' | ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)];
  const notes: string[] = [];
  for (const m of measured) if (m.dataset.aimed) notes.push(aimText(m));
  for (const m of measured) {
    if (m.status !== 'ok') notes.push(`analyze ${m.dataset.name}: ${m.status}: ${m.reason}`);
    else if (m.peakRssMb === null)
      notes.push(`analyze ${m.dataset.name}: no peak RSS (${TIME} -v gave none)`);
  }
  notes.push(
    `${cores} cores; load average at the start ${load.map((l) => l.toFixed(2)).join(' ')} (most of a run is single-threaded JavaScript, DuckDB's steps use every core: cpu s well below wall s means the run waited for a busy machine)`,
  );
  return `${out.join('\n')}\n\n${notes.join('\n')}\n`;
}

/**
 * The whole `clientele analyze` as a user runs it (a child process, Node start-up included) on the
 * full telco snapshot and on Online Retail: wall time, CPU time and peak memory from
 * `/usr/bin/time -v`, and the seconds of each step from the run's manifest.json. Nothing else does
 * this job, so there is no peer: the figures are read against the issue's aim.
 */
export const analyzeTask: Task = {
  name: 'analyze',
  async run(ctx: RunContext): Promise<SectionResult> {
    if (!existsSync(TIME)) {
      throw new Error(`analyze: ${TIME} is missing (apt-get install time): it measures the peak memory`);
    }
    const datasets = [await telcoSnapshot(ctx), await onlineRetail(ctx)];
    const cores = availableParallelism();
    const load = loadavg();
    const measured: Measured[] = [];
    for (const [i, d] of datasets.entries()) {
      ctx.log(`[analyze] ${d.name}, ${d.rows} x ${d.cols}`);
      measured.push(await measure(ctx, d, i));
    }
    return {
      task: 'analyze',
      section: true,
      heading:
        '`clientele analyze --input F --out DIR --json` in a child process under /usr/bin/time -v ' +
        '(wall and peak RSS of the whole process, Node start-up and report.html included; cpu = user + ' +
        "system); step seconds from the run folder's manifest.json; no peer",
      table: render(measured, cores, load),
      files: datasets.map((d) => d.path),
      report: {
        title: 'analyze: the whole run, wall time and peak memory',
        aim: {
          dataset: `telco snapshot ${SNAPSHOT_ROWS}x${SNAPSHOT_COLS}`,
          seconds: AIM_SECONDS,
          mb: AIM_MB,
        },
        cores,
        load_average_start: load,
        datasets: measured.map((m) => ({
          name: m.dataset.name,
          rows: m.dataset.rows,
          cols: m.dataset.cols,
          status: m.status,
          reason: m.reason,
          wall_seconds: m.wallSeconds,
          cli_seconds: m.cliSeconds,
          cpu_seconds: m.cpuSeconds,
          peak_rss_mb: m.peakRssMb,
          timings: m.timings,
          result: m.summary && {
            kind: m.summary['kind'],
            segments: m.summary['segments'],
            churn: m.summary['churn'],
            insiders: m.summary['insiders'],
          },
          aim_met:
            m.dataset.aimed && m.status === 'ok'
              ? (m.wallSeconds ?? Infinity) < AIM_SECONDS && (m.peakRssMb ?? Infinity) < AIM_MB
              : null,
        })),
      },
    };
  },
};
