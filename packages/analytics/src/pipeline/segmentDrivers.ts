import { GradientBoosting, type Matrix, Rng, type TreeEnsemble, takeRows, treeShap } from '@clientele/ml';
import { InputError } from '../errors.ts';
import type { SegmentReport } from './runReport.ts';
import { checkSegmentInput } from './segmentProfiles.ts';

export interface SegmentDriverOptions {
  /** Rows the model is fitted on, drawn per segment in proportion to its size. Default 20,000. */
  sample?: number;
  seed: number;
  /** Boosting rounds (one tree per segment per round). Default 50. */
  trees?: number;
  /** Rows of each segment explained by TreeSHAP (from the sample). Default 2,000. */
  explain?: number;
}

/** Drivers listed per segment. */
export const DRIVERS_PER_SEGMENT = 8;

/**
 * What sets each segment apart, one list per segment 0..k-1 (the 8 strongest, by importance):
 * a multiclass gradient-boosted model learns to tell the segments apart from the features, and
 * a feature's importance for segment c is the mean |SHAP| (exact TreeSHAP, log-odds scale) of
 * class c's output over segment c's rows: how much knowing the feature moves the model towards
 * or away from "this customer is in segment c", for the customers who are. `direction` is
 * 'higher' when the segment's mean of the feature (all its rows) is above the mean of all rows,
 * else 'lower'. Features with importance 0 are not listed.
 *
 * - The model is fitted on a seeded sample of at most `sample` rows, drawn from each segment in
 *   proportion to its size but at least min(size, 100) rows per segment, so small segments are
 *   learnt too. Rows labelled -1 (DBSCAN noise) are not drawn.
 * - SHAP values of class c come from class c's trees only (the outputs are additive), on at most
 *   `explain` sampled rows of segment c: mean |SHAP| settles well before that.
 * - x may be scaled or not (trees do not care); NaN is a missing value. A segment with no rows
 *   gets an empty list, as does every segment when k = 1.
 *
 * Time: fit O(trees k sample p) plus TreeSHAP O(explain k trees L D^2) for trees of L leaves and
 * depth D (at most 6).
 */
export function segmentDrivers(
  x: Matrix,
  features: string[],
  labels: Int32Array,
  k: number,
  opts: SegmentDriverOptions,
): SegmentReport['drivers'][] {
  checkSegmentInput(x, features, labels, k);
  const sampleSize = opts.sample ?? 20_000;
  const trees = opts.trees ?? 50;
  const explain = opts.explain ?? 2_000;
  for (const [name, v] of [
    ['sample', sampleSize],
    ['trees', trees],
    ['explain', explain],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new InputError('BAD_OPTION', `segment drivers: ${name} must be a whole number >= 1, got ${v}`);
    }
  }
  const { rows: n, cols: p, data } = x;
  const out: SegmentReport['drivers'][] = Array.from({ length: k }, () => []);

  // Means per segment and overall (NaN skipped), for the direction.
  const segSum = new Float64Array(k * p);
  const segCnt = new Float64Array(k * p);
  const allSum = new Float64Array(p);
  const allCnt = new Float64Array(p);
  const byLabel: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    if (c >= 0) byLabel[c]!.push(i);
    const o = i * p;
    for (let j = 0; j < p; j++) {
      const v = data[o + j]!;
      if (Number.isNaN(v)) continue;
      allSum[j]! += v;
      allCnt[j]!++;
      if (c >= 0) {
        segSum[c * p + j]! += v;
        segCnt[c * p + j]!++;
      }
    }
  }
  const present = byLabel.filter((r) => r.length > 0).length;
  if (k < 2 || present < 2) return out;

  // Per segment: its share of the sample, at least min(size, 100) rows.
  const rng = new Rng(opts.seed);
  const labelled = byLabel.reduce((a, r) => a + r.length, 0);
  const picked: number[] = [];
  for (let c = 0; c < k; c++) {
    const rows = byLabel[c]!;
    const want = Math.min(
      rows.length,
      Math.max(Math.min(rows.length, 100), Math.round((sampleSize * rows.length) / labelled)),
    );
    for (const t of rng.sample(rows.length, want)) picked.push(rows[t]!);
  }
  const idx = Int32Array.from(picked).sort();
  const xs = takeRows(x, idx);
  const ys = new Float64Array(idx.length);
  for (let t = 0; t < idx.length; t++) ys[t] = labels[idx[t]!]!;

  const model = new GradientBoosting({
    objective: 'multiclass',
    nEstimators: trees,
    maxLeaves: 15,
    maxDepth: 6,
    minSamplesLeaf: 20,
    seed: opts.seed,
  }).fit(xs, ys);
  const ens = model.ensemble!;

  for (let c = 0; c < Math.min(k, model.nClasses); c++) {
    const rowsC: number[] = [];
    for (let t = 0; t < idx.length; t++) if (ys[t] === c) rowsC.push(t);
    if (rowsC.length === 0) continue;
    const chosen =
      rowsC.length > explain ? Array.from(rng.sample(rowsC.length, explain).sort(), (t) => rowsC[t]!) : rowsC;
    const shap = treeShap(classTrees(ens, c), takeRows(xs, chosen));
    const imp = new Float64Array(p);
    for (let r = 0; r < shap.rows; r++) {
      const o = r * p;
      for (let j = 0; j < p; j++) imp[j]! += Math.abs(shap.values[o + j]!);
    }
    const order = Array.from({ length: p }, (_, j) => j)
      .filter((j) => imp[j]! > 0)
      .sort((a, b) => imp[b]! - imp[a]! || a - b)
      .slice(0, DRIVERS_PER_SEGMENT);
    out[c] = order.map((j) => {
      const segMean = segSum[c * p + j]! / segCnt[c * p + j]!;
      const allMean = allSum[j]! / allCnt[j]!;
      return {
        feature: features[j]!,
        importance: imp[j]! / shap.rows,
        direction: segMean > allMean ? 'higher' : 'lower',
      };
    });
  }
  return out;
}

/** The one-output ensemble of class c's trees: its SHAP values are those of output c of `ens`. */
function classTrees(ens: TreeEnsemble, c: number): TreeEnsemble {
  const trees = ens.trees.filter((_, t) => ens.treeOutput[t] === c);
  return {
    nFeatures: ens.nFeatures,
    nOutputs: 1,
    trees,
    treeOutput: new Int32Array(trees.length),
    baseScore: Float64Array.of(ens.baseScore[c]!),
    link: 'identity',
  };
}
