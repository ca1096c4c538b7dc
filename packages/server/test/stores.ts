import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, SecretBox, type Store, StoreError, type StoreKind } from '../src/store/index.ts';

/** The PostgreSQL server the suites run on (CI starts it at this address). */
export const TEST_DATABASE_URL =
  process.env['CLIENTELE_TEST_DATABASE_URL'] ?? 'postgres://127.0.0.1:5432/test';

/**
 * One store the suites run against. PGlite lives in a temporary data folder, opened once per test
 * file (its first open costs seconds); PostgreSQL works in a fresh schema of its own, created at
 * open and dropped at dispose, so test files running side by side never meet.
 */
export interface StoreTarget {
  kind: StoreKind;
  /** Opens the store (the first call creates it). */
  open(): Promise<Store>;
  /** Opens the same data again: PGlite closes the current store first; PostgreSQL opens a second pool. */
  reopen(): Promise<Store>;
  /** Closes every store opened and removes the data. */
  dispose(): Promise<void>;
}

export const STORE_KINDS: StoreKind[] = ['pglite', 'postgres'];

export function storeTarget(kind: StoreKind, url = TEST_DATABASE_URL): StoreTarget {
  return kind === 'pglite' ? pgliteTarget() : postgresTarget(url);
}

function pgliteTarget(): StoreTarget {
  const dataDir = mkdtempSync(join(tmpdir(), 'clientele-store-'));
  let current: Store | undefined;
  return {
    kind: 'pglite',
    open: async () => {
      current ??= await openStore({ dataDir });
      return current;
    },
    reopen: async () => {
      await current?.close();
      current = await openStore({ dataDir });
      return current;
    },
    dispose: async () => {
      await current?.close();
      current = undefined;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function postgresTarget(url: string): StoreTarget {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  // One key for every store opened on the schema, as servers and workers share one.
  const secrets = SecretBox.temporary();
  const opened: Store[] = [];
  const open = async (): Promise<Store> => {
    try {
      const store = await openStore({ databaseUrl: url, schema, secrets });
      opened.push(store);
      return store;
    } catch (err) {
      if (err instanceof StoreError && err.code === 'STORE_UNREACHABLE') throw unreachable(err);
      throw err;
    }
  };
  return {
    kind: 'postgres',
    open: async () => opened[0] ?? open(),
    reopen: open,
    dispose: async () => {
      const [first] = opened;
      if (first) await first.db.schema.dropSchema(schema).ifExists().cascade().execute();
      for (const store of opened.splice(0)) await store.close();
    },
  };
}

/** The PostgreSQL half fails, never skips, when the server is down, and says how to start it. */
function unreachable(err: StoreError): Error {
  return new Error(
    `${err.message}\nThe storage suite runs on PostgreSQL too; start it with ` +
      "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` (CI's .ci/run does), " +
      'or point CLIENTELE_TEST_DATABASE_URL at another server.',
    { cause: err },
  );
}
