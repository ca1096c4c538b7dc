import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  TELCO_BROKEN_STORE,
  TELCO_BROKEN_STORE_ADDRESS,
  TELCO_BROKEN_STORE_ADDRESS_FIXED,
  TELCO_BROKEN_STORE_LOCATION,
  TELCO_ID_COLUMN,
  TELCO_SENTINEL_COLUMN,
  TELCO_SENTINEL_VALUE,
  TELCO_SNAPSHOT_COLUMNS,
  TELCO_SNAPSHOT_SEGMENTS,
  TELCO_TARGET_COLUMN,
  telcoChurnProbability,
  writeTelcoSnapshotCsv,
} from '../src/demo/telcoSnapshot.ts';
import {
  TRANSACTION_LOG_COLUMNS,
  TRANSACTION_LOG_CUSTOMER_TYPES,
  TRANSACTION_LOG_DROPPED_CODES,
  TRANSACTION_LOG_KEPT_CODES,
  writeTransactionLogCsv,
} from '../src/demo/transactionLog.ts';

const dir = mkdtempSync(join(tmpdir(), 'clientele-demo-data-'));

/** Splits a CSV line, honouring double quotes. */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function readCsv(path: string): { header: string[]; lines: string[]; rows: string[][] } {
  const lines = readFileSync(path, 'utf8').split('\n');
  expect(lines.pop()).toBe(''); // the file ends with a line break
  return { header: splitCsv(lines[0]!), lines: lines.slice(1), rows: lines.slice(1).map(splitCsv) };
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** ROC AUC of scores against 0/1 labels (ties averaged). */
function auc(scores: number[], labels: number[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSum = 0;
  let pos = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    for (let k = i; k <= j; k++) {
      if (labels[idx[k]!] === 1) {
        rankSum += (i + j) / 2 + 1;
        pos++;
      }
    }
    i = j + 1;
  }
  const neg = labels.length - pos;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

describe('telco snapshot', () => {
  const rows = 8000;
  const path = join(dir, 'telco.csv');
  const truthPath = join(dir, 'telco-truth.csv');
  let result: Awaited<ReturnType<typeof writeTelcoSnapshotCsv>>;
  let csv: ReturnType<typeof readCsv>;
  let truth: ReturnType<typeof readCsv>;
  const col = (name: string): number => csv.header.indexOf(name);

  beforeAll(async () => {
    result = await writeTelcoSnapshotCsv(path, { rows, seed: 11, truthOut: truthPath });
    csv = readCsv(path);
    truth = readCsv(truthPath);
  });

  it('has the 42 promised columns, id first and CHURN last, on every row', () => {
    expect(TELCO_SNAPSHOT_COLUMNS).toHaveLength(42);
    expect(new Set(TELCO_SNAPSHOT_COLUMNS).size).toBe(42);
    expect(csv.header).toEqual([...TELCO_SNAPSHOT_COLUMNS]);
    expect(csv.header[0]).toBe(TELCO_ID_COLUMN);
    expect(csv.header.at(-1)).toBe(TELCO_TARGET_COLUMN);
    expect(result.columns).toEqual([...TELCO_SNAPSHOT_COLUMNS]);
    expect(result.rows).toBe(rows);
    expect(csv.rows).toHaveLength(rows);
    const churn = col(TELCO_TARGET_COLUMN);
    expect(csv.rows.filter((r) => r.length !== 42 || !/^[01]$/.test(r[churn]!)).slice(0, 3)).toEqual([]);
    const marital = new Set(csv.rows.map((r) => r[col('MARITAL_STATUS')]));
    expect([...marital].sort()).toEqual(['Married', 'Single', 'Widower']);
  });

  it('gives IMEI-like ids, unique except for the planted duplicate rows, which copy earlier rows', () => {
    const seen = new Map<string, string>();
    const bad: string[] = [];
    let repeats = 0;
    for (const line of csv.lines) {
      const id = line.slice(0, line.indexOf(','));
      if (!/^\d{15}$/.test(id)) bad.push(line);
      const earlier = seen.get(id);
      if (earlier === undefined) seen.set(id, line);
      else {
        if (line !== earlier) bad.push(line); // an exact copy, not a new customer with the same id
        repeats++;
      }
    }
    expect(bad.slice(0, 3)).toEqual([]);
    expect(repeats).toBe(result.duplicates);
    expect(result.duplicates).toBeGreaterThan(0);
    expect(result.duplicates / rows).toBeLessThan(0.006);
    expect([...seen.keys()].filter((id) => !luhnValid(id))).toEqual([]);
  });

  it('plants the four segments in their shares, one truth line per distinct id', () => {
    expect(truth.header).toEqual([TELCO_ID_COLUMN, 'churn_probability', 'segment']);
    expect(truth.rows).toHaveLength(rows - result.duplicates);
    const ids = new Set(csv.rows.map((r) => r[0]));
    expect(new Set(truth.rows.map((t) => t[0]))).toEqual(ids);
    for (const s of TELCO_SNAPSHOT_SEGMENTS) {
      const share = truth.rows.filter((t) => t[2] === s.name).length / truth.rows.length;
      expect(share, s.name).toBeGreaterThan(s.share - 0.025);
      expect(share, s.name).toBeLessThan(s.share + 0.025);
    }
  });

  it('puts the 9999 sentinel on every line with fewer than two recharges, a large share', () => {
    const f = col(TELCO_SENTINEL_COLUMN);
    const count = col('SUM_CANTIDAD_RECARGAS');
    let sentinel = 0;
    const bad: string[][] = [];
    for (const r of csv.rows) {
      const isSentinel = Number(r[f]) === TELCO_SENTINEL_VALUE;
      if (isSentinel !== Number(r[count]) < 2 || (!isSentinel && !(Number(r[f]) <= 90))) bad.push(r);
      if (isSentinel) sentinel++;
    }
    expect(bad.slice(0, 3)).toEqual([]);
    expect(sentinel / rows).toBeGreaterThan(0.15);
    expect(sentinel / rows).toBeLessThan(0.4);
  });

  it('has one store whose address is mojibake on every row, with empty coordinates', () => {
    expect(TELCO_BROKEN_STORE_ADDRESS).toBe('Av. IrarrÃ¡zaval 3465 Ã‘uÃ±oa RegiÃ³n Metropolitana');
    // Undoing it (the text's code points back to Windows-1252 bytes, read as UTF-8) repairs it.
    const back = Buffer.from(
      [...TELCO_BROKEN_STORE_ADDRESS].map((ch) => (ch === '‘' ? 0x91 : ch.charCodeAt(0))),
    ).toString('utf8');
    expect(back).toBe(TELCO_BROKEN_STORE_ADDRESS_FIXED);
    expect(TELCO_BROKEN_STORE_LOCATION.lat).toBeCloseTo(-33.45, 1); // Ñuñoa, for checking an imputation
    const [store, address, lat, lon] = ['TIENDA', 'DIRECCION_TIENDA', 'LATITUD', 'LONGITUD'].map(col);
    let broken = 0;
    const bad: string[][] = [];
    for (const r of csv.rows) {
      if (r[store!] === TELCO_BROKEN_STORE) {
        broken++;
        if (r[address!] !== TELCO_BROKEN_STORE_ADDRESS || r[lat!] !== '' || r[lon!] !== '') bad.push(r);
      } else if (
        r[address!]!.includes('Ã') ||
        r[lat!] === '' ||
        !(Number(r[lat!]) < -17 && Number(r[lon!]) < -60)
      ) {
        bad.push(r);
      }
    }
    expect(bad.slice(0, 3)).toEqual([]);
    expect(broken / rows).toBeGreaterThan(0.02);
    expect(broken / rows).toBeLessThan(0.1);
  });

  it('draws CHURN from the known probability: label mean matches it, the best AUC is high', () => {
    const prob = new Map(truth.rows.map((t) => [t[0]!, Number(t[1])]));
    const seg = new Map(truth.rows.map((t) => [t[0]!, t[2]!]));
    const segIndex = (name: string): number => TELCO_SNAPSHOT_SEGMENTS.findIndex((s) => s.name === name);
    const distinct = new Map(csv.rows.map((r) => [r[0]!, r]));
    const labels: number[] = [];
    const scores: number[] = [];
    let worst = 0;
    for (const [id, r] of distinct) {
      const p = prob.get(id)!;
      // The probability is the logistic function of columns the file shows and the segment.
      const again = telcoChurnProbability(
        segIndex(seg.get(id)!),
        Number(r[col('DIAS_ULTIMA_RECARGA')]),
        Number(r[col('NUM_LLAMADAS_ATENCION')]),
        Number(r[col('ANTIGUEDAD_MESES')]),
      );
      worst = Math.max(worst, Math.abs(again - p));
      labels.push(Number(r[col(TELCO_TARGET_COLUMN)]));
      scores.push(p);
    }
    expect(worst).toBeLessThan(1e-6);
    const n = labels.length;
    const rate = labels.reduce((a, b) => a + b, 0) / n;
    const meanP = scores.reduce((a, b) => a + b, 0) / n;
    expect(rate).toBeGreaterThan(0.12);
    expect(rate).toBeLessThan(0.4);
    expect(Math.abs(rate - meanP)).toBeLessThan(4 * Math.sqrt((meanP * (1 - meanP)) / n));
    expect(auc(scores, labels)).toBeGreaterThan(0.8);
    // Cautious rechargers leave far more often than prodigious ones.
    const segRate = (name: string): number => {
      const ids = [...distinct.keys()].filter((id) => seg.get(id) === name);
      return ids.reduce((a, id) => a + Number(distinct.get(id)![col(TELCO_TARGET_COLUMN)]), 0) / ids.length;
    };
    expect(segRate('cautious rechargers')).toBeGreaterThan(3 * segRate('prodigious rechargers'));
  });

  it('is byte-identical for the same seed, different for another, and leaves no temporary file', async () => {
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.csv');
    const c = join(dir, 'c.csv');
    await writeTelcoSnapshotCsv(a, { rows: 3000, seed: 5, truthOut: join(dir, 'a-truth.csv') });
    await writeTelcoSnapshotCsv(b, { rows: 3000, seed: 5, truthOut: join(dir, 'b-truth.csv') });
    await writeTelcoSnapshotCsv(c, { rows: 3000, seed: 6 });
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(readFileSync(join(dir, 'a-truth.csv')).equals(readFileSync(join(dir, 'b-truth.csv')))).toBe(true);
    expect(readFileSync(a).equals(readFileSync(c))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('fails without leaving a file behind when the target cannot be written', async () => {
    const target = join(dir, 'no-such-folder', 't.csv');
    await expect(writeTelcoSnapshotCsv(target, { rows: 10 })).rejects.toThrow();
    expect(existsSync(target)).toBe(false);
    await expect(writeTelcoSnapshotCsv(join(dir, 'x.csv'), { rows: 0 })).rejects.toThrow(/rows/);
  });
});

describe('transaction log', () => {
  const customers = 200;
  const path = join(dir, 'tx.csv');
  const truthPath = join(dir, 'tx-truth.csv');
  let result: Awaited<ReturnType<typeof writeTransactionLogCsv>>;
  let csv: ReturnType<typeof readCsv>;
  let type: Map<string, string>;
  const [INVOICE, CODE, DESCRIPTION, QUANTITY, DATE, PRICE, CUSTOMER, COUNTRY] = [0, 1, 2, 3, 4, 5, 6, 7];

  beforeAll(async () => {
    result = await writeTransactionLogCsv(path, { customers, seed: 3, truthOut: truthPath });
    csv = readCsv(path);
    const truth = readCsv(truthPath);
    expect(truth.header).toEqual(['CustomerID', 'segment']);
    type = new Map(truth.rows.map((t) => [t[0]!, t[1]!]));
  });

  it('has the Online Retail columns and formats, in time order over about a year', () => {
    expect(csv.header).toEqual([...TRANSACTION_LOG_COLUMNS]);
    expect(csv.rows).toHaveLength(result.rows);
    expect(result.rows).toBeGreaterThan(customers * 50);
    let previous = '';
    const bad: string[][] = [];
    for (const r of csv.rows) {
      const ok =
        r.length === 8 &&
        /^[CA]?\d{6}$/.test(r[INVOICE]!) &&
        /^-?\d+$/.test(r[QUANTITY]!) &&
        /^\d{4}-\d\d-\d\d \d\d:\d\d:00$/.test(r[DATE]!) &&
        /^-?\d+\.\d+$/.test(r[PRICE]!) &&
        /^(\d{5,}\.0)?$/.test(r[CUSTOMER]!) &&
        r[COUNTRY] !== '' &&
        r[DATE]! >= previous;
      if (!ok) bad.push(r);
      previous = r[DATE]!;
    }
    expect(bad.slice(0, 3)).toEqual([]);
    expect(csv.rows[0]![DATE]! >= '2010-12-01 08:26:00').toBe(true);
    expect(previous <= '2011-12-09 12:50:00').toBe(true);
    expect(previous >= '2011-11-01').toBe(true);
    // Descriptions with a comma are quoted; some keep a trailing space, as in the real file.
    expect(csv.lines.some((l) => l.includes('"'))).toBe(true);
    expect(csv.rows.some((r) => r[DESCRIPTION]!.endsWith(' '))).toBe(true);
  });

  it('plants the customer types: a small high-value group with a large share of revenue', () => {
    expect(type.size).toBe(customers);
    const seen = new Set(csv.rows.map((r) => r[CUSTOMER]).filter((c) => c !== ''));
    expect(seen).toEqual(new Set(type.keys()));
    const count = (t: string): number => [...type.values()].filter((v) => v === t).length;
    for (const t of TRANSACTION_LOG_CUSTOMER_TYPES) {
      expect(count(t.name) / customers, t.name).toBeGreaterThan(t.share - 0.06);
      expect(count(t.name) / customers, t.name).toBeLessThan(t.share + 0.06);
    }
    const revenue = new Map<string, number>();
    const returned = new Map<string, number>();
    const lines = new Map<string, number>();
    let total = 0;
    for (const r of csv.rows) {
      if (r[CUSTOMER] === '') continue;
      const t = type.get(r[CUSTOMER]!)!;
      const v = Number(r[QUANTITY]) * Number(r[PRICE]);
      revenue.set(t, (revenue.get(t) ?? 0) + v);
      total += v;
      lines.set(t, (lines.get(t) ?? 0) + 1);
      if (r[INVOICE]!.startsWith('C')) returned.set(t, (returned.get(t) ?? 0) + 1);
    }
    expect(revenue.get('high-value')! / total).toBeGreaterThan(0.4);
    const returnShare = (t: string): number => (returned.get(t) ?? 0) / lines.get(t)!;
    for (const t of ['high-value', 'regular', 'occasional'])
      expect(returnShare('heavy-returner')).toBeGreaterThan(3 * returnShare(t));
  });

  it('cancels with C invoices and negative quantities, taking back products the customer bought', () => {
    const bought = new Set<string>();
    const bad: string[][] = [];
    let cancelled = 0;
    for (const r of csv.rows) {
      const key = `${r[CUSTOMER]}|${r[CODE]}|${r[PRICE]}`;
      if (r[INVOICE]!.startsWith('C')) {
        if (!(Number(r[QUANTITY]) < 0)) bad.push(r);
        if (/^\d{5}[A-Z]?$/.test(r[CODE]!)) {
          if (r[CUSTOMER] === '' || !bought.has(key)) bad.push(r); // never bought
          cancelled++;
        }
      } else if (Number(r[QUANTITY]) > 0) bought.add(key);
    }
    expect(bad.slice(0, 3)).toEqual([]);
    expect(cancelled).toBeGreaterThan(100);
  });

  it("has the 'A' adjustments, every non-product code and rows without a customer", () => {
    const adjustments = csv.rows.filter((r) => r[INVOICE]!.startsWith('A'));
    expect(adjustments).toHaveLength(3);
    for (const r of adjustments) {
      expect([r[CODE], r[DESCRIPTION], r[CUSTOMER]]).toEqual(['B', 'Adjust bad debt', '']);
    }
    expect(adjustments.filter((r) => Number(r[PRICE]) < 0)).toHaveLength(2);
    const codes = new Set(csv.rows.map((r) => r[CODE]));
    for (const code of [...TRANSACTION_LOG_DROPPED_CODES, ...TRANSACTION_LOG_KEPT_CODES])
      expect(codes.has(code), code).toBe(true);
    const anonymous = csv.rows.filter((r) => r[CUSTOMER] === '').length / csv.rows.length;
    expect(anonymous).toBeGreaterThan(0.1);
    expect(anonymous).toBeLessThan(0.35);
    // Postage goes with orders from abroad.
    const post = csv.rows.filter((r) => r[CODE] === 'POST');
    expect(post.every((r) => r[COUNTRY] !== 'United Kingdom')).toBe(true);
  });

  it('is byte-identical for the same seed and different for another', async () => {
    const a = join(dir, 'tx-a.csv');
    const b = join(dir, 'tx-b.csv');
    const c = join(dir, 'tx-c.csv');
    await writeTransactionLogCsv(a, { customers: 60, seed: 9 });
    await writeTransactionLogCsv(b, { customers: 60, seed: 9 });
    await writeTransactionLogCsv(c, { customers: 60, seed: 10 });
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(readFileSync(a).equals(readFileSync(c))).toBe(false);
  });
});
