import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { UsageError } from '../errors.ts';
import { parseIntOption } from '../options.ts';

interface ServeFlags {
  port: number;
  dataDir?: string;
  databaseUrl?: string;
  filesDir?: string;
  demo?: boolean;
  demoTelcoRows?: number;
  publicUrl?: string;
}

const DEFAULT_DATA_DIR = '.clientele/data';
/** Uploaded files with PostgreSQL as the store (with the embedded one: <data-dir>/files). */
const DEFAULT_FILES_DIR = '.clientele/files';
const HOST = '127.0.0.1';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'the platform server: the HTTP API on 127.0.0.1 over the store (embedded PGlite in a data folder, or PostgreSQL)',
    )
    .option(
      '--port <n>',
      'port to listen on, on 127.0.0.1 (0: any free port)',
      parseIntOption('port', 0),
      3000,
    )
    .option('--data-dir <folder>', `the embedded store's folder (default ${DEFAULT_DATA_DIR})`)
    .option(
      '--database-url <url>',
      'a PostgreSQL server instead of the embedded store (default: $DATABASE_URL if set)',
    )
    .option(
      '--files-dir <folder>',
      `where uploaded datasets are kept (default: <data-dir>/files with the embedded store, ${DEFAULT_FILES_DIR} with PostgreSQL)`,
    )
    .option(
      '--public-url <url>',
      'where providers and recipients reach this server (Twilio status callbacks, unsubscribe links); default: the address it listens on',
    )
    .option(
      '--demo',
      'a demo organisation (made once): a user for each role, the synthetic telco snapshot and transaction log analysed in the background',
    )
    // Tests make a smaller demo; people get the default.
    .addOption(
      new Option('--demo-telco-rows <n>').argParser(parseIntOption('demo-telco-rows', 100)).hideHelp(),
    )
    .addHelpText('after', '\nStops cleanly on Ctrl-C (SIGINT) or SIGTERM.')
    .action(async (flags: ServeFlags) => runServe(flags));
}

async function runServe(flags: ServeFlags): Promise<void> {
  if (flags.port > 65_535) throw new UsageError(`--port must be at most 65535, got ${flags.port}`);
  if (flags.dataDir !== undefined && flags.databaseUrl !== undefined) {
    throw new UsageError('--data-dir and --database-url are two different stores: give one of them');
  }
  const databaseUrl =
    flags.databaseUrl ?? (flags.dataDir === undefined ? process.env['DATABASE_URL'] : undefined);
  // Loaded here, not at the top: the server's dependencies would slow every other command's start.
  const {
    buildApp,
    openStore,
    redact,
    runJobs,
    sendJobs,
    seedDemo,
    loadSecretBox,
    DEMO_PASSWORD,
    DEMO_USERS,
    SecretKeyError,
    StoreError,
  } = await import('@clientele/server');

  const where = databaseUrl
    ? `PostgreSQL at ${redact(databaseUrl)}`
    : `PGlite in ${flags.dataDir ?? DEFAULT_DATA_DIR}`;
  process.stderr.write(`clientele serve: opening the store (${where})\n`);
  let store: Awaited<ReturnType<typeof openStore>>;
  try {
    // The channel secrets' key: CLIENTELE_SECRET_KEY, else <data-dir>/secret.key (with PostgreSQL, the default data folder's).
    store = await openStore(
      databaseUrl
        ? { databaseUrl, secrets: loadSecretBox({ dir: DEFAULT_DATA_DIR })! }
        : { dataDir: flags.dataDir ?? DEFAULT_DATA_DIR },
    );
  } catch (err) {
    if (err instanceof SecretKeyError) throw new UsageError(err.message);
    if (err instanceof StoreError) {
      throw new UsageError(
        err.code === 'STORE_LOCKED' ? err.message : `${err.message}; check --database-url / DATABASE_URL`,
      );
    }
    throw err;
  }
  process.stderr.write(
    `clientele serve: channel secrets are encrypted with the key in ${store.secrets.source}\n`,
  );
  const filesDir =
    flags.filesDir ?? (databaseUrl ? DEFAULT_FILES_DIR : join(flags.dataDir ?? DEFAULT_DATA_DIR, 'files'));
  process.stderr.write(`clientele serve: uploaded files go to ${filesDir}\n`);
  const app = await buildApp({
    store,
    dataDir: filesDir,
    ...(flags.publicUrl ? { campaigns: { publicUrl: flags.publicUrl } } : {}),
  });
  let url: string;
  try {
    url = await app.listen({ host: HOST, port: flags.port });
  } catch (err) {
    await store.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UsageError(`port ${flags.port} on ${HOST} is in use; pick another with --port`);
    }
    throw err;
  }
  // Campaign links and Twilio callbacks point here unless a public URL was given.
  sendJobs(app).publicUrl ??= url;
  process.stdout.write(
    `Clientele server: ${url} (health: ${url}/api/health, API: ${url}/api/openapi.json)\n`,
  );
  if (flags.demo) {
    const say = (line: string): void => void process.stderr.write(`clientele serve: demo: ${line}\n`);
    const demo = await seedDemo(store, filesDir, runJobs(app), {
      say,
      ...(flags.demoTelcoRows === undefined ? {} : { telcoRows: flags.demoTelcoRows, logCustomers: 300 }),
    });
    process.stdout.write(
      `Demo organisation${demo.created ? ' created' : ''}; sign in with password "${DEMO_PASSWORD}" as:\n${DEMO_USERS.map(
        (u) => `  ${u.email.padEnd(28)} ${u.role}\n`,
      ).join('')}`,
    );
    if (demo.created) {
      process.stdout.write(`The demo data is being analysed: follow it at ${url}/api/runs\n`);
    }
  }

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  process.stderr.write(`clientele serve: ${signal}: finishing open requests and closing the store\n`);
  await app.close();
  await store.close();
  process.stderr.write('clientele serve: stopped\n');
}
