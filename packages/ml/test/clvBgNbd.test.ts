import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type BgNbdModel, fitBgNbd } from '../src/clv/bgnbd.ts';
import { conditionalExpectedPurchasesInterval } from '../src/clv/bgnbdInterval.ts';
import {
  conditionalExpectedPurchases,
  expectedPurchases,
  probabilityAlive,
  probabilityOfPurchases,
} from '../src/clv/bgnbdPredict.ts';
import { hyp2f1 } from '../src/clv/hyp2f1.ts';
import { expectMlError, thrown } from './helpers.ts';

const cdnow: { x: number[]; t_x: number[]; T: number[]; zbar: number[] } = JSON.parse(
  readFileSync(new URL('./fixtures/cdnow_summary.json', import.meta.url), 'utf8'),
);
const ref = JSON.parse(readFileSync(new URL('./fixtures/clv.json', import.meta.url), 'utf8'));
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

// FHL (2005) as published: what the README's point checks were computed with.
const paper = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426, timeUnit: 'week' as const };
const model: BgNbdModel = fitBgNbd({ frequency: cdnow.x, recency: cdnow.t_x, T: cdnow.T, timeUnit: 'week' });

describe('fitBgNbd on CDNOW (2,357 customers, 39 weeks)', () => {
  it('reproduces the paper within 0.5% and its log-likelihood within 0.5', () => {
    expect(model.converged).toBe(true);
    expect(model.message).toMatch(/converged/);
    expect(rel(model.r, 0.243)).toBeLessThan(0.005);
    expect(rel(model.alpha, 4.414)).toBeLessThan(0.005);
    expect(rel(model.a, 0.793)).toBeLessThan(0.005);
    expect(rel(model.b, 2.426)).toBeLessThan(0.005);
    expect(Math.abs(model.logLikelihood - -9582.4)).toBeLessThan(0.5);
    expect(model.nCustomers).toBe(2357);
    expect(model.timeUnit).toBe('week');
  });

  it('agrees with the CLVTools MLE to 1e-3 relative', () => {
    expect(rel(model.r, 0.2425945)).toBeLessThan(1e-3);
    expect(rel(model.alpha, 4.4136019)).toBeLessThan(1e-3);
    expect(rel(model.a, 0.7929199)).toBeLessThan(1e-3);
    expect(rel(model.b, 2.4258881)).toBeLessThan(1e-3);
    expect(Math.abs(model.logLikelihood - -9582.429)).toBeLessThan(0.01);
  });

  it('agrees with the independent scipy fit (gen_clv.py) to 1e-4 relative', () => {
    const s = ref.bgnbd;
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(rel(model[k], s[k])).toBeLessThan(1e-4);
    expect(Math.abs(model.logLikelihood - s.logLikelihood)).toBeLessThan(1e-6);
  });

  it("has standard errors within 2% of lifetimes'", () => {
    const se = model.standardErrors;
    expect(rel(se.r, 0.012557)).toBeLessThan(0.02);
    expect(rel(se.alpha, 0.378221)).toBeLessThan(0.02);
    expect(rel(se.a, 0.185719)).toBeLessThan(0.02);
    expect(rel(se.b, 0.705345)).toBeLessThan(0.02);
    expect(model.covariance[0]).toBeCloseTo(se.r ** 2, 12);
  });

  it('in days (t_x, T times 7) gives alpha times 7, the same r, a, b, and LL shifted by -sum(x) ln 7', () => {
    const days = fitBgNbd({
      frequency: cdnow.x,
      recency: cdnow.t_x.map((v) => v * 7),
      T: cdnow.T.map((v) => v * 7),
      timeUnit: 'day',
    });
    expect(days.converged).toBe(true);
    expect(rel(days.alpha, 7 * model.alpha)).toBeLessThan(1e-5);
    for (const k of ['r', 'a', 'b'] as const) expect(rel(days[k], model[k])).toBeLessThan(1e-5);
    // Each of the x purchase times is a density in time: rescaling by 7 divides it by 7.
    const sumX = cdnow.x.reduce((s, v) => s + v, 0);
    expect(sumX).toBe(2457);
    expect(days.logLikelihood).toBeCloseTo(model.logLikelihood - sumX * Math.log(7), 6);
    expect(days.logLikelihood).toBeCloseTo(ref.bgnbdDays.logLikelihood, 6);
    // Predictions agree once the horizon is converted too.
    const w = conditionalExpectedPurchases(model, 39, [2], [30.43], [38.86], 'week')[0]!;
    const d = conditionalExpectedPurchases(days, 273, [2], [30.43 * 7], [38.86 * 7], 'day')[0]!;
    expect(rel(d, w)).toBeLessThan(1e-4);
  });

  it('weights act as repeated customers', () => {
    const sub = { x: cdnow.x.slice(0, 300), tx: cdnow.t_x.slice(0, 300), T: cdnow.T.slice(0, 300) };
    const twice = fitBgNbd({
      frequency: [...sub.x, ...sub.x],
      recency: [...sub.tx, ...sub.tx],
      T: [...sub.T, ...sub.T],
      timeUnit: 'week',
    });
    const weighted = fitBgNbd({
      frequency: sub.x,
      recency: sub.tx,
      T: sub.T,
      timeUnit: 'week',
      weights: new Float64Array(300).fill(2),
    });
    expect(rel(weighted.r, twice.r)).toBeLessThan(1e-4);
    expect(weighted.logLikelihood).toBeCloseTo(twice.logLikelihood, 6);
  });
});

describe('BG/NBD predictions', () => {
  it("match the paper's point checks (Hardie's sheet, R BTYD, lifetimes)", () => {
    expect(conditionalExpectedPurchases(paper, 39, [2], [30.43], [38.86], 'week')[0]).toBeCloseTo(1.226, 3);
    // The unconditional values were computed at the maximum-likelihood estimate, not the
    // 3-decimal published parameters (which give 0.05327 at t = 1); the fit reproduces all six
    // within 4e-4 (at t = 78 it gives 1.85797, as does mpmath, against the quoted 1.8576).
    const ts = [0.1429, 1, 3, 31.8571, 32, 78];
    const want = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    const got = expectedPurchases(model, ts, 'week');
    for (let i = 0; i < ts.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(4e-4);
    for (let i = 0; i < 5; i++) expect(got[i]).toBeCloseTo(want[i]!, 4);
    expect(probabilityOfPurchases(paper, 39, 0, 'week')).toBeCloseTo(0.5737864, 7);
    expect(rel(probabilityOfPurchases(paper, 2, 10, 'week'), 1.07869e-7)).toBeLessThan(1e-5);
  });

  it('match mpmath at the fitted parameters to 1e-10 relative (1e-9 for probabilities)', () => {
    const p = ref.bgnbd;
    const m = { r: p.r, alpha: p.alpha, a: p.a, b: p.b, timeUnit: 'week' as const };
    const pts = ref.bgnbdPoints;
    for (const u of pts.unconditional)
      expect(rel(expectedPurchases(m, [u.t], 'week')[0]!, u.value)).toBeLessThan(1e-10);
    for (const c of pts.conditional) {
      expect(
        rel(conditionalExpectedPurchases(m, c.t, [c.x], [c.tx], [c.T], 'week')[0]!, c.value),
      ).toBeLessThan(1e-10);
    }
    for (const q of pts.probability)
      expect(rel(probabilityOfPurchases(m, q.t, q.n, 'week'), q.value)).toBeLessThan(1e-9);
  });

  it('probabilities of 0..200 purchases sum to 1', () => {
    let s = 0;
    for (let n = 0; n <= 200; n++) s += probabilityOfPurchases(paper, 39, n, 'week');
    expect(s).toBeCloseTo(1, 10);
  });

  it('probability alive: 1 without repeats, lower after a long silence', () => {
    const p = probabilityAlive(paper, [0, 2, 2], [0, 30.43, 5], [38.86, 38.86, 38.86], 'week');
    expect(p[0]).toBe(1);
    expect(p[1]!).toBeGreaterThan(p[2]!);
    expect(p[2]!).toBeGreaterThan(0);
  });

  it('throws BAD_OPTION when the caller states another time unit', () => {
    const e = thrown(() => conditionalExpectedPurchases(model, 39, [2], [30.43], [38.86], 'day'));
    expect(e.code).toBe('BAD_OPTION');
    expect(e.message).toMatch(/fitted in weeks.*in days/);
    expectMlError(() => expectedPurchases(model, [1], 'day'), 'BAD_OPTION');
    expectMlError(() => probabilityAlive(model, [1], [1], [2], 'day'), 'BAD_OPTION');
    expectMlError(() => probabilityOfPurchases(model, 1, 1, 'day'), 'BAD_OPTION');
    expectMlError(
      () => fitBgNbd({ frequency: [1], recency: [1], T: [2], timeUnit: 'month' as 'day' }),
      'BAD_OPTION',
    );
  });

  it('gives a seeded bootstrap interval around the estimate', () => {
    const opts = { draws: 200, seed: 3, level: 0.9 };
    const iv = conditionalExpectedPurchasesInterval(
      model,
      39,
      cdnow.x.slice(0, 20),
      cdnow.t_x.slice(0, 20),
      cdnow.T.slice(0, 20),
      'week',
      opts,
    );
    const again = conditionalExpectedPurchasesInterval(
      model,
      39,
      cdnow.x.slice(0, 20),
      cdnow.t_x.slice(0, 20),
      cdnow.T.slice(0, 20),
      'week',
      opts,
    );
    expect(Array.from(again.lower)).toEqual(Array.from(iv.lower));
    for (let i = 0; i < 20; i++) {
      expect(iv.lower[i]!).toBeLessThan(iv.estimate[i]!);
      expect(iv.upper[i]!).toBeGreaterThan(iv.estimate[i]!);
      expect(iv.upper[i]! / iv.lower[i]!).toBeLessThan(3);
    }
  });
});

describe('fitBgNbd input checks', () => {
  it('throws NO_CONVERGENCE, in words, when everyone bought once', () => {
    const e = thrown(() =>
      fitBgNbd({ frequency: [0, 0, 0, 0], recency: [0, 0, 0, 0], T: [10, 20, 30, 40], timeUnit: 'week' }),
    );
    expect(e.code).toBe('NO_CONVERGENCE');
    expect(e.message).toMatch(/none of the 4 customers made a repeat purchase/);
    expect(e.message).toMatch(/longer calibration period/);
  });

  it('rejects inconsistent customers', () => {
    expectMlError(() => fitBgNbd({ frequency: [], recency: [], T: [], timeUnit: 'week' }), 'EMPTY_INPUT');
    expectMlError(
      () => fitBgNbd({ frequency: [1, 2], recency: [1], T: [2, 3], timeUnit: 'week' }),
      'SHAPE_MISMATCH',
    );
    expectMlError(() => fitBgNbd({ frequency: [1.5], recency: [1], T: [2], timeUnit: 'week' }), 'BAD_OPTION');
    expectMlError(() => fitBgNbd({ frequency: [1], recency: [3], T: [2], timeUnit: 'week' }), 'BAD_OPTION');
    expectMlError(
      () => fitBgNbd({ frequency: [1], recency: [Number.NaN], T: [2], timeUnit: 'week' }),
      'NON_FINITE',
    );
  });
});

describe('hyp2f1', () => {
  it('matches mpmath near and far from z = 1', () => {
    for (const c of ref.hyp2f1) expect(rel(hyp2f1(c.a, c.b, c.c, c.z), c.value)).toBeLessThan(1e-11);
  });

  it('equals -ln(1 - z) / z at (1, 1; 2) on both branches', () => {
    for (const z of [0.3, 0.95, 0.9999])
      expect(rel(hyp2f1(1, 1, 2, z), -Math.log1p(-z) / z)).toBeLessThan(1e-11);
  });
});
