import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { failureReason, parseJsonOutput, runChild } from './child.ts';
import { BENCH_DIR } from './data.ts';

export const REPO_DIR = join(BENCH_DIR, '..');
const CLI_BIN = join(REPO_DIR, 'packages/cli/bin/clientele.js');
const PYTHON = '/usr/bin/python3';
const SKLEARN_PEER = join(BENCH_DIR, 'peers/sklearn_peer.py');
const NPM_PEER = join(BENCH_DIR, 'peers/npm_peer.ts');
const OURS_DIRECT = join(BENCH_DIR, 'peers/ours_direct.ts');
const PANDAS_PROFILE_PEER = join(BENCH_DIR, 'peers/pandas_profile_peer.py');
const GBDT_PEER = join(BENCH_DIR, 'peers/gbdt_peer.py');

export type Status = 'ok' | 'timeout' | 'not available' | 'skipped' | 'failed';

/** One contestant on one task. `seconds` is the time the contestant itself measured around the fit. */
export interface Outcome {
  contestant: string;
  status: Status;
  seconds: number | null;
  /** Wall time of the whole child process (start-up, reading the CSV, scoring, writing). */
  wallSeconds: number | null;
  /** The time limit the child ran under (for "> limit" when it was killed). */
  limitSeconds: number;
  reason: string | null;
  /** Everything the contestant printed (quality figures, versions). */
  figures: Record<string, unknown>;
}

/** What the bench knows about the Python side, found once per run. */
export interface PythonInfo {
  available: boolean;
  reason: string | null;
  versions: Record<string, string>;
}

export interface RunContext {
  quick: boolean;
  timeoutSeconds: number;
  /** Scratch folder for labels and embeddings, removed at the end. */
  workDir: string;
  python: PythonInfo;
  log: (msg: string) => void;
}

const MISSING_CODE =
  /does not provide an export|Cannot find module|ERR_MODULE_NOT_FOUND|is not a function|is not a constructor/;

async function runContestant(
  ctx: RunContext,
  contestant: string,
  command: string,
  args: string[],
): Promise<Outcome> {
  const base = { contestant, limitSeconds: ctx.timeoutSeconds, figures: {} };
  const run = await runChild(command, args, { timeoutSeconds: ctx.timeoutSeconds, cwd: REPO_DIR });
  let out: Outcome;
  if (run.timedOut) {
    out = {
      ...base,
      status: 'timeout',
      seconds: null,
      wallSeconds: run.wallSeconds,
      reason: `killed after the ${ctx.timeoutSeconds} s limit`,
    };
  } else {
    const json = parseJsonOutput(run.stdout);
    if (json && typeof json['unavailable'] === 'string') {
      out = {
        ...base,
        status: 'not available',
        seconds: null,
        wallSeconds: null,
        reason: json['unavailable'],
      };
    } else if (run.code !== 0 || !json) {
      const reason = failureReason(run);
      const status = MISSING_CODE.test(reason) ? 'not available' : 'failed';
      out = { ...base, status, seconds: null, wallSeconds: run.wallSeconds, reason };
    } else if (typeof json['seconds'] !== 'number') {
      out = {
        ...base,
        status: 'failed',
        seconds: null,
        wallSeconds: run.wallSeconds,
        reason: 'printed no "seconds"',
        figures: json,
      };
    } else {
      out = {
        ...base,
        status: 'ok',
        seconds: json['seconds'],
        wallSeconds: run.wallSeconds,
        reason: null,
        figures: json,
      };
    }
  }
  ctx.log(
    `  ${contestant}: ${out.status === 'ok' ? `${out.seconds!.toFixed(3)} s (wall ${out.wallSeconds!.toFixed(1)} s)` : `${out.status}${out.reason ? `: ${out.reason}` : ''}`}`,
  );
  return out;
}

/** Ours through the product's command line: `clientele <args> --json`. */
export function runOursCli(ctx: RunContext, args: string[]): Promise<Outcome> {
  return runContestant(ctx, 'ours (CLI)', process.execPath, [CLI_BIN, ...args, '--json']);
}

/** Ours by a direct call of a library function, in a child process (bench/peers/ours_direct.ts). */
export function runOursDirect(
  ctx: RunContext,
  task: string,
  args: string[],
  contestant = 'ours (ml call)',
): Promise<Outcome> {
  return runContestant(ctx, contestant, process.execPath, ['--import', 'tsx', OURS_DIRECT, task, ...args]);
}

/** scikit-learn through bench/peers/sklearn_peer.py; skipped when Python or sklearn is missing. */
export async function runSklearn(ctx: RunContext, task: string, args: string[]): Promise<Outcome> {
  const name = `scikit-learn ${ctx.python.versions['sklearn'] ?? ''}`.trim();
  if (!ctx.python.available) {
    ctx.log(`  ${name}: skipped: ${ctx.python.reason}`);
    return skipped(name, ctx.python.reason ?? 'python unavailable', ctx.timeoutSeconds);
  }
  return runContestant(ctx, name, PYTHON, [SKLEARN_PEER, task, ...args]);
}

/**
 * pandas through bench/peers/pandas_profile_peer.py. Needs pandas only (not scikit-learn): the
 * peer itself says "unavailable" when it cannot import it; skipped when there is no Python.
 */
export async function runPandasProfile(ctx: RunContext, args: string[]): Promise<Outcome> {
  if (!existsSync(PYTHON)) {
    ctx.log(`  pandas: skipped: ${PYTHON} not found`);
    return skipped('pandas', `${PYTHON} not found`, ctx.timeoutSeconds);
  }
  return runContestant(ctx, 'pandas', PYTHON, [PANDAS_PROFILE_PEER, ...args]);
}

/**
 * scikit-learn or XGBoost through bench/peers/gbdt_peer.py (the `gbdt` task). The peer itself
 * says "unavailable" when it cannot import its library; skipped when there is no Python.
 */
export async function runGbdtPeer(
  ctx: RunContext,
  contestant: 'sklearn' | 'xgboost',
  label: string,
  args: string[],
): Promise<Outcome> {
  if (!existsSync(PYTHON)) {
    ctx.log(`  ${label}: skipped: ${PYTHON} not found`);
    return skipped(label, `${PYTHON} not found`, ctx.timeoutSeconds);
  }
  return runContestant(ctx, label, PYTHON, [GBDT_PEER, contestant, ...args]);
}

/** Versions of python, numpy, scikit-learn and xgboost (null when one cannot be imported). */
export async function probeGbdtPeer(): Promise<Record<string, string | null>> {
  if (!existsSync(PYTHON)) return {};
  const run = await runChild(PYTHON, [GBDT_PEER, 'version'], { timeoutSeconds: 120, cwd: REPO_DIR });
  const json = parseJsonOutput(run.stdout);
  return json && typeof json['unavailable'] !== 'string' ? (json as Record<string, string | null>) : {};
}

/** An npm package, called in a child process (bench/peers/npm_peer.ts). */
export function runNpmPeer(ctx: RunContext, peer: string, task: string, args: string[]): Promise<Outcome> {
  return runContestant(ctx, peer, process.execPath, ['--import', 'tsx', NPM_PEER, task, ...args]);
}

export function skipped(contestant: string, reason: string, limitSeconds: number): Outcome {
  return {
    contestant,
    status: 'skipped',
    seconds: null,
    wallSeconds: null,
    limitSeconds,
    reason,
    figures: {},
  };
}

/** Finds /usr/bin/python3 and scikit-learn once, with their versions. */
export async function probePython(): Promise<PythonInfo> {
  if (!existsSync(PYTHON)) return { available: false, reason: `${PYTHON} not found`, versions: {} };
  const run = await runChild(PYTHON, [SKLEARN_PEER, 'version'], { timeoutSeconds: 120, cwd: REPO_DIR });
  const json = parseJsonOutput(run.stdout);
  if (json && typeof json['unavailable'] === 'string') {
    return { available: false, reason: json['unavailable'], versions: {} };
  }
  if (run.code !== 0 || !json) return { available: false, reason: failureReason(run), versions: {} };
  return { available: true, reason: null, versions: json as Record<string, string> };
}

/** A number a contestant printed, or null. */
export function figure(o: Outcome, key: string): number | null {
  const v = o.figures[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
