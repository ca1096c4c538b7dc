import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { parseIntOption } from '../options.ts';

interface WorkFlags {
  dataDir?: string;
  filesDir?: string;
  databaseUrl?: string;
  publicUrl?: string;
  untilIdle?: boolean;
  pollMs: number;
}

const DEFAULT_DATA_DIR = '.clientele/data';
/** As `clientele serve`: where the server keeps uploaded files (campaign attachments among them). */
const DEFAULT_FILES_DIR = '.clientele/files';

export function registerCampaigns(program: Command): void {
  const campaigns = program.command('campaigns').description('campaign tools that run beside the server');
  campaigns
    .command('work')
    .description(
      'a campaign send worker on its own: claims queued deliveries and sends them (the server runs one too; with PostgreSQL, add workers on other machines)',
    )
    .option(
      '--data-dir <folder>',
      `the embedded store's folder (default ${DEFAULT_DATA_DIR}); not while a server has it open`,
    )
    .option(
      '--database-url <url>',
      'a PostgreSQL server instead of the embedded store (default: $DATABASE_URL if set)',
    )
    .option(
      '--files-dir <folder>',
      `the server's files folder, where campaign attachments are read from (default: <data-dir>/files with the embedded store, ${DEFAULT_FILES_DIR} with PostgreSQL)`,
    )
    .option(
      '--public-url <url>',
      'where Twilio reaches the server for status callbacks, and unsubscribe links point',
    )
    .option('--until-idle', 'exit once no campaign is queued or sending')
    .option('--poll-ms <n>', 'how often to look for work', parseIntOption('poll-ms', 10), 1000)
    .addHelpText(
      'after',
      '\nStops cleanly on Ctrl-C (SIGINT) or SIGTERM; a killed worker is recovered by the next one.',
    )
    .action(async (flags: WorkFlags) => runWork(flags));
}

async function runWork(flags: WorkFlags): Promise<void> {
  if (flags.dataDir !== undefined && flags.databaseUrl !== undefined) {
    throw new UsageError('--data-dir and --database-url are two different stores: give one of them');
  }
  const databaseUrl =
    flags.databaseUrl ?? (flags.dataDir === undefined ? process.env['DATABASE_URL'] : undefined);
  const { openStore, loadSecretBox, SecretKeyError, SendJobs, StoreError } = await import(
    '@clientele/server'
  );
  let store: Awaited<ReturnType<typeof openStore>>;
  try {
    // The server's key: CLIENTELE_SECRET_KEY, else <data-dir>/secret.key (with PostgreSQL, the default data folder's).
    store = await openStore(
      databaseUrl
        ? { databaseUrl, secrets: loadSecretBox({ dir: DEFAULT_DATA_DIR })! }
        : { dataDir: flags.dataDir ?? DEFAULT_DATA_DIR },
    );
  } catch (err) {
    if (err instanceof SecretKeyError || err instanceof StoreError) throw new UsageError(err.message);
    throw err;
  }
  const jobs = new SendJobs({
    store,
    pollMs: flags.pollMs,
    filesDir:
      flags.filesDir ?? (databaseUrl ? DEFAULT_FILES_DIR : join(flags.dataDir ?? DEFAULT_DATA_DIR, 'files')),
    ...(flags.publicUrl ? { publicUrl: flags.publicUrl } : {}),
  });
  await jobs.start();
  process.stderr.write(`clientele campaigns work: sending (worker ${jobs.workerId})\n`);
  const done = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    if (flags.untilIdle) {
      void (async () => {
        for (;;) {
          await new Promise((r) => setTimeout(r, flags.pollMs));
          if (await jobs.isIdle()) return resolve('idle');
        }
      })();
    }
  });
  const why = await done;
  process.stderr.write(`clientele campaigns work: ${why}: finishing the messages in hand\n`);
  await jobs.stop();
  await store.close();
  process.stderr.write('clientele campaigns work: stopped\n');
}
