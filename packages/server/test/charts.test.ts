import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/http/auth/secrets.ts';
import { type App, buildApp } from '../src/http/index.ts';
import {
  addMembership,
  createApiToken,
  createDataset,
  createOrganisation,
  createRun,
  createTeam,
  createUser,
  insertCustomers,
  type Role,
  type Store,
} from '../src/store/index.ts';
import { publishRun } from '../src/store/repos/results.ts';
import { STORE_KINDS, type StoreTarget, storeTarget } from './stores.ts';

/** A seeded generator (mulberry32): the same customers on every run of the test. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Person {
  id: string;
  store: string;
  segment: number;
  churn: number;
  tier: string;
  age: number | null;
  plan: string;
  joined: string;
  spend: number;
}

const N = 240;
const TIERS = ['Low', 'Moderate', 'High', 'Critical'];
function people(seed: number): Person[] {
  const r = random(seed);
  return Array.from({ length: N }, (_, i) => {
    const churn = Math.round(r() * 1000) / 1000;
    return {
      id: `c${String(i).padStart(3, '0')}`,
      store: r() < 0.5 ? 'North' : 'South',
      segment: Math.floor(r() * 3),
      churn,
      tier: TIERS[Math.min(3, Math.floor(churn * 4))]!,
      // One customer in twenty has no age: charts leave them out of numeric figures.
      age: i % 20 === 7 ? null : 18 + Math.floor(r() * 63),
      plan: ['basic', 'plus', 'pro'][Math.floor(r() * 3)]!,
      joined: `2024-${String(1 + Math.floor(r() * 6)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`,
      spend: Math.round(r() * 10_000) / 100,
    };
  });
}

/** PostgreSQL's percentile_cont: linear between the two closest ranks. */
function percentileCont(sorted: number[], p: number): number {
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const close = (a: number, b: number) => expect(a).toBeCloseTo(b, 9);

for (const kind of STORE_KINDS) {
  describe(`chart builder on ${kind}`, () => {
    let target: StoreTarget;
    let store: Store;
    let app: App;
    let datasetId: string;
    let orgId: string;
    const all = people(42);
    const tokens = {} as Record<'marketing' | 'support' | 'other', string>;

    const call = async (
      who: keyof typeof tokens,
      method: 'GET' | 'POST' | 'PUT' | 'DELETE',
      url: string,
      payload?: object,
    ) => {
      const res = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${tokens[who]}` },
        ...(payload === undefined ? {} : { payload }),
      });
      return { status: res.statusCode, body: res.body, json: () => JSON.parse(res.body) };
    };
    const chart = async (spec: object) => {
      const res = await call('support', 'POST', `/api/datasets/${datasetId}/chart-data`, { spec });
      expect(res.status, res.body).toBe(200);
      return res.json();
    };

    /** A run of the dataset with these results, published. */
    const publish = async (rows: Person[]) => {
      const run = await createRun(store.db, { orgId, datasetId, config: {}, createdBy: null });
      await store.db
        .insertInto('customer_results')
        .values(
          rows.map((p) => ({
            org_id: orgId,
            run_id: run.id,
            customer_id: p.id,
            segment: p.segment,
            churn_probability: p.churn,
            risk_tier: p.tier,
          })),
        )
        .execute();
      await publishRun(store.db, { orgId, datasetId, runId: run.id, publishedBy: null });
      return run.id;
    };

    beforeAll(async () => {
      target = storeTarget(kind);
      store = await target.open();
      const org = await createOrganisation(store.db, { name: 'Charts' });
      orgId = org.id;
      const member = async (key: keyof typeof tokens, team: string, role: Role) => {
        const t = await createTeam(store.db, { orgId, name: team });
        const u = await createUser(store.db, {
          orgId,
          email: `${key}-${kind}@example.com`,
          passwordHash: 'x',
          name: key,
        });
        await addMembership(store.db, { orgId, teamId: t.id, userId: u.id, role });
        tokens[key] = `clt_charts_${key}_${kind}`;
        await createApiToken(store.db, { orgId, userId: u.id, name: 't', tokenHash: sha256(tokens[key]) });
      };
      await member('marketing', 'Marketing', 'marketing');
      await member('support', 'Support', 'support');
      await member('other', 'Analysts', 'data_scientist');
      const d = await createDataset(store.db, {
        orgId,
        name: 'shop',
        kind: 'snapshot',
        rows: N,
        bytes: 1,
        sha256: `charts-${kind}`,
        createdBy: null,
      });
      datasetId = d.id;
      await insertCustomers(
        store.db,
        orgId,
        datasetId,
        all.map((p) => ({
          customerId: p.id,
          store: p.store,
          // spend written as text, as a CSV column read as VARCHAR would be: it still reads as a number.
          attributes: { age: p.age, plan: p.plan, joined: p.joined, spend: String(p.spend) },
        })),
      );
      await publish(all);
      app = await buildApp({
        store,
        dataDir: '/nonexistent',
        runs: { start: false },
        campaigns: { start: false },
      });
      await app.ready();
    }, 120_000);
    afterAll(async () => {
      await app?.close();
      await target?.dispose();
    });

    it('chart fields: the built-in ones and the columns of the file, numeric, dates or categories', async () => {
      const res = await call('support', 'GET', `/api/datasets/${datasetId}/chart-fields`);
      expect(res.status, res.body).toBe(200);
      expect(res.json().builtIn.numeric).toEqual(['churn_probability']);
      expect(res.json().builtIn.categories).toContain('risk_tier');
      expect(res.json().attributes).toEqual([
        {
          name: 'age',
          numeric: true,
          date: false,
          distinct: new Set(all.flatMap((p) => (p.age === null ? [] : [p.age]))).size,
        },
        { name: 'joined', numeric: false, date: true, distinct: new Set(all.map((p) => p.joined)).size },
        { name: 'plan', numeric: false, date: false, distinct: 3 },
        {
          name: 'spend',
          numeric: true,
          date: false,
          distinct: new Set(all.map((p) => String(p.spend))).size,
        },
      ]);
    });

    it('histogram: equal-width bins of a numeric attribute, counted per segment', async () => {
      const body = await chart({ kind: 'histogram', field: 'age', bins: 5 });
      const ages = all.filter((p) => p.age !== null);
      const lo = Math.min(...ages.map((p) => p.age!));
      const hi = Math.max(...ages.map((p) => p.age!));
      expect(body.data.bins[0].from).toBe(lo);
      expect(body.data.bins[4].to).toBe(hi);
      for (const s of [0, 1, 2]) {
        const want = new Array(5).fill(0);
        for (const p of ages.filter((q) => q.segment === s))
          want[Math.min(Math.floor(((p.age! - lo) / (hi - lo)) * 5) + 1, 5) - 1]++;
        expect(body.data.series.find((x: { segment: number }) => x.segment === s).counts).toEqual(want);
      }
      const total = body.data.series
        .flatMap((x: { counts: number[] }) => x.counts)
        .reduce((a: number, b: number) => a + b, 0);
      expect(total).toBe(ages.length);
    });

    it('box: min, quartiles (percentile_cont), median and max of churn probability per segment', async () => {
      const body = await chart({ kind: 'box', field: 'churn_probability' });
      expect(body.data.boxes).toHaveLength(3);
      for (const b of body.data.boxes) {
        const xs = all
          .filter((p) => p.segment === b.segment)
          .map((p) => p.churn)
          .sort((x, y) => x - y);
        expect(b.count).toBe(xs.length);
        close(b.min, xs[0]!);
        close(b.q1, percentileCont(xs, 0.25));
        close(b.median, percentileCont(xs, 0.5));
        close(b.q3, percentileCont(xs, 0.75));
        close(b.max, xs.at(-1)!);
      }
    });

    it('bar: mean of a numeric by a text attribute, churn rate by risk tier, with segments and a filter', async () => {
      const kept = all.filter((p) => p.store === 'North' && p.segment !== 2);
      const body = await chart({
        kind: 'bar',
        category: 'plan',
        measure: 'mean',
        field: 'spend',
        segments: [0, 1],
        filter: { stores: ['North'] },
      });
      expect(body.data.bars.map((b: { label: string }) => b.label).sort()).toEqual(['basic', 'plus', 'pro']);
      for (const b of body.data.bars) {
        const xs = kept.filter((p) => p.plan === b.label);
        expect(b.count).toBe(xs.length);
        close(b.value, mean(xs.map((p) => p.spend)));
      }
      const tiers = await chart({ kind: 'bar', category: 'risk_tier', measure: 'churn_rate' });
      const present = TIERS.filter((t) => all.some((p) => p.tier === t));
      // Risk tiers in their own order, low to critical.
      expect(tiers.data.bars.map((b: { label: string }) => b.label)).toEqual(present);
      for (const b of tiers.data.bars)
        close(b.value, mean(all.filter((p) => p.tier === b.label).map((p) => p.churn)));
      // An attribute field filter (the audience's) narrows the same way.
      const older = await chart({
        kind: 'bar',
        category: 'segment',
        filter: { fields: [{ field: 'age', op: 'ge', value: 50 }] },
      });
      for (const b of older.data.bars)
        expect(b.value).toBe(
          all.filter((p) => p.age !== null && p.age >= 50 && String(p.segment) === b.label).length,
        );
      expect(older.segments.map((s: { id: number }) => s.id)).toEqual([]);
    });

    it('scatter: a seeded sample of at most the asked points, the same for one seed', async () => {
      const spec = { kind: 'scatter', x: 'age', y: 'churn_probability', sample: 50, seed: 7 };
      const a = await chart(spec);
      const b = await chart(spec);
      const c = await chart({ ...spec, seed: 8 });
      const withAge = all.filter((p) => p.age !== null);
      expect(a.data.total).toBe(withAge.length);
      expect(a.data.points).toHaveLength(50);
      expect(b.data.points).toEqual(a.data.points);
      expect(c.data.points).not.toEqual(a.data.points);
      for (const pt of a.data.points)
        expect(withAge.some((p) => p.age === pt.x && p.churn === pt.y && p.segment === pt.segment)).toBe(
          true,
        );
      const everyone = await chart({ kind: 'scatter', x: 'age', y: 'spend' });
      expect(everyone.data.points).toHaveLength(withAge.length);
    });

    it('heat map: a category against a binned numeric, counts', async () => {
      const body = await chart({
        kind: 'heatmap',
        x: { field: 'plan' },
        y: { field: 'churn_probability', bins: 4 },
      });
      const churns = all.map((p) => p.churn);
      const lo = Math.min(...churns);
      const hi = Math.max(...churns);
      expect(body.data.y).toHaveLength(4);
      let total = 0;
      for (const cell of body.data.cells) {
        const plan = body.data.x[cell.x];
        const want = all.filter(
          (p) =>
            p.plan === plan && Math.min(Math.floor(((p.churn - lo) / (hi - lo)) * 4) + 1, 4) - 1 === cell.y,
        ).length;
        expect(cell.count).toBe(want);
        total += cell.count;
      }
      expect(total).toBe(N);
    });

    it('line over time: customers and mean spend by month of a date attribute', async () => {
      const body = await chart({ kind: 'line', date: 'joined', measure: 'mean', field: 'spend' });
      const months = [...new Set(all.map((p) => p.joined.slice(0, 7)))].sort();
      expect(body.data.points.map((p: { month: string }) => p.month)).toEqual(months);
      for (const pt of body.data.points) {
        const xs = all.filter((p) => p.joined.startsWith(pt.month));
        expect(pt.count).toBe(xs.length);
        close(pt.value, mean(xs.map((p) => p.spend)));
      }
    });

    it('a field the chart cannot use is a 400 naming it', async () => {
      const cases: [object, string, RegExp][] = [
        [{ kind: 'histogram', field: 'nope' }, 'body.spec.field', /unknown attribute 'nope'.*age/],
        [{ kind: 'box', field: 'plan' }, 'body.spec.field', /'plan' is not numeric/],
        [{ kind: 'histogram', field: 'segment' }, 'body.spec.field', /'segment' is not numeric/],
        [{ kind: 'bar', category: 'churn_probability' }, 'body.spec.category', /is a number, not a category/],
        [{ kind: 'scatter', x: 'age', y: 'store' }, 'body.spec.y', /'store' is not numeric/],
        [
          { kind: 'heatmap', x: { field: 'plan' }, y: { field: 'plan', bins: 3 } },
          'body.spec.y.field',
          /not numeric/,
        ],
        [{ kind: 'line', date: 'plan' }, 'body.spec.date', /holds no dates/],
        [{ kind: 'bar', category: 'plan', measure: 'mean' }, 'body.spec.field', /mean of which field/],
      ];
      for (const [spec, field, message] of cases) {
        const res = await call('support', 'POST', `/api/datasets/${datasetId}/chart-data`, { spec });
        expect(res.status, JSON.stringify(spec)).toBe(400);
        expect(res.json().error.field, JSON.stringify(spec)).toBe(field);
        expect(res.json().error.message).toMatch(message);
      }
      const unknownKind = await call('support', 'POST', `/api/datasets/${datasetId}/chart-data`, {
        spec: { kind: 'pie', field: 'age' },
      });
      expect(unknownKind.status).toBe(400);
      const noData = await call('support', 'POST', '/api/datasets/nope/chart-data', {
        spec: { kind: 'box', field: 'age' },
      });
      expect(noData.status).toBe(404);
    });

    it("saved charts: a team's page, renamed, deleted, refreshed by a new run; other teams do not see them", async () => {
      const spec = { kind: 'bar', category: 'segment', measure: 'count' };
      const forbidden = await call('support', 'POST', '/api/charts', { datasetId, title: 'x', spec });
      expect(forbidden.status).toBe(403);
      const bad = await call('marketing', 'POST', '/api/charts', {
        datasetId,
        title: 'Bad',
        spec: { kind: 'histogram', field: 'nope' },
      });
      expect(bad.status).toBe(400);
      expect(bad.json().error.field).toBe('body.spec.field');
      const saved = await call('marketing', 'POST', '/api/charts', { datasetId, title: 'By segment', spec });
      expect(saved.status, saved.body).toBe(201);
      const id = saved.json().id;
      expect(saved.json()).toMatchObject({ title: 'By segment', datasetId, team: { name: 'Marketing' } });
      const mine = (await call('marketing', 'GET', `/api/charts?datasetId=${datasetId}`)).json().charts;
      expect(mine.map((c: { id: string }) => c.id)).toEqual([id]);
      expect(mine[0].spec).toEqual(spec);
      expect((await call('other', 'GET', '/api/charts')).json().charts).toEqual([]);
      expect((await call('other', 'PUT', `/api/charts/${id}`, { title: 'Mine now' })).status).toBe(404);
      const renamed = await call('marketing', 'PUT', `/api/charts/${id}`, { title: 'Customers per segment' });
      expect(renamed.status, renamed.body).toBe(200);
      expect(renamed.json().title).toBe('Customers per segment');

      // A new run: the same saved spec draws the new figures.
      const before = await chart(spec);
      const moved = all.map((p) => ({ ...p, segment: p.segment === 2 ? 1 : p.segment }));
      const runId = await publish(moved);
      const after = await chart(spec);
      expect(after.runId).toBe(runId);
      expect(before.data.bars).toHaveLength(3);
      expect(after.data.bars.map((b: { label: string; value: number }) => [b.label, b.value])).toEqual([
        ['0', moved.filter((p) => p.segment === 0).length],
        ['1', moved.filter((p) => p.segment === 1).length],
      ]);

      expect((await call('marketing', 'DELETE', `/api/charts/${id}`)).status).toBe(204);
      expect((await call('marketing', 'GET', '/api/charts')).json().charts).toEqual([]);
      expect((await call('marketing', 'DELETE', `/api/charts/${id}`)).status).toBe(404);
    });
  });
}
