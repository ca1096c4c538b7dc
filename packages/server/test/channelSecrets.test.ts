import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueCampaign } from '../src/campaigns/queueCampaign.ts';
import { SendJobs } from '../src/campaigns/sendJobs.ts';
import { type App, buildApp } from '../src/http/index.ts';
import {
  jsonb,
  loadSecretBox,
  parseSecretKey,
  SECRET_KEY_ENV,
  SECRET_KEY_FILE,
  SecretBox,
  SecretKeyError,
  type Store,
  WRONG_KEY_MESSAGE,
} from '../src/store/index.ts';
import { createCampaign } from '../src/store/repos/campaigns.ts';
import { getChannelSettings, openChannelSecrets } from '../src/store/repos/channelSettings.ts';
import { type SeededOrg, seedOrg } from './campaigns/fixture.ts';
import { STORE_KINDS, type StoreTarget, storeTarget } from './stores.ts';

const PASS = 'smtp-pass-Zq81';
const TOKEN = 'twilio-token-Wx52';
const API_KEY = 'sk-llm-key-Pp07';

/** The secret columns as PostgreSQL stores them: what a dump of the table would show. */
async function rawSecrets(store: Store, orgId: string): Promise<string> {
  const { rows } = await sql<{ raw: string }>`
    select coalesce(smtp::text, '') || ' ' || coalesce(twilio::text, '') || ' ' || coalesce(llm::text, '') as raw
    from channel_settings where org_id = ${orgId}
  `.execute(store.db);
  return rows[0]!.raw;
}

for (const kind of STORE_KINDS) {
  describe(`channel secrets encrypted at rest on ${kind}`, () => {
    let target: StoreTarget;
    let store: Store;
    let app: App;
    let org: SeededOrg;
    const apps: App[] = [];

    beforeAll(async () => {
      target = storeTarget(kind);
      store = await target.open();
      org = await seedOrg(store, { name: 'Secrets', customers: 40, roles: ['manager'] });
      app = await appOver(store);
    }, 60_000);
    afterAll(async () => {
      for (const a of apps) await a.close();
      await target?.dispose();
    });

    const appOver = async (s: Store): Promise<App> => {
      const a = await buildApp({ store: s, runs: { start: false }, campaigns: { start: false } });
      apps.push(a);
      return a;
    };
    const call = async (on: App, method: 'GET' | 'PUT', payload?: object, orgOf = org) => {
      const res = await on.inject({
        method,
        url: '/api/settings/channels',
        headers: { authorization: `Bearer ${orgOf.users['manager']!.token}` },
        ...(payload === undefined ? {} : { payload }),
      });
      return { status: res.statusCode, body: res.body, json: () => JSON.parse(res.body) };
    };
    const everySecret = {
      smtp: { host: '127.0.0.1', port: 2525, secure: false, user: 'u', pass: PASS, from: 'a@example.com' },
      twilio: { accountSid: 'AC1', authToken: TOKEN, smsFrom: '+15550000000', baseUrl: 'http://127.0.0.1:9' },
      llm: { baseUrl: 'http://127.0.0.1:9/v1', model: 'tiny', apiKey: API_KEY },
    };

    it('stores no secret in plain text after a PUT, answers none, and opens them again with the key', async () => {
      const put = await call(app, 'PUT', everySecret);
      expect(put.status).toBe(200);
      for (const secret of [PASS, TOKEN, API_KEY]) expect(put.body).not.toContain(secret);
      expect(put.json()).toMatchObject({
        smtp: { hasPassword: true, user: 'u' },
        twilio: { hasAuthToken: true, accountSid: 'AC1' },
        llm: { configured: true, model: 'tiny' },
        unreadableSecrets: [],
        secretsError: null,
      });

      const raw = await rawSecrets(store, org.orgId);
      for (const secret of [PASS, TOKEN, API_KEY]) expect(raw).not.toContain(secret);
      // The rest stays readable JSON; each secret is an enc:v1 value in place of the plain one.
      expect(raw).toContain('"host": "127.0.0.1"');
      expect(raw).toContain('"accountSid": "AC1"');
      const stored = await getChannelSettings(store.db, org.orgId);
      for (const value of [stored.smtp!.pass, stored.twilio!.authToken, stored.llm!.apiKey]) {
        expect(value).toMatch(/^enc:v1:[\w-]{16}:[\w-]{22}:[\w-]+$/);
      }

      const opened = openChannelSecrets(stored, store.secrets, ['smtp', 'twilio', 'llm']);
      expect([opened.smtp!.pass, opened.twilio!.authToken, opened.llm!.apiKey]).toEqual([
        PASS,
        TOKEN,
        API_KEY,
      ]);
      // Only the parts asked for are opened.
      expect(openChannelSecrets(stored, store.secrets, ['smtp']).twilio!.authToken).toBe(
        stored.twilio!.authToken,
      );

      const get = await call(app, 'GET');
      for (const secret of [PASS, TOKEN, API_KEY]) expect(get.body).not.toContain(secret);

      // A PUT without the secrets keeps them (the same sealed values); a new one is sealed afresh.
      await call(app, 'PUT', {
        smtp: { host: '127.0.0.1', port: 2526, secure: false, from: 'a@example.com' },
        twilio: { accountSid: 'AC2', smsFrom: '+15550000000' },
        llm: { baseUrl: 'http://127.0.0.1:9/v1', model: 'tiny2', apiKey: API_KEY },
      });
      const kept = await getChannelSettings(store.db, org.orgId);
      expect(kept.smtp!.pass).toBe(stored.smtp!.pass);
      expect(kept.twilio!.authToken).toBe(stored.twilio!.authToken);
      expect(kept.llm!.apiKey).not.toBe(stored.llm!.apiKey); // a random IV each time
      const keptOpen = openChannelSecrets(kept, store.secrets, ['smtp', 'twilio', 'llm']);
      expect([keptOpen.smtp!.pass, keptOpen.twilio!.authToken, keptOpen.llm!.apiKey]).toEqual([
        PASS,
        TOKEN,
        API_KEY,
      ]);
    });

    it('reads a plain value written before, and encrypts it on the next save', async () => {
      const legacy = await seedOrg(store, { name: 'Legacy', customers: 5, roles: ['manager'], prefix: 'l' });
      await store.db
        .insertInto('channel_settings')
        .values({
          org_id: legacy.orgId,
          smtp: jsonb({ ...everySecret.smtp, pass: 'old-pass' }),
          twilio: jsonb({ ...everySecret.twilio, authToken: 'old-token' }),
          llm: jsonb({ ...everySecret.llm, apiKey: 'old-key' }),
          rate_limits: jsonb({}),
        })
        .execute();
      expect(await rawSecrets(store, legacy.orgId)).toContain('old-pass');
      const view = await call(app, 'GET', undefined, legacy);
      expect(view.json()).toMatchObject({
        smtp: { hasPassword: true },
        twilio: { hasAuthToken: true },
        unreadableSecrets: [],
        secretsError: null,
      });
      const before = openChannelSecrets(await getChannelSettings(store.db, legacy.orgId), store.secrets, [
        'smtp',
        'twilio',
        'llm',
      ]);
      expect([before.smtp!.pass, before.twilio!.authToken, before.llm!.apiKey]).toEqual([
        'old-pass',
        'old-token',
        'old-key',
      ]);

      // Any save, even of the send rates alone, encrypts what was plain.
      expect((await call(app, 'PUT', { rateLimits: { email: 3 } }, legacy)).status).toBe(200);
      const raw = await rawSecrets(store, legacy.orgId);
      for (const secret of ['old-pass', 'old-token', 'old-key']) expect(raw).not.toContain(secret);
      const after = await getChannelSettings(store.db, legacy.orgId);
      expect(after.smtp!.pass).toMatch(/^enc:v1:/);
      const opened = openChannelSecrets(after, store.secrets, ['smtp', 'twilio', 'llm']);
      expect([opened.smtp!.pass, opened.twilio!.authToken, opened.llm!.apiKey]).toEqual([
        'old-pass',
        'old-token',
        'old-key',
      ]);
    });

    it('opens with the key of the next start (the same key file or variable)', async () => {
      const sealed = (await getChannelSettings(store.db, org.orgId)).smtp!.pass!;
      const again = await target.reopen();
      try {
        expect(again.secrets.open(sealed)).toBe(PASS);
      } finally {
        if (kind === 'postgres') await again.close();
      }
      if (kind === 'pglite') {
        store = again;
        app = await appOver(store);
      }
    }, 60_000);

    it('with another key: the settings still load (secrets set but unreadable), sending fails saying what to do', async () => {
      const stranger: Store = { ...store, secrets: SecretBox.temporary() };
      const other = await appOver(stranger);
      const view = await call(other, 'GET');
      expect(view.status).toBe(200);
      expect(view.json()).toMatchObject({
        smtp: { hasPassword: true },
        twilio: { hasAuthToken: true },
        llm: { configured: true },
        unreadableSecrets: ['smtp', 'twilio', 'llm'],
        secretsError: WRONG_KEY_MESSAGE,
      });
      expect(WRONG_KEY_MESSAGE).toMatch(
        /encrypted with another key: set CLIENTELE_SECRET_KEY to the key used before, or enter them again in Campaigns > Channels/,
      );
      const settings = await getChannelSettings(store.db, org.orgId);
      expect(() => openChannelSecrets(settings, stranger.secrets, ['twilio'])).toThrow(SecretKeyError);
      expect(() => stranger.secrets.open(settings.twilio!.authToken)).toThrow(WRONG_KEY_MESSAGE);

      // The copy writer falls back to the offline draft, saying why.
      const copy = await other.inject({
        method: 'POST',
        url: '/api/campaigns/copy',
        headers: { authorization: `Bearer ${org.users['manager']!.token}` },
        payload: {
          datasetId: org.datasetId,
          channel: 'email',
          language: 'en',
          instruction: 'Offer: 10% off',
        },
      });
      expect(copy.statusCode, copy.body).toBe(200);
      expect(copy.json().problems[0]).toEqual({
        code: 'LLM_UNAVAILABLE',
        message: `${WRONG_KEY_MESSAGE}. This draft is from the offline template writer.`,
      });

      // A send through Twilio: every recipient fails with the message; the provider is never made.
      const draft = await createCampaign(store.db, {
        orgId: org.orgId,
        datasetId: org.datasetId,
        runId: org.runId,
        name: 'wrong key',
        channel: 'sms',
        filter: {},
        subject: null,
        body: 'Hi {first_name}! Reply STOP to opt out.',
        language: 'en',
        holdoutShare: 0,
        seed: 1,
        outcomeWindowDays: 30,
        createdBy: null,
        teamId: null,
      });
      const queued = await queueCampaign(store.db, {
        orgId: org.orgId,
        campaignId: draft.id,
        publicUrl: 'http://127.0.0.1:9',
      });
      expect(queued.provider).toBe('twilio');
      let made = 0;
      const jobs = new SendJobs({
        store: stranger,
        pollMs: 20,
        channels: () => {
          made++;
          throw new Error('not reached');
        },
      });
      await jobs.start();
      try {
        await jobs.idle(30_000);
      } finally {
        await jobs.stop();
      }
      expect(made).toBe(0);
      const rows = await store.db
        .selectFrom('deliveries')
        .select(['status', 'error'])
        .where('campaign_id', '=', draft.id)
        .execute();
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.status === 'failed' && r.error === WRONG_KEY_MESSAGE)).toBe(true);

      // Entering a secret again with the new key makes that part readable; the others stay unreadable.
      const fixed = await call(other, 'PUT', {
        smtp: { host: '127.0.0.1', port: 2526, secure: false, from: 'a@example.com', pass: 'new-pass' },
      });
      expect(fixed.json()).toMatchObject({ unreadableSecrets: ['twilio', 'llm'] });
      const now = await getChannelSettings(store.db, org.orgId);
      expect(openChannelSecrets(now, stranger.secrets, ['smtp']).smtp!.pass).toBe('new-pass');
    }, 60_000);
  });
}

describe('the secret key', () => {
  const dirs: string[] = [];
  const dir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'clientele-secret-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('without CLIENTELE_SECRET_KEY: a key file made once in the data folder, mode 0600, read at every start', () => {
    const folder = join(dir(), 'data');
    const first = loadSecretBox({ dir: folder, env: {} })!;
    const path = join(folder, SECRET_KEY_FILE);
    expect(first.source).toBe(path);
    const stat = statSync(path);
    expect(stat.mode & 0o777).toBe(0o600);
    expect(stat.size).toBe(32);
    const sealed = first.seal('hello');
    const second = loadSecretBox({ dir: folder, env: {} })!;
    expect(statSync(path).mtimeMs).toBe(stat.mtimeMs);
    expect(second.open(sealed)).toBe('hello');
    // Another folder's key does not open it.
    expect(() => loadSecretBox({ dir: dir(), env: {} })!.open(sealed)).toThrow(WRONG_KEY_MESSAGE);
    // No folder and no variable: no key.
    expect(loadSecretBox({ env: {} })).toBeUndefined();
  });

  it('takes CLIENTELE_SECRET_KEY as base64 or as 64 hex digits, before any key file', () => {
    const key = randomBytes(32);
    const folder = dir();
    const b64 = loadSecretBox({ dir: folder, env: { [SECRET_KEY_ENV]: key.toString('base64') } })!;
    expect(b64.source).toBe(SECRET_KEY_ENV);
    expect(existsSync(join(folder, SECRET_KEY_FILE))).toBe(false);
    const hex = loadSecretBox({ env: { [SECRET_KEY_ENV]: key.toString('hex').toUpperCase() } })!;
    const url = loadSecretBox({ env: { [SECRET_KEY_ENV]: ` ${key.toString('base64url')}\n` } })!;
    expect(hex.open(b64.seal('x'))).toBe('x');
    expect(url.open(hex.seal('y'))).toBe('y');
  });

  it('refuses a malformed CLIENTELE_SECRET_KEY, saying the form and how to make one', () => {
    for (const bad of [
      'secret',
      randomBytes(31).toString('base64'),
      randomBytes(33).toString('base64'),
      randomBytes(32).toString('hex').slice(1),
      `${randomBytes(32).toString('hex')}0`,
    ]) {
      expect(() => loadSecretBox({ env: { [SECRET_KEY_ENV]: bad } })).toThrow(
        /CLIENTELE_SECRET_KEY must be 32 bytes as base64 \(44 characters\) or as 64 hex digits.*openssl rand -base64 32/,
      );
    }
    expect(() => parseSecretKey('nope')).toThrow(SecretKeyError);
  });

  it('clientele campaigns work stops at start with that message (exit 2), before opening the store', () => {
    const folder = join(dir(), 'data');
    const bin = join(import.meta.dirname, '..', '..', 'cli', 'bin', 'clientele.js');
    const run = spawnSync(
      process.execPath,
      [bin, 'campaigns', 'work', '--data-dir', folder, '--until-idle'],
      {
        env: { ...process.env, [SECRET_KEY_ENV]: 'not-a-key' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/CLIENTELE_SECRET_KEY must be 32 bytes.*openssl rand -base64 32/);
    expect(existsSync(folder)).toBe(false);
  }, 60_000);
});
