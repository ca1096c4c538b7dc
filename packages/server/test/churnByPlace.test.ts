import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerFieldsFile, profileFile } from '../src/datasets/paths.ts';
import { sha256 } from '../src/http/auth/secrets.ts';
import { type App, buildApp } from '../src/http/index.ts';
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
import { publishRun, writeRunResult } from '../src/store/repos/results.ts';
import { createRun } from '../src/store/repos/runs.ts';
import { STORE_KINDS, type StoreTarget, storeTarget } from './stores.ts';

/** One customer of the test data: store, city, region, coordinates, churned, and the run's results. */
interface Person {
  id: string;
  store: string | null;
  city: string;
  region: string;
  lat: number | string;
  lon: number | string;
  churned: 0 | 1 | null;
  p: number;
  tier: 'Low' | 'Moderate' | 'High' | 'Critical';
}

const people: Person[] = [
  {
    id: 'c1',
    store: 'Centro',
    city: 'Santiago',
    region: 'RM',
    lat: -33.4,
    lon: -70.6,
    churned: 1,
    p: 0.9,
    tier: 'Critical',
  },
  {
    id: 'c2',
    store: 'Centro',
    city: 'Santiago',
    region: 'RM',
    lat: -33.6,
    lon: -70.8,
    churned: 0,
    p: 0.5,
    tier: 'High',
  },
  {
    id: 'c3',
    store: 'Centro',
    city: 'Santiago',
    region: 'RM',
    lat: '',
    lon: '',
    churned: 0,
    p: 0.1,
    tier: 'Low',
  },
  {
    id: 'c4',
    store: 'Puerto',
    city: 'Valparaíso',
    region: 'V',
    lat: -33.0,
    lon: -71.6,
    churned: 0,
    p: 0.2,
    tier: 'Low',
  },
  {
    id: 'c5',
    store: 'Puerto',
    city: 'Viña',
    region: 'V',
    lat: -33.02,
    lon: -71.55,
    churned: null,
    p: 0.4,
    tier: 'Moderate',
  },
  {
    id: 'c6',
    store: null,
    city: 'Viña',
    region: 'V',
    lat: 'n/a',
    lon: 'n/a',
    churned: 1,
    p: 0.8,
    tier: 'High',
  },
];

for (const kind of STORE_KINDS) {
  describe(`churn by store and region on ${kind}`, () => {
    let target: StoreTarget;
    let store: Store;
    let app: App;
    let dataDir: string;
    let orgId: string;
    const token = `clt_places_${kind}`;

    const get = async (url: string) => {
      const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      return { status: res.statusCode, body: res.body, json: () => JSON.parse(res.body) };
    };

    /** A dataset whose published run scored `people`; coordinates only when asked. */
    const dataset = async (name: string, withCoordinates: boolean) => {
      const d = await createDataset(store.db, {
        orgId,
        name,
        kind: 'snapshot',
        rows: people.length,
        bytes: 1,
        sha256: name,
        createdBy: null,
      });
      const attributes = (p: Person) => ({
        CIUDAD: p.city,
        REGION: p.region,
        CHURN: p.churned === null ? '' : String(p.churned),
        ...(withCoordinates ? { LATITUD: p.lat, LONGITUD: p.lon } : {}),
      });
      await insertCustomers(
        store.db,
        orgId,
        d.id,
        people.map((p) => ({
          customerId: p.id,
          store: p.store,
          location: `${p.city}, ${p.region}`,
          attributes: attributes(p),
        })),
      );
      const columns = ['CIUDAD', 'REGION', 'CHURN', ...(withCoordinates ? ['LATITUD', 'LONGITUD'] : [])];
      for (const [path, json] of [
        [
          customerFieldsFile(dataDir, orgId, d.id),
          {
            id: 'ID',
            name: [],
            phone: null,
            email: null,
            location: ['CIUDAD', 'REGION'],
            store: 'TIENDA',
            attributes: columns,
          },
        ],
        [
          profileFile(dataDir, orgId, d.id),
          { columns: [{ name: 'ID' }, { name: 'TIENDA' }, ...columns.map((c) => ({ name: c }))] },
        ],
      ] as const) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, JSON.stringify(json));
      }
      const run = await createRun(store.db, { orgId, datasetId: d.id, config: {}, createdBy: null });
      await writeRunResult(store.db, {
        orgId,
        runId: run.id,
        key: 'report',
        data: { churn: { target: 'CHURN', positive: '1', auc: 0.8 } },
      });
      await store.db
        .insertInto('customer_results')
        .values(
          people.map((p) => ({
            org_id: orgId,
            run_id: run.id,
            customer_id: p.id,
            segment: 0,
            churn_probability: p.p,
            risk_tier: p.tier,
          })),
        )
        .execute();
      await publishRun(store.db, { orgId, datasetId: d.id, runId: run.id, publishedBy: null });
      return { id: d.id, runId: run.id };
    };

    beforeAll(async () => {
      target = storeTarget(kind);
      store = await target.open();
      dataDir = mkdtempSync(join(tmpdir(), 'clientele-places-'));
      orgId = (await createOrganisation(store.db, { name: 'Places' })).id;
      const team = await createTeam(store.db, { orgId, name: 'Care' });
      const user = await createUser(store.db, {
        orgId,
        email: `places-${kind}@example.com`,
        passwordHash: 'x',
        name: 'P',
      });
      await addMembership(store.db, { orgId, teamId: team.id, userId: user.id, role: 'support' });
      await createApiToken(store.db, { orgId, userId: user.id, name: 't', tokenHash: sha256(token) });
      app = await buildApp({ store, dataDir, runs: { start: false }, campaigns: { start: false } });
      await app.ready();
    }, 120_000);
    afterAll(async () => {
      await app?.close();
      await target?.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('counts churn per store and per region and city, highest risk first, with the observed rate and coordinates', async () => {
      const d = await dataset('with coordinates', true);
      const res = await get(`/api/datasets/${d.id}/churn/places`);
      expect(res.status, res.body).toBe(200);
      const body = res.json();
      expect(body.runId).toBe(d.runId);
      expect(body.coordinates).toEqual({ latitude: 'LATITUD', longitude: 'LONGITUD' });
      expect(body.groups.map((g: { kind: string; column: string }) => `${g.kind}:${g.column}`)).toEqual([
        'store:TIENDA',
        'location:REGION',
        'location:CIUDAD',
      ]);
      const [stores, regions, cities] = body.groups;
      expect(stores.places).toBe(3);
      // (missing) 0.8; Centro (0.9 + 0.5 + 0.1) / 3 = 0.5; Puerto 0.3.
      expect(stores.rows.map((r: { value: string }) => r.value)).toEqual(['(missing)', 'Centro', 'Puerto']);
      const centro = stores.rows[1];
      expect(centro.customers).toBe(3);
      expect(centro.meanProbability).toBeCloseTo(0.5, 12);
      expect(centro.highOrCritical).toBe(2);
      expect(centro.observedRate).toBeCloseTo(1 / 3, 12);
      // The blank coordinates of c3 are left out of the mean, not read as 0.
      expect(centro.latitude).toBeCloseTo(-33.5, 12);
      expect(centro.longitude).toBeCloseTo(-70.7, 12);
      const puerto = stores.rows[2];
      // c5 has no churn value: the rate is over the one customer who has one.
      expect(puerto.observedRate).toBe(0);
      expect(puerto.meanProbability).toBeCloseTo(0.3, 12);
      expect(stores.rows[0].latitude).toBeNull();
      expect(regions.rows.map((r: { value: string; customers: number }) => [r.value, r.customers])).toEqual([
        ['RM', 3],
        ['V', 3],
      ]);
      expect(regions.rows[1].meanProbability).toBeCloseTo((0.2 + 0.4 + 0.8) / 3, 12);
      expect(regions.rows[1].observedRate).toBeCloseTo(0.5, 12);
      expect(cities.rows.map((r: { value: string }) => r.value)).toEqual(['Viña', 'Santiago', 'Valparaíso']);
    });

    it('has no coordinates (so no map) when the data has none, and 404 without published results', async () => {
      const d = await dataset('without coordinates', false);
      const body = (await get(`/api/datasets/${d.id}/churn/places`)).json();
      expect(body.coordinates).toBeNull();
      for (const g of body.groups)
        for (const r of g.rows) expect([r.latitude, r.longitude]).toEqual([null, null]);
      const bare = await createDataset(store.db, {
        orgId,
        name: 'bare',
        kind: 'snapshot',
        rows: 1,
        bytes: 1,
        sha256: 'bare',
        createdBy: null,
      });
      const missing = await get(`/api/datasets/${bare.id}/churn/places`);
      expect(missing.status).toBe(404);
      expect(missing.json().error.message).toMatch(/start a run/);
      expect((await get('/api/datasets/nope/churn/places')).status).toBe(404);
    });
  });
}
