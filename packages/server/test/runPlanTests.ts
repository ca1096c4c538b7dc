import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTelcoSnapshotCsv } from '@clientele/analytics';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/http/auth/secrets.ts';
import type { App } from '../src/http/index.ts';
import { runDir } from '../src/runs/runPaths.ts';
import {
  addMembership,
  createApiToken,
  createDataset,
  createOrganisation,
  createTeam,
  createUser,
  type Store,
  type StoreKind,
} from '../src/store/index.ts';
import { createRun } from '../src/store/repos/runs.ts';

/** What runs.test.ts opens once per store kind and lends to these tests. */
export interface SharedRunsApp {
  store: Store;
  /** The app at the time of the call (runs.test.ts builds a new one after its crash tests). */
  app: App;
  dataDir: string;
}

/**
 * The Data page's cleaning plan and run comparison, through the API: the suggested plan, a run
 * started with an edited one (kept with the run, written to its folder, applied by analyze),
 * plans refused naming the step and field, and two runs compared customer by customer.
 *
 * Called inside runs.test.ts's describe for each store kind, in an organisation of their own: they
 * share its store and app, whose opening and building cost seconds that a file of their own paid
 * again for each kind.
 */
export function runPlanTests(kind: StoreKind, shared: () => SharedRunsApp): void {
  describe('cleaning plans and run comparison', () => {
    let orgId: string;
    const token = `clt_plan_${kind}`;
    let datasetId: string;
    let planned: { id: string; plan: Record<string, unknown> };
    let plain: { id: string };

    const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
      const res = await shared().app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      return { status: res.statusCode, body: res.body, json: () => JSON.parse(res.body) };
    };
    const waitFor = async (runId: string) => {
      for (let i = 0; i < 1200; i++) {
        const run = (await call('GET', `/api/runs/${runId}`)).json();
        if (['succeeded', 'failed', 'cancelled'].includes(run.status)) return run;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`run ${runId} did not finish`);
    };

    beforeAll(async () => {
      const { store, app, dataDir } = shared();
      const org = await createOrganisation(store.db, { name: 'Plans' });
      orgId = org.id;
      const team = await createTeam(store.db, { orgId, name: 'Data' });
      const user = await createUser(store.db, {
        orgId,
        email: `plan-${kind}@example.com`,
        passwordHash: 'x',
        name: 'Planner',
      });
      await addMembership(store.db, { orgId, teamId: team.id, userId: user.id, role: 'data_scientist' });
      await createApiToken(store.db, { orgId, userId: user.id, name: 't', tokenHash: sha256(token) });
      const telco = join(dataDir, 'plan-telco.csv');
      // 400 rows, about half the analysis time of 800. Seed 1 plants one duplicate row among them
      // (the suggested plan's drop_duplicates and the run that keeps it rest on it); seed 3 plants none.
      const made = await writeTelcoSnapshotCsv(telco, { rows: 400, seed: 1 });
      expect(made.duplicates).toBe(1);
      const up = await app.inject({
        method: 'POST',
        url: '/api/datasets?name=telco',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        payload: readFileSync(telco),
      });
      expect(up.statusCode, up.body).toBe(201);
      datasetId = up.json().id;
    }, 120_000);

    it("suggests a plan from the dataset's profile, each step with the warning that asked for it", async () => {
      const res = await call('GET', `/api/datasets/${datasetId}/plan`);
      expect(res.status, res.body).toBe(200);
      const { plan, warnings, automatic } = res.json();
      expect(plan.version).toBe(1);
      const ops = plan.steps.map((s: { op: string }) => s.op);
      expect(ops).toContain('drop_duplicates');
      expect(ops).toContain('sentinel_to_missing');
      for (const step of plan.steps) expect(step.note.length).toBeGreaterThan(10);
      const sentinel = plan.steps.find((s: { op: string }) => s.op === 'sentinel_to_missing');
      expect(sentinel).toMatchObject({ column: 'DIAS_FRECUENCIA_RECARGA', values: [9999] });
      // Outlier fences are warnings, not steps.
      expect(ops).not.toContain('iqr_filter');
      expect(warnings.some((w: { code: string }) => w.code === 'OUTLIERS')).toBe(true);
      expect(automatic).toEqual(['drop_duplicates', 'sentinel_to_missing', 'replace']);
      expect((await call('GET', '/api/datasets/nope/plan')).status).toBe(404);
    });

    it('refuses a plan that does not fit, naming the step and field, and queues nothing', async () => {
      const before = (await call('GET', `/api/runs?datasetId=${datasetId}`)).json().runs.length;
      const cases: [unknown, string, RegExp][] = [
        [
          { steps: [{ op: 'drop_duplicates' }, { op: 'impute', column: 'EDAD' }] },
          'body.plan.steps.1.method',
          /step 2 \(impute\), field "method"/,
        ],
        [
          { steps: [{ op: 'melt', column: 'EDAD' }] },
          'body.plan.steps.0.op',
          /step 1 \(melt\): "op" must be one of/,
        ],
        [
          { steps: [{ op: 'iqr_filter', columns: ['EDAD'], action: 'clip', factor: -1 }] },
          'body.plan.steps.0.factor',
          /step 1 \(iqr_filter\), field "factor"/,
        ],
        [{ version: 2, steps: [] }, 'body.plan.version', /plan, version/],
      ];
      for (const [plan, field, message] of cases) {
        const res = await call('POST', `/api/datasets/${datasetId}/runs`, { plan });
        expect(res.status, res.body).toBe(400);
        expect(res.json().error.code).toBe('INVALID_INPUT');
        expect(res.json().error.field).toBe(field);
        expect(res.json().error.message).toMatch(message);
      }
      const notObject = await call('POST', `/api/datasets/${datasetId}/runs`, { plan: 'drop everything' });
      expect(notObject.status).toBe(400);
      expect(notObject.json().error.field).toBe('body.plan');
      expect((await call('GET', `/api/runs?datasetId=${datasetId}`)).json().runs.length).toBe(before);
    });

    it('runs with an edited plan: kept with the run, written to its folder, applied by the analysis', async () => {
      const plan = {
        steps: [
          { op: 'drop_duplicates' },
          { op: 'sentinel_to_missing', column: 'DIAS_FRECUENCIA_RECARGA', values: [9999] },
          { op: 'impute', column: 'DIAS_FRECUENCIA_RECARGA', method: 'median' },
          { op: 'iqr_filter', columns: ['SUM_DATOS_MB'], action: 'clip' },
        ],
      };
      const started = await call('POST', `/api/datasets/${datasetId}/runs`, {
        plan,
        config: { segmentation: { algorithm: 'kmeans', k: 3 } },
      });
      expect(started.status, started.body).toBe(202);
      // Stored as analyze reads it: defaults filled in.
      expect(started.json().plan.steps[3]).toEqual({
        op: 'iqr_filter',
        columns: ['SUM_DATOS_MB'],
        action: 'clip',
        factor: 1.5,
      });
      const run = await waitFor(started.json().id);
      expect(run.status, run.error ?? run.log).toBe('succeeded');
      expect(run.plan).toEqual(started.json().plan);
      const folder = runDir(shared().dataDir, orgId, run.id);
      expect(JSON.parse(readFileSync(join(folder, 'plan.json'), 'utf8'))).toEqual(run.plan);
      expect(existsSync(`${folder}.plan.json`)).toBe(false);
      const report = (await call('GET', `/api/datasets/${datasetId}/results`)).json().results.report;
      const cleaning = report.quality.cleaning.map((c: { step: string }) => c.step);
      expect(cleaning).toHaveLength(4);
      expect(cleaning[2]).toMatch(/^impute: filled with median/);
      expect(cleaning[3]).toMatch(/^iqr_filter: clip outside SUM_DATOS_MB/);
      expect(cleaning.join('\n')).not.toContain('(automatic)');
      planned = run;

      // Without a plan: the automatic steps, and no plan kept.
      const other = await call('POST', `/api/datasets/${datasetId}/runs`, {
        config: { segmentation: { algorithm: 'kmeans', k: 4 } },
      });
      const second = await waitFor(other.json().id);
      expect(second.status, second.error).toBe('succeeded');
      expect(second.plan).toBeNull();
      expect(existsSync(join(runDir(shared().dataDir, orgId, second.id), 'plan.json'))).toBe(false);
      plain = second;

      // Duplicate rows left in: the run fails saying which id repeats and what to do.
      const kept = await call('POST', `/api/datasets/${datasetId}/runs`, {
        plan: { steps: [{ op: 'sentinel_to_missing', column: 'DIAS_FRECUENCIA_RECARGA', values: [9999] }] },
        config: { segmentation: { algorithm: 'kmeans', k: 3 } },
      });
      const failed = await waitFor(kept.json().id);
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(
        /^customer id ".+" appears 2 times in the results: .* keep drop_duplicates/,
      );
    }, 300_000);

    it('compares two runs: sizes, k, silhouette, AUC, and a cross-table of how customers moved', async () => {
      const res = await call('GET', `/api/runs/${planned.id}/compare/${plain.id}`);
      expect(res.status, res.body).toBe(200);
      const c = res.json();
      expect(c.datasetId).toBe(datasetId);
      expect(c.a).toMatchObject({ runId: planned.id, k: 3, algorithm: 'kmeans' });
      expect(c.b).toMatchObject({ runId: plain.id, k: 4 });
      expect(c.a.segments).toHaveLength(3);
      expect(c.b.segments).toHaveLength(4);
      for (const side of [c.a, c.b]) {
        expect(side.silhouette).toBeGreaterThan(-1);
        expect(side.churnAuc).toBeGreaterThan(0.5);
        expect(side.segments.reduce((s: number, x: { size: number }) => s + x.size, 0)).toBe(side.customers);
      }
      // The cross-table: its rows add up to a's segment sizes, its columns to b's, for the
      // customers in both runs; counted here from customer_results directly.
      const rows = await shared()
        .store.db.selectFrom('customer_results')
        .select(['run_id', 'customer_id', 'segment'])
        .where('run_id', 'in', [planned.id, plain.id])
        .execute();
      const inB = new Map(rows.filter((r) => r.run_id === plain.id).map((r) => [r.customer_id, r.segment]));
      const expected = new Map<string, number>();
      let onlyInA = 0;
      for (const r of rows.filter((x) => x.run_id === planned.id)) {
        const to = inB.get(r.customer_id);
        if (to === undefined) onlyInA++;
        else expected.set(`${r.segment}>${to}`, (expected.get(`${r.segment}>${to}`) ?? 0) + 1);
      }
      const got = new Map(
        c.moves.map((m: { from: number; to: number; customers: number }) => [
          `${m.from}>${m.to}`,
          m.customers,
        ]),
      );
      expect(got).toEqual(expected);
      expect(c.onlyInA).toBe(onlyInA);
      const total = c.moves.reduce((s: number, m: { customers: number }) => s + m.customers, 0);
      expect(total + c.onlyInA).toBe(c.a.customers);
      expect(total + c.onlyInB).toBe(c.b.customers);

      // A run with itself: everyone stays.
      const same = (await call('GET', `/api/runs/${plain.id}/compare/${plain.id}`)).json();
      expect(same.moves.every((m: { from: number; to: number }) => m.from === m.to)).toBe(true);
    });

    it('refuses to compare runs of two datasets, unfinished runs, and unknown runs', async () => {
      // A succeeded run of another dataset (made in the store: its analysis is not the point).
      const { store } = shared();
      const other = await createDataset(store.db, {
        orgId,
        name: 'other',
        kind: 'snapshot',
        rows: 1,
        bytes: 1,
        sha256: 'other',
        createdBy: null,
      });
      const elsewhere = await createRun(store.db, {
        orgId,
        datasetId: other.id,
        config: {},
        createdBy: null,
      });
      await store.db
        .updateTable('runs')
        .set({ status: 'succeeded' })
        .where('id', '=', elsewhere.id)
        .execute();
      const crossed = await call('GET', `/api/runs/${planned.id}/compare/${elsewhere.id}`);
      expect(crossed.status).toBe(400);
      expect(crossed.json().error.field).toBe('path.b');
      expect(crossed.json().error.message).toMatch(/different datasets/);
      const cancelled = await call('POST', `/api/datasets/${datasetId}/runs`);
      await call('POST', `/api/runs/${cancelled.json().id}/cancel`);
      const unfinished = await call('GET', `/api/runs/${cancelled.json().id}/compare/${plain.id}`);
      expect(unfinished.status).toBe(400);
      expect(unfinished.json().error.field).toBe('path.a');
      expect(unfinished.json().error.message).toMatch(/only succeeded runs/);
      const missing = await call('GET', `/api/runs/${planned.id}/compare/nope`);
      expect(missing.status).toBe(404);
      expect(missing.json().error.field).toBe('path.b');
    });
  });
}
