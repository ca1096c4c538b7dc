import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliRunner, tempDir } from './runCli.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'clientele.js');

/** Resolves with the first stdout line that holds the server's URL. */
function urlOf(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => reject(new Error(`no URL within ${timeoutMs} ms; stderr:\n${err}`)),
      timeoutMs,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /http:\/\/[\d.]+:\d+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}) before listening; stderr:\n${err}`));
    });
  });
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('clientele serve', () => {
  const dir = tempDir('clientele-serve-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves /api/health over HTTP on 127.0.0.1 and stops with exit 0 on SIGTERM', async () => {
    const dataDir = join(dir, 'data');
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', dataDir], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await urlOf(child, 60_000);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${url}/api/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        ok: true,
        store: 'pglite',
        migrations: expect.arrayContaining(['0001_initial']),
      });
      const missing = await fetch(`${url}/api/nope`);
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
      expect(existsSync(dataDir)).toBe(true);
      const exited = exitOf(child);
      child.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses two stores at once, and names --demo in its help', async () => {
    const run = cliRunner(dir);
    const both = await run('serve', '--data-dir', 'x', '--database-url', 'postgres://127.0.0.1/test');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--data-dir and --database-url/);
    const help = await run('serve', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--port/);
    expect(help.stdout).toMatch(/--demo/);
  });
});
