import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@clientele/ml';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { queueCampaign } from '../../src/campaigns/queueCampaign.ts';
import {
  type Database,
  openStore,
  PGliteDialect,
  parseSecretKey,
  SECRET_KEY_ENV,
  SecretBox,
} from '../../src/store/index.ts';
import { campaignCounts, createCampaign } from '../../src/store/repos/campaigns.ts';
import { putChannelSettings } from '../../src/store/repos/channelSettings.ts';
import { TEST_DATABASE_URL } from '../stores.ts';
import { type FakeTwilio, startFakeTwilio } from './fakeTwilio.ts';
import { seedOrg } from './fixture.ts';
import { type SmtpSink, startSmtpSink } from './smtpSink.ts';

/**
 * The crash test: the sending process (`clientele campaigns work`, a real child process
 * on PostgreSQL or an embedded data folder) is SIGKILLed at seeded random points while it sends; after each
 * restart it resumes. At the end every recipient has exactly one message at the provider.
 */
const bin = join(import.meta.dirname, '..', '..', '..', 'cli', 'bin', 'clientele.js');

interface Worker {
  child: ChildProcess;
  err: () => string;
  exited: Promise<number | null>;
}

/** Where the worker's store is: an embedded data folder, or a PostgreSQL database of its own. */
type Where = { dataDir: string } | { databaseUrl: string };
const storeFlags = (where: Where): string[] =>
  'dataDir' in where ? ['--data-dir', where.dataDir] : ['--database-url', where.databaseUrl];
/**
 * The channel secrets' key on PostgreSQL, given to the test and to each worker as servers share
 * one; an embedded folder's secret.key (made by the test's open, read by the worker) needs none.
 */
const SECRET_KEY = randomBytes(32).toString('base64');
const secretsFor = (where: Where): { secrets?: SecretBox } =>
  'databaseUrl' in where ? { secrets: new SecretBox(parseSecretKey(SECRET_KEY), 'test') } : {};
const envFor = (where: Where): NodeJS.ProcessEnv =>
  'databaseUrl' in where ? { ...process.env, [SECRET_KEY_ENV]: SECRET_KEY } : process.env;

/** Starts a worker on the store; resolves once it is sending. */
function startWorker(where: Where, extra: string[] = []): Promise<Worker> {
  const child = spawn(
    process.execPath,
    [bin, 'campaigns', 'work', ...storeFlags(where), '--poll-ms', '50', ...extra],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: envFor(where),
    },
  );
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker did not start:\n${err}`)), 120_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (err.includes('clientele campaigns work: sending')) {
        clearTimeout(timer);
        resolve({ child, err: () => err, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the worker exited (${code}) before sending:\n${err}`));
    });
  });
}

/** An organisation and a queued campaign in a fresh store, closed again for the worker. */
async function prepare(
  where: Where,
  channel: 'whatsapp' | 'email',
  customers: number,
  settings: Parameters<typeof putChannelSettings>[2],
): Promise<{ campaignId: string }> {
  const store = await openStore({ ...where, ...secretsFor(where) });
  try {
    const org = await seedOrg(store, { name: 'Crash', customers });
    await putChannelSettings(store.db, org.orgId, settings, null, store.secrets);
    const draft = await createCampaign(store.db, {
      orgId: org.orgId,
      datasetId: org.datasetId,
      runId: org.runId,
      name: 'crash',
      channel,
      filter: {},
      subject: channel === 'email' ? 'Hello {first_name}' : null,
      body:
        channel === 'email'
          ? 'Hi {first_name}. To stop receiving these e-mails: {unsubscribe_url}'
          : 'Hi {first_name}! Reply STOP to opt out.',
      language: 'en',
      holdoutShare: 0,
      seed: 1,
      outcomeWindowDays: 30,
      createdBy: null,
      teamId: null,
    });
    await queueCampaign(store.db, {
      orgId: org.orgId,
      campaignId: draft.id,
      publicUrl: 'http://127.0.0.1:9',
    });
    return { campaignId: draft.id };
  } finally {
    await store.close();
  }
}

/** Kills a worker `kills` times at seeded random points while it sends, then lets one finish. */
async function crashAndFinish(
  where: Where,
  options: { kills: number; seed: number; minMs: number; maxMs: number; progress: () => number },
): Promise<{ atKills: number[] }> {
  const rng = new Rng(options.seed);
  const atKills: number[] = [];
  for (let k = 0; k < options.kills; k++) {
    const before = options.progress();
    const worker = await startWorker(where);
    // Once it is sending again (a first new message at the provider), at a random point after.
    const until = Date.now() + 120_000;
    while (options.progress() === before && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, rng.uniform(options.minMs, options.maxMs)));
    worker.child.kill('SIGKILL');
    await worker.exited;
    atKills.push(options.progress());
  }
  const last = await startWorker(where, ['--until-idle']);
  expect(await last.exited, last.err()).toBe(0);
  return { atKills };
}

/**
 * The data folder opened again for reading, without the migrator: the worker ran the migrations
 * of the code as it was when it started, which may be newer than this test's (a long run).
 */
async function reopen(where: Where): Promise<{ db: Kysely<Database>; close: () => Promise<void> }> {
  if ('databaseUrl' in where) {
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: where.databaseUrl, max: 2 }) }),
    });
    return { db, close: () => db.destroy() };
  }
  const pglite = await PGlite.create(where.dataDir);
  return { db: new Kysely<Database>({ dialect: new PGliteDialect(pglite) }), close: () => pglite.close() };
}

/**
 * A PostgreSQL database of the test's own on the test server (the worker takes a URL, not a
 * schema), dropped at the end. The 20-kill test runs there: a restart on PostgreSQL costs the
 * process start alone, while the embedded store is opened anew each time (seconds on a busy
 * machine); the e-mail test keeps the embedded store's crash behaviour covered.
 */
async function freshDatabase(): Promise<{ databaseUrl: string; drop: () => Promise<void> }> {
  const name = `clientele_crash_${randomBytes(5).toString('hex')}`;
  // The store names a user when the URL has none (PGUSER, USER, else the login): so do these.
  const url = new URL(TEST_DATABASE_URL);
  if (!url.username) url.username = process.env['PGUSER'] || process.env['USER'] || userInfo().username;
  const adminUrl = url.toString();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * A worker killed mid-conversation resets its SMTP connections; smtp-server re-emits that as an
 * 'error' event on the server, which smtpSink does not listen to after it started (it would end
 * this test process). Resets are what this test causes on purpose: they are dropped, and only they.
 */
function ignoreSmtpResets(): () => void {
  const proto = SMTPServer.prototype as unknown as { _onError: (err: NodeJS.ErrnoException) => void };
  const original = proto._onError;
  proto._onError = function (this: unknown, err: NodeJS.ErrnoException) {
    if (err?.code === 'ECONNRESET' || err?.code === 'EPIPE') return;
    original.call(this, err);
  };
  return () => {
    proto._onError = original;
  };
}

describe('a send worker killed at random points resumes without sending anyone twice or skipping anyone', () => {
  const dirs: string[] = [];
  const drops: (() => Promise<void>)[] = [];
  let twilio: FakeTwilio | undefined;
  let sink: SmtpSink | undefined;
  afterAll(async () => {
    await twilio?.close();
    await sink?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    for (const drop of drops) await drop();
  });

  it('WhatsApp through Twilio on PostgreSQL: 2,000 recipients, 20 kills, exactly one request each at the provider', async () => {
    const database = await freshDatabase();
    drops.push(database.drop);
    const where: Where = { databaseUrl: database.databaseUrl };
    twilio = await startFakeTwilio();
    // 2,200 customers, every 11th without a phone: 2,000 recipients. 200 a second: 10 s of sending,
    // so the 20 kills (at most 20 * 0.45 s of sending between them) all land mid-campaign.
    const { campaignId } = await prepare(where, 'whatsapp', 2200, {
      twilio: {
        accountSid: twilio.accountSid,
        authToken: twilio.authToken,
        whatsappFrom: '+14155238886',
        baseUrl: twilio.baseUrl,
      },
      rateLimits: { whatsapp: 200 },
    });
    const posts = () => twilio!.requests.filter((r) => r.method === 'POST').length;
    const { atKills } = await crashAndFinish(where, {
      kills: 20,
      seed: 9,
      minMs: 50,
      maxMs: 450,
      progress: posts,
    });
    // Every kill came while messages were going out: after a new one, and before the last.
    expect(atKills.at(-1)!).toBeLessThan(2000);
    for (let k = 1; k < atKills.length; k++) expect(atKills[k]!).toBeGreaterThan(atKills[k - 1]!);

    const store = await reopen(where);
    try {
      const rows = await store.db
        .selectFrom('deliveries')
        .selectAll()
        .where('campaign_id', '=', campaignId)
        .execute();
      expect(rows).toHaveLength(2000);
      const byTo = new Map<string, string[]>();
      for (const m of twilio.messages) byTo.set(m.to, [...(byTo.get(m.to) ?? []), m.sid]);
      const duplicates = [...byTo.values()].filter((sids) => sids.length > 1).length;
      const missing = rows.filter((r) => !byTo.has(`whatsapp:${r.to_address}`)).length;
      expect({ duplicates, missing, messages: twilio.messages.length }).toEqual({
        duplicates: 0,
        missing: 0,
        messages: 2000,
      });
      // The store agrees: each row sent, with the sid the provider gave that number.
      for (const r of rows) {
        expect(r.status).toBe('sent');
        expect(r.provider_id).toBe(byTo.get(`whatsapp:${r.to_address}`)![0]);
      }
      const counts = (await campaignCounts(store.db, [campaignId])).get(campaignId)!;
      expect(counts).toMatchObject({ sent: 2000, queued: 0, failed: 0, uncertain: 0 });
      const campaign = await store.db
        .selectFrom('campaigns')
        .select('status')
        .where('id', '=', campaignId)
        .executeTakeFirstOrThrow();
      expect(campaign.status).toBe('sent');
    } finally {
      await store.close();
    }
  }, 900_000);

  it('e-mail through SMTP on the embedded store: 300 recipients, 5 kills, none missing, and every duplicate counted as uncertain', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'clientele-crash-mail-'));
    dirs.push(dataDir);
    const where: Where = { dataDir };
    const restore = ignoreSmtpResets();
    sink = await startSmtpSink();
    // 350 customers, every 7th without an e-mail: 300 recipients, at 60 a second.
    const { campaignId } = await prepare(where, 'email', 350, {
      smtp: { host: sink.host, port: sink.port, secure: false, from: 'news@example.com' },
      rateLimits: { email: 60 },
    });
    await crashAndFinish(where, {
      kills: 5,
      seed: 5,
      minMs: 100,
      maxMs: 500,
      progress: () => sink!.messages.length,
    });
    const store = await reopen(where);
    try {
      const rows = await store.db
        .selectFrom('deliveries')
        .selectAll()
        .where('campaign_id', '=', campaignId)
        .execute();
      expect(rows).toHaveLength(300);
      const missing = rows.filter((r) => sink!.messagesTo(r.to_address).length === 0);
      expect(missing).toHaveLength(0);
      const duplicated = rows.filter((r) => sink!.messagesTo(r.to_address).length > 1);
      for (const r of duplicated) {
        expect(r.uncertain, `${r.to_address} was sent twice`).toBe(true);
        // Sent again with the same Message-ID: a receiving system may fold the two.
        expect(new Set(sink!.messagesTo(r.to_address).map((m) => m.messageId)).size).toBe(1);
        expect(sink!.messagesTo(r.to_address).length).toBeLessThanOrEqual(1 + 5);
      }
      const counts = (await campaignCounts(store.db, [campaignId])).get(campaignId)!;
      expect(counts).toMatchObject({ sent: 300, queued: 0, failed: 0 });
      expect(counts.uncertain).toBeGreaterThanOrEqual(duplicated.length);
      // The uncertain window is one message per lane and kill: 5 kills, 4 lanes.
      expect(counts.uncertain).toBeLessThanOrEqual(20);
    } finally {
      await store.close();
      await sink.close();
      sink = undefined;
      restore();
    }
  }, 600_000);
});
