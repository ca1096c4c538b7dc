import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  IsotonicRegression,
  type IsotonicRegressionJSON,
  poolAdjacentViolators,
} from '../src/calibration/isotonic.ts';
import { PlattScaling } from '../src/calibration/platt.ts';
import { brierScore, expectedCalibrationError, logLoss } from '../src/metrics/probability.ts';
import { rocAuc } from '../src/metrics/ranking.ts';
import { Rng } from '../src/random.ts';
import { stratifiedSplit } from '../src/validation/stratifiedKFold.ts';
import { expectMlError, maxAbsDiff } from './helpers.ts';

interface IsoRef {
  x: number[];
  y: number[];
  xThresholds: number[];
  yThresholds: number[];
  grid: number[];
  predict: number[];
}
interface PlattRef {
  a: number;
  b: number;
  aExact: number;
  bExact: number;
}
const fixture: {
  binary: { y: number[]; scores: Record<string, number[]> };
  isotonic: Record<string, IsoRef>;
  platt: Record<string, PlattRef>;
} = JSON.parse(readFileSync(new URL('./fixtures/classification_metrics.json', import.meta.url), 'utf8'));

describe('IsotonicRegression matches scikit-learn 1.2 IsotonicRegression(out_of_bounds="clip") to 1e-9', () => {
  for (const [name, ref] of Object.entries(fixture.isotonic)) {
    it(name, () => {
      const iso = new IsotonicRegression().fit(Float64Array.from(ref.x), Float64Array.from(ref.y));
      expect(maxAbsDiff(iso.xThresholds, ref.xThresholds)).toBe(0);
      expect(maxAbsDiff(iso.yThresholds, ref.yThresholds)).toBeLessThan(1e-9);
      expect(maxAbsDiff(iso.predict(Float64Array.from(ref.grid)), ref.predict)).toBeLessThan(1e-9);
      const again = IsotonicRegression.fromJSON(JSON.parse(JSON.stringify(iso.toJSON())));
      expect(Array.from(again.predict(Float64Array.from(ref.grid)))).toEqual(
        Array.from(iso.predict(Float64Array.from(ref.grid))),
      );
    });
  }

  it('the hand case: ties in x are averaged, violators pooled', () => {
    const ref = fixture.isotonic.hand!;
    // x = 0.1, 0.2, 0.3 (twice: mean 0.5), 0.5 (twice: 0.5), 0.9 -> y 0, 1, 0.5, 0.5, 0 pooled.
    expect(ref.xThresholds.length).toBeLessThan(new Set(ref.x).size + 1);
    const iso = new IsotonicRegression().fit(Float64Array.from(ref.x), Float64Array.from(ref.y));
    for (let i = 1; i < iso.yThresholds.length; i++) {
      expect(iso.yThresholds[i]!).toBeGreaterThanOrEqual(iso.yThresholds[i - 1]!);
    }
  });

  it('out of bounds: clip or NaN; one distinct x predicts a constant', () => {
    const x = Float64Array.of(0.2, 0.4, 0.6);
    const yy = Float64Array.of(0, 1, 1);
    const clip = new IsotonicRegression().fit(x, yy).predict(Float64Array.of(-1, 0.3, 2));
    expect(maxAbsDiff(clip, [0, 0.5, 1])).toBeLessThan(1e-15);
    const nan = new IsotonicRegression({ outOfBounds: 'nan' })
      .fit(x, yy)
      .predict(Float64Array.of(-1, 0.3, 2));
    expect(Number.isNaN(nan[0]!) && Number.isNaN(nan[2]!)).toBe(true);
    expect(nan[1]).toBeCloseTo(0.5, 15);
    const flat = new IsotonicRegression().fit(Float64Array.of(0.5, 0.5, 0.5), Float64Array.of(0, 1, 1));
    expect(Array.from(flat.predict(Float64Array.of(0, 0.5, 1)))).toEqual([2 / 3, 2 / 3, 2 / 3]);
  });

  it('pool adjacent violators: weighted means of decreasing runs', () => {
    const y = poolAdjacentViolators(
      Float64Array.of(1, 3, 2, 4, 3, 2, 5),
      Float64Array.of(1, 1, 1, 1, 1, 1, 1),
    );
    expect(Array.from(y)).toEqual([1, 2.5, 2.5, 3, 3, 3, 5]);
    const w = poolAdjacentViolators(Float64Array.of(2, 0), Float64Array.of(3, 1));
    expect(Array.from(w)).toEqual([1.5, 1.5]);
  });

  it('errors', () => {
    expectMlError(() => new IsotonicRegression().predict(Float64Array.of(1)), 'NOT_FITTED');
    expectMlError(() => new IsotonicRegression().toJSON(), 'NOT_FITTED');
    expectMlError(() => new IsotonicRegression({ outOfBounds: 'raise' as never }), 'BAD_OPTION');
    expectMlError(
      () => new IsotonicRegression().fit(Float64Array.of(1, 2), Float64Array.of(1)),
      'SHAPE_MISMATCH',
    );
    expectMlError(
      () => new IsotonicRegression().fit(new Float64Array(0), new Float64Array(0)),
      'EMPTY_INPUT',
    );
    expectMlError(
      () => new IsotonicRegression().fit(Float64Array.of(1, Number.NaN), Float64Array.of(0, 1)),
      'NON_FINITE',
    );
    const bad = { type: 'IsotonicRegression', version: 1, outOfBounds: 'clip', x: [0, 1], y: [1, 0] };
    expectMlError(() => IsotonicRegression.fromJSON(bad as IsotonicRegressionJSON), 'BAD_OPTION');
    expectMlError(() => IsotonicRegression.fromJSON({ ...bad, type: 'Platt' } as never), 'BAD_OPTION');
    expectMlError(
      () => IsotonicRegression.fromJSON({ ...bad, x: [0] } as IsotonicRegressionJSON),
      'SHAPE_MISMATCH',
    );
  });
});

describe("PlattScaling matches scikit-learn 1.2's _sigmoid_calibration", () => {
  const y = Int32Array.from(fixture.binary.y);
  for (const [name, ref] of Object.entries(fixture.platt)) {
    it(name, () => {
      const s = Float64Array.from(fixture.binary.scores[name]!);
      const platt = new PlattScaling().fit(s, y);
      // Newton lands on the optimum; scikit-learn's BFGS stops at |gradient| < 1e-5, a little off it.
      expect(Math.abs(platt.a - ref.aExact)).toBeLessThan(1e-9 * Math.max(1, Math.abs(ref.aExact)));
      expect(Math.abs(platt.b - ref.bExact)).toBeLessThan(1e-9 * Math.max(1, Math.abs(ref.bExact)));
      const skGap = Math.max(Math.abs(ref.a - ref.aExact), Math.abs(ref.b - ref.bExact));
      expect(Math.abs(platt.a - ref.a)).toBeLessThan(Math.max(1e-6, skGap + 1e-9));
      expect(Math.abs(platt.b - ref.b)).toBeLessThan(Math.max(1e-6, skGap + 1e-9));
      // Calibrated probabilities agree with scikit-learn's parameters to 1e-6.
      const sk = Float64Array.from(s, (v) => 1 / (1 + Math.exp(ref.a * v + ref.b)));
      expect(maxAbsDiff(platt.predict(s), sk)).toBeLessThan(1e-6);
      expect(platt.nIter).toBeLessThan(50);
      const again = PlattScaling.fromJSON(JSON.parse(JSON.stringify(platt.toJSON())));
      expect(Array.from(again.predict(s))).toEqual(Array.from(platt.predict(s)));
    });
  }

  it("perfectly separated scores stay finite (Platt's smoothed targets)", () => {
    const ref = fixture.platt.perfect!;
    expect(Number.isFinite(ref.aExact)).toBe(true);
    const p = new PlattScaling().fit(Float64Array.of(0, 0.1, 0.9, 1), Int32Array.of(0, 0, 1, 1));
    expect(Number.isFinite(p.a) && Number.isFinite(p.b)).toBe(true);
    expect(p.a).toBeLessThan(0);
  });

  it('constant scores: a = 0 and b the smoothed base rate', () => {
    const p = new PlattScaling().fit(new Float64Array(4).fill(0.3), Int32Array.of(0, 0, 0, 1));
    // Targets 1/5 (three negatives) and 2/3 (one positive): their mean is the fitted probability.
    expect(p.predict(Float64Array.of(0.3))[0]).toBeCloseTo((3 / 5 + 2 / 3) / 4, 9);
  });

  it('errors', () => {
    expectMlError(() => new PlattScaling().predict(Float64Array.of(1)), 'NOT_FITTED');
    expectMlError(() => new PlattScaling().toJSON(), 'NOT_FITTED');
    expectMlError(() => new PlattScaling().fit(Float64Array.of(1, 2), Int32Array.of(1)), 'SHAPE_MISMATCH');
    expectMlError(() => new PlattScaling().fit(new Float64Array(0), new Int32Array(0)), 'EMPTY_INPUT');
    expectMlError(() => new PlattScaling().fit(Float64Array.of(1, 2), Int32Array.of(0, 2)), 'BAD_OPTION');
    expectMlError(
      () => new PlattScaling().fit(Float64Array.of(1, Number.NaN), Int32Array.of(0, 1)),
      'NON_FINITE',
    );
    expectMlError(
      () => PlattScaling.fromJSON({ type: 'PlattScaling', version: 1, a: Number.NaN, b: 0 }),
      'NON_FINITE',
    );
    expectMlError(
      () => PlattScaling.fromJSON({ type: 'Isotonic', version: 1, a: 1, b: 0 } as never),
      'BAD_OPTION',
    );
  });
});

describe('calibration lowers the expected calibration error of a skewed model', () => {
  // Labels drawn from p; the model reports sqrt(p), systematically too high. Calibrators are
  // fitted on one stratified half, judged on the other.
  const n = 20_000;
  const rng = new Rng(5);
  const truth = new Float64Array(n);
  const y = new Int32Array(n);
  const skewed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    truth[i] = 1 / (1 + Math.exp(-(1.5 * rng.normal() - 1.5)));
    y[i] = rng.next() < truth[i]! ? 1 : 0;
    skewed[i] = Math.sqrt(truth[i]!);
  }
  const { train, test } = stratifiedSplit(y, 0.5, 11);
  const pick = <T extends Int32Array | Float64Array>(a: T, idx: Int32Array) =>
    (a instanceof Int32Array
      ? Int32Array.from(idx, (i) => a[i]!)
      : Float64Array.from(idx, (i) => a[i]!)) as T;
  const yFit = pick(y, train);
  const yTest = pick(y, test);
  const sFit = pick(skewed, train);
  const sTest = pick(skewed, test);
  const before = expectedCalibrationError(yTest, sTest);
  const oracle = expectedCalibrationError(yTest, pick(truth, test));

  it('the skewed model is badly calibrated; the true probabilities are not', () => {
    expect(before).toBeGreaterThan(0.15);
    expect(oracle).toBeLessThan(0.02);
  });

  for (const [name, make] of [
    ['isotonic', () => new IsotonicRegression().fit(sFit, yFit)],
    ['Platt', () => new PlattScaling().fit(sFit, yFit)],
  ] as const) {
    it(name, () => {
      const calibrated = make().predict(sTest);
      const after = expectedCalibrationError(yTest, calibrated);
      expect(after).toBeLessThan(0.03);
      expect(after).toBeLessThan(before / 5);
      // Proper scores improve too, and the ranking barely moves (isotonic adds ties, Platt none).
      expect(brierScore(yTest, calibrated)).toBeLessThan(brierScore(yTest, sTest));
      expect(logLoss(yTest, calibrated)).toBeLessThan(logLoss(yTest, sTest));
      expect(Math.abs(rocAuc(yTest, calibrated) - rocAuc(yTest, sTest))).toBeLessThan(0.005);
    });
  }
});
