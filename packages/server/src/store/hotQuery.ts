import { CompiledQuery, type Kysely } from 'kysely';
import type { Store } from './openStore.ts';

/** What a hot query takes: text, numbers, booleans, null, and lists of text (`= any($n)`). */
export type HotParam = string | number | boolean | null | readonly string[];

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;
// Per database: the statements prepared (or being prepared) in its one session.
const preparedOn = new WeakMap<Kysely<unknown>, Map<string, Promise<unknown>>>();

/** A value as an SQL literal (standard_conforming_strings is on: only quotes need doubling). */
function literal(value: HotParam): string {
  if (value === null) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new Error(`a hot query parameter must be a finite number, not ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') {
    // PostgreSQL text cannot hold NUL; refusing it here keeps the literal whole.
    if (value.includes('\0')) throw new Error('a text value cannot contain the NUL character');
    return `'${value.replaceAll("'", "''")}'`;
  }
  return `array[${value.map(literal).join(', ')}]::text[]`;
}

/**
 * A query on the hot path of the API (every request's principal, Lookout), written as SQL with
 * $1..$n and run without Kysely's builder. On PGlite it is prepared once (`prepare ... as`) and
 * then run with `execute name(literals)`: PGlite has one session, so the statement stays, and
 * planning was most of the cost (a four-table Lookout join: 1.4 ms to plan, 0.2 ms to run, in the
 * WASM build). PGlite's `execute` takes no bound parameters, so the values are written as quoted
 * literals. On PostgreSQL (a pool of sessions) it is an ordinary parameterised query.
 */
export function hotQuery<Row>(name: string, text: string) {
  if (!NAME.test(name)) throw new Error(`a hot query's name must be an SQL identifier, not ${name}`);
  return async (store: Pick<Store, 'db' | 'kind'>, params: readonly HotParam[]): Promise<Row[]> => {
    const db = store.db as unknown as Kysely<unknown>;
    if (store.kind !== 'pglite') {
      return (
        await db.executeQuery<Row>(
          CompiledQuery.raw(
            text,
            params.map((p) => (Array.isArray(p) ? [...p] : p)),
          ),
        )
      ).rows;
    }
    let prepared = preparedOn.get(db);
    if (!prepared) {
      prepared = new Map();
      preparedOn.set(db, prepared);
    }
    let ready = prepared.get(name);
    if (!ready) {
      ready = db.executeQuery(CompiledQuery.raw(`prepare ${name} as ${text}`));
      prepared.set(name, ready);
      ready.catch(() => prepared.delete(name));
    }
    await ready;
    const args = params.length === 0 ? '' : `(${params.map(literal).join(', ')})`;
    return (await db.executeQuery<Row>(CompiledQuery.raw(`execute ${name}${args}`))).rows;
  };
}
