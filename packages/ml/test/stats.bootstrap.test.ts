import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bootstrapDifference } from '../src/stats/bootstrapDifference.ts';
import { expectMlError } from './helpers.ts';

interface Endpoints {
  /** Mean over `runs` scipy runs (10000 resamples each, seeds 0..runs-1) of [low, high]. */
  mean: [number, number];
  /** Their standard deviation: the Monte Carlo error of one 10000-resample interval. */
  sd: [number, number];
}
interface BootstrapCase {
  name: string;
  a: number[];
  b: number[];
  statistic: 'mean' | 'median';
  resamples: number;
  confidence: number;
  estimate: number;
  acceleration: number;
  runs: number;
  BCa: Endpoints;
  percentile: Endpoints;
}

// scipy.stats.bootstrap((a, b), stat(b) - stat(a), paired=False) from fixtures/gen_stats.py.
const fixture: { bootstrap: BootstrapCase[] } = JSON.parse(
  readFileSync(new URL('./fixtures/stats.json', import.meta.url), 'utf8'),
);

/**
 * Our endpoint and scipy's mean endpoint are independent estimates of the same quantity:
 * ours has the Monte Carlo sd of one run, scipy's mean that sd / sqrt(runs). 4 sd of their
 * difference fails a correct implementation about once in 16000 checks.
 */
function withinMonteCarlo(actual: [number, number], ref: Endpoints, runs: number): void {
  for (let i = 0; i < 2; i++) {
    const tol = 4 * ref.sd[i]! * Math.sqrt(1 + 1 / runs);
    expect(Math.abs(actual[i]! - ref.mean[i]!), `endpoint ${i}: ${actual[i]} vs ${ref.mean[i]}`).toBeLessThan(
      tol,
    );
  }
}

describe('bootstrapDifference vs scipy.stats.bootstrap', () => {
  it.each(fixture.bootstrap)('$name', (c) => {
    const r = bootstrapDifference(c.a, c.b, { statistic: c.statistic, resamples: c.resamples, seed: 11 });
    expect(r.estimate).toBeCloseTo(c.estimate, 12);
    // The acceleration is deterministic (jackknife), so it must agree to rounding.
    expect(Math.abs(r.acceleration - c.acceleration)).toBeLessThan(1e-12);
    withinMonteCarlo(r.bca, c.BCa, c.runs);
    withinMonteCarlo(r.percentile, c.percentile, c.runs);
    expect(r.bca[0]).toBeLessThan(r.estimate);
    expect(r.bca[1]).toBeGreaterThan(r.estimate);
  });

  it('the same seed gives the same intervals, another seed different ones', () => {
    const c = fixture.bootstrap[1]!;
    const one = bootstrapDifference(c.a, c.b, { seed: 3, resamples: 2000 });
    const again = bootstrapDifference(c.a, c.b, { seed: 3, resamples: 2000 });
    const other = bootstrapDifference(c.a, c.b, { seed: 4, resamples: 2000 });
    expect(again).toEqual(one);
    expect(other.bca).not.toEqual(one.bca);
    expect(other.percentile).not.toEqual(one.percentile);
  });

  it('a constant shift of B moves every interval by the shift', () => {
    // Quarters, 8 values and a shift of 16 keep every sum and mean exact, so ties stay ties.
    const a = [1, 4, 2, 8, 5, 7, 3, 3];
    const b = a.map((v) => v * 1.5 + 0.25);
    const shifted = b.map((v) => v + 16);
    for (const statistic of ['mean', 'median'] as const) {
      const r = bootstrapDifference(a, b, { statistic, seed: 1, resamples: 500 });
      const s = bootstrapDifference(a, shifted, { statistic, seed: 1, resamples: 500 });
      expect(s.estimate - r.estimate).toBe(16);
      expect(s.bca[0] - r.bca[0]).toBeCloseTo(16, 9);
      expect(s.bca[1] - r.bca[1]).toBeCloseTo(16, 9);
      expect(s.percentile[0] - r.percentile[0]).toBeCloseTo(16, 9);
    }
  });

  it('rejects bad input', () => {
    expectMlError(() => bootstrapDifference([], [1, 2]), 'EMPTY_INPUT');
    expectMlError(() => bootstrapDifference([1, Number.NaN], [1, 2]), 'NON_FINITE');
    expectMlError(() => bootstrapDifference([1, 2], [1, 2], { resamples: 10 }), 'BAD_OPTION');
    expectMlError(() => bootstrapDifference([1, 2], [1, 2], { confidence: 0 }), 'BAD_OPTION');
    expectMlError(
      () => bootstrapDifference([1, 2], [1, 2], { statistic: 'mode' as unknown as 'mean' }),
      'BAD_OPTION',
    );
  });
});
