import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeTelcoSnapshotCsv, writeTransactionLogCsv } from '@clientele/analytics';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetFile } from '../src/datasets/paths.ts';
import { sha256 } from '../src/http/auth/secrets.ts';
import { type App, buildApp } from '../src/http/index.ts';
import { RunJobs } from '../src/runs/runJobs.ts';
import {
  addMembership,
  createApiToken,
  createDataset,
  createOrganisation,
  createTeam,
  createUser,
  readPublished,
  type Store,
  setSegmentName,
} from '../src/store/index.ts';
import { runPlanTests } from './runPlanTests.ts';
import { STORE_KINDS, type StoreTarget, storeTarget } from './stores.ts';

const day = (line: string): string => /\d{4}-\d{2}-\d{2}/.exec(line)![0];

for (const kind of STORE_KINDS) {
  describe(`analysis runs as durable jobs on ${kind}`, () => {
    let target: StoreTarget;
    let store: Store;
    let app: App;
    let dataDir: string;
    let orgId: string;
    let userId: string;
    const token = `clt_runs_${kind}`;
    let telco: string;
    let log: string;

    const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) => {
      const res = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      return { status: res.statusCode, body: res.body, json: () => JSON.parse(res.body) };
    };

    /** A dataset row with its file in place, as an upload leaves it. */
    const dataset = async (name: string, file: string, datasetKind: 'snapshot' | 'transactions') => {
      const d = await createDataset(store.db, {
        orgId,
        name,
        kind: datasetKind,
        rows: 1,
        bytes: 1,
        sha256: name,
        createdBy: userId,
      });
      const path = datasetFile(dataDir, orgId, d.id);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, readFileSync(file));
      return d.id;
    };

    const waitFor = async (runId: string, done = ['succeeded', 'failed', 'cancelled']) => {
      for (let i = 0; i < 1200; i++) {
        const run = (await call('GET', `/api/runs/${runId}`)).json();
        if (done.includes(run.status)) return run;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`run ${runId} did not finish`);
    };

    beforeAll(async () => {
      target = storeTarget(kind);
      store = await target.open();
      dataDir = mkdtempSync(join(tmpdir(), 'clientele-runs-'));
      const org = await createOrganisation(store.db, { name: 'Runs' });
      orgId = org.id;
      const team = await createTeam(store.db, { orgId, name: 'Data' });
      const user = await createUser(store.db, {
        orgId,
        email: `runs-${kind}@example.com`,
        passwordHash: 'x',
        name: 'Runner',
      });
      userId = user.id;
      await addMembership(store.db, { orgId, teamId: team.id, userId, role: 'data_scientist' });
      await createApiToken(store.db, { orgId, userId, name: 't', tokenHash: sha256(token) });
      telco = join(dataDir, 'telco.csv');
      // 400 rows: every check here holds on it (churn AUC about 0.86, k = 4 kept, reasons for
      // everyone), and each analysis takes about a quarter of what 1,500 rows took.
      await writeTelcoSnapshotCsv(telco, { rows: 400, seed: 3 });
      log = join(dataDir, 'log.csv');
      await writeTransactionLogCsv(log, { customers: 300, seed: 4 });
      app = await buildApp({ store, dataDir, runs: { pollMs: 50 } });
      await app.ready();
    }, 120_000);
    afterAll(async () => {
      await app?.close();
      await target?.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('runs an analysis, publishes it as a version and serves its results and exports', async () => {
      const datasetId = await dataset('telco', telco, 'snapshot');
      const started = await call('POST', `/api/datasets/${datasetId}/runs`, {
        config: { segmentation: { algorithm: 'kmeans', k: 4 } },
      });
      expect(started.status, started.body).toBe(202);
      expect(started.json().status).toBe('queued');
      const run = await waitFor(started.json().id);
      expect(run.status, run.error).toBe('succeeded');
      expect(run.progress).toBe(1);
      expect(run.log).toContain('segments');
      expect(run.log).toContain('published as version 1');

      const results = (await call('GET', `/api/datasets/${datasetId}/results`)).json();
      expect(results.version).toBe(1);
      expect(results.runId).toBe(run.id);
      expect(results.results.report.segmentation.k).toBe(4);
      expect(results.results.report.churn.auc).toBeGreaterThan(0.6);

      const rows = await store.db
        .selectFrom('customer_results')
        .select(['customer_id', 'segment', 'churn_probability', 'risk_tier', 'reasons'])
        .where('run_id', '=', run.id)
        .execute();
      const csv = await call('GET', `/api/datasets/${datasetId}/exports/scores.csv`);
      expect(csv.status).toBe(200);
      const lines = csv.body.trim().split('\n');
      expect(lines[0]).toMatch(/^customer_id,segment,churn_probability/);
      expect(rows.length).toBe(lines.length - 1);
      const first = lines[1]!.split(',');
      const mine = rows.find((r) => r.customer_id === first[0])!;
      expect(mine.segment).toBe(Number(first[1]));
      expect(mine.churn_probability).toBeCloseTo(Number(first[2]), 12);
      expect(rows.some((r) => Array.isArray(r.reasons) && r.reasons.length > 0)).toBe(true);
      expect((await call('GET', `/api/datasets/${datasetId}/exports/nope.csv`)).status).toBe(400);
    }, 300_000);

    it('Lookout answers with the published segment, churn tier, reasons in words and a recommendation', async () => {
      const up = await app.inject({
        method: 'POST',
        url: '/api/datasets?name=lookout-telco',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        payload: readFileSync(telco),
      });
      expect(up.statusCode, up.body).toBe(201);
      const datasetId = up.json().id as string;
      const someone = readFileSync(telco, 'utf8').split('\n')[1]!.split(',')[0]!;
      const before = (await call('GET', `/api/customers/${someone}?datasetId=${datasetId}`)).json();
      expect(before.analysis).toBeNull();
      const run = await waitFor((await call('POST', `/api/datasets/${datasetId}/runs`)).json().id);
      expect(run.status, run.error).toBe('succeeded');
      const card = (await call('GET', `/api/customers/${someone}?datasetId=${datasetId}`)).json();
      const stored = await store.db
        .selectFrom('customer_results')
        .selectAll()
        .where('run_id', '=', run.id)
        .where('customer_id', '=', someone)
        .executeTakeFirstOrThrow();
      expect(card.analysis).toMatchObject({
        runId: run.id,
        version: 1,
        segment: { id: stored.segment, namedBy: 'suggested' },
        churn: { probability: stored.churn_probability, tier: stored.risk_tier },
        insider: false,
      });
      expect(card.analysis.segment.name.length).toBeGreaterThan(3);
      expect(card.analysis.recommendation.length).toBeGreaterThan(10);
      expect(card.analysis.reasons.length).toBeGreaterThan(0);
      for (const r of card.analysis.reasons) {
        expect(r.text).toMatch(
          new RegExp(`^${r.feature} is .+: (raises|lowers) the churn risk by \\d+\\.\\d points$`),
        );
      }
      // A team's own name for the segment wins for its members.
      const teamId = (
        await store.db
          .selectFrom('memberships')
          .select('team_id')
          .where('user_id', '=', userId)
          .executeTakeFirstOrThrow()
      ).team_id;
      await setSegmentName(store.db, {
        orgId,
        runId: run.id,
        segmentId: String(stored.segment),
        teamId,
        name: 'Nuestros clientes',
        description: 'como los llama el equipo',
        updatedBy: userId,
      });
      const renamed = (await call('GET', `/api/customers/${someone}?datasetId=${datasetId}`)).json();
      expect(renamed.analysis.segment).toMatchObject({ name: 'Nuestros clientes', namedBy: 'team' });
    }, 300_000);

    it('records who entered and left the Insiders when a later cut of the log is analysed', async () => {
      const lines = readFileSync(log, 'utf8').trim().split('\n');
      const early = join(dataDir, 'early.csv');
      writeFileSync(
        early,
        `${[lines[0], ...lines.slice(1).filter((l) => day(l) < '2011-09-01')].join('\n')}\n`,
      );
      const datasetId = await dataset('log', early, 'transactions');
      const first = await waitFor((await call('POST', `/api/datasets/${datasetId}/runs`)).json().id);
      expect(first.status, first.error).toBe('succeeded');
      const renamed = await call('PUT', `/api/datasets/${datasetId}/segments/0/name`, {
        name: 'Los mejores',
        description: 'nombre del equipo',
      });
      expect(renamed.status, renamed.body).toBe(200);
      expect((await call('PUT', `/api/datasets/${datasetId}/segments/99/name`, { name: 'x' })).status).toBe(
        404,
      );
      expect((await call('PUT', `/api/datasets/${datasetId}/segments/0/name`, { name: '' })).status).toBe(
        400,
      );
      // Fresh data for the same dataset: the whole log.
      writeFileSync(datasetFile(dataDir, orgId, datasetId), readFileSync(log));
      const second = await waitFor((await call('POST', `/api/datasets/${datasetId}/runs`)).json().id);
      expect(second.status, second.error).toBe('succeeded');
      const { changes } = (await call('GET', `/api/datasets/${datasetId}/insiders/changes`)).json();
      expect(changes.length).toBeGreaterThan(0);
      expect(new Set(changes.map((c: { runId: string }) => c.runId))).toEqual(new Set([second.id]));
      // Every change agrees with the two runs' Insiders.
      const insiders = async (runId: string) =>
        new Set(
          (
            await store.db
              .selectFrom('customer_results')
              .select('customer_id')
              .where('run_id', '=', runId)
              .where('insider', '=', true)
              .execute()
          ).map((r) => r.customer_id),
        );
      const before = await insiders(first.id);
      const after = await insiders(second.id);
      for (const c of changes) {
        expect(
          c.change === 'entered'
            ? !before.has(c.customerId) && after.has(c.customerId)
            : before.has(c.customerId) && !after.has(c.customerId),
        ).toBe(true);
      }
      // The team's name for a segment, given on the first version, is still there on the second.
      const segs = (await call('GET', `/api/datasets/${datasetId}/segments`)).json();
      expect(segs.runId).toBe(second.id);
      const renamedOnFirst = segs.segments.find((x: { names: unknown[] }) => x.names.length > 0);
      expect(renamedOnFirst?.name).toBe('Los mejores');
      expect(renamedOnFirst?.suggested.name).not.toBe('Los mejores');
      const audit = await store.db
        .selectFrom('audit_log')
        .select('action')
        .where('org_id', '=', orgId)
        .where('action', '=', 'segment_renamed')
        .execute();
      expect(audit.length).toBeGreaterThanOrEqual(1);
      const versions = (await call('GET', `/api/datasets/${datasetId}/results/versions`)).json().versions;
      expect(versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    }, 300_000);

    it('a failed run says why and leaves the published results as they were', async () => {
      const datasetId = await dataset('telco-then-broken', telco, 'snapshot');
      const ok = await waitFor((await call('POST', `/api/datasets/${datasetId}/runs`)).json().id);
      expect(ok.status).toBe('succeeded');
      writeFileSync(datasetFile(dataDir, orgId, datasetId), 'only_one_column\nx\ny\n');
      const bad = await waitFor((await call('POST', `/api/datasets/${datasetId}/runs`)).json().id);
      expect(bad.status).toBe('failed');
      expect(bad.error.length).toBeGreaterThan(10);
      expect(bad.log).toContain('failed:');
      const published = await readPublished(store.db, orgId, datasetId);
      expect(published?.runId).toBe(ok.id);
      expect(published?.version).toBe(1);
      // The server keeps serving.
      expect((await call('GET', '/api/runs')).status).toBe(200);
    }, 300_000);

    it('cancels a run, queued or running, and refuses to cancel a finished one', async () => {
      const datasetId = await dataset('telco-cancel', telco, 'snapshot');
      const started = (await call('POST', `/api/datasets/${datasetId}/runs`)).json();
      const cancelled = await call('POST', `/api/runs/${started.id}/cancel`);
      expect(cancelled.status, cancelled.body).toBe(200);
      const run = await waitFor(started.id);
      expect(run.status).toBe('cancelled');
      expect(await readPublished(store.db, orgId, datasetId)).toBeUndefined();
      expect((await call('POST', `/api/runs/${started.id}/cancel`)).status).toBe(200);
      const other = (await call('GET', '/api/runs'))
        .json()
        .runs.find((r: { status: string }) => r.status === 'succeeded');
      expect((await call('POST', `/api/runs/${other.id}/cancel`)).status).toBe(409);
      expect((await call('POST', '/api/runs/no-such-run/cancel')).status).toBe(404);
    }, 300_000);

    it('a run left running by a stopped server is started again once, then failed', async () => {
      const datasetId = await dataset('telco-crash', telco, 'snapshot');
      const jobs = new RunJobs({ store, dataDir, pollMs: 50 });
      // Two runs a server was doing when it died: one on its first attempt, one on its second.
      const mk = async (attempts: number) => {
        const r = await store.db
          .insertInto('runs')
          .values({
            id: `crashed-${kind}-${attempts}`,
            org_id: orgId,
            dataset_id: datasetId,
            config: sql`'{}'::jsonb` as never,
            status: 'running',
            step: 'segments',
            attempts,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        mkdirSync(join(dataDir, 'runs', orgId, r.id), { recursive: true });
        return r.id;
      };
      const once = await mk(1);
      const twice = await mk(2);
      await app.close(); // the app's own runner must not take them first
      await jobs.start();
      try {
        const again = await waitForRow(store, once);
        expect(again.status, again.error ?? '').toBe('succeeded');
        expect(again.attempts).toBe(2);
        expect(again.log).toContain('the server stopped during step segments; queued again');
        const failed = await waitForRow(store, twice);
        expect(failed.status).toBe('failed');
        expect(failed.error).toContain('the server stopped during the run 2 times');
      } finally {
        await jobs.stop();
        app = await buildApp({ store, dataDir, runs: { pollMs: 50 } });
        await app.ready();
      }
    }, 300_000);

    it('cancels a running run at its next step, from the progress it writes', async () => {
      const datasetId = await dataset('telco-running-cancel', telco, 'snapshot');
      await app.close();
      const jobs = new RunJobs({
        store,
        dataDir,
        pollMs: 50,
        progressMs: 0,
        // An analysis that reports progress until it is told to stop, as analyze does at each step.
        analyze: async (o) => {
          for (let i = 0; !o.signal?.aborted; i++) {
            o.onProgress?.({ step: 'segments', fraction: 0.25 + (i % 10) / 100 });
            await new Promise((r) => setTimeout(r, 20));
          }
          throw new Error('the run was cancelled');
        },
      });
      await jobs.start();
      try {
        const run = await jobs.enqueue({ orgId, datasetId, config: {}, createdBy: userId });
        let row = await store.db
          .selectFrom('runs')
          .selectAll()
          .where('id', '=', run.id)
          .executeTakeFirstOrThrow();
        for (let i = 0; i < 300 && !(row.status === 'running' && row.step === 'segments'); i++) {
          await new Promise((r) => setTimeout(r, 20));
          row = await store.db
            .selectFrom('runs')
            .selectAll()
            .where('id', '=', run.id)
            .executeTakeFirstOrThrow();
        }
        expect(row.progress).toBeGreaterThanOrEqual(0.25);
        const asked = await jobs.cancel(orgId, run.id);
        expect(asked?.cancel_requested).toBe(true);
        const done = await waitForRow(store, run.id);
        expect(done.status).toBe('cancelled');
        expect(done.log).toMatch(/segments\n.*cancelled\n$/s);
        expect(await readPublished(store.db, orgId, datasetId)).toBeUndefined();
      } finally {
        await jobs.stop();
        app = await buildApp({ store, dataDir, runs: { pollMs: 50 } });
        await app.ready();
      }
    }, 120_000);

    it('another organisation sees none of the runs, results, segments, exports or schedules', async () => {
      const other = await createOrganisation(store.db, { name: `Other ${kind}` });
      const team = await createTeam(store.db, { orgId: other.id, name: 'Boss' });
      const boss = await createUser(store.db, {
        orgId: other.id,
        email: `other-boss-${kind}@example.com`,
        passwordHash: 'x',
        name: 'Other',
      });
      await addMembership(store.db, { orgId: other.id, teamId: team.id, userId: boss.id, role: 'manager' });
      await createApiToken(store.db, {
        orgId: other.id,
        userId: boss.id,
        name: 'o',
        tokenHash: sha256(`${token}-other`),
      });
      const as = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
        app.inject({
          method,
          url,
          headers: { authorization: `Bearer ${token}-other` },
          ...(payload === undefined ? {} : { payload: payload as object }),
        });
      const mine = (await call('GET', '/api/runs')).json().runs as { id: string; datasetId: string }[];
      expect(mine.length).toBeGreaterThan(0);
      expect((await as('GET', '/api/runs')).json().runs).toEqual([]);
      const { id, datasetId } = mine[0]!;
      const schedule = await store.db
        .selectFrom('schedules')
        .select('id')
        .where('org_id', '=', orgId)
        .executeTakeFirst();
      for (const [method, url, payload] of [
        ['GET', `/api/runs/${id}`],
        ['POST', `/api/runs/${id}/cancel`],
        ['POST', `/api/datasets/${datasetId}/runs`, {}],
        ['GET', `/api/datasets/${datasetId}/results`],
        ['GET', `/api/datasets/${datasetId}/results/versions`],
        ['GET', `/api/datasets/${datasetId}/segments`],
        ['PUT', `/api/datasets/${datasetId}/segments/0/name`, { name: 'stolen' }],
        ['GET', `/api/datasets/${datasetId}/insiders/changes`],
        ['GET', `/api/datasets/${datasetId}/exports/assignments.csv`],
        ['GET', `/api/datasets/${datasetId}/schedules`],
        ['POST', `/api/datasets/${datasetId}/schedules`, { cron: '0 3 1 * *' }],
        ...(schedule ? [['DELETE', `/api/schedules/${schedule.id}`] as const] : []),
      ] as const) {
        const res = await as(method, url, payload);
        expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(404);
      }
    }, 60_000);

    it('schedules re-runs by cron and refuses a bad expression', async () => {
      const datasetId = await dataset('telco-scheduled', telco, 'snapshot');
      const bad = await call('POST', `/api/datasets/${datasetId}/schedules`, { cron: 'every monday!' });
      expect(bad.status).toBe(400);
      expect(bad.json().error.field).toBe('body.cron');
      const made = await call('POST', `/api/datasets/${datasetId}/schedules`, { cron: '0 3 1 * *' });
      expect(made.status, made.body).toBe(201);
      const next = new Date(made.json().nextRunAt);
      expect(next.getUTCDate()).toBe(1);
      expect(next.getUTCHours()).toBe(3);
      // Make it due: the runner queues a run and moves the schedule to its next time.
      await store.db
        .updateTable('schedules')
        .set({ next_run_at: new Date(Date.now() - 1000) })
        .execute();
      let schedule = (await call('GET', `/api/datasets/${datasetId}/schedules`)).json().schedules[0];
      for (let i = 0; i < 200 && schedule.lastRunId === null; i++) {
        await new Promise((r) => setTimeout(r, 100));
        schedule = (await call('GET', `/api/datasets/${datasetId}/schedules`)).json().schedules[0];
      }
      expect(schedule.lastRunId).not.toBeNull();
      expect(new Date(schedule.nextRunAt).getTime()).toBeGreaterThan(Date.now());
      const run = await waitFor(schedule.lastRunId);
      expect(run.status, run.error).toBe('succeeded');
      expect(run.log).toContain('queued by schedule');
      expect((await call('DELETE', `/api/schedules/${schedule.id}`)).status).toBe(204);
      expect((await call('DELETE', `/api/schedules/${schedule.id}`)).status).toBe(404);
    }, 300_000);

    // The Data page's cleaning plans and run comparison, on this store and app (see runPlanTests.ts).
    runPlanTests(kind, () => ({ store, app, dataDir }));
  });
}

async function waitForRow(store: Store, runId: string) {
  for (let i = 0; i < 1200; i++) {
    const run = await store.db
      .selectFrom('runs')
      .selectAll()
      .where('id', '=', runId)
      .executeTakeFirstOrThrow();
    if (['succeeded', 'failed', 'cancelled'].includes(run.status)) return run;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run ${runId} did not finish`);
}
