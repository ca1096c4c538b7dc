import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './runCli.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'clientele.js');

interface Server {
  child: ChildProcess;
  url: string;
  out: () => string;
}

/** Starts `clientele serve --demo` on a free port; resolves once it printed its URL and the sign-ins. */
function serve(dataDir: string, cwd: string): Promise<Server> {
  const child = spawn(
    process.execPath,
    [bin, 'serve', '--port', '0', '--data-dir', dataDir, '--demo', '--demo-telco-rows', '1500'],
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
        resolve({ child, url, out: () => out });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}); stderr:\n${err}`));
    });
  });
}

async function signIn(url: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'data@demo.clientele', password: 'clientele-demo' }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('clientele_session='))!
    .split(';')[0]!;
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

interface RunView {
  id: string;
  datasetId: string;
  status: string;
  step: string | null;
  attempts: number;
  log?: string;
}

describe('clientele serve --demo', () => {
  const dir = tempDir('clientele-serve-demo-');
  const dataDir = join(dir, 'data');
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes the demo once; a server killed mid-run resumes the run on restart, serving the previous results meanwhile', async () => {
    const first = await serve(dataDir, dir);
    children.push(first.child);
    expect(first.out()).toMatch(/Demo organisation created; sign in with password "clientele-demo"/);
    for (const role of ['manager', 'marketing', 'data', 'support'])
      expect(first.out()).toContain(`${role}@demo.clientele`);
    let session = await signIn(first.url);
    const get = async <T>(url: string, path: string): Promise<{ status: number; body: T }> => {
      const res = await fetch(`${url}${path}`, { headers: { cookie: session.cookie } });
      return { status: res.status, body: (await res.json()) as T };
    };
    const runs = async (url: string) => (await get<{ runs: RunView[] }>(url, '/api/runs')).body.runs;
    const until = async (url: string, ok: (r: RunView[]) => boolean, what: string) => {
      for (let i = 0; i < 2400; i++) {
        const r = await runs(url);
        if (ok(r)) return r;
        await new Promise((res) => setTimeout(res, 50));
      }
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await runs(url))}`);
    };

    // The two demo runs: wait for both to be published.
    const done = await until(
      first.url,
      (r) => r.length === 2 && r.every((x) => x.status === 'succeeded'),
      'the demo runs',
    );
    const telcoDataset = (
      await get<{ datasets: { id: string; name: string }[] }>(first.url, '/api/datasets')
    ).body.datasets.find((d) => d.name.startsWith('Telco'))!.id;
    expect(done.map((r) => r.attempts)).toEqual([1, 1]);
    const v1 = await get<{ version: number; runId: string }>(
      first.url,
      `/api/datasets/${telcoDataset}/results`,
    );
    expect(v1.status).toBe(200);
    // Demo customers can be reached by the demo's campaigns: a made-up name, e-mail and phone.
    const hits = await get<{ customers: { customerId: string }[] }>(first.url, '/api/customers?q=3&limit=1');
    const card = await get<{ customer: { name: string | null; email: string | null; phone: string | null } }>(
      first.url,
      `/api/customers/${hits.body.customers[0]!.customerId}`,
    );
    expect(card.body.customer).toMatchObject({
      name: expect.stringMatching(/^\p{L}+ \p{L}+$/u),
      email: expect.stringMatching(/^customer-.+@example\.com$/),
      phone: expect.stringMatching(/^\+1555\d{7}$/),
    });

    // A new run of the telco, killed mid-run.
    const started = await fetch(`${first.url}/api/datasets/${telcoDataset}/runs`, {
      method: 'POST',
      headers: {
        cookie: session.cookie,
        'x-clientele-csrf': session.csrf,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ config: { segmentation: { algorithm: 'kmeans', k: 4 } } }),
    });
    expect(started.status).toBe(202);
    const runId = ((await started.json()) as RunView).id;
    await until(
      first.url,
      (r) => r.some((x) => x.id === runId && x.status === 'running' && x.step !== 'load'),
      'the new run to be under way',
    );
    first.child.kill('SIGKILL');
    await new Promise((res) => first.child.once('exit', res));

    // Started again: the store already has the demo; the cut run is queued again and finishes.
    const second = await serve(dataDir, dir);
    children.push(second.child);
    expect(second.out()).not.toMatch(/Demo organisation created/);
    session = await signIn(second.url);
    const meanwhile = await get<{ version: number; runId: string }>(
      second.url,
      `/api/datasets/${telcoDataset}/results`,
    );
    expect(meanwhile.status).toBe(200);
    // The cut run is analysed again from the start; until it is published the old version is served.
    expect(meanwhile.body).toEqual(v1.body);
    await until(
      second.url,
      (r) => r.some((x) => x.id === runId && x.status === 'succeeded'),
      'the resumed run',
    );
    const resumed = (await get<RunView>(second.url, `/api/runs/${runId}`)).body;
    expect(resumed.attempts).toBe(2);
    expect(resumed.log).toMatch(/the server stopped during step \w+; queued again/);
    const v2 = await get<{ version: number; runId: string }>(
      second.url,
      `/api/datasets/${telcoDataset}/results`,
    );
    expect(v2.body).toMatchObject({ version: v1.body.version + 1, runId });
    second.child.kill('SIGTERM');
    await new Promise((res) => second.child.once('exit', res));
  }, 600_000);
});
