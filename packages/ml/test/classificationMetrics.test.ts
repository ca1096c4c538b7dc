import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matrix } from '../src/matrix.ts';
import { accuracy, confusionMatrix, precisionRecallF1 } from '../src/metrics/classification.ts';
import {
  brierScore,
  calibrationCurve,
  expectedCalibrationError,
  logLoss,
} from '../src/metrics/probability.ts';
import { averagePrecision, prAuc, precisionRecallCurve, rocAuc, rocCurve } from '../src/metrics/ranking.ts';
import { chooseThreshold } from '../src/metrics/threshold.ts';
import { expectMlError, maxAbsDiff } from './helpers.ts';

interface Curve {
  fpr: number[];
  tpr: number[];
  thresholds: number[];
}
interface Bins {
  probTrue: number[];
  probPred: number[];
  counts: number[];
}
interface ScoreResult {
  auc: number | null;
  ap: number;
  roc: Curve;
  rocAll: Curve;
  pr: { precision: number[]; recall: number[]; thresholds: number[] };
  logLoss?: number;
  logLoss1e15?: number;
  brier?: number;
  calibration?: Record<string, Bins>;
  ece?: Record<string, number>;
}
interface Averages {
  precision: number;
  recall: number;
  f1: number;
}
interface LabelResult {
  accuracy: number;
  confusion: number[];
  perClass: { precision: number[]; recall: number[]; f1: number[]; support: number[] };
  macro: Averages;
  weighted: Averages;
}
interface ThresholdRef {
  threshold: number | null;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  f1: number;
  cost?: number;
}
const fixture: {
  binary: {
    y: number[];
    scores: Record<string, number[]>;
    results: Record<string, ScoreResult>;
    threshold: Record<string, Record<'maxF1' | 'cost1_5' | 'cost3_1', ThresholdRef>>;
    labels: LabelResult;
  };
  multi: {
    y: number[];
    prob: number[];
    probRounded: number[];
    pred: number[];
    predNo2: number[];
    labels: LabelResult;
    labelsNo2: LabelResult;
    logLoss: number;
    logLossRounded: number;
    logLossRounded1e15: number;
  };
} = JSON.parse(readFileSync(new URL('./fixtures/classification_metrics.json', import.meta.url), 'utf8'));

const TOL = 1e-9;
const y = Int32Array.from(fixture.binary.y);
const scoreOf = (name: string) => Float64Array.from(fixture.binary.scores[name]!);

describe('ranking metrics match scikit-learn 1.2 (roc_auc_score, roc_curve, average_precision_score, precision_recall_curve)', () => {
  for (const [name, ref] of Object.entries(fixture.binary.results)) {
    it(name, () => {
      const s = scoreOf(name);
      expect(ref.auc).not.toBeNull();
      expect(Math.abs(rocAuc(y, s) - ref.auc!)).toBeLessThan(TOL);
      expect(Math.abs(averagePrecision(y, s) - ref.ap)).toBeLessThan(TOL);
      expect(prAuc(y, s)).toBe(averagePrecision(y, s));
      for (const [curve, drop] of [
        [ref.roc, true],
        [ref.rocAll, false],
      ] as const) {
        const c = rocCurve(y, s, { dropIntermediate: drop });
        expect(maxAbsDiff(c.fpr, curve.fpr)).toBeLessThan(TOL);
        expect(maxAbsDiff(c.tpr, curve.tpr)).toBeLessThan(TOL);
        expect(maxAbsDiff(c.thresholds, curve.thresholds)).toBeLessThan(TOL);
      }
      const pr = precisionRecallCurve(y, s);
      expect(maxAbsDiff(pr.precision, ref.pr.precision)).toBeLessThan(TOL);
      expect(maxAbsDiff(pr.recall, ref.pr.recall)).toBeLessThan(TOL);
      expect(maxAbsDiff(pr.thresholds, ref.pr.thresholds)).toBeLessThan(TOL);
    });
  }

  it('the fixtures hold ties, a constant score and a perfect one', () => {
    expect(new Set(fixture.binary.scores.rounded).size).toBeLessThan(100);
    expect(fixture.binary.results.constant!.auc).toBe(0.5);
    expect(fixture.binary.results.perfect!.auc).toBe(1);
    expect(fixture.binary.results.inverted!.auc).toBeLessThan(0.5);
  });
});

describe('probability metrics match scikit-learn 1.2 (log_loss, brier_score_loss, calibration_curve)', () => {
  for (const [name, ref] of Object.entries(fixture.binary.results)) {
    if (ref.logLoss === undefined) continue;
    it(name, () => {
      const p = scoreOf(name);
      expect(Math.abs(logLoss(y, p) - ref.logLoss!)).toBeLessThan(TOL * Math.max(1, ref.logLoss!));
      expect(Math.abs(logLoss(y, p, { eps: 1e-15 }) - ref.logLoss1e15!)).toBeLessThan(
        TOL * Math.max(1, ref.logLoss1e15!),
      );
      expect(Math.abs(brierScore(y, p) - ref.brier!)).toBeLessThan(TOL);
      for (const [key, bins] of Object.entries(ref.calibration!)) {
        const strategy = key.startsWith('uniform') ? 'uniform' : 'quantile';
        const nBins = Number(key.replace(strategy, ''));
        const c = calibrationCurve(y, p, { nBins, strategy });
        expect(Array.from(c.counts), key).toEqual(bins.counts);
        expect(maxAbsDiff(c.probTrue, bins.probTrue)).toBeLessThan(TOL);
        expect(maxAbsDiff(c.probPred, bins.probPred)).toBeLessThan(TOL);
      }
      for (const [nBins, ece] of Object.entries(ref.ece!)) {
        expect(Math.abs(expectedCalibrationError(y, p, { nBins: Number(nBins) }) - ece)).toBeLessThan(TOL);
      }
    });
  }

  it('coarse scores hit 0 and 1 exactly, so eps clipping matters', () => {
    const ref = fixture.binary.results.coarse!;
    expect(fixture.binary.scores.coarse).toContain(0);
    expect(fixture.binary.scores.coarse).toContain(1);
    expect(Math.abs(ref.logLoss! - ref.logLoss1e15!)).toBeGreaterThan(1e-3);
  });

  it('calibration_curve edges: a probability on an inner edge goes to the lower bin', () => {
    // scikit-learn's docstring example.
    const c = calibrationCurve(
      Int32Array.of(0, 0, 0, 0, 1, 1, 1, 1, 1),
      Float64Array.of(0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1),
      { nBins: 3 },
    );
    expect(Array.from(c.probTrue)).toEqual([0, 0.5, 1]);
    expect(maxAbsDiff(c.probPred, [0.2, 0.525, 0.85])).toBeLessThan(1e-15);
    expect(
      Array.from(calibrationCurve(Int32Array.of(0, 1), Float64Array.of(0.5, 0.5), { nBins: 2 }).counts),
    ).toEqual([2]);
  });

  it('expected calibration error: the definition on a hand case', () => {
    const ece = expectedCalibrationError(Int32Array.of(0, 1, 1, 1), Float64Array.of(0.2, 0.4, 0.9, 0.9), {
      nBins: 2,
    });
    expect(ece).toBeCloseTo(0.5 * 0.2 + 0.5 * 0.1, 15);
    // A calibrated model scores near 0; the same rows with sqrt(p) score clearly worse.
    const skewed = fixture.binary.results.skewed!.ece!['10']!;
    const exact = fixture.binary.results.exact!.ece!['10']!;
    expect(skewed).toBeGreaterThan(exact + 0.1);
  });
});

describe('label metrics match scikit-learn 1.2 (accuracy_score, confusion_matrix, precision_recall_fscore_support)', () => {
  const check = (yt: ArrayLike<number>, yp: ArrayLike<number>, k: number, ref: LabelResult) => {
    expect(Math.abs(accuracy(yt, yp) - ref.accuracy)).toBeLessThan(TOL);
    const cm = confusionMatrix(yt, yp, k);
    expect([cm.rows, cm.cols]).toEqual([k, k]);
    expect(Array.from(cm.data)).toEqual(ref.confusion);
    const r = precisionRecallF1(yt, yp, k);
    expect(maxAbsDiff(r.precision, ref.perClass.precision)).toBeLessThan(TOL);
    expect(maxAbsDiff(r.recall, ref.perClass.recall)).toBeLessThan(TOL);
    expect(maxAbsDiff(r.f1, ref.perClass.f1)).toBeLessThan(TOL);
    expect(Array.from(r.support)).toEqual(ref.perClass.support);
    for (const avg of ['macro', 'weighted'] as const) {
      for (const m of ['precision', 'recall', 'f1'] as const) {
        expect(Math.abs(r[avg][m] - ref[avg][m]), `${avg} ${m}`).toBeLessThan(TOL);
      }
    }
  };
  const multi = fixture.multi;
  it('binary: labels against rounded >= 0.5', () => {
    const s = scoreOf('rounded');
    check(
      y,
      Int32Array.from(s, (v) => (v >= 0.5 ? 1 : 0)),
      2,
      fixture.binary.labels,
    );
  });
  it('three classes', () => check(Int32Array.from(multi.y), Int32Array.from(multi.pred), 3, multi.labels));
  it('three classes, class 2 never predicted (0/0 precision is 0)', () => {
    check(Int32Array.from(multi.y), Int32Array.from(multi.predNo2), 3, multi.labelsNo2);
    expect(multi.labelsNo2.perClass.precision[2]).toBe(0);
  });
  it('k defaults to the largest label + 1; nClasses adds classes that never occur', () => {
    const r = precisionRecallF1(Int32Array.of(0, 1, 1), Int32Array.of(0, 1, 0));
    expect(r.precision.length).toBe(2);
    const r4 = precisionRecallF1(Int32Array.of(0, 1, 1), Int32Array.of(0, 1, 0), 4);
    expect(r4.precision.length).toBe(4);
    expect(r4.macro.f1).toBeCloseTo((r.f1[0]! + r.f1[1]!) / 4, 15);
    expect(r4.weighted.f1).toBeCloseTo(r.weighted.f1, 15);
  });
  it('log loss of 3-class probabilities, also with rows that do not sum to 1', () => {
    const yt = Int32Array.from(multi.y);
    const n = yt.length;
    expect(Math.abs(logLoss(yt, matrix(n, 3, Float64Array.from(multi.prob))) - multi.logLoss)).toBeLessThan(
      TOL,
    );
    const rounded = matrix(n, 3, Float64Array.from(multi.probRounded));
    expect(Math.abs(logLoss(yt, rounded) - multi.logLossRounded)).toBeLessThan(TOL);
    expect(Math.abs(logLoss(yt, rounded, { eps: 1e-15 }) - multi.logLossRounded1e15)).toBeLessThan(TOL);
  });
});

describe('chooseThreshold: brute force over scikit-learn confusion_matrix / f1_score', () => {
  for (const [name, refs] of Object.entries(fixture.binary.threshold)) {
    it(name, () => {
      const s = scoreOf(name);
      const rules = {
        maxF1: { rule: 'max_f1' },
        cost1_5: { rule: 'cost', costFalsePositive: 1, costFalseNegative: 5 },
        cost3_1: { rule: 'cost', costFalsePositive: 3, costFalseNegative: 1 },
      } as const;
      for (const [key, rule] of Object.entries(rules)) {
        const ref = refs[key as keyof typeof rules];
        const got = chooseThreshold(y, s, rule);
        expect(got.threshold, key).toBe(ref.threshold ?? Number.POSITIVE_INFINITY);
        expect([got.tp, got.fp, got.tn, got.fn], key).toEqual([ref.tp, ref.fp, ref.tn, ref.fn]);
        expect(Math.abs(got.f1 - ref.f1)).toBeLessThan(1e-12);
        if (ref.cost !== undefined) expect(got.cost).toBe(ref.cost);
        else expect(got.cost).toBeUndefined();
      }
    });
  }

  it('perfect separation: max F1 is 1 at the lowest positive score', () => {
    const got = chooseThreshold(Int32Array.of(0, 0, 1, 1), Float64Array.of(0.1, 0.3, 0.6, 0.9), {
      rule: 'max_f1',
    });
    expect(got).toMatchObject({ threshold: 0.6, tp: 2, fp: 0, tn: 2, fn: 0, f1: 1 });
  });

  it('a missed positive costing nothing flags no one', () => {
    const got = chooseThreshold(Int32Array.of(0, 1, 0), Float64Array.of(0.2, 0.5, 0.9), {
      rule: 'cost',
      costFalsePositive: 1,
      costFalseNegative: 0,
    });
    expect(got).toMatchObject({ threshold: Number.POSITIVE_INFINITY, tp: 0, fp: 0, tn: 2, fn: 1, cost: 0 });
  });

  it('rejects unknown rules and negative costs', () => {
    const yy = Int32Array.of(0, 1);
    const s = Float64Array.of(0.2, 0.8);
    expectMlError(() => chooseThreshold(yy, s, { rule: 'youden' } as never), 'BAD_OPTION');
    expectMlError(
      () => chooseThreshold(yy, s, { rule: 'cost', costFalsePositive: -1, costFalseNegative: 1 }),
      'BAD_OPTION',
    );
  });
});

describe('edge cases', () => {
  it('all scores equal: AUC 0.5, AP = the positive share', () => {
    const yy = Int32Array.of(0, 1, 0, 1, 1);
    const s = new Float64Array(5).fill(0.3);
    expect(rocAuc(yy, s)).toBe(0.5);
    expect(averagePrecision(yy, s)).toBeCloseTo(0.6, 15);
    const c = rocCurve(yy, s);
    expect(Array.from(c.fpr)).toEqual([0, 1]);
    expect(Array.from(c.tpr)).toEqual([0, 1]);
  });

  it('perfect separation: AUC 1, AP 1; reversed: AUC 0', () => {
    const yy = Int32Array.of(0, 0, 1, 1);
    const s = Float64Array.of(0.1, 0.2, 0.8, 0.9);
    expect(rocAuc(yy, s)).toBe(1);
    expect(averagePrecision(yy, s)).toBe(1);
    expect(
      rocAuc(
        yy,
        Float64Array.from(s, (v) => -v),
      ),
    ).toBe(0);
  });

  it('a positive tied with a negative counts one half', () => {
    expect(rocAuc(Int32Array.of(0, 1), Float64Array.of(0.5, 0.5))).toBe(0.5);
    expect(rocAuc(Int32Array.of(0, 0, 1, 1), Float64Array.of(0.1, 0.5, 0.5, 0.9))).toBe(0.875);
  });

  it('AUC needs both classes; AP and the PR curve need a positive (MlError, not NaN)', () => {
    const zeros = new Int32Array(4);
    const ones = new Int32Array(4).fill(1);
    const s = Float64Array.of(0.1, 0.2, 0.3, 0.4);
    expectMlError(() => rocAuc(zeros, s), 'BAD_OPTION');
    expectMlError(() => rocAuc(ones, s), 'BAD_OPTION');
    expectMlError(() => rocCurve(ones, s), 'BAD_OPTION');
    expectMlError(() => averagePrecision(zeros, s), 'BAD_OPTION');
    expectMlError(() => precisionRecallCurve(zeros, s), 'BAD_OPTION');
    expect(averagePrecision(ones, s)).toBe(1);
  });

  it('length mismatch, empty input, bad labels, NaN scores, probabilities outside [0, 1]', () => {
    const yy = Int32Array.of(0, 1, 1);
    const p = Float64Array.of(0.2, 0.7, 0.9);
    for (const f of [
      rocAuc,
      averagePrecision,
      logLoss,
      brierScore,
      calibrationCurve,
      expectedCalibrationError,
    ]) {
      expectMlError(() => f(yy, p.subarray(0, 2)), 'SHAPE_MISMATCH');
      expectMlError(() => f(new Int32Array(0), new Float64Array(0)), 'EMPTY_INPUT');
      expectMlError(() => f(Int32Array.of(0, 2, 1), p), 'BAD_OPTION');
      expectMlError(() => f(Float64Array.of(0, Number.NaN, 1), p), 'NON_FINITE');
      expectMlError(() => f(yy, Float64Array.of(0.2, Number.NaN, 0.9)), 'NON_FINITE');
    }
    for (const f of [logLoss, brierScore, calibrationCurve, expectedCalibrationError]) {
      expectMlError(() => f(yy, Float64Array.of(0.2, 1.5, 0.9)), 'BAD_OPTION');
    }
    expect(rocAuc(yy, Float64Array.of(-3, 10, 2))).toBe(1); // scores need not be probabilities
    expectMlError(() => accuracy(yy, Int32Array.of(1, 1)), 'SHAPE_MISMATCH');
    expectMlError(() => confusionMatrix(yy, Int32Array.of(1, -1, 0)), 'BAD_OPTION');
    expectMlError(() => confusionMatrix(yy, Float64Array.of(1, 0.5, 0)), 'BAD_OPTION');
    expectMlError(() => confusionMatrix(yy, Int32Array.of(1, 3, 0), 3), 'BAD_OPTION');
    expectMlError(() => logLoss(yy, matrix(3, 2, new Float64Array(6).fill(0.5)), { eps: -1 }), 'BAD_OPTION');
    expectMlError(
      () => logLoss(Int32Array.of(0, 2, 1), matrix(3, 2, new Float64Array(6).fill(0.5))),
      'BAD_OPTION',
    );
    expectMlError(() => logLoss(yy, matrix(2, 2, new Float64Array(4).fill(0.5))), 'SHAPE_MISMATCH');
    expectMlError(() => calibrationCurve(yy, p, { nBins: 0 }), 'BAD_OPTION');
    expectMlError(() => calibrationCurve(yy, p, { strategy: 'kmeans' as never }), 'BAD_OPTION');
  });

  it('one class is fine for log loss and Brier (classes are 0 and 1 by definition)', () => {
    const ones = Int32Array.of(1, 1);
    expect(logLoss(ones, Float64Array.of(0.5, 0.5))).toBeCloseTo(Math.log(2), 15);
    expect(brierScore(ones, Float64Array.of(1, 1))).toBe(0);
    expect(accuracy(Float64Array.of(1, 0), Float64Array.of(1, 1))).toBe(0.5);
  });
});
