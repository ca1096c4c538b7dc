import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../src/cleaning/applyPlan.ts';
import { suggestPlan } from '../src/cleaning/suggestPlan.ts';
import {
  TELCO_ADDRESS_COLUMN,
  TELCO_BROKEN_STORE_ADDRESS,
  TELCO_BROKEN_STORE_ADDRESS_FIXED,
  TELCO_ID_COLUMN,
  TELCO_SENTINEL_COLUMN,
  TELCO_SENTINEL_VALUE,
  TELCO_TARGET_COLUMN,
  writeTelcoSnapshotCsv,
} from '../src/demo/telcoSnapshot.ts';
import { loadTable } from '../src/ingest/loadTable.ts';
import { repairMojibake } from '../src/profile/mojibake.ts';
import { profileTable } from '../src/profile/profileTable.ts';
import type { DatasetProfile } from '../src/profile/profileTypes.ts';

const fixtures = join(import.meta.dirname, 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'clientele-profile-'));

async function profileOf(path: string): Promise<DatasetProfile> {
  const t = await loadTable(path);
  try {
    return await profileTable(t);
  } finally {
    t.close();
  }
}

interface Reference {
  columns: Record<
    string,
    {
      missing: number;
      distinct: number;
      min: number;
      max: number;
      mean: number;
      std: number;
      quantiles: number[];
      iqr_outliers: number;
      zeros: number;
    }
  >;
  correlation_columns: string[];
  pearson: number[][];
  spearman: number[][];
}

describe('profileTable against pandas / scipy (fixtures/gen_profile_reference.py)', () => {
  const ref = JSON.parse(readFileSync(join(fixtures, 'profile_reference.json'), 'utf8')) as Reference;

  it('per-column statistics equal pandas to 1e-9', async () => {
    const p = await profileOf(join(fixtures, 'profile_input.csv'));
    expect(p.nRows).toBe(500);
    for (const [name, r] of Object.entries(ref.columns)) {
      const c = p.columns.find((x) => x.name === name)!;
      expect(c.missing, name).toBe(r.missing);
      expect(c.distinct, name).toBe(r.distinct);
      const n = c.numeric!;
      expect(n.min).toBeCloseTo(r.min, 9);
      expect(n.max).toBeCloseTo(r.max, 9);
      expect(n.mean! / r.mean).toBeCloseTo(1, 9);
      expect(n.std! / r.std).toBeCloseTo(1, 9);
      n.quantiles.forEach((q, k) => {
        expect(q.value!, `${name} q${q.p}`).toBeCloseTo(r.quantiles[k]!, 9);
      });
      expect(n.median).toBeCloseTo(r.quantiles[2]!, 9);
      expect(n.iqrOutliers.count, name).toBe(r.iqr_outliers);
      expect(n.zeros).toBe(r.zeros);
      expect(
        n.histogram.reduce((s, b) => s + b.count, 0),
        name,
      ).toBe(500 - r.missing);
    }
  });

  it('past the exact-quantile row limit, quantiles come from a sketch, close to the exact ones, and say so', async () => {
    const t = await loadTable(join(fixtures, 'profile_input.csv'));
    const p = await profileTable(t, { exactQuantileMaxRows: 100 });
    t.close();
    expect(p.quantiles).toBe('approximate');
    const score = p.columns.find((c) => c.name === 'score')!.numeric!;
    ref.columns['score']!.quantiles.forEach((exact, k) => {
      expect(Math.abs(score.quantiles[k]!.value! - exact)).toBeLessThan(1.5);
    });
    expect((await profileOf(join(fixtures, 'profile_input.csv'))).quantiles).toBe('exact');
  });

  it('Pearson and Spearman (average ranks for ties) equal pandas and scipy to 1e-9', async () => {
    const p = await profileOf(join(fixtures, 'profile_input.csv'));
    const cols = ref.correlation_columns;
    const idx = cols.map((c) => p.correlation.columns.indexOf(c));
    expect(idx.every((i) => i >= 0)).toBe(true);
    for (let a = 0; a < cols.length; a++) {
      for (let b = 0; b < cols.length; b++) {
        expect(p.correlation.pearson[idx[a]!]![idx[b]!]!).toBeCloseTo(ref.pearson[a]![b]!, 9);
        expect(p.correlation.spearman[idx[a]!]![idx[b]!]!).toBeCloseTo(ref.spearman[a]![b]!, 9);
      }
    }
  });

  it('finds the 9999 sentinel and suggests turning it into missing values', async () => {
    const p = await profileOf(join(fixtures, 'profile_input.csv'));
    const days = p.columns.find((c) => c.name === 'days')!;
    expect(days.sentinel?.value).toBe(9999);
    expect(days.sentinel!.share).toBeGreaterThan(0.15);
    const w = days.warnings.find((x) => x.code === 'SENTINEL')!;
    expect(w.suggestion).toEqual({ op: 'sentinel_to_missing', column: 'days', values: [9999] });
    // An ordinary skewed column has no sentinel.
    expect(p.columns.find((c) => c.name === 'amount')!.sentinel).toBeNull();
  });
});

describe('profileTable on IBM Telco (real data)', () => {
  it("finds TotalCharges' blank strings, the key column and the target", async () => {
    const p = await profileOf(join(fixtures, 'ibm_telco_churn.csv'));
    expect(p.nRows).toBe(7043);
    expect(p.nColumns).toBe(21);
    expect(p.duplicateRows).toBe(0);
    expect(p.kind).toBe('snapshot');
    const total = p.columns.find((c) => c.name === 'TotalCharges')!;
    expect(total.type).toBe('VARCHAR');
    expect(total.role).toBe('continuous');
    expect(total.text!.blank).toBe(11);
    const w = total.warnings.find((x) => x.code === 'NUMERIC_AS_TEXT')!;
    expect(w.message).toContain('11 are blank');
    expect(w.suggestion).toMatchObject({
      op: 'cast',
      column: 'TotalCharges',
      to: 'DOUBLE',
      invalid_to_null: true,
    });
    const id = p.columns.find((c) => c.name === 'customerID')!;
    expect(id.role).toBe('id');
    expect(id.nearUniqueKey).toBe(true);
    expect(id.warnings.map((x) => x.code)).toContain('KEY_COLUMN');
    expect(p.columns.find((c) => c.name === 'Churn')!.role).toBe('target');
    expect(p.columns.find((c) => c.name === 'Contract')!.role).toBe('categorical');
    expect(p.columns.find((c) => c.name === 'MonthlyCharges')!.role).toBe('continuous');
  });
});

describe('profileTable on Online Retail (real data, 541,909 rows)', () => {
  it('counts duplicates, and recognises a transaction log with its cancellations and non-product codes', async () => {
    const p = await profileOf(join(fixtures, 'online_retail.csv.gz'));
    expect(p.nRows).toBe(541_909);
    expect(p.duplicateRows).toBe(5268);
    expect(p.kind).toBe('transactions');
    const codes = Object.fromEntries(p.warnings.map((w) => [w.code, w]));
    expect(codes['ADJUSTMENTS']!.message).toMatch(/^3 rows/);
    expect(codes['CANCELLATIONS']!.message).toContain('9,288');
    expect(codes['CANCELLATIONS']!.message).toContain('10,624');
    expect(codes['MISSING_CUSTOMER']!.message).toContain('135,080');
    expect(codes['NON_PRODUCT_CODES']!.message).toContain('POST 1,256');
    const customer = p.columns.find((c) => c.name === 'CustomerID')!;
    expect(customer.role).toBe('id');
    expect(customer.distinct).toBe(4372);
    expect(p.columns.find((c) => c.name === 'InvoiceDate')!.datetime).toEqual({
      min: '2010-12-01 08:26:00',
      max: '2011-12-09 12:50:00',
    });
    expect(p.columns.find((c) => c.name === 'Country')!.role).toBe('geo');
  }, 60_000);
});

describe('broken encodings', () => {
  it('repairs UTF-8 read as Latin-1 or Windows-1252, and leaves good text alone', () => {
    expect(repairMojibake('Av. Ã‘uÃ±oa 123')).toBe('Av. Ñuñoa 123');
    expect(repairMojibake('SÃ£o JosÃ©')).toBe('São José');
    expect(repairMojibake('Ñuñoa')).toBeNull();
    expect(repairMojibake('plain')).toBeNull();
  });

  it('flags a column holding mojibake and suggests the repair as a replace step', async () => {
    const p = join(dir, 'stores.csv');
    const rows = ['store,address'];
    for (let i = 0; i < 30; i++) rows.push(`S${i % 3},${i % 3 === 0 ? 'Av. Ã‘uÃ±oa 123' : 'Calle Larga 9'}`);
    writeFileSync(p, `${rows.join('\n')}\n`);
    const prof = await profileOf(p);
    const w = prof.warnings.find((x) => x.code === 'BROKEN_ENCODING')!;
    expect(w.column).toBe('address');
    expect(w.message).toContain('10 values');
    expect(w.suggestion).toEqual({
      op: 'replace',
      column: 'address',
      values: { 'Av. Ã‘uÃ±oa 123': 'Av. Ñuñoa 123' },
    });
  });
});

describe('profileTable on the synthetic telco snapshot (demo-data telco)', () => {
  it('flags the IMEI key, the 9999 sentinel, the duplicates and the broken store address, and its plan fixes them', async () => {
    const path = join(dir, 'telco.csv');
    const written = await writeTelcoSnapshotCsv(path, { rows: 5000, seed: 11 });
    const t = await loadTable(path);
    try {
      const p = await profileTable(t);
      expect(p.nColumns).toBe(42);
      expect(p.duplicateRows).toBe(written.duplicates);
      expect(written.duplicates).toBeGreaterThan(0);
      const col = (name: string) => p.columns.find((c) => c.name === name)!;
      expect(col(TELCO_ID_COLUMN)).toMatchObject({ role: 'id', nearUniqueKey: true });
      expect(col(TELCO_TARGET_COLUMN).role).toBe('target');
      expect(col(TELCO_SENTINEL_COLUMN).sentinel?.value).toBe(TELCO_SENTINEL_VALUE);
      // Only the planted sentinel: zero-heavy counts are not codes.
      expect(p.columns.filter((c) => c.sentinel !== null).map((c) => c.name)).toEqual([
        TELCO_SENTINEL_COLUMN,
      ]);
      const broken = p.warnings.find((w) => w.code === 'BROKEN_ENCODING')!;
      expect(broken.column).toBe(TELCO_ADDRESS_COLUMN);
      expect(broken.suggestion).toEqual({
        op: 'replace',
        column: TELCO_ADDRESS_COLUMN,
        values: { [TELCO_BROKEN_STORE_ADDRESS]: TELCO_BROKEN_STORE_ADDRESS_FIXED },
      });

      const plan = suggestPlan(p);
      expect(plan.steps.map((s) => s.op)).toEqual([
        'drop_duplicates',
        'drop_columns',
        'replace',
        'sentinel_to_missing',
      ]);
      const reports = await applyPlan(t, plan);
      expect(reports[0]!.rowsIn - reports[0]!.rowsOut).toBe(written.duplicates);
      const r = await t.db.runAndReadAll(
        `SELECT count(*) FILTER (WHERE ${TELCO_SENTINEL_COLUMN} = ${TELCO_SENTINEL_VALUE}) AS sentinels,
                count(*) FILTER (WHERE regexp_matches(${TELCO_ADDRESS_COLUMN}, 'Ã')) AS broken FROM data`,
      );
      expect(r.getRowObjectsJS()[0]).toEqual({ sentinels: 0n, broken: 0n });
    } finally {
      t.close();
    }
  }, 60_000);
});
