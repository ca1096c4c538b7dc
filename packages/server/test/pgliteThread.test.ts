import { describe, expect, it } from 'vitest';
import { createOrganisation, openStore } from '../src/store/index.ts';

describe("PGlite on a worker thread (openStore's thread: 'worker')", () => {
  it('migrates, reads and writes, runs transactions, and keeps the SQLSTATE of an error', async () => {
    const store = await openStore({ memory: true, thread: 'worker' });
    try {
      expect((await store.migrations()).length).toBeGreaterThan(5);
      const org = await createOrganisation(store.db, { name: 'Threaded' });
      const rows = await store.db.selectFrom('organisations').select(['id', 'name', 'created_at']).execute();
      expect(rows).toEqual([{ id: org.id, name: 'Threaded', created_at: expect.any(Date) }]);
      await expect(
        store.db.transaction().execute(async (tx) => {
          await tx.insertInto('organisations').values({ id: 'o2', name: 'kept?' }).execute();
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await store.db.selectFrom('organisations').select('id').execute()).toHaveLength(1);
      const dup = await store.db
        .insertInto('organisations')
        .values({ id: org.id, name: 'again' })
        .execute()
        .catch((e: unknown) => e);
      expect(dup).toMatchObject({ code: '23505', message: expect.stringMatching(/duplicate key/) });
    } finally {
      await store.close();
    }
    await expect(store.db.selectFrom('organisations').selectAll().execute()).rejects.toThrow();
  });
});
