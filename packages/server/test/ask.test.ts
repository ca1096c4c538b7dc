import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRunFolder } from '../../analytics/test/runFolderFixture.ts';
import { sha256 } from '../src/http/auth/secrets.ts';
import { type App, buildApp } from '../src/http/index.ts';
import { runDir } from '../src/runs/runPaths.ts';
import {
  addMembership,
  createApiToken,
  createDataset,
  createOrganisation,
  createRun,
  createTeam,
  createUser,
  listAudit,
  SecretBox,
  type Store,
  WRONG_KEY_MESSAGE,
} from '../src/store/index.ts';
import { putChannelSettings } from '../src/store/repos/channelSettings.ts';
import { type FakeOpenAi, startFakeOpenAi } from './campaigns/fakeOpenAi.ts';
import { STORE_KINDS, type StoreTarget, storeTarget } from './stores.ts';

// The server falls back to these; the tests set the model per organisation instead.
for (const name of ['CLIENTELE_LLM_URL', 'CLIENTELE_LLM_MODEL', 'CLIENTELE_LLM_KEY'])
  delete process.env[name];

for (const kind of STORE_KINDS) {
  describe(`ask the data over HTTP on ${kind}`, () => {
    let target: StoreTarget;
    let store: Store;
    let app: App;
    let dataDir: string;
    let llm: FakeOpenAi;
    /** Organisation A (a model set up) and B (none), each with a run whose folder is in place. */
    const orgs = {} as Record<'a' | 'b', { orgId: string; runId: string; token: string; dir: string }>;

    const call = async (org: 'a' | 'b', method: 'GET' | 'POST', url: string, payload?: object) => {
      const res = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${orgs[org].token}` },
        ...(payload === undefined ? {} : { payload }),
      });
      return { status: res.statusCode, body: res.body, json: () => JSON.parse(res.body) };
    };

    const organisation = async (key: 'a' | 'b') => {
      const org = await createOrganisation(store.db, { name: `Ask ${key}` });
      const team = await createTeam(store.db, { orgId: org.id, name: 'Support' });
      const user = await createUser(store.db, {
        orgId: org.id,
        email: `ask-${key}-${kind}@example.com`,
        passwordHash: 'x',
        name: key,
      });
      // Support: the narrowest role that may look up customers.
      await addMembership(store.db, { orgId: org.id, teamId: team.id, userId: user.id, role: 'support' });
      const token = `clt_ask_${key}_${kind}`;
      await createApiToken(store.db, { orgId: org.id, userId: user.id, name: 't', tokenHash: sha256(token) });
      const d = await createDataset(store.db, {
        orgId: org.id,
        name: 'd',
        kind: 'snapshot',
        rows: 1,
        bytes: 1,
        sha256: `ask-${key}`,
        createdBy: null,
      });
      const run = await createRun(store.db, { orgId: org.id, datasetId: d.id, config: {}, createdBy: null });
      const dir = await writeRunFolder(runDir(dataDir, org.id, run.id), key === 'a' ? 30 : 6);
      orgs[key] = { orgId: org.id, runId: run.id, token, dir };
    };

    beforeAll(async () => {
      target = storeTarget(kind);
      store = await target.open();
      dataDir = mkdtempSync(join(tmpdir(), 'clientele-ask-'));
      llm = await startFakeOpenAi({ models: ['tiny'] });
      await organisation('a');
      await organisation('b');
      await putChannelSettings(
        store.db,
        orgs.a.orgId,
        { llm: { baseUrl: llm.baseUrl, model: 'tiny' } },
        null,
        store.secrets,
      );
      app = await buildApp({ store, dataDir, runs: { start: false }, campaigns: { start: false } });
      await app.ready();
    }, 120_000);
    afterAll(async () => {
      await app?.close();
      await llm?.close();
      await target?.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('GET /schema: the tables with their columns and meanings, and whether a model is set up', async () => {
      const a = await call('a', 'GET', `/api/runs/${orgs.a.runId}/schema`);
      expect(a.status, a.body).toBe(200);
      const body = a.json();
      expect(body.tables.map((t: { name: string }) => t.name)).toEqual([
        'segments',
        'segment_features',
        'assignments',
        'scores',
        'selection',
      ]);
      expect(body.tables[3]).toMatchObject({ name: 'scores', rows: 30 });
      expect(body.text).toMatch(/^segments \(3 rows\)/);
      expect(body.llm).toEqual({ configured: true, model: 'tiny' });
      expect(body.message).toBeNull();
      const b = (await call('b', 'GET', `/api/runs/${orgs.b.runId}/schema`)).json();
      expect(b.llm).toEqual({ configured: false, model: null });
      expect(b.message).toMatch(/No language model is set up.*Campaigns > Channels/);
    });

    it('POST /sql: rows of a SELECT; a refusal is 400 SQL_REFUSED and in the audit log; a bad column is 400 SQL_FAILED', async () => {
      const ok = await call('a', 'POST', `/api/runs/${orgs.a.runId}/sql`, {
        sql: 'SELECT segment, count(*) AS n FROM scores GROUP BY 1 ORDER BY 1',
        limit: 2,
      });
      expect(ok.status, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({
        columns: [
          { name: 'segment', type: 'INTEGER' },
          { name: 'n', type: 'BIGINT' },
        ],
        rows: [
          [0, 10],
          [1, 10],
        ],
        truncated: true,
      });

      const write = await call('a', 'POST', `/api/runs/${orgs.a.runId}/sql`, { sql: 'DROP VIEW scores' });
      expect(write.status).toBe(400);
      expect(write.json().error).toMatchObject({ code: 'SQL_REFUSED', field: 'body.sql' });
      expect(write.json().error.message).toMatch(/refused: only a read-only SELECT .* a DROP statement/);
      const theirs = join(orgs.b.dir, 'scores.parquet');
      const other = await call('a', 'POST', `/api/runs/${orgs.a.runId}/sql`, {
        sql: `SELECT * FROM '${theirs}'`,
      });
      expect(other.json().error.code).toBe('SQL_REFUSED');
      const audit = (await listAudit(store.db, orgs.a.orgId)).filter((e) => e.action === 'sql_refused');
      expect(audit.map((e) => e.detail)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ via: 'sql', code: 'NOT_A_SELECT', sql: 'DROP VIEW scores' }),
          expect.objectContaining({ via: 'sql', code: 'READS_FILES', sql: `SELECT * FROM '${theirs}'` }),
        ]),
      );
      expect(audit.every((e) => e.subject === `run:${orgs.a.runId}`)).toBe(true);

      const bad = await call('a', 'POST', `/api/runs/${orgs.a.runId}/sql`, {
        sql: 'SELECT nope FROM scores',
      });
      expect(bad.status).toBe(400);
      expect(bad.json().error.code).toBe('SQL_FAILED');
      expect(
        (await listAudit(store.db, orgs.a.orgId)).filter((e) => e.action === 'sql_refused'),
      ).toHaveLength(2);
      // The tables are as they were.
      const count = await call('a', 'POST', `/api/runs/${orgs.a.runId}/sql`, {
        sql: 'SELECT count(*) FROM scores',
      });
      expect(count.json().rows).toEqual([[30]]);
    });

    it("another organisation's run is 404, as is a run whose folder is not there yet", async () => {
      const cross = await call('a', 'POST', `/api/runs/${orgs.b.runId}/sql`, { sql: 'SELECT 1' });
      expect(cross.status).toBe(404);
      expect((await call('b', 'GET', `/api/runs/${orgs.a.runId}/schema`)).status).toBe(404);
      expect((await call('b', 'POST', `/api/runs/${orgs.a.runId}/ask`, { question: 'x?' })).status).toBe(404);
      const d = await createDataset(store.db, {
        orgId: orgs.a.orgId,
        name: 'later',
        kind: 'snapshot',
        rows: 1,
        bytes: 1,
        sha256: 'ask-later',
        createdBy: null,
      });
      const queued = await createRun(store.db, {
        orgId: orgs.a.orgId,
        datasetId: d.id,
        config: {},
        createdBy: null,
      });
      const early = await call('a', 'POST', `/api/runs/${queued.id}/sql`, { sql: 'SELECT 1' });
      expect(early.status).toBe(404);
      expect(early.json().error.message).toMatch(/this run has no tables \(it is queued\)/);
    });

    it("POST /ask: the organisation's model queries the tables and answers; refused attempts go back to it and into the audit log", async () => {
      const query =
        'SELECT s.name, avg(a.balance) AS b FROM assignments a JOIN segments s USING (segment) GROUP BY 1 ORDER BY 2 DESC LIMIT 1';
      const theirs = `SELECT * FROM read_parquet('${join(orgs.b.dir, 'scores.parquet')}')`;
      let refusal = '';
      llm.reply(
        {
          toolCalls: [
            { name: 'run_sql', arguments: { query: 'INSERT INTO scores VALUES (1)' } },
            { name: 'run_sql', arguments: { query: theirs } },
          ],
        },
        (request) => {
          refusal = request.body.messages
            .filter((m) => m.role === 'tool')
            .map((m) => m.content)
            .join('\n');
          return { toolCalls: [{ name: 'run_sql', arguments: { query } }] };
        },
        (request) => {
          const last = JSON.parse(request.body.messages.at(-1)!.content!);
          return `${last.rows[0][0]} have the highest average balance (${last.rows[0][1].toFixed(0)}).`;
        },
      );
      const res = await call('a', 'POST', `/api/runs/${orgs.a.runId}/ask`, {
        question: 'Which segment has the highest balance?',
      });
      expect(res.status, res.body).toBe(200);
      const body = res.json();
      expect(refusal).toMatch(/REFUSED: only a read-only SELECT .* an INSERT statement/);
      expect(refusal).toMatch(/REFUSED: read_parquet\(\.\.\.\) is not allowed/);
      expect(body.status).toBe('answered');
      // Customer i = 1..30: segment i % 3, balance 10 i; segment 0 (i = 3, 6, ..., 30) averages 165.
      expect(body.answer).toBe('Cautious rechargers have the highest average balance (165).');
      expect(body.queries.map((q: { ok: boolean; refused: boolean }) => [q.ok, q.refused])).toEqual([
        [false, true],
        [false, true],
        [true, false],
      ]);
      expect(body.queries[2].rows).toEqual([['Cautious rechargers', 165]]);
      const asked = (await listAudit(store.db, orgs.a.orgId))
        .filter((e) => e.action === 'sql_refused' && (e.detail as { via?: string }).via === 'ask')
        .map((e) => (e.detail as { sql: string }).sql);
      expect(asked.sort()).toEqual(['INSERT INTO scores VALUES (1)', theirs].sort());
    });

    it('POST /ask is limited per organisation and minute: 429 with Retry-After, saying when; other organisations and the SQL console go on', async () => {
      const limited = await buildApp({
        store,
        dataDir,
        runs: { start: false },
        campaigns: { start: false },
        ask: { perMinute: 2 },
      });
      try {
        const ask = (who: 'a' | 'b') =>
          limited.inject({
            method: 'POST',
            url: `/api/runs/${orgs[who].runId}/ask`,
            headers: { authorization: `Bearer ${orgs[who].token}` },
            payload: { question: 'How many customers?' },
          });
        llm.reply('Thirty.', 'Thirty.');
        expect((await ask('a')).statusCode).toBe(200);
        expect((await ask('a')).statusCode).toBe(200);
        const before = llm.requests.length;
        const third = await ask('a');
        expect(third.statusCode).toBe(429);
        expect(Number(third.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(Number(third.headers['retry-after'])).toBeLessThanOrEqual(60);
        expect(third.json().error.message).toMatch(
          /asked 2 questions in the last minute.*ask again in \d+ s/,
        );
        expect(llm.requests.length).toBe(before);
        // Organisation b has no model: its questions cost nothing and are not counted.
        for (let i = 0; i < 3; i++) expect((await ask('b')).json().status).toBe('not_configured');
        const sql = await limited.inject({
          method: 'POST',
          url: `/api/runs/${orgs.a.runId}/sql`,
          headers: { authorization: `Bearer ${orgs.a.token}` },
          payload: { sql: 'SELECT count(*) FROM assignments' },
        });
        expect(sql.statusCode, sql.body).toBe(200);
      } finally {
        await limited.close();
      }
    });

    it('POST /ask with no model set up: 200 not_configured, saying what one would add', async () => {
      const before = llm.requests.length;
      const res = await call('b', 'POST', `/api/runs/${orgs.b.runId}/ask`, {
        question: 'Which segment is riskiest?',
      });
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({ status: 'not_configured', answer: null, queries: [] });
      expect(res.json().message).toMatch(/writes read-only SQL.*the SQL console reads the same tables/);
      expect(llm.requests.length).toBe(before);
    });

    it('an API key encrypted with another key: the schema still loads and /ask says what to do (llm_failed)', async () => {
      await putChannelSettings(
        store.db,
        orgs.b.orgId,
        { llm: { baseUrl: llm.baseUrl, model: 'tiny', apiKey: 'sk-other' } },
        null,
        store.secrets,
      );
      const other = await buildApp({
        store: { ...store, secrets: SecretBox.temporary() },
        dataDir,
        runs: { start: false },
        campaigns: { start: false },
      });
      try {
        const as = { authorization: `Bearer ${orgs.b.token}` };
        const schema = await other.inject({
          method: 'GET',
          url: `/api/runs/${orgs.b.runId}/schema`,
          headers: as,
        });
        expect(schema.statusCode, schema.body).toBe(200);
        expect(schema.json()).toMatchObject({ llm: { configured: true, model: 'tiny' } });
        expect(schema.json().message).toContain(WRONG_KEY_MESSAGE);
        const before = llm.requests.length;
        const asked = await other.inject({
          method: 'POST',
          url: `/api/runs/${orgs.b.runId}/ask`,
          headers: as,
          payload: { question: 'Which segment is riskiest?' },
        });
        expect(asked.statusCode).toBe(200);
        expect(asked.json()).toMatchObject({
          status: 'llm_failed',
          answer: null,
          queries: [],
          model: 'tiny',
        });
        expect(asked.json().message).toContain(WRONG_KEY_MESSAGE);
        expect(llm.requests.length).toBe(before);
      } finally {
        await other.close();
        await putChannelSettings(store.db, orgs.b.orgId, { llm: null }, null, store.secrets);
      }
    });
  });
}
