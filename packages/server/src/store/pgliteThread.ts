import { Worker } from 'node:worker_threads';
import type { PGliteLike } from './pgliteDialect.ts';

type Answer =
  | { id: number; ok: true; rows?: unknown[]; affectedRows?: number }
  | { id: number; ok: false; error: Record<string, unknown> & { message: string } };

/** An error from the database thread, with its fields (SQLSTATE `code`, `constraint`...) kept. */
function rebuild(fields: Record<string, unknown> & { message: string }): Error {
  return Object.assign(new Error(fields.message), fields);
}

/**
 * PGlite on a thread of its own (worker_threads), `openStore({ ..., thread: 'worker' })`. The
 * WASM database and its JavaScript side are about half of each Lookout request's CPU; here they
 * run beside the HTTP server instead of queueing behind it. On 2 cores the hand-over cost more
 * than that gave (see EmbeddedOptions in openStore.ts), so it is not the default. Queries are
 * posted in order and answered in order; the dialect still hands the one connection to one user
 * at a time.
 */
export async function openPGliteThread(dataDir: string | undefined): Promise<PGliteLike> {
  const worker = new Worker(new URL('./pgliteWorker.js', import.meta.url), { workerData: { dataDir } });
  const pending = new Map<number, { resolve: (a: Answer) => void; reject: (e: Error) => void }>();
  let stopped: Error | undefined;
  const stop = (err: Error) => {
    stopped ??= err;
    for (const p of pending.values()) p.reject(stopped);
    pending.clear();
  };

  await new Promise<void>((resolve, reject) => {
    const onFirst = (m: { ready: boolean; error?: Record<string, unknown> & { message: string } }) => {
      worker.off('error', reject);
      if (m.ready) resolve();
      else {
        void worker.terminate();
        reject(rebuild(m.error ?? { message: 'the embedded database did not start' }));
      }
    };
    worker.once('message', onFirst);
    worker.once('error', reject);
  });
  worker.on('message', (a: Answer) => {
    const p = pending.get(a.id);
    if (!p) return;
    pending.delete(a.id);
    p.resolve(a);
  });
  worker.on('error', (err) =>
    stop(new Error(`the embedded database stopped: ${err.message}`, { cause: err })),
  );
  worker.on('exit', (code) => stop(new Error(`the embedded database thread exited (code ${code})`)));

  let next = 0;
  const call = (message: Record<string, unknown>): Promise<Answer> => {
    if (stopped) return Promise.reject(stopped);
    const id = next++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
    });
  };

  return {
    async query<R>(sql: string, params?: unknown[]) {
      const a = await call({ op: 'query', sql, params: params ?? [] });
      if (!a.ok) throw rebuild(a.error);
      return { rows: (a.rows ?? []) as R[], affectedRows: a.affectedRows };
    },
    async close() {
      if (stopped) return;
      const a = await call({ op: 'close' });
      if (!a.ok) throw rebuild(a.error);
      stopped = new Error('the embedded database is closed');
      await worker.terminate();
    },
  };
}
