import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.ts';
import { readNumericCsv } from '../src/readNumericCsv.ts';
import { spreadToInputRows, writeColumnsCsv } from '../src/writeColumnsCsv.ts';

const dir = mkdtempSync(join(tmpdir(), 'clientele-read-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function inputError(promise: Promise<unknown>): Promise<InputError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('readNumericCsv', () => {
  it('reads every numeric column by default, in file order, leaving text columns out', async () => {
    const p = file('a.csv', 'id,name,a,b\n1,x,0.5,10\n2,y,1.5,20\n3,z,2.5,30\n');
    const t = await readNumericCsv(p);
    expect(t.columns).toEqual(['id', 'a', 'b']);
    expect(Array.from(t.x.data)).toEqual([1, 0.5, 10, 2, 1.5, 20, 3, 2.5, 30]);
    expect(t.x.rows).toBe(3);
    expect(Array.from(t.inputRow)).toEqual([0, 1, 2]);
  });

  it('reads the columns asked for, in the order asked, and sniffs the delimiter', async () => {
    const p = file('semi.csv', 'a;b;c\n1;2;3\n4;5;6\n');
    const t = await readNumericCsv(p, { columns: ['c', 'a'] });
    expect(t.columns).toEqual(['c', 'a']);
    expect(Array.from(t.x.data)).toEqual([3, 1, 6, 4]);
  });

  it('names a missing column and lists the ones there are', async () => {
    const p = file('b.csv', 'a,b\n1,2\n');
    const e = await inputError(readNumericCsv(p, { columns: ['a', 'revenue'] }));
    expect(e.code).toBe('UNKNOWN_COLUMN');
    expect(e.message).toContain('"revenue"');
    expect(e.message).toContain('a, b');
  });

  it('names a non-numeric column and the line of its first bad value', async () => {
    const p = file('c.csv', 'a,b\n1,2\n3,4\n5,oops\n');
    const e = await inputError(readNumericCsv(p, { columns: ['a', 'b'] }));
    expect(e.code).toBe('NOT_NUMERIC');
    expect(e.message).toContain('"b"');
    expect(e.message).toContain('line 4');
    expect(e.message).toContain('oops');
  });

  it('says an empty file is empty, and a header alone has no rows', async () => {
    expect((await inputError(readNumericCsv(file('empty.csv', '')))).code).toBe('EMPTY_FILE');
    expect((await inputError(readNumericCsv(file('header.csv', 'a,b\n')))).code).toBe('NO_DATA_ROWS');
    expect((await inputError(readNumericCsv(join(dir, 'nope.csv')))).code).toBe('FILE_NOT_FOUND');
  });

  it('drops rows with missing values by default, counts them, and keeps the input positions', async () => {
    const p = file('d.csv', 'a,b\n1,2\n,4\n5,6\n7,\n9,10\n');
    const t = await readNumericCsv(p);
    expect(t.nDropped).toBe(2);
    expect(t.firstDroppedLine).toBe(3);
    expect(t.nInputRows).toBe(5);
    expect(Array.from(t.inputRow)).toEqual([0, 2, 4]);
    expect(Array.from(t.x.data)).toEqual([1, 2, 5, 6, 9, 10]);
  });

  it('stops at the first missing value with --missing error, naming line and column', async () => {
    const p = file('e.csv', 'a,b\n1,2\n3,4\n5,\n');
    const e = await inputError(readNumericCsv(p, { missing: 'error' }));
    expect(e.code).toBe('MISSING_VALUES');
    expect(e.message).toContain('line 4');
    expect(e.message).toContain('"b"');
  });

  it('has no numeric column to offer in a text-only file', async () => {
    const p = file('f.csv', 'name,city\nann,lima\n');
    expect((await inputError(readNumericCsv(p))).code).toBe('NO_NUMERIC_COLUMNS');
  });
});

describe('writeColumnsCsv', () => {
  it('writes one value per input row, empty where a row was left out, and leaves no temporary file', async () => {
    const out = join(dir, 'labels.csv');
    await writeColumnsCsv(out, ['label'], [spreadToInputRows(Int32Array.from([0, 1, -1]), [0, 2, 3], 5)]);
    expect(readFileSync(out, 'utf8')).toBe('label\n0\n\n1\n-1\n\n');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
