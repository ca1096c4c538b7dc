import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { lockFolder } from './folderLock.ts';
import { migrationProvider } from './migrations.ts';
import { PGliteDialect } from './pgliteDialect.ts';
import { openPGliteThread } from './pgliteThread.ts';
import type { Database } from './schema.ts';
import { loadSecretBox, SECRET_KEY_ENV, SecretBox, SecretKeyError } from './secretBox.ts';

/** Where the store lives: a PGlite data folder, PGlite in memory, or a PostgreSQL server. */
export type StoreOptions = (
  | ({ dataDir: string } & EmbeddedOptions)
  | ({ memory: true } & EmbeddedOptions)
  | {
      databaseUrl: string;
      /** A schema to work in (created if missing; the tests use a fresh one each). */
      schema?: string;
      /** Connections in the pool (default 10). */
      poolSize?: number;
    }
) & {
  /**
   * The key the channel secrets are sealed with (secretBox.ts). Default: CLIENTELE_SECRET_KEY;
   * without it, `<dataDir>/secret.key` (made once) for a data folder, a temporary key in memory,
   * and an error for PostgreSQL (every server and worker must share one key: give it).
   */
  secrets?: SecretBox;
};

export type StoreKind = 'pglite' | 'postgres';

export interface EmbeddedOptions {
  /**
   * Where PGlite runs: in this thread (default), or on a worker thread of its own ('worker'), so
   * the database and the HTTP server could use both cores. Measured side by side on 2 cores
   * (`npm run bench -- --only lookout`), the hand-over between threads cost more than the second
   * core gave: in-thread answered 500 paced req/s with p95 6.5 ms against 8.6 ms, and 1,016
   * req/s unthrottled against 862. The worker stays for hosts with more cores to compare.
   */
  thread?: 'worker' | 'main';
}

export interface Store {
  db: Kysely<Database>;
  kind: StoreKind;
  /** The schema the PostgreSQL store works in, when one was given. */
  schema?: string;
  /** Seals and opens the organisations' channel secrets (`putChannelSettings`, their readers). */
  secrets: SecretBox;
  /** Names of the applied migrations, oldest first. */
  migrations(): Promise<string[]>;
  close(): Promise<void>;
}

/** A store that could not be opened or migrated: says where, and what to do. */
export class StoreError extends Error {
  override name = 'StoreError';
  readonly code: 'STORE_UNREACHABLE' | 'MIGRATION_FAILED' | 'STORE_LOCKED';
  constructor(code: StoreError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

const INT8 = 20;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Opens the store and brings its tables up to date (the migrations run at every open and do
 * nothing when there is nothing new). bigint reads as a JS number on both dialects (counts,
 * row and byte totals stay far below 2^53), so `count(*)` is a number everywhere.
 *
 * @example
 * const store = await openStore({ dataDir: '.clientele/data' });   // embedded
 * const store = await openStore({ databaseUrl: process.env.DATABASE_URL! });
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  // The key first: a malformed one stops the start before anything is opened.
  const secrets = options.secrets ?? defaultSecrets(options);
  const opened: Opened = 'databaseUrl' in options ? await openPostgres(options) : await openPGlite(options);
  const migrator = new Migrator({
    db: opened.db,
    provider: migrationProvider,
    ...(opened.schema ? { migrationTableSchema: opened.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const close = async (): Promise<void> => {
    try {
      await opened.db.destroy();
    } finally {
      opened.release?.();
    }
  };
  if (error) {
    await close();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new StoreError('MIGRATION_FAILED', `migration ${failed} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return {
    db: opened.db,
    kind: opened.kind,
    ...(opened.schema ? { schema: opened.schema } : {}),
    secrets,
    migrations: async () =>
      (await migrator.getMigrations()).filter((m) => m.executedAt !== undefined).map((m) => m.name),
    close,
  };
}

function defaultSecrets(options: StoreOptions): SecretBox {
  if ('dataDir' in options) return loadSecretBox({ dir: options.dataDir })!;
  const fromEnv = loadSecretBox({});
  if (fromEnv) return fromEnv;
  if ('memory' in options) return SecretBox.temporary();
  throw new SecretKeyError(
    'NO_SECRET_KEY',
    `a PostgreSQL store needs the key its channel secrets are encrypted with, the same for every server and worker: set ${SECRET_KEY_ENV} (make one with \`openssl rand -base64 32\`)`,
  );
}

/** An open database, and for a PGlite folder the release of its lock (see folderLock.ts). */
type Opened = Pick<Store, 'db' | 'kind' | 'schema'> & { release?: () => void };

async function openPGlite(
  options: ({ dataDir: string } | { memory: true }) & EmbeddedOptions,
): Promise<Opened> {
  let release = (): void => {};
  if ('dataDir' in options) {
    mkdirSync(options.dataDir, { recursive: true });
    const lock = lockFolder(options.dataDir);
    if ('heldBy' in lock) {
      throw new StoreError(
        'STORE_LOCKED',
        `the data folder ${options.dataDir} is open in another Clientele process (pid ${lock.heldBy}); stop that one, or give another folder`,
      );
    }
    release = lock.release;
  }
  try {
    const dataDir = 'dataDir' in options ? options.dataDir : undefined;
    const pglite =
      options.thread === 'worker'
        ? await openPGliteThread(dataDir)
        : await PGlite.create(dataDir, { parsers: { [pgliteTypes.INT8]: (value: string) => Number(value) } });
    return { db: new Kysely<Database>({ dialect: new PGliteDialect(pglite) }), kind: 'pglite', release };
  } catch (err) {
    release();
    throw err;
  }
}

async function openPostgres(options: {
  databaseUrl: string;
  schema?: string;
  poolSize?: number;
}): Promise<Pick<Store, 'db' | 'kind' | 'schema'>> {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new StoreError('STORE_UNREACHABLE', `schema "${schema}" must be lower-case letters, digits and _`);
  }
  const config: pg.PoolConfig = {
    connectionString: withUser(options.databaseUrl),
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5_000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as never,
    },
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  };
  const pool = new pg.Pool(config);
  // An idle client that loses its server emits 'error'; without a listener that would end the process.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    try {
      if (schema) await client.query(`create schema if not exists ${schema}`);
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end();
    throw new StoreError(
      'STORE_UNREACHABLE',
      `cannot reach PostgreSQL at ${redact(options.databaseUrl)}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), kind: 'postgres', schema };
}

/**
 * A URL without a user name means the user running us, as for psql (pg itself looks at $USER
 * alone, which services and CI often leave unset).
 */
function withUser(url: string): string {
  try {
    const u = new URL(url);
    if (u.username !== '') return url;
    u.username = process.env['PGUSER'] || process.env['USER'] || userInfo().username;
    return u.toString();
  } catch {
    return url;
  }
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an unparsable URL)';
  }
}
