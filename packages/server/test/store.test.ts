import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMembership,
  type CustomerRow,
  countCustomers,
  createDataset,
  createOrganisation,
  createRun,
  createTeam,
  createUser,
  customerLookup,
  type Dataset,
  findCustomer,
  findUserByEmail,
  getDataset,
  getRun,
  insertCustomers,
  type JsonValue,
  jsonb,
  listAudit,
  listDatasets,
  listRuns,
  listSegmentNames,
  listVersions,
  MIGRATIONS,
  type Organisation,
  publishRun,
  readPublished,
  recordAudit,
  type Store,
  setSegmentName,
  updateRun,
  writeRunResult,
} from '../src/store/index.ts';
import { STORE_KINDS, type StoreTarget, storeTarget } from './stores.ts';

/** Rejects with a PostgreSQL error of this SQLSTATE (23505 unique, 23503 foreign key, 23514 check). */
async function expectSqlState(promise: Promise<unknown>, code: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected SQLSTATE ${code}, but it succeeded`).toBeDefined();
  expect((err as { code?: string }).code, String(err)).toBe(code);
}

const hash = 'x'.repeat(64);

async function seedOrg(store: Store, name: string) {
  const org = await createOrganisation(store.db, { name });
  const user = await createUser(store.db, {
    orgId: org.id,
    email: `${crypto.randomUUID()}@example.com`,
    passwordHash: '$argon2id$stub',
    name: `${name} manager`,
  });
  const dataset = await createDataset(store.db, {
    orgId: org.id,
    name: `${name} customers`,
    kind: 'snapshot',
    rows: 0,
    bytes: 0,
    sha256: hash,
    createdBy: user.id,
  });
  return { org, user, dataset };
}

/** Strings that would break a query built by pasting text, and must come back as they went in. */
const AWKWARD = [
  "Robert'); DROP TABLE customers;--",
  'say "hi" \\ back\\slash',
  "O'Brien & Sons, {braces}, (parens), [brackets]",
  '$1 $$ dollar $tag$ quoted $tag$',
  '%_ like wildcards %',
  'NULL',
  '',
  ' leading and trailing spaces ',
  'line\nbreak\ttab',
  'ünïcödé — 日本語 — emoji 🧪',
  '1; SELECT pg_sleep(10)',
];

for (const kind of STORE_KINDS) {
  describe(`store on ${kind}`, () => {
    let target: StoreTarget;
    let store: Store;

    beforeAll(async () => {
      target = storeTarget(kind);
      store = await target.open();
    });
    afterAll(async () => {
      await target?.dispose();
    });

    it('runs its migrations at open, and a second open applies nothing and keeps the data', async () => {
      expect(await store.migrations()).toEqual(Object.keys(MIGRATIONS));
      const org = await createOrganisation(store.db, { name: 'Kept' });
      store = await target.reopen();
      expect(await store.migrations()).toEqual(Object.keys(MIGRATIONS));
      const again = await store.db.selectFrom('organisations').selectAll().where('id', '=', org.id).execute();
      expect(again).toHaveLength(1);
      const applied = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(store.db);
      expect(applied.rows[0]!.n).toBe(Object.keys(MIGRATIONS).length);
    });

    it('keeps an e-mail unique across the system, whatever its case', async () => {
      const a = await createOrganisation(store.db, { name: 'A' });
      const b = await createOrganisation(store.db, { name: 'B' });
      await createUser(store.db, { orgId: a.id, email: 'Ana@Example.com', passwordHash: hash, name: 'Ana' });
      await expectSqlState(
        createUser(store.db, { orgId: b.id, email: 'ana@example.com', passwordHash: hash, name: 'Ana 2' }),
        '23505',
      );
      await expectSqlState(
        store.db
          .insertInto('users')
          .values({
            id: crypto.randomUUID(),
            org_id: b.id,
            email: 'ANA@EXAMPLE.COM',
            password_hash: hash,
            name: 'x',
          })
          .execute(),
        '23505',
      );
      expect((await findUserByEmail(store.db, ' ANA@example.com '))?.name).toBe('Ana');
    });

    it('refuses rows that point at nothing, or into another organisation', async () => {
      await expectSqlState(
        createUser(store.db, {
          orgId: 'no-such-org',
          email: 'ghost@example.com',
          passwordHash: hash,
          name: 'G',
        }),
        '23503',
      );
      const one = await seedOrg(store, 'One');
      const two = await seedOrg(store, 'Two');
      const teamOfTwo = await createTeam(store.db, { orgId: two.org.id, name: 'Marketing' });
      // A user of One in a team of Two: the composite key (org_id, user_id) has no such pair.
      await expectSqlState(
        addMembership(store.db, {
          orgId: two.org.id,
          teamId: teamOfTwo.id,
          userId: one.user.id,
          role: 'marketing',
        }),
        '23503',
      );
      // A customer of One filed under a dataset of Two.
      await expectSqlState(
        insertCustomers(store.db, one.org.id, two.dataset.id, [{ customerId: 'c1' }]),
        '23503',
      );
      // A run of a dataset that does not exist.
      await expectSqlState(
        createRun(store.db, { orgId: one.org.id, datasetId: 'nope', config: {}, createdBy: null }),
        '23503',
      );
    });

    it('accepts the four roles and nothing else', async () => {
      const { org, user } = await seedOrg(store, 'Roles');
      for (const role of ['manager', 'marketing', 'data_scientist', 'support'] as const) {
        const team = await createTeam(store.db, { orgId: org.id, name: `team ${role}` });
        await addMembership(store.db, { orgId: org.id, teamId: team.id, userId: user.id, role });
      }
      const team = await createTeam(store.db, { orgId: org.id, name: 'admins' });
      await expectSqlState(
        store.db
          .insertInto('memberships')
          .values({ org_id: org.id, team_id: team.id, user_id: user.id, role: 'admin' as never })
          .execute(),
        '23514',
      );
      await expectSqlState(
        store.db
          .insertInto('datasets')
          .values({
            id: crypto.randomUUID(),
            org_id: org.id,
            name: 'x',
            kind: 'spreadsheet' as never,
            rows: 0,
            bytes: 0,
            sha256: hash,
            created_by: null,
          })
          .execute(),
        '23514',
      );
    });

    it('round-trips jsonb: objects, arrays, bare values, quotes and unicode', async () => {
      const { org, dataset } = await seedOrg(store, 'Json');
      const config = {
        seed: 42,
        ratio: 0.125,
        big: 1e300,
        negative: -7,
        flags: [true, false, null],
        nested: { k: [2, 4, 8], text: 'a "quoted" \\ value', 'key with spaces': 'ü 日本 🧪' },
        empty: {},
        list: [],
      };
      const run = await createRun(store.db, {
        orgId: org.id,
        datasetId: dataset.id,
        config,
        createdBy: null,
      });
      expect((await getRun(store.db, org.id, run.id))?.config).toEqual(config);
      const values: JsonValue[] = [
        'a bare string',
        "it's",
        12.5,
        true,
        null,
        [1, 'two', { three: 3 }],
        { a: [] },
      ];
      for (const [i, data] of values.entries()) {
        await writeRunResult(store.db, { orgId: org.id, runId: run.id, key: `k${i}`, data });
      }
      const rows = await store.db
        .selectFrom('run_results')
        .select(['key', 'data'])
        .where('run_id', '=', run.id)
        .orderBy('key')
        .execute();
      expect(rows.map((r) => r.data)).toEqual(values);
      // jsonb is queryable as such, not a string in disguise.
      const typed = await sql<{ t: string }>`select jsonb_typeof(data) as t from run_results
        where run_id = ${run.id} order by key`.execute(store.db);
      expect(typed.rows.map((r) => r.t)).toEqual([
        'string',
        'string',
        'number',
        'boolean',
        'null',
        'array',
        'object',
      ]);
    });

    it('stores quotes and SQL-looking text verbatim, everywhere text goes in', async () => {
      const { org, user, dataset } = await seedOrg(store, AWKWARD[0]!);
      expect(
        (
          await store.db
            .selectFrom('organisations')
            .select('name')
            .where('id', '=', org.id)
            .executeTakeFirst()
        )?.name,
      ).toBe(AWKWARD[0]);
      const customers: CustomerRow[] = AWKWARD.map((s, i) => ({
        customerId: `${s}#${i}`,
        name: s,
        phone: s,
        email: s,
        location: s,
        store: s,
        attributes: { note: s, [s || 'blank']: [s] },
      }));
      await insertCustomers(store.db, org.id, dataset.id, customers);
      const team = await createTeam(store.db, { orgId: org.id, name: AWKWARD[1]! });
      const run = await createRun(store.db, {
        orgId: org.id,
        datasetId: dataset.id,
        config: {},
        createdBy: null,
      });
      for (const [i, s] of AWKWARD.entries()) {
        const [found] = await findCustomer(store.db, org.id, `${s}#${i}`);
        expect(found).toMatchObject({ name: s, phone: s, email: s, location: s, store: s });
        expect(found?.attributes).toEqual({ note: s, [s || 'blank']: [s] });
        await setSegmentName(store.db, {
          orgId: org.id,
          runId: run.id,
          segmentId: String(i),
          teamId: team.id,
          name: s,
          description: s,
          updatedBy: user.id,
        });
        await recordAudit(store.db, {
          orgId: org.id,
          userId: user.id,
          action: 'rename',
          subject: s,
          detail: { s },
        });
      }
      const names = await listSegmentNames(store.db, org.id, run.id);
      expect(new Set(names.map((n) => n.name))).toEqual(new Set(AWKWARD));
      const audit = await listAudit(store.db, org.id);
      expect(new Set(audit.map((a) => a.subject))).toEqual(new Set(AWKWARD));
      expect(new Set(audit.map((a) => (a.detail as { s: string }).s))).toEqual(new Set(AWKWARD));
      expect(await countCustomers(store.db, org.id, dataset.id)).toBe(AWKWARD.length);
    });

    it('lets several teams name the same segment each their own way', async () => {
      const { org, dataset } = await seedOrg(store, 'Names');
      const marketing = await createTeam(store.db, { orgId: org.id, name: 'Marketing' });
      const support = await createTeam(store.db, { orgId: org.id, name: 'Support' });
      const run = await createRun(store.db, {
        orgId: org.id,
        datasetId: dataset.id,
        config: {},
        createdBy: null,
      });
      const base = { orgId: org.id, runId: run.id, segmentId: '2', updatedBy: null, description: '' };
      await setSegmentName(store.db, { ...base, teamId: marketing.id, name: 'Big spenders' });
      await setSegmentName(store.db, { ...base, teamId: support.id, name: 'VIP callers' });
      await setSegmentName(store.db, { ...base, teamId: marketing.id, name: 'Champions' });
      expect((await listSegmentNames(store.db, org.id, run.id, marketing.id)).map((n) => n.name)).toEqual([
        'Champions',
      ]);
      expect((await listSegmentNames(store.db, org.id, run.id)).map((n) => n.name).sort()).toEqual([
        'Champions',
        'VIP callers',
      ]);
    });

    it('updates a run only at the version the writer read (compare-and-set)', async () => {
      const { org, dataset } = await seedOrg(store, 'Cas');
      const run = await createRun(store.db, {
        orgId: org.id,
        datasetId: dataset.id,
        config: {},
        createdBy: null,
      });
      expect(run).toMatchObject({ status: 'queued', progress: 0, version: 0, log: '' });
      const started = await updateRun(store.db, org.id, run.id, 0, {
        status: 'running',
        progress: 0.5,
        step: 'fit',
      });
      expect(started).toMatchObject({ status: 'running', progress: 0.5, step: 'fit', version: 1 });
      expect(await updateRun(store.db, org.id, run.id, 0, { status: 'failed' })).toBeUndefined();
      await expectSqlState(updateRun(store.db, org.id, run.id, 1, { progress: 2 }), '23514');
      await expectSqlState(updateRun(store.db, org.id, run.id, 1, { status: 'paused' as never }), '23514');
    });

    it('switches the published version atomically: concurrent publishers, readers see one whole version', async () => {
      const { org, user, dataset } = await seedOrg(store, 'Publish');
      const PARTS = 40;
      const ROUNDS = 6;
      let publishing = true;
      const seen: { runId: string; version: number }[] = [];
      const problems: string[] = [];

      const publisher = async (name: string) => {
        for (let round = 0; round < ROUNDS; round++) {
          const run = await createRun(store.db, {
            orgId: org.id,
            datasetId: dataset.id,
            config: { publisher: name, round },
            createdBy: user.id,
          });
          // Results go in first, outside the switch: invisible until the pointer moves.
          for (let i = 0; i < PARTS; i++) {
            await writeRunResult(store.db, {
              orgId: org.id,
              runId: run.id,
              key: `part-${String(i).padStart(3, '0')}`,
              data: { run: run.id, i },
            });
          }
          await publishRun(store.db, {
            orgId: org.id,
            datasetId: dataset.id,
            runId: run.id,
            publishedBy: user.id,
          });
        }
      };
      const reader = async () => {
        while (publishing) {
          const got = await readPublished(store.db, org.id, dataset.id);
          if (!got) continue;
          seen.push({ runId: got.runId, version: got.version });
          if (got.results.length !== PARTS) problems.push(`v${got.version}: ${got.results.length} parts`);
          for (const r of got.results) {
            if ((r.data as { run: string }).run !== got.runId)
              problems.push(`v${got.version}: a part of another run`);
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
      };

      const readers = [reader(), reader()];
      await Promise.all([publisher('a'), publisher('b')]);
      publishing = false;
      await Promise.all(readers);

      expect(problems).toEqual([]);
      expect(seen.length).toBeGreaterThan(0);
      const versions = await listVersions(store.db, org.id, dataset.id);
      expect(versions.map((v) => v.version)).toEqual(Array.from({ length: 2 * ROUNDS }, (_, i) => i + 1));
      expect(new Set(versions.map((v) => v.runId)).size).toBe(2 * ROUNDS);
      // Each version a reader saw is the run recorded for that version.
      const runOf = new Map(versions.map((v) => [v.version, v.runId]));
      for (const s of seen) expect(runOf.get(s.version)).toBe(s.runId);
      const last = await readPublished(store.db, org.id, dataset.id);
      expect(last?.version).toBe(2 * ROUNDS);
    });

    it('leaves the published version alone when a publishing transaction fails', async () => {
      const { org, dataset } = await seedOrg(store, 'Rollback');
      const first = await createRun(store.db, {
        orgId: org.id,
        datasetId: dataset.id,
        config: {},
        createdBy: null,
      });
      await writeRunResult(store.db, { orgId: org.id, runId: first.id, key: 'segments', data: [1, 2] });
      await publishRun(store.db, {
        orgId: org.id,
        datasetId: dataset.id,
        runId: first.id,
        publishedBy: null,
      });
      const second = await createRun(store.db, {
        orgId: org.id,
        datasetId: dataset.id,
        config: {},
        createdBy: null,
      });
      await expect(
        store.db.transaction().execute(async (tx) => {
          await writeRunResult(tx, { orgId: org.id, runId: second.id, key: 'segments', data: [3] });
          await publishRun(tx, { orgId: org.id, datasetId: dataset.id, runId: second.id, publishedBy: null });
          throw new Error('the runner died before committing');
        }),
      ).rejects.toThrow('the runner died');
      expect(await readPublished(store.db, org.id, dataset.id)).toEqual({
        runId: first.id,
        version: 1,
        results: [{ key: 'segments', data: [1, 2] }],
      });
      // A run of another dataset cannot be published here.
      const other = await seedOrg(store, 'Other');
      const foreign = await createRun(store.db, {
        orgId: other.org.id,
        datasetId: other.dataset.id,
        config: {},
        createdBy: null,
      });
      await expect(
        publishRun(store.db, { orgId: org.id, datasetId: dataset.id, runId: foreign.id, publishedBy: null }),
      ).rejects.toThrow(/is not a run of dataset/);
    });

    it('keeps organisations apart in every repository function', async () => {
      const a = await seedOrg(store, 'Alpha');
      const b = await seedOrg(store, 'Beta');
      await insertCustomers(store.db, a.org.id, a.dataset.id, [{ customerId: 'C-1', name: 'Alpha one' }]);
      await insertCustomers(store.db, b.org.id, b.dataset.id, [{ customerId: 'C-1', name: 'Beta one' }]);
      const runA = await createRun(store.db, {
        orgId: a.org.id,
        datasetId: a.dataset.id,
        config: {},
        createdBy: null,
      });
      await writeRunResult(store.db, { orgId: a.org.id, runId: runA.id, key: 'k', data: 'secret' });
      await publishRun(store.db, {
        orgId: a.org.id,
        datasetId: a.dataset.id,
        runId: runA.id,
        publishedBy: null,
      });
      await recordAudit(store.db, {
        orgId: a.org.id,
        userId: a.user.id,
        action: 'upload',
        subject: a.dataset.id,
      });

      expect((await findCustomer(store.db, a.org.id, 'C-1')).map((c) => c.name)).toEqual(['Alpha one']);
      expect((await findCustomer(store.db, b.org.id, 'C-1')).map((c) => c.name)).toEqual(['Beta one']);
      expect(await getDataset(store.db, b.org.id, a.dataset.id)).toBeUndefined();
      expect((await listDatasets(store.db, b.org.id)).map((d: Dataset) => d.id)).toEqual([b.dataset.id]);
      expect(await getRun(store.db, b.org.id, runA.id)).toBeUndefined();
      expect(await listRuns(store.db, b.org.id)).toEqual([]);
      expect(await readPublished(store.db, b.org.id, a.dataset.id)).toBeUndefined();
      expect(await listVersions(store.db, b.org.id, a.dataset.id)).toEqual([]);
      expect(await listSegmentNames(store.db, b.org.id, runA.id)).toEqual([]);
      expect(await listAudit(store.db, b.org.id)).toEqual([]);
      expect(await updateRun(store.db, b.org.id, runA.id, 0, { status: 'cancelled' })).toBeUndefined();
      expect(await countCustomers(store.db, b.org.id, a.dataset.id)).toBe(0);
    });

    it('bulk-inserts 100,000 customers and looks one up by (org, customer id) through the index', async () => {
      const { org, dataset } = await seedOrg(store, 'Bulk');
      const N = 100_000;
      const rows: CustomerRow[] = Array.from({ length: N }, (_, i) => ({
        customerId: `C${String(i).padStart(6, '0')}`,
        name: `Customer ${i}`,
        phone: `+55 11 9${String(i).padStart(8, '0')}`,
        email: `c${i}@example.com`,
        location: i % 2 ? 'São Paulo' : 'Recife',
        store: `S${i % 37}`,
        attributes: { recharges: i % 13, tenure_days: i % 900 },
      }));
      expect(await insertCustomers(store.db, org.id, dataset.id, rows)).toBe(N);
      expect(await countCustomers(store.db, org.id, dataset.id)).toBe(N);
      await sql`analyze customers`.execute(store.db);

      const plan = await customerLookup(store.db, org.id, 'C054321').explain();
      const text = plan.map((r) => String(Object.values(r)[0])).join('\n');
      expect(text).toMatch(
        /Index (Only )?Scan using customers_org_customer_idx|Bitmap Index Scan on customers_org_customer_idx/,
      );
      expect(text).not.toMatch(/Seq Scan/);

      const [found] = await findCustomer(store.db, org.id, 'C054321');
      expect(found).toMatchObject({
        dataset_id: dataset.id,
        name: 'Customer 54321',
        store: `S${54321 % 37}`,
        attributes: { recharges: 54321 % 13, tenure_days: 54321 % 900 },
      });
    });

    it('records created rows with their defaults (bigint as number, times as Date)', async () => {
      const { org, user } = await seedOrg(store, 'Defaults');
      const big = await createDataset(store.db, {
        orgId: org.id,
        name: 'huge',
        kind: 'transactions',
        rows: 3_000_000_000,
        bytes: 2 ** 40,
        sha256: hash,
        createdBy: user.id,
      });
      expect(big.rows).toBe(3_000_000_000);
      expect(big.bytes).toBe(2 ** 40);
      expect(big.created_at).toBeInstanceOf(Date);
      expect(big.deleted_at).toBeNull();
      await store.db
        .updateTable('datasets')
        .set({ deleted_at: new Date() })
        .where('id', '=', big.id)
        .execute();
      expect((await listDatasets(store.db, org.id)).map((d) => d.id)).not.toContain(big.id);
      expect((await getDataset(store.db, org.id, big.id))?.deleted_at).toBeInstanceOf(Date);
      const organisation: Organisation | undefined = await store.db
        .selectFrom('organisations')
        .selectAll()
        .where('id', '=', org.id)
        .executeTakeFirst();
      expect(organisation?.created_at).toBeInstanceOf(Date);
      expect(jsonb({ a: 1 })).toBe('{"a":1}');
    });
  });
}

describe('the storage suite without PostgreSQL', () => {
  it('fails (never skips) with how to start the server', async () => {
    const target = storeTarget('postgres', 'postgres://127.0.0.1:1/test');
    await expect(target.open()).rejects.toThrow(
      /cannot reach PostgreSQL at postgres:\/\/127\.0\.0\.1:1\/test[\s\S]*pg_ctlcluster/,
    );
  });
});
