import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitBgNbd } from '../src/clv/bgnbd.ts';
import { conditionalExpectedPurchases } from '../src/clv/bgnbdPredict.ts';
import { customerLifetimeValue } from '../src/clv/clvValue.ts';
import { conditionalExpectedSpend, fitGammaGamma } from '../src/clv/gammaGamma.ts';
import { monthLength } from '../src/clv/timeUnit.ts';
import { expectMlError, thrown } from './helpers.ts';

const cdnow: { x: number[]; t_x: number[]; T: number[]; zbar: number[] } = JSON.parse(
  readFileSync(new URL('./fixtures/cdnow_summary.json', import.meta.url), 'utf8'),
);
const ref = JSON.parse(readFileSync(new URL('./fixtures/clv.json', import.meta.url), 'utf8'));
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
const gg = fitGammaGamma({ frequency: cdnow.x, monetaryValue: cdnow.zbar });

describe('fitGammaGamma on the CDNOW repeat buyers', () => {
  it('reproduces Fader & Hardie (2013) within 1% and their log-likelihood', () => {
    expect(gg.converged).toBe(true);
    expect(rel(gg.p, 6.25)).toBeLessThan(0.01);
    expect(rel(gg.q, 3.74)).toBeLessThan(0.01);
    expect(rel(gg.v, 15.44)).toBeLessThan(0.01);
    expect(Math.abs(gg.logLikelihood - -4055.9177)).toBeLessThan(0.01);
  });

  it('agrees with the scipy fit to 1e-4 relative', () => {
    for (const k of ['p', 'q', 'v'] as const) expect(rel(gg[k], ref.gammaGamma[k])).toBeLessThan(1e-4);
    expect(gg.logLikelihood).toBeCloseTo(ref.gammaGamma.logLikelihood, 6);
  });

  it('counts the excluded one-time buyers and reports the frequency-spend correlation', () => {
    expect(gg.nRepeatBuyers).toBe(946);
    expect(gg.nExcludedOneTime).toBe(2357 - 946);
    expect(gg.frequencySpendCorrelation).toBeCloseTo(0.1139, 4);
    expect(gg.standardErrors.p).toBeGreaterThan(0);
    expect(Number.isFinite(gg.standardErrors.v)).toBe(true);
  });

  it("matches Hardie's conditional expected spend for customers 1-10 and the mean 35.2530", () => {
    const want = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];
    const got = conditionalExpectedSpend(gg, cdnow.x.slice(0, 10), cdnow.zbar.slice(0, 10));
    // The spreadsheet shows the values cut (not rounded) to cents: 24.6586 appears as 24.65.
    for (let i = 0; i < 10; i++) {
      expect(got[i]! - want[i]!).toBeGreaterThanOrEqual(0);
      expect(got[i]! - want[i]!).toBeLessThan(0.01);
    }
    const all = conditionalExpectedSpend(gg, cdnow.x, cdnow.zbar);
    expect(all.reduce((s, v) => s + v, 0) / all.length).toBeCloseTo(35.253, 3);
    // Frequency 0: the population mean p v / (q - 1).
    expect(all[2]).toBeCloseTo((gg.p * gg.v) / (gg.q - 1), 12);
  });

  it('refuses too few repeat buyers and non-positive spend', () => {
    const e = thrown(() => fitGammaGamma({ frequency: [1, 2, 0, 3], monetaryValue: [10, 20, 0, 30] }));
    expect(e.code).toBe('TOO_FEW_ROWS');
    expect(e.message).toMatch(/only 3 repeat buyers/);
    expectMlError(() => fitGammaGamma({ frequency: [1, 2], monetaryValue: [10, 0] }), 'BAD_OPTION');
    expectMlError(() => fitGammaGamma({ frequency: [1, 2], monetaryValue: [10] }), 'SHAPE_MISMATCH');
  });
});

describe('customerLifetimeValue', () => {
  const bg = fitBgNbd({ frequency: cdnow.x, recency: cdnow.t_x, T: cdnow.T, timeUnit: 'week' });
  const n = 50;
  const base = {
    bgnbd: bg,
    gammaGamma: gg,
    frequency: cdnow.x.slice(0, n),
    recency: cdnow.t_x.slice(0, n),
    T: cdnow.T.slice(0, n),
    monetaryValue: cdnow.zbar.slice(0, n),
    timeUnit: 'week' as const,
    horizonMonths: 12,
    discountRateMonthly: 0.01,
  };

  it('discounts monthly increments of the conditional expectation (month = 365.25/12 days)', () => {
    expect(monthLength('week')).toBeCloseTo(4.348214, 6);
    expect(monthLength('day')).toBe(30.4375);
    const res = customerLifetimeValue(base);
    const m = monthLength('week');
    const spend = conditionalExpectedSpend(gg, base.frequency, base.monetaryValue);
    for (const i of [0, 1, 5]) {
      let v = 0;
      let prev = 0;
      for (let k = 1; k <= 12; k++) {
        const e = conditionalExpectedPurchases(
          bg,
          k * m,
          [base.frequency[i]!],
          [base.recency[i]!],
          [base.T[i]!],
          'week',
        )[0]!;
        v += (e - prev) / 1.01 ** k;
        prev = e;
      }
      expect(res.clv[i]).toBeCloseTo(v * spend[i]!, 10);
      expect(res.expectedPurchases[i]).toBeCloseTo(prev, 12);
    }
    // No discount: CLV is expected purchases over the year times expected spend.
    const flat = customerLifetimeValue({ ...base, discountRateMonthly: 0 });
    for (let i = 0; i < n; i++) expect(flat.clv[i]).toBeCloseTo(flat.expectedPurchases[i]! * spend[i]!, 10);
    for (let i = 0; i < n; i++) expect(res.clv[i]!).toBeLessThan(flat.clv[i]! + 1e-12);
  });

  it('gives the same CLV from a day-unit fit', () => {
    const bgDays = fitBgNbd({
      frequency: cdnow.x,
      recency: cdnow.t_x.map((v) => v * 7),
      T: cdnow.T.map((v) => v * 7),
      timeUnit: 'day',
    });
    const w = customerLifetimeValue(base);
    const d = customerLifetimeValue({
      ...base,
      bgnbd: bgDays,
      recency: base.recency.map((v) => v * 7),
      T: base.T.map((v) => v * 7),
      timeUnit: 'day',
    });
    for (let i = 0; i < n; i++) expect(rel(d.clv[i]!, w.clv[i]!)).toBeLessThan(1e-4);
  });

  it('brackets the estimate with a seeded bootstrap interval', () => {
    const res = customerLifetimeValue({ ...base, interval: { draws: 100, seed: 1 } });
    const again = customerLifetimeValue({ ...base, interval: { draws: 100, seed: 1 } });
    expect(Array.from(again.upper!)).toEqual(Array.from(res.upper!));
    for (let i = 0; i < n; i++) {
      expect(res.lower![i]!).toBeLessThan(res.clv[i]!);
      expect(res.upper![i]!).toBeGreaterThan(res.clv[i]!);
    }
  });

  it('checks units and options', () => {
    expectMlError(() => customerLifetimeValue({ ...base, timeUnit: 'day' }), 'BAD_OPTION');
    expectMlError(() => customerLifetimeValue({ ...base, horizonMonths: 0 }), 'BAD_OPTION');
    expectMlError(() => customerLifetimeValue({ ...base, discountRateMonthly: -0.1 }), 'BAD_OPTION');
    expectMlError(() => customerLifetimeValue({ ...base, interval: { draws: 2 } }), 'BAD_OPTION');
  });
});
