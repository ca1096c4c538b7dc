import { afterAll, describe, expect, it } from 'vitest';
import { hotQuery } from '../src/store/hotQuery.ts';
import { createOrganisation } from '../src/store/index.ts';
import { STORE_KINDS, storeTarget } from './stores.ts';

describe.each(STORE_KINDS)('hot queries on %s', (kind) => {
  const target = storeTarget(kind);
  afterAll(() => target.dispose());

  const orgByName = hotQuery<{ id: string; name: string }>(
    'test_org_by_name',
    'select id, name from organisations where name = $1 or name = any($2::text[]) order by name',
  );

  it('answers with the rows of ordinary parameters, again and again (prepared once on PGlite)', async () => {
    const store = await target.open();
    const a = await createOrganisation(store.db, { name: 'Acme hot' });
    const b = await createOrganisation(store.db, { name: 'Bolt hot' });
    for (let i = 0; i < 3; i++) {
      expect(await orgByName(store, ['Acme hot', ['Bolt hot', 'nobody']])).toEqual([
        { id: a.id, name: 'Acme hot' },
        { id: b.id, name: 'Bolt hot' },
      ]);
    }
    expect(await orgByName(store, ['nobody', []])).toEqual([]);
  });

  it('keeps quotes, backslashes and SQL-looking text as values, never as SQL', async () => {
    const store = await target.open();
    const tricky = [
      "O'Brien",
      "x'); drop table organisations; --",
      'back\\slash\\',
      "''",
      '$1',
      'ünïcødé 名前',
    ];
    for (const name of tricky) await createOrganisation(store.db, { name });
    for (const name of tricky) {
      const rows = await orgByName(store, [name, [name]]);
      expect(rows.map((r) => r.name)).toEqual([name]);
    }
    const all = await store.db.selectFrom('organisations').select('name').execute();
    expect(all.map((r) => r.name)).toEqual(expect.arrayContaining(tricky));
  });

  it('refuses a NUL character and a bad statement name with a clear error', async () => {
    const store = await target.open();
    if (kind === 'pglite') await expect(orgByName(store, ['a\0b', []])).rejects.toThrow(/NUL/);
    expect(() => hotQuery('drop table x; --', 'select 1')).toThrow(/SQL identifier/);
  });

  it('prepares a statement once even when its first calls arrive together', async () => {
    const store = await target.open();
    const count = hotQuery<{ n: number }>('test_count_orgs', 'select count(*)::int as n from organisations');
    const answers = await Promise.all(Array.from({ length: 5 }, () => count(store, [])));
    expect(new Set(answers.map((r) => r[0]!.n)).size).toBe(1);
  });
});
