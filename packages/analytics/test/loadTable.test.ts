import { once } from 'node:events';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.ts';
import { type LoadedTable, type LoadOptions, loadTable } from '../src/ingest/loadTable.ts';

const dir = mkdtempSync(join(tmpdir(), 'clientele-load-'));

function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

async function rows(path: string, opts: LoadOptions = {}): Promise<{ t: LoadedTable; data: unknown[] }> {
  const t = await loadTable(path, opts);
  const r = await t.db.runAndReadAll(`SELECT * FROM ${t.table}`);
  const data = r.getRowObjectsJS();
  t.close();
  return { t, data };
}

async function failure(path: string, opts: LoadOptions = {}): Promise<InputError> {
  try {
    const t = await loadTable(path, opts);
    t.close();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error(`loading ${path} should have failed`);
}

describe('loadTable: formats and encodings', () => {
  it('reads a semicolon CSV in ISO-8859-1 and sniffs the encoding', async () => {
    const p = file(
      'latin1.csv',
      Buffer.from('name;city\nJos\xe9;S\xe3o Paulo\nIn\xeas;Bras\xedlia\n', 'latin1'),
    );
    const { t, data } = await rows(p);
    expect(t.encoding).toBe('iso-8859-1');
    expect(t.delimiter).toBe(';');
    expect(data).toEqual([
      { name: 'José', city: 'São Paulo' },
      { name: 'Inês', city: 'Brasília' },
    ]);
  });

  it('tells Windows-1252 from ISO-8859-1 by its 0x80-0x9F characters', async () => {
    const p = file('cp1252.csv', Buffer.from('item,price\n\x93Caf\xe9\x94,\x8012\n', 'latin1'));
    const { t, data } = await rows(p);
    expect(t.encoding).toBe('windows-1252');
    expect(data).toEqual([{ item: '“Café”', price: '€12' }]);
  });

  it('reads UTF-8 with a BOM, UTF-16 with a BOM, and gzip in any encoding', async () => {
    const bom = await rows(file('bom.csv', '\ufeffid,name\n1,Zoë\n'));
    expect(bom.data).toEqual([{ id: 1n, name: 'Zoë' }]);
    const u16 = file(
      'u16.csv',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,name\n7,Łódź\n', 'utf16le')]),
    );
    const r16 = await rows(u16);
    expect(r16.t.encoding).toBe('utf-16le');
    expect(r16.data).toEqual([{ id: 7n, name: 'Łódź' }]);
    const gz = await rows(file('l.csv.gz', gzipSync(Buffer.from('a;b\n1;S\xe3o\n', 'latin1'))));
    expect(gz.t.gzip).toBe(true);
    expect(gz.data).toEqual([{ a: 1n, b: 'São' }]);
  });

  it('an encoding given overrides the sniffed one, and an unknown one is refused', async () => {
    const p = file('utf8-as-latin1.csv', 'city\nSão\n');
    const { data } = await rows(p, { encoding: 'latin1' });
    expect(data).toEqual([{ city: 'SÃ£o' }]);
    const err = await failure(p, { encoding: 'klingon' });
    expect(err.code).toBe('UNKNOWN_ENCODING');
    expect(err.message).toContain('windows-1252');
  });

  it('reads JSON lines (plain and gzip) and Parquet', async () => {
    const jl = await rows(file('a.jsonl', '{"id":1,"city":"Lima"}\n{"id":2,"city":"Quito"}\n'));
    expect(jl.t.format).toBe('jsonl');
    expect(jl.data).toEqual([
      { id: 1n, city: 'Lima' },
      { id: 2n, city: 'Quito' },
    ]);
    const gz = await rows(file('b.jsonl.gz', gzipSync('{"id":3}\n')));
    expect(gz.data).toEqual([{ id: 3n }]);

    const csv = await loadTable(file('for-parquet.csv', 'id,v\n1,2.5\n2,3.5\n'));
    const pq = join(dir, 'c.parquet');
    await csv.db.run(`COPY data TO '${pq}' (FORMAT parquet)`);
    csv.close();
    const back = await rows(pq);
    expect(back.t.format).toBe('parquet');
    expect(back.data).toEqual([
      { id: 1n, v: 2.5 },
      { id: 2n, v: 3.5 },
    ]);
  });

  it('types are inferred and can be overridden', async () => {
    const p = file('types.csv', 'code,when,amount\n007,2024-01-02,1.5\n010,2024-02-03,2\n');
    const sniffed = await loadTable(p);
    expect(sniffed.columns).toEqual([
      { name: 'code', type: 'VARCHAR' }, // leading zeros kept
      { name: 'when', type: 'DATE' },
      { name: 'amount', type: 'DOUBLE' },
    ]);
    sniffed.close();
    const { t, data } = await rows(p, { types: { code: 'integer', amount: 'varchar' } });
    expect(t.columns.map((c) => c.type)).toEqual(['INTEGER', 'DATE', 'VARCHAR']);
    expect(data[0]).toMatchObject({ code: 7, amount: '1.5' });
    expect((await failure(p, { types: { nope: 'VARCHAR' } })).code).toBe('UNKNOWN_COLUMN');
    expect((await failure(p, { types: { code: 'DROP TABLE x; --' } })).code).toBe('BAD_OPTION');
  });
});

describe('loadTable: malformed rows', () => {
  const ragged = 'a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11,12\n13,14,15\n';

  it('stops at malformed rows by default, naming each line and why', async () => {
    const err = await failure(file('ragged.csv', ragged));
    expect(err.code).toBe('MALFORMED_ROWS');
    expect(err.message).toContain('2 malformed rows');
    expect(err.message).toContain('line 3: expected 3 fields, found 2 ("4,5")');
    expect(err.message).toContain('line 5: expected 3 fields, found 4');
    expect(err.message).toContain('--bad-rows skip');
  });

  it('skips and reports them when asked', async () => {
    const { t, data } = await rows(file('ragged2.csv', ragged), { badRows: 'skip' });
    expect(t.nRejected).toBe(2);
    expect(t.rejected.map((r) => r.line)).toEqual([3, 5]);
    expect(data.map((r) => (r as { a: bigint }).a)).toEqual([1n, 6n, 13n]);
  });

  it('a value that does not fit an asked type is a malformed row with its line', async () => {
    const p = file('cast.csv', 'id,n\n1,2\n2,x\n3,4\n');
    const err = await failure(p, { types: { n: 'BIGINT' } });
    expect(err.message).toContain('line 3');
    expect(err.message).toContain('"x"');
    const { t } = await rows(p, { types: { n: 'BIGINT' }, badRows: 'skip' });
    expect(t.nRows).toBe(2);
  });

  it('JSON lines: bad lines found by number, stopped or skipped', async () => {
    const p = file('bad.jsonl', '{"a":1}\n{"a":2\n[1,2]\n{"a":4}\n');
    const err = await failure(p);
    expect(err.code).toBe('MALFORMED_ROWS');
    expect(err.message).toContain('line 2: not valid JSON');
    expect(err.message).toContain('line 3: not a JSON object');
    const { t, data } = await rows(p, { badRows: 'skip' });
    expect(t.nRejected).toBe(2);
    expect(data).toEqual([{ a: 1n }, { a: 4n }]);
  });
});

describe('loadTable: bad files get a clear error and leave nothing behind', () => {
  it('missing, empty, header only, empty gzip, binary junk', async () => {
    expect((await failure(join(dir, 'nope.csv'))).code).toBe('FILE_NOT_FOUND');
    expect((await failure(file('empty.csv', ''))).code).toBe('EMPTY_FILE');
    expect((await failure(file('empty.csv.gz', gzipSync('')))).code).toBe('EMPTY_FILE');
    const header = await failure(file('header.csv', 'a,b,c\n'));
    expect(header.code).toBe('NO_DATA_ROWS');
    const junk = await failure(file('junk.csv', Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 9, 8, 7, 0, 1, 2])));
    expect(junk.code).toBe('BINARY_FILE');
    expect(junk.message).toContain('binary');
  });

  it('removes its working folder after a failure and after close()', async () => {
    const work = mkdtempSync(join(tmpdir(), 'clientele-work-'));
    await failure(file('ragged3.csv', 'a,b\n1\n'), { tempDir: work });
    expect(readdirSync(work)).toEqual([]);
    const t = await loadTable(file('ok.csv', 'a\n1\n'), { tempDir: work });
    expect(readdirSync(work).length).toBe(1);
    t.close();
    expect(readdirSync(work)).toEqual([]);
  });

  it('loads a file larger than its memory limit (DuckDB spills to disk)', async () => {
    const p = join(dir, 'big.csv');
    const out = createWriteStream(p);
    out.write('id,name,amount\n');
    const chunks = 180;
    for (let c = 0; c < chunks; c++) {
      let s = '';
      for (let i = 0; i < 20_000; i++) {
        const k = c * 20_000 + i;
        s += `${k},customer number ${k % 9973} of the synthetic file,${(k % 1000) / 10}\n`;
      }
      if (!out.write(s)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const t = await loadTable(p, { memoryLimit: '128MB' });
    expect(t.bytes).toBeGreaterThan(128 * 2 ** 20);
    expect(t.nRows).toBe(chunks * 20_000);
    const r = await t.db.runAndReadAll('SELECT CAST(sum(amount) AS DOUBLE) AS s FROM data');
    expect(r.getRowObjectsJS()[0]!['s']).toBeCloseTo((chunks * 20_000 * 49.95) / 1, 0);
    t.close();
    expect(existsSync(p)).toBe(true);
  }, 60_000);
});
