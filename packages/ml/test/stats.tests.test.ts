import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromRows } from '../src/matrix.ts';
import type { Alternative } from '../src/stats/alternative.ts';
import { chiSquareIndependence } from '../src/stats/chiSquareIndependence.ts';
import { mannWhitneyU } from '../src/stats/mannWhitneyU.ts';
import { twoProportionZTest } from '../src/stats/twoProportionZTest.ts';
import { welchTTest } from '../src/stats/welchTTest.ts';
import { expectMlError } from './helpers.ts';

type Interval = [number | null, number | null];
interface WelchCase {
  name: string;
  a: number[];
  b: number[];
  alternative: Alternative;
  confidence: number;
  statistic: number;
  pValue: number;
  exactStatistic: number;
  exactPValue: number;
  df: number;
  meanDifference: number;
  standardError: number;
  confidenceInterval: Interval;
  cohenD: number;
  hedgesG: number;
}
interface MannWhitneyCase {
  name: string;
  a: number[];
  b: number[];
  alternative: Alternative;
  continuity: boolean;
  method: 'asymptotic' | 'exact';
  statistic: number;
  pValue: number;
  rankBiserial: number;
}
interface ChiSquareCase {
  name: string;
  table: number[][];
  correction: boolean;
  statistic: number;
  pValue: number;
  df: number;
  expected: number[];
  cramersV: number;
}
interface ZTestCase {
  sA: number;
  nA: number;
  sB: number;
  nB: number;
  alternative: Alternative;
  confidence: number;
  statistic: number;
  pValue: number;
  difference: number;
  confidenceInterval: Interval;
  cohenH: number;
}

// scipy 1.10 / statsmodels 0.13 on the same (rounded, stored) data, from fixtures/gen_stats.py.
const fixture: {
  welch: WelchCase[];
  mannWhitney: MannWhitneyCase[];
  chiSquare: ChiSquareCase[];
  zTest: ZTestCase[];
} = JSON.parse(readFileSync(new URL('./fixtures/stats.json', import.meta.url), 'utf8'));

/** Statistics: 1e-8 relative (absolute below 1). */
function closeStat(actual: number, expected: number): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(
    1e-8 * Math.max(1, Math.abs(expected)),
  );
}

/** p-values: 1e-10 absolute (the issue asks for 1e-6), and 1e-6 relative in far tails. */
function closeP(actual: number, expected: number, abs = 1e-10): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(
    Math.min(abs, 1e-6 * expected) + 1e-15,
  );
}

function closeInterval(actual: [number, number], expected: [number | null, number | null]): void {
  if (expected[0] === null) expect(actual[0]).toBe(Number.NEGATIVE_INFINITY);
  else closeStat(actual[0], expected[0]);
  if (expected[1] === null) expect(actual[1]).toBe(Number.POSITIVE_INFINITY);
  else closeStat(actual[1], expected[1]);
}

describe('welchTTest vs scipy ttest_ind(b, a, equal_var=False)', () => {
  it.each(fixture.welch)('$name $alternative $confidence', (c) => {
    const r = welchTTest(c.a, c.b, { alternative: c.alternative, confidence: c.confidence });
    closeStat(r.statistic, c.statistic);
    // scipy's float64 t loses 5e-9 on the 1e6 + cents case; exact rational arithmetic does not.
    closeP(r.pValue, c.pValue, c.name === 'offset' ? 1e-8 : 1e-10);
    closeStat(r.statistic, c.exactStatistic);
    closeP(r.pValue, c.exactPValue);
    closeStat(r.df, c.df);
    closeStat(r.meanDifference, c.meanDifference);
    closeStat(r.standardError, c.standardError);
    closeInterval(r.confidenceInterval, c.confidenceInterval);
    closeStat(r.cohenD, c.cohenD);
    closeStat(r.hedgesG, c.hedgesG);
    expect([r.nA, r.nB]).toEqual([c.a.length, c.b.length]);
    expect(r.alternative).toBe(c.alternative);
    expect(r.confidence).toBe(c.confidence);
  });

  it('swapping the groups flips the sign and mirrors the one-sided p-values', () => {
    const a = [3.1, 4.5, 2.2, 5.0, 3.3];
    const b = [5.2, 6.1, 4.8, 7.7];
    const ab = welchTTest(a, b, { alternative: 'greater' });
    const ba = welchTTest(b, a, { alternative: 'less' });
    expect(ba.statistic).toBeCloseTo(-ab.statistic, 14);
    expect(ba.pValue).toBeCloseTo(ab.pValue, 14);
  });

  it('rejects bad input', () => {
    expectMlError(() => welchTTest([], [1, 2]), 'EMPTY_INPUT');
    expectMlError(() => welchTTest([1], [1, 2]), 'TOO_FEW_ROWS');
    expectMlError(() => welchTTest([1, Number.NaN], [1, 2]), 'NON_FINITE');
    expectMlError(() => welchTTest([1, 1], [2, 2]), 'NON_FINITE');
    expectMlError(() => welchTTest([1, 2], [1, 3], { confidence: 95 }), 'BAD_OPTION');
    expectMlError(() => welchTTest([1, 2], [1, 3], { alternative: 'bigger' as Alternative }), 'BAD_OPTION');
  });
});

describe('mannWhitneyU vs scipy mannwhitneyu(a, b) with the alternative mirrored', () => {
  it.each(fixture.mannWhitney)('$name $method $alternative continuity=$continuity', (c) => {
    const r = mannWhitneyU(c.a, c.b, {
      alternative: c.alternative,
      continuity: c.continuity,
      method: c.method,
    });
    closeStat(r.statistic, c.statistic);
    closeP(r.pValue, c.pValue);
    closeStat(r.rankBiserial, c.rankBiserial);
    expect(r.statistic + r.uB).toBe(c.a.length * c.b.length);
  });

  it('exact p-values match the complete enumeration for 3 vs 3', () => {
    // All 20 splits of ranks 1..6: U of A counts pairs with a > b.
    const counts = new Map<number, number>();
    for (let m = 0; m < 64; m++) {
      if (popcount(m) !== 3) continue;
      let u = 0;
      for (let i = 0; i < 6; i++)
        for (let j = 0; j < 6; j++) if (m & (1 << i) && !(m & (1 << j)) && i > j) u++;
      counts.set(u, (counts.get(u) ?? 0) + 1);
    }
    const r = mannWhitneyU([1, 2, 4], [3, 5, 6], { method: 'exact', alternative: 'greater' });
    // U of B = 8: P(U >= 8).
    expect(r.uB).toBe(8);
    expect(r.pValue).toBe(((counts.get(8) ?? 0) + (counts.get(9) ?? 0)) / 20);
  });

  it('rejects bad input', () => {
    expectMlError(() => mannWhitneyU([], [1]), 'EMPTY_INPUT');
    expectMlError(() => mannWhitneyU([1, Number.POSITIVE_INFINITY], [1]), 'NON_FINITE');
    expectMlError(() => mannWhitneyU([2, 2], [2, 2, 2]), 'NON_FINITE');
    expectMlError(() => mannWhitneyU([1, 2], [2, 3], { method: 'exact' }), 'BAD_OPTION');
    expectMlError(() => mannWhitneyU(range(40), range(40, 80), { method: 'exact' }), 'BAD_OPTION');
  });
});

describe('chiSquareIndependence vs scipy chi2_contingency', () => {
  it.each(fixture.chiSquare)('$name correction=$correction', (c) => {
    const r = chiSquareIndependence(c.table, { correction: c.correction });
    closeStat(r.statistic, c.statistic);
    closeP(r.pValue, c.pValue);
    expect(r.df).toBe(c.df);
    for (let i = 0; i < c.expected.length; i++) closeStat(r.expected.data[i]!, c.expected[i]!);
    closeStat(r.cramersV, c.cramersV);
    const fromMatrix = chiSquareIndependence(fromRows(c.table), { correction: c.correction });
    expect(fromMatrix.statistic).toBe(r.statistic);
  });

  it('rejects bad tables', () => {
    expectMlError(() => chiSquareIndependence([[1, 2]]), 'SHAPE_MISMATCH');
    expectMlError(() => chiSquareIndependence([[1, 2], [3]]), 'SHAPE_MISMATCH');
    expectMlError(
      () =>
        chiSquareIndependence([
          [1, 2],
          [0, 0],
        ]),
      'EMPTY_INPUT',
    );
    expectMlError(
      () =>
        chiSquareIndependence([
          [1, 0],
          [3, 0],
        ]),
      'EMPTY_INPUT',
    );
    expectMlError(
      () =>
        chiSquareIndependence([
          [1, -2],
          [3, 4],
        ]),
      'BAD_OPTION',
    );
    expectMlError(
      () =>
        chiSquareIndependence([
          [1, Number.NaN],
          [3, 4],
        ]),
      'NON_FINITE',
    );
  });
});

describe('twoProportionZTest vs statsmodels proportions_ztest([sB, sA], [nB, nA])', () => {
  it.each(fixture.zTest)('$sA/$nA vs $sB/$nB $alternative $confidence', (c) => {
    const r = twoProportionZTest(c.sA, c.nA, c.sB, c.nB, {
      alternative: c.alternative,
      confidence: c.confidence,
    });
    closeStat(r.statistic, c.statistic);
    closeP(r.pValue, c.pValue);
    closeStat(r.difference, c.difference);
    closeInterval(r.confidenceInterval, c.confidenceInterval);
    closeStat(r.cohenH, c.cohenH);
  });

  it('rejects bad counts', () => {
    expectMlError(() => twoProportionZTest(1, 0, 1, 10), 'EMPTY_INPUT');
    expectMlError(() => twoProportionZTest(11, 10, 1, 10), 'BAD_OPTION');
    expectMlError(() => twoProportionZTest(-1, 10, 1, 10), 'BAD_OPTION');
    expectMlError(() => twoProportionZTest(1.5, 10, 1, 10), 'BAD_OPTION');
    expectMlError(() => twoProportionZTest(Number.NaN, 10, 1, 10), 'NON_FINITE');
    expectMlError(() => twoProportionZTest(0, 10, 0, 10), 'NON_FINITE');
  });
});

function popcount(m: number): number {
  let c = 0;
  for (; m; m &= m - 1) c++;
  return c;
}

function range(from: number, to = 0): number[] {
  const [lo, hi] = to === 0 ? [0, from] : [from, to];
  return Array.from({ length: hi - lo }, (_, i) => lo + i + 0.5);
}
