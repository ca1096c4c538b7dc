import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  syntheticTelcoRows,
  TELCO_FEATURES,
  TELCO_SEGMENTS,
  writeSyntheticTelcoCsv,
} from '../src/demo/syntheticTelco.ts';

describe('synthetic telco data', () => {
  it('is the same for the same seed and different for another', () => {
    const a = [...syntheticTelcoRows({ rows: 50, seed: 7 })].map((r) => Array.from(r.values));
    const b = [...syntheticTelcoRows({ rows: 50, seed: 7 })].map((r) => Array.from(r.values));
    const c = [...syntheticTelcoRows({ rows: 50, seed: 8 })].map((r) => Array.from(r.values));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('plants every segment in roughly its share, with non-negative features and some churn', () => {
    const counts = new Array(TELCO_SEGMENTS.length).fill(0);
    let churn = 0;
    for (const r of syntheticTelcoRows({ rows: 5000, seed: 1 })) {
      counts[r.segmentIndex]++;
      if (r.churn) churn++;
      expect(r.values.length).toBe(TELCO_FEATURES.length);
      for (const v of r.values) expect(v).toBeGreaterThanOrEqual(0);
    }
    for (const c of counts) expect(c).toBeGreaterThan(250);
    expect(churn / 5000).toBeGreaterThan(0.05);
    expect(churn / 5000).toBeLessThan(0.6);
  });

  it('writes a CSV with a header and one line per customer, and returns the planted segments', async () => {
    const p = join(mkdtempSync(join(tmpdir(), 'clientele-demo-')), 't.csv');
    const planted = await writeSyntheticTelcoCsv(p, { rows: 100, seed: 3 });
    const lines = readFileSync(p, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(101);
    expect(lines[0]).toBe(['customer_id', ...TELCO_FEATURES, 'segment', 'churn'].join(','));
    expect(planted.length).toBe(100);
    expect(lines[1]!.split(',').at(-2)).toBe(TELCO_SEGMENTS[planted[0]!]);
  });
});
