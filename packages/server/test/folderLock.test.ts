import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, StoreError } from '../src/store/index.ts';

describe('an embedded data folder is opened by one store at a time', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clientele-lock-'));
  const data = join(dir, 'data');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second open while the first is open, and allows it after close', async () => {
    const first = await openStore({ dataDir: data });
    expect(readFileSync(`${data}.lock`, 'utf8').trim()).toBe(String(process.pid));
    const second = await openStore({ dataDir: data }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(second).toBeInstanceOf(StoreError);
    expect((second as StoreError).code).toBe('STORE_LOCKED');
    expect((second as StoreError).message).toMatch(/is open in another Clientele process \(pid \d+\)/);
    await first.close();
    expect(existsSync(`${data}.lock`)).toBe(false);
    const again = await openStore({ dataDir: data });
    await again.close();
  }, 60_000);

  it('takes over a lock left by a process that is gone (a killed server)', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(`${data}.lock`, `${gone.stdout.toString()}\n`);
    const store = await openStore({ dataDir: data });
    expect(readFileSync(`${data}.lock`, 'utf8').trim()).toBe(String(process.pid));
    await store.close();
  }, 60_000);
});
