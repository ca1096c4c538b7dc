/**
 * `clientele serve --demo` as a child process for the browser tests: started on a free port in a
 * temporary folder (or CLIENTELE_E2E_URL, a demo server already running), signed-in API calls, and
 * waiting for the demo's runs to be published.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..', '..');
const bin = join(root, 'packages', 'cli', 'bin', 'clientele.js');
const dist = join(import.meta.dirname, '..', 'dist', 'index.html');

/** Every demo user's password. */
export const PASSWORD = 'clientele-demo';

export interface DemoServer {
  url: string;
  /** The temporary folder the server's data lives in (removed by `stop`). */
  dir: string;
  stop(): Promise<void>;
}

function spawnServe(
  dataDir: string,
  cwd: string,
  telcoRows: number,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [bin, 'serve', '--port', '0', '--data-dir', dataDir, '--demo', '--demo-telco-rows', String(telcoRows)],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve --demo did not start; stderr:\n${err}`)), 120_000);
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const url = /http:\/\/[\d.]+:\d+/.exec(out)?.[0];
      if (url && out.includes('support@demo.clientele')) {
        clearTimeout(timer);
        resolve({ child, url });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}); stderr:\n${err}`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((res) => child.once('exit', res));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts `clientele serve --demo` serving the built app (npm run build:web first), or uses
 * CLIENTELE_E2E_URL when set (while developing: restart that server after a build).
 */
export async function serveDemo(options: { telcoRows?: number } = {}): Promise<DemoServer> {
  if (!existsSync(dist)) throw new Error('packages/web/dist is missing: run `npm run build:web` first');
  const dir = mkdtempSync(join(tmpdir(), 'clientele-web-e2e-'));
  const running = process.env['CLIENTELE_E2E_URL'];
  if (running) return { url: running, dir, stop: async () => rmSync(dir, { recursive: true, force: true }) };
  try {
    const { child, url } = await spawnServe(join(dir, 'data'), dir, options.telcoRows ?? 3000);
    return {
      url,
      dir,
      stop: async () => {
        await stopChild(child);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

export interface ApiSession {
  get<T>(path: string): Promise<T>;
  /** A JSON write with the session's CSRF token. */
  send<T>(method: 'POST' | 'PUT' | 'PATCH', path: string, body?: unknown): Promise<T>;
  /** A POST of text as it is (a CSV file). */
  upload<T>(path: string, text: string, contentType?: string): Promise<T>;
}

/** Signs in through the API (not the page) to prepare or check what a test needs. */
export async function apiSession(url: string, email: string): Promise<ApiSession> {
  const res = await fetch(`${url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${email}: HTTP ${res.status} ${await res.text()}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string | null };
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('clientele_session='))!
    .split(';')[0]!;
  const call = async <T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> => {
    const headers: Record<string, string> = { cookie };
    if (method !== 'GET' && csrfToken) headers['x-clientele-csrf'] = csrfToken;
    if (body !== undefined) headers['content-type'] = contentType ?? 'application/json';
    const r = await fetch(`${url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : contentType ? (body as string) : JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`${method} ${path}: HTTP ${r.status} ${await r.text()}`);
    return (r.status === 204 ? null : await r.json()) as T;
  };
  return {
    get: (path) => call('GET', path),
    send: (method, path, body) => call(method, path, body),
    upload: (path, text, contentType = 'text/csv') => call('POST', path, text, contentType),
  };
}

/** Waits until the demo's two runs (telco snapshot, transactions) are published. */
export async function waitForDemoRuns(session: ApiSession): Promise<void> {
  for (let i = 0; ; i++) {
    const { runs } = await session.get<{ runs: { status: string }[] }>('/api/runs');
    if (runs.length === 2 && runs.every((r) => r.status === 'succeeded')) return;
    if (i > 1200) throw new Error(`the demo runs did not finish: ${JSON.stringify(runs)}`);
    await new Promise((res) => setTimeout(res, 250));
  }
}
