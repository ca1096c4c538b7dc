import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { PythonInfo } from './contestants.ts';

function git(args: string[], cwd: string): string | null {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** What the figures were measured on: they change with the machine, so they travel together. */
export function machineInfo(python: PythonInfo, repoDir: string): Record<string, unknown> {
  const cpus = os.cpus();
  const env: Record<string, string> = {};
  for (const k of ['OPENBLAS_CORETYPE', 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS']) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  const status = git(['status', '--porcelain'], repoDir);
  return {
    cpu_model: cpus[0]?.model ?? null,
    logical_cpus: cpus.length,
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    /** Over 1, 5 and 15 minutes, at the end of the run: other work on the machine slows a contestant. */
    load_average: os.loadavg().map((v) => Number(v.toFixed(2))),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    python: python.versions['python'] ?? null,
    numpy: python.versions['numpy'] ?? null,
    sklearn: python.versions['sklearn'] ?? null,
    python_note: python.available ? null : python.reason,
    thread_env: env,
    git_commit: git(['rev-parse', 'HEAD'], repoDir),
    git_uncommitted_changes: status === null ? null : status !== '',
  };
}
