import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTelcoSnapshotCsv, writeTransactionLogCsv } from '@clientele/analytics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetDir, datasetFile, foldName, mapCustomerColumns } from '../src/datasets/index.ts';
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
  jsonb,
  listAudit,
  listSegmentNames,
  publishRun,
  type Role,
  type Store,
  setSegmentName,
  softDeleteDataset,
  writeRunResult,
} from '../src/store/index.ts';
import { STORE_KINDS, type StoreTarget, storeTarget } from './stores.ts';

const work = mkdtempSync(join(tmpdir(), 'clientele-datasets-test-'));
const TELCO = join(work, 'telco.csv');
const LOG = join(work, 'log.csv');
let telcoBytes: Buffer;
let logBytes: Buffer;
let telcoDuplicates = 0;

beforeAll(async () => {
  telcoDuplicates = (await writeTelcoSnapshotCsv(TELCO, { rows: 1000, seed: 7 })).duplicates;
  await writeTransactionLogCsv(LOG, { customers: 40, seed: 3 });
  telcoBytes = readFileSync(TELCO);
  logBytes = readFileSync(LOG);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** IMEI -> its first row, as the file has it (the planted duplicates repeat a row). */
function telcoRows(): Map<string, Record<string, string>> {
  const [header, ...lines] = telcoBytes.toString('utf8').trim().split('\n');
  const cols = header!.split(',');
  const rows = new Map<string, Record<string, string>>();
  for (const line of lines) {
    // The demo file quotes no field with a comma but the broken store's address; good enough here.
    const cells = line.split(',');
    if (cells.length !== cols.length) continue;
    const row = Object.fromEntries(cols.map((c, j) => [c, cells[j]!]));
    if (!rows.has(row['IMEI']!)) rows.set(row['IMEI']!, row);
  }
  return rows;
}

describe('customer field matching', () => {
  it('folds names and matches the demo files and common spellings', () => {
    expect(foldName('E-Mail')).toBe('email');
    expect(foldName('Teléfono')).toBe('telefono');
    const telco = mapCustomerColumns(
      ['IMEI', 'EDAD', 'TIENDA', 'DIRECCION_TIENDA', 'CIUDAD', 'REGION'],
      'IMEI',
    );
    expect(telco).toEqual({
      id: 'IMEI',
      name: [],
      phone: null,
      email: null,
      location: ['CIUDAD', 'REGION'],
      store: 'TIENDA',
      attributes: ['EDAD', 'DIRECCION_TIENDA', 'CIUDAD', 'REGION'],
    });
    const crm = mapCustomerColumns(
      ['Customer ID', 'First Name', 'Last_Name', 'Mobile', 'E-mail', 'Address', 'Shop', 'Age'],
      'Customer ID',
    );
    expect(crm).toMatchObject({
      name: ['First Name', 'Last_Name'],
      phone: 'Mobile',
      email: 'E-mail',
      location: ['Address'],
      store: 'Shop',
      attributes: ['Age'],
    });
  });
});

for (const kind of STORE_KINDS) {
  describe(`datasets and customers on ${kind}`, () => {
    let target: StoreTarget;
    let store: Store;
    let app: App;
    let small: App;
    const dataDir = join(work, `files-${kind}`);
    const org = { id: '', manager: '', support: '', other: '' };

    async function person(orgId: string, teamId: string, role: Role, name: string): Promise<string> {
      const user = await createUser(store.db, {
        orgId,
        email: `${name}-${kind}@example.com`,
        passwordHash: 'x',
        name,
      });
      await addMembership(store.db, { orgId, teamId, userId: user.id, role });
      const token = `clt_${name}_${kind}`;
      await createApiToken(store.db, { orgId, userId: user.id, name, tokenHash: sha256(token) });
      return token;
    }

    beforeAll(async () => {
      target = storeTarget(kind);
      store = await target.open();
      app = await buildApp({ store, dataDir });
      small = await buildApp({ store, dataDir, uploadLimit: 2048 });
      await app.ready();
      await small.ready();
      const a = await createOrganisation(store.db, { name: 'Acme' });
      const teamA = await createTeam(store.db, { orgId: a.id, name: 'Data' });
      org.id = a.id;
      org.manager = await person(a.id, teamA.id, 'data_scientist', 'dana');
      org.support = await person(a.id, teamA.id, 'support', 'sam');
      const b = await createOrganisation(store.db, { name: 'Beta' });
      const teamB = await createTeam(store.db, { orgId: b.id, name: 'Management' });
      org.other = await person(b.id, teamB.id, 'manager', 'bob');
    });
    afterAll(async () => {
      await app?.close();
      await small?.close();
      await target?.dispose();
    });

    const upload = (
      body: Buffer | string,
      query: string,
      opts: { token?: string; type?: string; on?: App } = {},
    ) =>
      (opts.on ?? app).inject({
        method: 'POST',
        url: `/api/datasets?${query}`,
        headers: {
          authorization: `Bearer ${opts.token ?? org.manager}`,
          'content-type': opts.type ?? 'text/csv',
        },
        payload: body,
      });
    const get = (url: string, token = org.manager) =>
      app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    const del = (url: string, token = org.manager) =>
      app.inject({ method: 'DELETE', url, headers: { authorization: `Bearer ${token}` } });

    const datasetRows = async () => (await store.db.selectFrom('datasets').select('id').execute()).length;
    const customerRows = async () =>
      (await store.db.selectFrom('customers').select('customer_id').execute()).length;
    const folders = () => {
      const dir = join(dataDir, 'datasets', org.id);
      return existsSync(dir) ? readdirSync(dir).sort() : [];
    };

    let telcoId = '';
    let logId = '';

    it('uploads the demo telco snapshot: 201, profiled, customers loaded, file kept, audited', async () => {
      const res = await upload(telcoBytes, 'name=Telco%20October');
      expect(res.statusCode, res.body).toBe(201);
      const d = res.json();
      const rows = telcoRows();
      expect(d).toMatchObject({
        name: 'Telco October',
        kind: 'snapshot',
        rows: 1000,
        bytes: telcoBytes.length,
        sha256: createHash('sha256').update(telcoBytes).digest('hex'),
        customers: rows.size,
      });
      // The planted duplicate rows count once.
      expect(telcoDuplicates).toBeGreaterThan(0);
      expect(rows.size).toBe(1000 - telcoDuplicates);
      expect(d.columns).toHaveLength(42);
      expect(d.columns[0]).toEqual({ name: 'IMEI', type: expect.any(String), role: 'id' });
      expect(d.customerFields).toMatchObject({ id: 'IMEI', store: 'TIENDA', location: ['CIUDAD', 'REGION'] });
      expect(new Date(d.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
      telcoId = d.id;
      expect(readFileSync(datasetFile(dataDir, org.id, d.id)).equals(telcoBytes)).toBe(true);
      expect(readdirSync(datasetDir(dataDir, org.id, d.id)).sort()).toEqual([
        'customer-fields.json',
        'data.csv',
        'profile.json',
      ]);
      const audit = await listAudit(store.db, org.id);
      expect(audit.find((a) => a.action === 'dataset_uploaded')).toMatchObject({
        subject: `dataset:${d.id}`,
        detail: { name: 'Telco October', rows: 1000, customers: rows.size },
      });

      // Lookout reads a customer as the file has it.
      const [imei, row] = [...rows.entries()][5]!;
      const one = await get(`/api/customers/${imei}`, org.support);
      expect(one.statusCode, one.body).toBe(200);
      const c = one.json().customer;
      expect(c).toMatchObject({
        id: imei,
        datasetId: d.id,
        datasetName: 'Telco October',
        store: row['TIENDA'],
      });
      expect(c.location).toBe(`${row['CIUDAD']}, ${row['REGION']}`);
      expect(String(c.attributes['EDAD'])).toBe(row['EDAD']);
      expect(c.attributes['CHURN']).toBeDefined();
      expect(c.attributes['IMEI']).toBeUndefined();
      expect(one.json().datasets).toEqual([{ id: d.id, name: 'Telco October' }]);
    });

    it('searches customers by id prefix', async () => {
      const imei = [...telcoRows().keys()][9]!;
      const res = await get(`/api/customers?q=${imei.slice(0, imei.length - 1)}&limit=5`, org.support);
      expect(res.statusCode, res.body).toBe(200);
      const hits = res.json().customers as { customerId: string }[];
      expect(hits.length).toBeGreaterThan(0);
      expect(hits.length).toBeLessThanOrEqual(5);
      expect(hits.map((h) => h.customerId)).toContain(imei);
      for (const h of hits) expect(h.customerId.startsWith(imei.slice(0, -1))).toBe(true);
      // LIKE wildcards are literal.
      expect((await get('/api/customers?q=%25', org.support)).json().customers).toEqual([]);
      expect((await get('/api/customers?q=_', org.support)).json().customers).toEqual([]);
      expect((await get('/api/customers/nobody-here')).statusCode).toBe(404);
      // SQL-looking and over-long input: harmless, or a 400 naming the field.
      const sqlish = await get(`/api/customers?q=${encodeURIComponent("' or 1=1 --")}`, org.support);
      expect(sqlish.statusCode).toBe(200);
      expect(sqlish.json().customers).toEqual([]);
      const long = await get(`/api/customers?q=${'9'.repeat(201)}`, org.support);
      expect(long.statusCode).toBe(400);
      expect(long.json().error).toMatchObject({ code: 'TOO_LONG', field: 'query.q' });
      const badLimit = await get('/api/customers?q=1&limit=1000', org.support);
      expect(badLimit.statusCode).toBe(400);
      expect(badLimit.json().error.field).toBe('query.limit');
      expect((await get('/api/customers?q=1&x=2', org.support)).json().error.code).toBe('UNKNOWN_FIELD');
    });

    it('reads a Latin-1 CRM export: name, phone, e-mail, location, store matched; search by name and e-mail', async () => {
      const people = Array.from({ length: 30 }, (_, i) => [
        `CRM-${String(i).padStart(3, '0')}`,
        i === 7 ? 'José' : `Ana${i}`,
        i === 7 ? 'Muñoz' : `Pérez${i}`,
        `+56 9 555 ${String(1000 + i)}`,
        i === 7 ? 'Jose.Munoz@Example.COM' : `ana${i}@example.com`,
        i % 2 ? 'Ñuñoa' : 'Valparaíso',
        'Chile',
        i % 3 ? 'Tienda Centro' : 'Tienda Sur',
        String(20 + i),
      ]);
      const csv = `ID Cliente;Nombre;Apellido;Teléfono;E-mail;Ciudad;País;Tienda;Edad\n${people.map((p) => p.join(';')).join('\n')}\n`;
      const res = await upload(Buffer.from(csv, 'latin1'), 'name=CRM');
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().customerFields).toEqual({
        id: 'ID Cliente',
        name: ['Nombre', 'Apellido'],
        phone: 'Teléfono',
        email: 'E-mail',
        location: ['Ciudad', 'País'],
        store: 'Tienda',
        attributes: ['Ciudad', 'País', 'Edad'],
      });
      const jose = (await get('/api/customers/CRM-007', org.support)).json().customer;
      expect(jose).toMatchObject({
        name: 'José Muñoz',
        phone: '+56 9 555 1007',
        email: 'Jose.Munoz@Example.COM',
        location: 'Ñuñoa, Chile',
        store: 'Tienda Centro',
        attributes: { Ciudad: 'Ñuñoa', País: 'Chile', Edad: 27 },
      });
      const byName = (await get(`/api/customers?q=${encodeURIComponent('josé')}`, org.support)).json()
        .customers;
      expect(byName.map((h: { customerId: string }) => h.customerId)).toEqual(['CRM-007']);
      const byEmail = (await get('/api/customers?q=JOSE.MUNOZ%40', org.support)).json().customers;
      expect(byEmail.map((h: { customerId: string }) => h.customerId)).toEqual(['CRM-007']);
      const byId = (await get('/api/customers?q=CRM-00&limit=3', org.support)).json().customers;
      expect(byId.map((h: { customerId: string }) => h.customerId)).toEqual([
        'CRM-000',
        'CRM-001',
        'CRM-002',
      ]);
      expect((await del(`/api/datasets/${res.json().id}`)).statusCode).toBe(200);
    });

    it('uploads a transaction log: kind detected, one customer per id with country, dates, invoices', async () => {
      const res = await upload(logBytes, 'name=Online%20retail', { type: 'application/octet-stream' });
      expect(res.statusCode, res.body).toBe(201);
      const d = res.json();
      logId = d.id;
      expect(d.kind).toBe('transactions');
      expect(d.customerFields).toMatchObject({
        id: 'CustomerID',
        location: ['Country'],
        attributes: ['country', 'first_purchase', 'last_purchase', 'invoices'],
      });
      expect(d.customers).toBeGreaterThanOrEqual(38);
      expect(d.customers).toBeLessThanOrEqual(40);
      const hit = (await get('/api/customers?q=1&limit=1')).json().customers[0];
      const one = (await get(`/api/customers/${hit.customerId}`)).json().customer;
      expect(one.id).toMatch(/^\d+$/); // 12346, not 12346.0
      expect(one.location).toBe(one.attributes.country);
      expect(one.attributes.first_purchase).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(one.attributes.last_purchase >= one.attributes.first_purchase).toBe(true);
      expect(one.attributes.invoices).toBeGreaterThan(0);
    });

    it('lists newest first and gets one with its profile', async () => {
      const list = await get('/api/datasets', org.support);
      expect(list.statusCode).toBe(200);
      expect(list.json().datasets.map((d: { id: string }) => d.id)).toEqual([logId, telcoId]);
      const one = await get(`/api/datasets/${telcoId}`, org.support);
      expect(one.statusCode).toBe(200);
      expect(one.json().profile).toMatchObject({ kind: 'snapshot', nRows: 1000, nColumns: 42 });
      expect(one.json().profile.source.path).toBe('the uploaded file');
      expect(one.json().customerFields.store).toBe('TIENDA');
    });

    it('refuses the same file twice (409 naming the dataset) unless allowDuplicate=true', async () => {
      const again = await upload(telcoBytes, 'name=Again');
      expect(again.statusCode).toBe(409);
      expect(again.json().error.message).toContain('"Telco October"');
      expect(again.json().error.message).toContain(telcoId);
      const allowed = await upload(telcoBytes, 'name=Again&allowDuplicate=true');
      expect(allowed.statusCode, allowed.body).toBe(201);
      expect((await del(`/api/datasets/${allowed.json().id}`)).statusCode).toBe(200);
    });

    it('keeps organisations apart: another one gets 404 and sees nothing', async () => {
      expect((await get(`/api/datasets/${telcoId}`, org.other)).statusCode).toBe(404);
      expect((await del(`/api/datasets/${telcoId}`, org.other)).statusCode).toBe(404);
      expect((await get('/api/datasets', org.other)).json().datasets).toEqual([]);
      const imei = [...telcoRows().keys()][0]!;
      expect((await get(`/api/customers/${imei}`, org.other)).statusCode).toBe(404);
      expect((await get(`/api/customers?q=${imei}`, org.other)).json().customers).toEqual([]);
      // Their own upload of the same bytes is no duplicate of ours.
      const theirs = await upload(telcoBytes, 'name=Theirs', { token: org.other });
      expect(theirs.statusCode, theirs.body).toBe(201);
      expect((await get(`/api/customers/${imei}`, org.other)).json().customer.datasetId).toBe(
        theirs.json().id,
      );
      expect((await get(`/api/customers/${imei}`)).json().customer.datasetId).toBe(telcoId);
    });

    it('support may read but not upload or delete', async () => {
      expect((await upload(telcoBytes, 'name=x', { token: org.support })).statusCode).toBe(403);
      expect((await del(`/api/datasets/${telcoId}`, org.support)).statusCode).toBe(403);
    });

    it('refuses bad uploads with a 4xx saying what; nothing is left and the server keeps serving', async () => {
      const before = { datasets: await datasetRows(), customers: await customerRows(), folders: folders() };
      const png = Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
        Buffer.from('IHDR'),
        Buffer.alloc(64, 0),
      ]);
      const zip = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100, 0)]);
      const noId = `plan,region\n${Array.from({ length: 40 }, (_, i) => `p${i % 3},r${i % 2}`).join('\n')}\n`;
      const ragged = `id,age,city\n1,30,Lima\n2,40\n3,50,Cusco\n`;
      const cases: {
        what: string;
        res: Promise<{ statusCode: number; body: string }>;
        status: number;
        code: string;
        says: RegExp;
      }[] = [
        {
          what: 'oversized',
          res: upload(telcoBytes, 'name=big', { on: small }),
          status: 413,
          code: 'PAYLOAD_TOO_LARGE',
          says: /limit of 2 KiB/,
        },
        {
          what: 'PNG',
          res: upload(png, 'name=png'),
          status: 415,
          code: 'UNSUPPORTED_MEDIA_TYPE',
          says: /binary/,
        },
        {
          what: 'zip',
          res: upload(zip, 'name=zip', { type: 'application/octet-stream' }),
          status: 415,
          code: 'UNSUPPORTED_MEDIA_TYPE',
          says: /binary/,
        },
        {
          what: 'image content type',
          res: upload(png, 'name=png', { type: 'image/png' }),
          status: 415,
          code: 'UNSUPPORTED_MEDIA_TYPE',
          says: /text\/csv/,
        },
        {
          what: 'JSON body',
          res: upload('{"name": ', 'name=json', { type: 'application/json' }),
          status: 415,
          code: 'UNSUPPORTED_MEDIA_TYPE',
          says: /text\/csv/,
        },
        { what: 'empty', res: upload('', 'name=empty'), status: 400, code: 'INVALID_INPUT', says: /empty/ },
        {
          what: 'header only',
          res: upload('id,age\n', 'name=h'),
          status: 400,
          code: 'INVALID_INPUT',
          says: /no data rows/,
        },
        {
          what: 'no id column',
          res: upload(noId, 'name=noid'),
          status: 400,
          code: 'INVALID_INPUT',
          says: /no customer id column/,
        },
        {
          what: 'ragged row',
          res: upload(ragged, 'name=ragged'),
          status: 400,
          code: 'INVALID_INPUT',
          says: /line 3/,
        },
        {
          what: 'a snapshot as a log',
          res: upload(telcoBytes, 'name=t&kind=transactions&allowDuplicate=true'),
          status: 400,
          code: 'INVALID_INPUT',
          says: /transaction log/,
        },
        {
          what: 'unknown query field',
          res: upload(telcoBytes, 'name=x&admin=1'),
          status: 400,
          code: 'UNKNOWN_FIELD',
          says: /admin/,
        },
        {
          what: 'bad kind',
          res: upload(telcoBytes, 'name=x&kind=table'),
          status: 400,
          code: 'INVALID_INPUT',
          says: /query.kind/,
        },
        {
          what: 'no name',
          res: upload(telcoBytes, ''),
          status: 400,
          code: 'INVALID_INPUT',
          says: /query.name/,
        },
        {
          what: 'long name',
          res: upload(telcoBytes, `name=${'n'.repeat(201)}`),
          status: 400,
          code: 'TOO_LONG',
          says: /200/,
        },
      ];
      for (const c of cases) {
        const res = await c.res;
        expect(res.statusCode, `${c.what}: ${res.body}`).toBe(c.status);
        const error = JSON.parse(res.body).error;
        expect(error.code, c.what).toBe(c.code);
        expect(error.message, c.what).toMatch(c.says);
        expect(error.message, c.what).not.toContain(dataDir);
        expect((await get('/api/health')).statusCode, `health after ${c.what}`).toBe(200);
      }
      expect(await datasetRows()).toBe(before.datasets);
      expect(await customerRows()).toBe(before.customers);
      expect(folders()).toEqual(before.folders);
      expect(readdirSync(join(dataDir, 'datasets', org.id)).some((f) => f.includes('part'))).toBe(false);
    });

    it('stores an SQL-looking name verbatim, harmlessly', async () => {
      const name = 'x\'); drop table datasets; -- "quoted" %_\\';
      const csv = `customer_id,age\n${Array.from({ length: 30 }, (_, i) => `c${i},${20 + i}`).join('\n')}\n`;
      const res = await upload(csv, `name=${encodeURIComponent(name)}`);
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().name).toBe(name);
      const list = (await get('/api/datasets')).json().datasets;
      expect(list[0].name).toBe(name);
      expect(list.length).toBe(3);
      expect((await del(`/api/datasets/${res.json().id}`)).statusCode).toBe(200);
    });

    it('at start, removes the folders an interrupted server left: a day-old upload without a row, a deleted dataset', async () => {
      const root = join(dataDir, 'datasets', org.id);
      const stray = join(root, '00000000-0000-4000-8000-000000000001');
      const fresh = join(root, '00000000-0000-4000-8000-000000000002');
      mkdirSync(stray, { recursive: true });
      mkdirSync(fresh, { recursive: true });
      writeFileSync(join(stray, 'upload.part'), 'id,x\n');
      const old = new Date(Date.now() - 2 * 24 * 3600 * 1000);
      utimesSync(stray, old, old);
      const gone = await upload(
        `customer_id,v\n${Array.from({ length: 25 }, (_, i) => `g${i},${i}`).join('\n')}\n`,
        'name=gone',
      );
      expect(gone.statusCode, gone.body).toBe(201);
      const goneDir = datasetDir(dataDir, org.id, gone.json().id);
      // Deleted, but the server stopped before removing the folder.
      await softDeleteDataset(store.db, org.id, gone.json().id);
      // An embedded load stopped half-way: a hidden row holding customers.
      const half = await createDataset(store.db, {
        orgId: org.id,
        name: 'half',
        kind: 'snapshot',
        rows: 3,
        bytes: 9,
        sha256: 'half',
        createdBy: null,
        hidden: true,
      });
      await insertCustomers(store.db, org.id, half.id, [{ customerId: 'h1' }, { customerId: 'h2' }]);
      const halfDir = datasetDir(dataDir, org.id, half.id);
      mkdirSync(halfDir, { recursive: true });
      const restarted = await buildApp({ store, dataDir });
      await restarted.ready();
      await restarted.close();
      expect(existsSync(stray)).toBe(false);
      expect(existsSync(goneDir)).toBe(false);
      expect(existsSync(fresh)).toBe(true); // maybe an upload under way elsewhere
      expect(existsSync(halfDir)).toBe(false);
      expect(await store.db.selectFrom('datasets').select('id').where('id', '=', half.id).execute()).toEqual(
        [],
      );
      expect(
        await store.db
          .selectFrom('customers')
          .select('customer_id')
          .where('dataset_id', '=', half.id)
          .execute(),
      ).toEqual([]);
      // A real tombstone (the deleted dataset above) keeps its row.
      expect(
        await store.db.selectFrom('datasets').select('id').where('id', '=', gone.json().id).execute(),
      ).toHaveLength(1);
      expect(existsSync(datasetDir(dataDir, org.id, telcoId))).toBe(true);
      rmSync(fresh, { recursive: true });
    });

    it('deletes a dataset with everything derived from it; the row stays as a tombstone', async () => {
      const run = await createRun(store.db, {
        orgId: org.id,
        datasetId: telcoId,
        config: {},
        createdBy: null,
      });
      await writeRunResult(store.db, { orgId: org.id, runId: run.id, key: 'segments', data: [1, 2] });
      await publishRun(store.db, { orgId: org.id, datasetId: telcoId, runId: run.id, publishedBy: null });
      const team = await store.db
        .selectFrom('teams')
        .select('id')
        .where('org_id', '=', org.id)
        .executeTakeFirstOrThrow();
      await setSegmentName(store.db, {
        orgId: org.id,
        runId: run.id,
        segmentId: '0',
        teamId: team.id,
        name: 'Rechargers',
        description: '',
        updatedBy: null,
      });
      await store.db
        .insertInto('schedules')
        .values({
          id: `schedule-${kind}`,
          org_id: org.id,
          dataset_id: telcoId,
          cron: '0 3 1 * *',
          config: jsonb({}),
          next_run_at: new Date(Date.now() + 3600_000),
          created_by: null,
        })
        .execute();
      const customersBefore = (await get(`/api/datasets/${telcoId}`)).json().customers;

      const res = await del(`/api/datasets/${telcoId}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({
        id: telcoId,
        deleted: { customers: customersBefore, runs: 1, publishedResults: 1, schedules: 1 },
      });
      expect((await get(`/api/datasets/${telcoId}`)).statusCode).toBe(404);
      expect((await del(`/api/datasets/${telcoId}`)).statusCode).toBe(404);
      expect((await get('/api/datasets')).json().datasets.map((d: { id: string }) => d.id)).toEqual([logId]);
      expect(existsSync(datasetDir(dataDir, org.id, telcoId))).toBe(false);
      const imei = [...telcoRows().keys()][0]!;
      expect((await get(`/api/customers/${imei}`)).statusCode).toBe(404);
      const left = async (
        table: 'customers' | 'runs' | 'run_results' | 'published_results' | 'result_versions',
      ) =>
        (await store.db.selectFrom(table).selectAll().where('org_id', '=', org.id).execute()).filter(
          (r) => !('dataset_id' in r) || r.dataset_id === telcoId,
        ).length;
      expect(await left('runs')).toBe(0);
      expect(await left('run_results')).toBe(0);
      expect(await left('published_results')).toBe(0);
      expect(await left('result_versions')).toBe(0);
      expect(await listSegmentNames(store.db, org.id, run.id)).toEqual([]);
      const tombstone = await store.db
        .selectFrom('datasets')
        .selectAll()
        .where('id', '=', telcoId)
        .executeTakeFirstOrThrow();
      expect(tombstone.deleted_at).not.toBeNull();
      expect(tombstone.name).toBe('Telco October');
      const audit = await listAudit(store.db, org.id);
      expect(audit.find((a) => a.action === 'dataset_deleted')).toMatchObject({
        subject: `dataset:${telcoId}`,
      });
      // Deleted, the same bytes upload again without allowDuplicate.
      const again = await upload(telcoBytes, 'name=Telco%20again');
      expect(again.statusCode, again.body).toBe(201);
      expect((await get('/api/health')).statusCode).toBe(200);
    });
  });
}
