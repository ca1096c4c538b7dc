import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AnalyzeResult, analyze, parseRunConfig, writeTelcoSnapshotCsv } from '@clientele/analytics';
import { adjustedRandIndex } from '@clientele/ml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/http/auth/secrets.ts';
import { type App, buildApp } from '../src/http/index.ts';
import { publishRunFolder } from '../src/runs/publishRunFolder.ts';
import {
  addMembership,
  createApiToken,
  createDataset,
  createOrganisation,
  createTeam,
  createUser,
  insertCustomers,
  type Store,
} from '../src/store/index.ts';
import { createRun } from '../src/store/repos/runs.ts';
import { STORE_KINDS, type StoreTarget, storeTarget } from './stores.ts';

/** One analysed telco with two other segmentations, published on each store (the real folder and publish path). */
const work = mkdtempSync(join(tmpdir(), 'clientele-segmentations-'));
let run: AnalyzeResult;
let customersIn: Map<string, string[]>;

beforeAll(async () => {
  const input = join(work, 'telco.csv');
  await writeTelcoSnapshotCsv(input, { rows: 600, seed: 11 });
  const config = parseRunConfig(
    {
      segmentation: { algorithm: 'kmeans', k: 4, selectionRows: 600, silhouetteRows: 300 },
      views: { methods: ['pca'], sample: 200 },
      churn: { trees: 10, reasonsFor: 50 },
      segmentations: [
        { id: 'pca-gmm', name: 'Mixture on PCA', space: 'pca', components: 3, algorithm: 'gmm', k: 3 },
        { id: 'ward', space: 'features', algorithm: 'ward', k: 5 },
      ],
    },
    'test',
  );
  run = await analyze({ input, out: join(work, 'run'), config });
  // customer id -> [main, pca-gmm, ward], straight from the run folder's files.
  customersIn = new Map();
  const assignments = readFileSync(join(run.out, 'assignments.csv'), 'utf8').trim().split('\n').slice(1);
  for (const line of assignments) {
    const [id, segment] = line.split(',');
    customersIn.set(id!, [segment!]);
  }
  for (const line of readFileSync(join(run.out, 'segmentations.csv'), 'utf8').trim().split('\n').slice(1)) {
    const [id, ...rest] = line.split(',');
    customersIn.get(id!)!.push(...rest);
  }
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

for (const kind of STORE_KINDS) {
  describe(`several segmentations on ${kind}`, () => {
    let target: StoreTarget;
    let store: Store;
    let app: App;
    let datasetId: string;
    let runId: string;
    const token = `clt_segm_${kind}`;
    const supportToken = `clt_segm_support_${kind}`;
    const dataToken = `clt_segm_data_${kind}`;

    const call = async (method: 'GET' | 'PUT' | 'POST', url: string, body?: unknown, as = token) => {
      const res = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${as}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return { status: res.statusCode, body: res.body, json: () => JSON.parse(res.body) };
    };

    beforeAll(async () => {
      target = storeTarget(kind);
      store = await target.open();
      const orgId = (await createOrganisation(store.db, { name: 'Segmentations' })).id;
      const marketing = await createTeam(store.db, { orgId, name: 'Marketing' });
      const care = await createTeam(store.db, { orgId, name: 'Care' });
      const user = await createUser(store.db, {
        orgId,
        email: `m-${kind}@example.com`,
        passwordHash: 'x',
        name: 'M',
      });
      await addMembership(store.db, { orgId, teamId: marketing.id, userId: user.id, role: 'marketing' });
      await createApiToken(store.db, { orgId, userId: user.id, name: 't', tokenHash: sha256(token) });
      const agent = await createUser(store.db, {
        orgId,
        email: `s-${kind}@example.com`,
        passwordHash: 'x',
        name: 'S',
      });
      await addMembership(store.db, { orgId, teamId: care.id, userId: agent.id, role: 'support' });
      await createApiToken(store.db, { orgId, userId: agent.id, name: 't', tokenHash: sha256(supportToken) });
      const analyst = await createUser(store.db, {
        orgId,
        email: `d-${kind}@example.com`,
        passwordHash: 'x',
        name: 'D',
      });
      await addMembership(store.db, {
        orgId,
        teamId: marketing.id,
        userId: analyst.id,
        role: 'data_scientist',
      });
      await createApiToken(store.db, { orgId, userId: analyst.id, name: 't', tokenHash: sha256(dataToken) });
      const d = await createDataset(store.db, {
        orgId,
        name: 'telco',
        kind: 'snapshot',
        rows: 600,
        bytes: 1,
        sha256: `telco-${kind}`,
        createdBy: null,
      });
      datasetId = d.id;
      const r = await createRun(store.db, { orgId, datasetId, config: {}, createdBy: null });
      runId = r.id;
      await publishRunFolder(store.db, { orgId, datasetId, runId, folder: run.out, publishedBy: null });
      await insertCustomers(
        store.db,
        orgId,
        datasetId,
        [...customersIn.keys()].map((id) => ({ customerId: id, email: `${id.toLowerCase()}@example.com` })),
      );
      app = await buildApp({ store, dataDir: work, runs: { start: false }, campaigns: { start: false } });
      await app.ready();
    }, 120_000);
    afterAll(async () => {
      await app?.close();
      await target?.dispose();
    });

    it('lists the main segmentation and the others, with sizes and both silhouettes; main is chosen at first', async () => {
      const res = await call('GET', `/api/datasets/${datasetId}/segmentations`);
      expect(res.status, res.body).toBe(200);
      const body = res.json();
      expect(body.runId).toBe(runId);
      expect(body.chosen).toBe('main');
      expect(body.choice).toBeNull();
      expect(body.segmentations.map((s: { id: string }) => s.id)).toEqual(['main', 'pca-gmm', 'ward']);
      const [main, pca, ward] = body.segmentations;
      expect(main.silhouette).toBeCloseTo(run.report.segmentation.silhouette!, 12);
      expect(pca.name).toBe('Mixture on PCA');
      expect(pca.space).toBe('pca');
      expect(pca.components).toBe(3);
      expect(pca.silhouetteOnFeatures).toBeCloseTo(run.report.alternatives[0]!.silhouetteOnFeatures!, 12);
      expect(ward.k).toBe(5);
      for (const s of body.segmentations) {
        expect(s.segments.reduce((n: number, g: { size: number }) => n + g.size, 0)).toBe(600);
      }
    });

    it('the cross-table counts every customer once, as the run files say, and its ARI is scikit-learn-checked', async () => {
      const res = await call('GET', `/api/datasets/${datasetId}/segmentations/main/cross/pca-gmm`);
      expect(res.status, res.body).toBe(200);
      const body = res.json();
      const expected = new Map<string, number>();
      for (const [, s] of customersIn)
        expected.set(`${s[0]}>${s[1]}`, (expected.get(`${s[0]}>${s[1]}`) ?? 0) + 1);
      expect(
        new Map(
          body.cells.map((c: { from: number; to: number; customers: number }) => [
            `${c.from}>${c.to}`,
            c.customers,
          ]),
        ),
      ).toEqual(expected);
      const ids = [...customersIn.values()];
      expect(body.ari).toBeCloseTo(
        adjustedRandIndex(
          ids.map((s) => Number(s[0])),
          ids.map((s) => Number(s[1])),
        ),
        12,
      );
      expect(body.a.segments).toHaveLength(4);
      expect(body.b.name).toBe('Mixture on PCA');
      const same = (await call('GET', `/api/datasets/${datasetId}/segmentations/ward/cross/ward`)).json();
      expect(same.ari).toBeCloseTo(1, 12);
      const unknown = await call('GET', `/api/datasets/${datasetId}/segmentations/main/cross/nope`);
      expect(unknown.status).toBe(404);
      expect(unknown.json().error.message).toMatch(
        /no segmentation "nope"; it has "main", "pca-gmm", "ward"/,
      );
    });

    it("a team chooses a segmentation: the Segments page follows it, with that segmentation's names and churn", async () => {
      const before = (await call('GET', `/api/datasets/${datasetId}/segments`)).json();
      expect(before.segmentation).toBe('main');
      expect(before.segments).toHaveLength(4);

      const bad = await call('PUT', `/api/datasets/${datasetId}/segmentation`, { segmentation: 'nope' });
      expect(bad.status).toBe(400);
      expect(bad.json().error.field).toBe('body.segmentation');
      const support = await call(
        'PUT',
        `/api/datasets/${datasetId}/segmentation`,
        { segmentation: 'ward' },
        supportToken,
      );
      expect(support.status).toBe(403);

      const chosen = await call('PUT', `/api/datasets/${datasetId}/segmentation`, { segmentation: 'ward' });
      expect(chosen.status, chosen.body).toBe(200);
      expect(chosen.json()).toMatchObject({ team: 'Marketing', segmentation: 'ward' });

      const list = (await call('GET', `/api/datasets/${datasetId}/segmentations`)).json();
      expect(list.chosen).toBe('ward');
      const after = (await call('GET', `/api/datasets/${datasetId}/segments`)).json();
      expect(after.segmentation).toBe('ward');
      const ward = run.report.alternatives[1]!;
      expect(after.segments.map((s: { size: number }) => s.size)).toEqual(ward.segments.map((s) => s.size));
      expect(after.segments[0].churn.meanProbability).toBeCloseTo(
        ward.churnBySegment![0]!.meanProbability,
        12,
      );
      // The support agent's team chose nothing: it still sees the main segmentation.
      expect(
        (await call('GET', `/api/datasets/${datasetId}/segments`, undefined, supportToken)).json()
          .segmentation,
      ).toBe('main');
      // Asking for one by name overrides the choice.
      const main = (await call('GET', `/api/datasets/${datasetId}/segments?segmentation=main`)).json();
      expect(main.segments).toHaveLength(4);
    });

    it("renames a segment of the chosen segmentation without touching the main one's", async () => {
      const res = await call('PUT', `/api/datasets/${datasetId}/segments/0/name`, { name: 'Our ward zero' });
      expect(res.status, res.body).toBe(200);
      expect(res.json().segmentation).toBe('ward');
      const ward = (await call('GET', `/api/datasets/${datasetId}/segments?segmentation=ward`)).json();
      expect(ward.segments[0].name).toBe('Our ward zero');
      const main = (await call('GET', `/api/datasets/${datasetId}/segments?segmentation=main`)).json();
      expect(main.segments[0].name).toBe(run.report.segmentation.segments[0]!.name);
      const cross = (await call('GET', `/api/datasets/${datasetId}/segmentations/main/cross/ward`)).json();
      expect(cross.b.segments[0].name).toBe('Our ward zero');
    });

    it('Lookout, charts and campaign audiences follow the chosen segmentation', async () => {
      const [id, labels] = [...customersIn].find(([, l]) => l[2] === '0')!;
      const lookout = await call('GET', `/api/customers/${encodeURIComponent(id)}`);
      expect(lookout.status, lookout.body).toBe(200);
      expect(lookout.json().analysis.segment).toMatchObject({
        id: 0,
        segmentation: 'ward',
        segmentationName: 'ward on the features',
        name: 'Our ward zero',
        namedBy: 'team',
      });
      // The support agent's team chose nothing: the main segment, by its suggested name.
      const agent = (
        await call('GET', `/api/customers/${encodeURIComponent(id)}`, undefined, supportToken)
      ).json();
      expect(agent.analysis.segment).toMatchObject({
        id: Number(labels[0]),
        segmentation: 'main',
        segmentationName: 'Main segmentation',
      });

      const bars = await call('POST', `/api/datasets/${datasetId}/chart-data`, {
        spec: { kind: 'bar', category: 'segment', measure: 'count' },
      });
      expect(bars.status, bars.body).toBe(200);
      const ward = run.report.alternatives[1]!;
      expect(
        bars.json().data.bars.map((b: { label: string; count: number }) => [Number(b.label), b.count]),
      ).toEqual(ward.segments.map((s) => [s.id, s.size]));
      expect(bars.json().segments[0].name).toBe('Our ward zero');

      const inWardZero = [...customersIn.values()].filter((l) => l[2] === '0').length;
      const preview = await call('POST', '/api/audiences/preview', {
        datasetId,
        channel: 'email',
        filter: { segments: [0] },
      });
      expect(preview.status, preview.body).toBe(200);
      expect(preview.json()).toMatchObject({ count: inWardZero, segmentation: 'ward' });
      expect(preview.json().preview[0].segmentName).toBe('Our ward zero');
      const inMainZero = [...customersIn.values()].filter((l) => l[0] === '0').length;
      const main = await call('POST', '/api/audiences/preview', {
        datasetId,
        channel: 'email',
        filter: { segmentation: 'main', segments: [0] },
      });
      expect(main.json()).toMatchObject({ count: inMainZero, segmentation: 'main' });
      const unknown = await call('POST', '/api/audiences/preview', {
        datasetId,
        channel: 'email',
        filter: { segmentation: 'nope', segments: [0] },
      });
      expect(unknown.status).toBe(400);
      expect(unknown.json().error.field).toBe('body.filter.segmentation');
    });

    it("a run or schedule made without a config keeps the dataset's latest parameters, its segmentations too", async () => {
      const config = {
        segmentation: { algorithm: 'kmeans', k: 4 },
        segmentations: [{ id: 'pca', space: 'pca' }],
      };
      const first = await call('POST', `/api/datasets/${datasetId}/runs`, { config }, dataToken);
      expect(first.status, first.body).toBe(202);
      expect(first.json().config).toEqual(config);
      const again = await call('POST', `/api/datasets/${datasetId}/runs`, {}, dataToken);
      expect(again.status, again.body).toBe(202);
      expect(again.json().config).toEqual(config);
      const schedule = await call(
        'POST',
        `/api/datasets/${datasetId}/schedules`,
        { cron: '0 3 1 * *' },
        dataToken,
      );
      expect(schedule.status, schedule.body).toBe(201);
      const row = await store.db
        .selectFrom('schedules')
        .select('config')
        .where('id', '=', schedule.json().id)
        .executeTakeFirstOrThrow();
      expect(row.config).toEqual(config);
      const bad = await call(
        'POST',
        `/api/datasets/${datasetId}/runs`,
        { config: { segmentations: [{ id: 'main' }] } },
        dataToken,
      );
      expect(bad.status).toBe(400);
      expect(bad.json().error.message).toMatch(/segmentations\.0\.id: "main" is the main segmentation's id/);
    });
  });
}
