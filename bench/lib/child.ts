import { spawn } from 'node:child_process';

/** What a contestant's child process did. */
export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  wallSeconds: number;
  timedOut: boolean;
  /** Set when the process could not start at all (e.g. no such executable). */
  spawnError?: string;
}

/**
 * Runs one command to completion, killed (SIGKILL, this child only) after `timeoutSeconds`.
 * Contestants run one at a time, so they never compete for the cores.
 */
export function runChild(
  command: string,
  args: string[],
  opts: { timeoutSeconds: number; cwd: string },
): Promise<ChildRun> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(command, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let spawnError: string | undefined;
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      // Keep the tail only: a progress bar could otherwise grow this without bound.
      stderr = (stderr + s).slice(-20_000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutSeconds * 1000);
    child.on('error', (err) => {
      spawnError = err.message;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout,
        stderr,
        wallSeconds: (performance.now() - t0) / 1000,
        timedOut,
        spawnError,
      });
    });
  });
}

/** The JSON a contestant printed: the whole stdout (the CLI pretty-prints), else its last JSON line. */
export function parseJsonOutput(stdout: string): Record<string, unknown> | null {
  const text = stdout.trim();
  if (text === '') return null;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    const last = text
      .split('\n')
      .reverse()
      .find((l) => l.trim().startsWith('{'));
    if (!last) return null;
    try {
      return JSON.parse(last) as Record<string, unknown>;
    } catch {
      return null;
    }
  }
}

/** One readable line saying why a child failed: its error line if it printed one. */
export function failureReason(run: ChildRun): string {
  if (run.spawnError) return run.spawnError;
  const lines = run.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const errorLine = lines.find((l) =>
    /^(\w*Error\b|clientele:|sklearn_peer:|gbdt_peer:|pandas_profile_peer:|npm_peer:|ours_direct:)/.test(l),
  );
  const line = errorLine ?? lines.at(-1);
  return line ? line.slice(0, 300) : `exit code ${run.code}`;
}
