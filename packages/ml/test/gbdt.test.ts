import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromRows, type Matrix, matrix } from '../src/matrix.ts';
import { rocAuc } from '../src/metrics/ranking.ts';
import { Rng } from '../src/random.ts';
import { binData } from '../src/trees/gbdt/binning.ts';
import { type GbdtOptions, GradientBoosting } from '../src/trees/gbdt/gbdt.ts';
import { GrowerWork, growTree } from '../src/trees/gbdt/grower.ts';
import { HistogramLayout } from '../src/trees/gbdt/histogram.ts';
import { HistogramKernel } from '../src/trees/gbdt/histogramKernel.ts';
import { leafOf, predictRaw } from '../src/trees/treeEnsemble.ts';
import { expectMlError } from './helpers.ts';

interface DataSet {
  rows: number;
  cols: number;
  nTrain: number;
  categorical?: number[];
  x: (number | null)[];
  y: number[];
  sklearn: Record<string, number>;
  xgboost: Record<string, number>;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/gbdt.json', import.meta.url), 'utf8')) as Record<
  'binary' | 'multiclass' | 'regression',
  DataSet
>;

function split(d: DataSet): { xtr: Matrix; xte: Matrix; ytr: Float64Array; yte: Float64Array } {
  const x = Float64Array.from(d.x, (v) => (v === null ? Number.NaN : v));
  const { nTrain: nt, cols: p } = d;
  return {
    xtr: matrix(nt, p, x.slice(0, nt * p)),
    xte: matrix(d.rows - nt, p, x.slice(nt * p)),
    ytr: Float64Array.from(d.y.slice(0, nt)),
    yte: Float64Array.from(d.y.slice(nt)),
  };
}

function logLoss(y: ArrayLike<number>, p: Float64Array, k: number): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    if (k === 1) s -= y[i] === 1 ? Math.log(p[i]!) : Math.log(1 - p[i]!);
    else s -= Math.log(p[i * k + y[i]!]!);
  }
  return s / y.length;
}

function rmse(y: ArrayLike<number>, f: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (y[i]! - f[i]!) ** 2;
  return Math.sqrt(s / y.length);
}

// Same budget as the fixture's references: 100 rounds, 31 leaves, lr 0.1, 20 rows per leaf, l2 0.
describe('GradientBoosting against scikit-learn HistGradientBoosting and XGBoost hist (held-out scores)', () => {
  // Tolerances: AUC and accuracy at most 0.005 / 0.01 below, log-loss at most 0.01 above,
  // RMSE at most 2% above the reference's.
  it('binary with NaNs and a categorical feature: AUC and log-loss', () => {
    const d = fixture.binary;
    const s = split(d);
    const m = new GradientBoosting({ objective: 'binary', categorical: d.categorical }).fit(s.xtr, s.ytr);
    const p = m.predictProba(s.xte);
    const a = rocAuc(s.yte, p);
    const ll = logLoss(s.yte, p, 1);
    for (const ref of [d.sklearn, d.xgboost]) {
      expect(a).toBeGreaterThanOrEqual(ref.auc! - 0.005);
      expect(ll).toBeLessThanOrEqual(ref.logloss! + 0.01);
    }
  });

  it('3 classes: log-loss and accuracy', () => {
    const d = fixture.multiclass;
    const s = split(d);
    const m = new GradientBoosting({ objective: 'multiclass' }).fit(s.xtr, s.ytr);
    expect(m.ensemble!.nOutputs).toBe(3);
    expect(m.ensemble!.trees).toHaveLength(300);
    const p = m.predictProba(s.xte);
    for (let i = 0; i < s.yte.length; i++)
      expect(p[3 * i]! + p[3 * i + 1]! + p[3 * i + 2]!).toBeCloseTo(1, 12);
    const acc = m.predict(s.xte).filter((c, i) => c === s.yte[i]).length / s.yte.length;
    expect(logLoss(s.yte, p, 3)).toBeLessThanOrEqual(d.sklearn.logloss! + 0.01);
    for (const ref of [d.sklearn, d.xgboost]) expect(acc).toBeGreaterThanOrEqual(ref.accuracy! - 0.01);
    // XGBoost's softmax hessian is 2 p (1 - p), half our (and scikit-learn's) steps: compare at lr 0.05.
    const half = new GradientBoosting({ objective: 'multiclass', learningRate: 0.05 }).fit(s.xtr, s.ytr);
    expect(logLoss(s.yte, half.predictProba(s.xte), 3)).toBeLessThanOrEqual(d.xgboost.logloss! + 0.01);
  });

  it('regression: RMSE', () => {
    const d = fixture.regression;
    const s = split(d);
    const m = new GradientBoosting({ objective: 'regression' }).fit(s.xtr, s.ytr);
    const r = rmse(s.yte, m.predict(s.xte));
    for (const ref of [d.sklearn, d.xgboost]) expect(r).toBeLessThanOrEqual(ref.rmse! * 1.02);
  });
});

describe('GradientBoosting by hand', () => {
  const x = fromRows([[1], [2], [3], [4]]);
  const one = { nEstimators: 1, maxLeaves: 2, minSamplesLeaf: 1 } as const;

  it('one squared-error split: threshold at the bin edge, leaves -G/(H+l2) * lr, cover H', () => {
    // base = mean 2; gradients raw - y = [1, 1, -1, -1], hessians 1.
    const m = new GradientBoosting({ objective: 'regression', ...one, l2: 1, learningRate: 0.5 }).fit(
      x,
      [1, 1, 3, 3],
    );
    expect(Array.from(m.ensemble!.baseScore)).toEqual([2]);
    const t = m.ensemble!.trees[0]!;
    expect(t.nodeCount).toBe(3);
    expect(t.feature[0]).toBe(0);
    expect(t.threshold[0]).toBe(2.5);
    expect(t.value[t.left[0]!]).toBeCloseTo((-2 / (2 + 1)) * 0.5, 15);
    expect(t.value[t.right[0]!]).toBeCloseTo((2 / (2 + 1)) * 0.5, 15);
    expect(Array.from(t.cover)).toEqual([4, 2, 2]);
    expect(Array.from(m.predict(x))).toEqual(
      [2 - 1 / 3, 2 - 1 / 3, 2 + 1 / 3, 2 + 1 / 3].map((v) => expect.closeTo(v, 14)),
    );
  });

  it('one log-loss split: base log-odds, g = p - y, h = p (1 - p)', () => {
    // prior 1/2 -> base 0, p = 0.5: g = [0.5, 0.5, -0.5, -0.5], h = 0.25; left G = 1, H = 0.5.
    const m = new GradientBoosting({ objective: 'binary', ...one, learningRate: 0.1 }).fit(x, [0, 0, 1, 1]);
    const t = m.ensemble!.trees[0]!;
    expect(m.ensemble!.baseScore[0]).toBe(0);
    expect(t.threshold[0]).toBe(2.5);
    expect(t.value[t.left[0]!]).toBeCloseTo((-1 / 0.5) * 0.1, 15);
    expect(t.value[t.right[0]!]).toBeCloseTo((1 / 0.5) * 0.1, 15);
    expect(t.cover[0]).toBe(1);
    // x <= threshold on the training values repeats the binned decision: 1, 2 left; 3, 4 right.
    expect(Array.from(m.predictRaw(x))).toEqual([-0.2, -0.2, 0.2, 0.2].map((v) => expect.closeTo(v, 15)));
  });

  it('min split gain, min samples per leaf and max depth stop splits', () => {
    const y = [1, 1, 3, 3];
    expect(
      new GradientBoosting({ objective: 'regression', ...one, minSplitGain: 4 }).fit(x, y).ensemble!.trees[0]!
        .nodeCount,
    ).toBe(1);
    expect(
      new GradientBoosting({ objective: 'regression', ...one, minSamplesLeaf: 3 }).fit(x, y).ensemble!
        .trees[0]!.nodeCount,
    ).toBe(1);
    const big = noisyRegression(500, 3);
    const deep = new GradientBoosting({ objective: 'regression', nEstimators: 3, maxDepth: 2 }).fit(
      big.x,
      big.y,
    );
    for (const t of deep.ensemble!.trees) expect(depthOf(t.left, t.right)).toBeLessThanOrEqual(2);
    const leaves = new GradientBoosting({ objective: 'regression', nEstimators: 3, maxLeaves: 5 }).fit(
      big.x,
      big.y,
    );
    for (const t of leaves.ensemble!.trees) expect(t.feature.filter((f) => f < 0).length).toBe(5);
  });
});

describe('grower', () => {
  it('raw-value thresholds and bitsets repeat the binned decisions for every training row', () => {
    const d = fixture.binary;
    const { xtr } = split(d);
    const binned = binData(xtr, {
      maxBins: 255,
      categorical: new Set(d.categorical),
      sampleRows: 200_000,
      seed: 0,
    });
    const rng = new Rng(3);
    const n = xtr.rows;
    const grad = Float64Array.from({ length: n }, () => rng.normal());
    const hess = Float64Array.from({ length: n }, () => rng.uniform(0.1, 1));
    // Half the rows grow the tree (as with subsample); all rows are checked.
    const rows = rng.sample(n, n >> 1).sort();
    const feats = Int32Array.from({ length: xtr.cols }, (_, i) => i);
    const g = growTree(
      binned,
      grad,
      hess,
      rows,
      rows.length,
      feats,
      feats.length,
      {
        maxLeaves: 31,
        maxDepth: Number.POSITIVE_INFINITY,
        learningRate: 0.1,
        minSamplesLeaf: 5,
        minChildWeight: 1e-3,
        minSplitGain: 0,
        l2: 0,
        catSmooth: 10,
        maxCatThreshold: 32,
        categoricalSplit: 'sorted',
      },
      new GrowerWork(binned, 31),
    );
    const t = g.tree;
    expect(t.nodeCount).toBe(61);
    expect(t.catLength.some((c) => c > 0)).toBe(true);
    for (let i = 0; i < n; i++) {
      let node = 0;
      while (t.feature[node]! >= 0) {
        const b = binned.bins[i * xtr.cols + t.feature[node]!]!;
        node = g.binGoLeft[node * 256 + b] === 1 ? t.left[node]! : t.right[node]!;
      }
      expect(node).toBe(leafOf(t, xtr.data, i * xtr.cols));
    }
    // The in-bag rows sit in their leaves' ranges.
    for (let l = 0; l < g.leafNode.length; l++) {
      for (let q = g.leafStart[l]!; q < g.leafEnd[l]!; q++)
        expect(leafOf(t, xtr.data, rows[q]! * xtr.cols)).toBe(g.leafNode[l]);
    }
  });
});

describe('histogram kernel (WebAssembly)', () => {
  it("gives exactly the JavaScript loop's histograms: all rows, sparse rows, odd and even column counts", () => {
    const d = fixture.binary;
    const { xtr } = split(d);
    const rng = new Rng(5);
    const n = xtr.rows;
    for (const cols of [xtr.cols, xtr.cols - 1]) {
      const x = matrix(
        n,
        cols,
        Float64Array.from(
          { length: n * cols },
          (_, k) => xtr.data[Math.floor(k / cols) * xtr.cols + (k % cols)]!,
        ),
      );
      const binned = binData(x, { maxBins: 255, categorical: new Set(), sampleRows: 200_000, seed: 0 });
      const plain = new HistogramLayout(binned);
      const fast = new HistogramLayout(binned);
      const kernel = HistogramKernel.create(n * fast.nCols + 16 * n + 4 * n + 8 * fast.size, 4)!;
      expect(kernel).not.toBeNull();
      fast.useKernel(kernel, kernel.u8(n * fast.nCols)!);
      const gh = kernel.f64(2 * n)!;
      for (let k = 0; k < 2 * n; k++) gh[k] = k % 2 === 0 ? rng.normal() : rng.uniform(0.05, 0.25);
      const rows = kernel.i32(n)!;
      const sparse = rng.sample(n, n >> 2).sort();
      rows.set(sparse);
      const hist = kernel.f64(fast.size)!;
      const expected = new Float64Array(plain.size);
      const feats = Int32Array.from({ length: cols }, (_, i) => i);
      const ghPlain = Float64Array.from(gh);
      for (const [r, start, end, identity] of [
        [rows, 0, n, true],
        [rows, 3, sparse.length - 5, false],
      ] as const) {
        hist.fill(7); // stale values must be overwritten
        expected.fill(7);
        fast.build(feats, cols, r, start, end, gh, identity, hist);
        plain.build(feats, cols, Int32Array.from(r), start, end, ghPlain, identity, expected);
        expect(kernel.owns(hist) && kernel.owns(r)).toBe(true);
        for (let f = 0; f < cols; f++) {
          const lo = fast.slotOf[f]! * 256 * 3;
          for (let j = lo; j < lo + (binned.features[f]!.nBins + 1) * 3; j++)
            expect(hist[j]).toBe(expected[j]);
        }
      }
    }
  });
});

function depthOf(left: Int32Array, right: Int32Array, node = 0): number {
  if (left[node]! < 0) return 0;
  return 1 + Math.max(depthOf(left, right, left[node]!), depthOf(left, right, right[node]!));
}

function noisyRegression(n: number, seed: number): { x: Matrix; y: Float64Array } {
  const rng = new Rng(seed);
  const x = matrix(n, 4);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 4; j++) x.data[i * 4 + j] = rng.uniform(0, 1);
    y[i] = 3 * x.data[i * 4]! + Math.sin(6 * x.data[i * 4 + 1]!) + rng.normal() * 0.5;
  }
  return { x, y };
}

/** Binary toy: y depends on x1; `noise` extra features of pure noise. */
function toyBinary(n: number, seed: number, positive = 0.5): { x: Matrix; y: Float64Array } {
  const rng = new Rng(seed);
  const x = matrix(n, 3);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const z = rng.normal();
    x.data[i * 3] = z + rng.normal();
    x.data[i * 3 + 1] = rng.normal();
    x.data[i * 3 + 2] = rng.normal();
    y[i] = rng.next() < 1 / (1 + Math.exp(-(2 * z + Math.log(positive / (1 - positive))))) ? 1 : 0;
  }
  return { x, y };
}

describe('GradientBoosting behaviour', () => {
  it('learns the missing-value direction when NaN carries the signal', () => {
    // x0 is NaN for most positives and uniform noise otherwise; x1 is noise.
    const rng = new Rng(1);
    const n = 1000;
    const x = matrix(n, 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 2;
      x.data[2 * i] = y[i] === 1 && rng.next() < 0.8 ? Number.NaN : rng.uniform(0, 1);
      x.data[2 * i + 1] = rng.uniform(0, 1);
    }
    const m = new GradientBoosting({ objective: 'binary', nEstimators: 20 }).fit(x, y);
    const root = m.ensemble!.trees[0]!;
    expect(root.feature[0]).toBe(0);
    // The root sends NaN to the child with the higher (positive) value.
    const nanChild = root.missingLeft[0] === 1 ? root.left[0]! : root.right[0]!;
    const other = root.missingLeft[0] === 1 ? root.right[0]! : root.left[0]!;
    expect(root.value[nanChild]).toBeGreaterThan(0);
    expect(root.value[other]).toBeLessThan(0);
    const p = m.predictProba(
      fromRows([
        [Number.NaN, 0.5],
        [0.5, 0.5],
      ]),
    );
    expect(p[0]).toBeGreaterThan(0.8);
    expect(p[1]).toBeLessThan(0.4);
    expect(m.featureImportance('gain')[0]).toBeGreaterThan(10 * m.featureImportance('gain')[1]!);
  });

  it('sorted categorical splits beat one-hot splits on a many-category feature', () => {
    // 40 categories, half with a positive effect, the halves interleaved in code order.
    const rng = new Rng(2);
    const effect = Array.from({ length: 40 }, () => rng.normal() * 2);
    const make = (n: number): { x: Matrix; y: Float64Array } => {
      const x = matrix(n, 2);
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const c = rng.int(40);
        x.data[2 * i] = c;
        x.data[2 * i + 1] = rng.normal();
        y[i] = effect[c]! + 0.5 * x.data[2 * i + 1]! + rng.normal() * 0.5;
      }
      return { x, y };
    };
    const tr = make(4000);
    const te = make(2000);
    const base: GbdtOptions = { objective: 'regression', categorical: [0], nEstimators: 10, maxLeaves: 4 };
    const sorted = new GradientBoosting(base).fit(tr.x, tr.y);
    const onehot = new GradientBoosting({ ...base, categoricalSplit: 'onehot' }).fit(tr.x, tr.y);
    const rs = rmse(te.y, sorted.predict(te.x));
    const ro = rmse(te.y, onehot.predict(te.x));
    expect(rs).toBeLessThan(0.8 * ro);
    // A sorted split sends many categories left through the bitset.
    const t = sorted.ensemble!.trees[0]!;
    expect(t.catLength[0]).toBeGreaterThan(0);
    let members = 0;
    for (let w = 0; w < t.catLength[0]!; w++) members += popcount(t.catBits[t.catStart[0]! + w]!);
    expect(members).toBeGreaterThan(5);
    // An unseen category goes right (outside the bitset) and does not throw.
    expect(Number.isFinite(sorted.predict(fromRows([[1000, 0]]))[0]!)).toBe(true);
  });

  it('class weights shift predicted probabilities towards the weighted class', () => {
    const { x, y } = toyBinary(2000, 4, 0.1);
    const opts: GbdtOptions = { objective: 'binary', nEstimators: 30 };
    const plain = new GradientBoosting(opts).fit(x, y).predictProba(x);
    const balanced = new GradientBoosting({ ...opts, classWeight: 'balanced' }).fit(x, y).predictProba(x);
    const heavy = new GradientBoosting({ ...opts, classWeight: [1, 20] }).fit(x, y).predictProba(x);
    const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(plain)).toBeCloseTo(mean(y), 1);
    expect(mean(balanced)).toBeGreaterThan(mean(plain) + 0.2);
    expect(mean(heavy)).toBeGreaterThan(mean(balanced));
    // Sample weights of 2 on every row change nothing but the scale of G and H.
    const w2 = new GradientBoosting({
      ...opts,
      sampleWeight: new Float64Array(2000).fill(2),
      minChildWeight: 2e-3,
    })
      .fit(x, y)
      .predictProba(x);
    for (let i = 0; i < 50; i++) expect(w2[i]).toBeCloseTo(plain[i]!, 10);
  });

  it('stops early on a validation set and keeps the best round', () => {
    const tr = noisyRegression(600, 5);
    const va = noisyRegression(300, 6);
    const m = new GradientBoosting({
      objective: 'regression',
      nEstimators: 1000,
      learningRate: 0.3,
      validation: va,
      earlyStoppingRounds: 10,
    }).fit(tr.x, tr.y);
    expect(m.bestIteration).toBeLessThan(200);
    expect(m.ensemble!.trees).toHaveLength(m.bestIteration);
    expect(m.validationScores).toHaveLength(m.bestIteration + 10);
    const best = Math.min(...m.validationScores);
    expect(m.validationScores[m.bestIteration - 1]).toBe(best);
    expect(rmse(va.y, m.predict(va.x))).toBeCloseTo(best, 12);
    // Classification stops on log-loss.
    const c = toyBinary(1500, 7);
    const cv = toyBinary(500, 8);
    const mc = new GradientBoosting({ objective: 'binary', nEstimators: 500, validation: cv }).fit(c.x, c.y);
    expect(mc.bestIteration).toBeLessThan(500);
    expect(logLoss(cv.y, mc.predictProba(cv.x), 1)).toBeCloseTo(Math.min(...mc.validationScores), 12);
  });

  it('JSON round trip predicts the same numbers; the flat batch predictor equals predictRaw', () => {
    const d = fixture.binary;
    const s = split(d);
    const m = new GradientBoosting({ objective: 'binary', categorical: d.categorical, nEstimators: 30 }).fit(
      s.xtr,
      s.ytr,
    );
    const json = JSON.parse(JSON.stringify(m.toJSON()));
    expect(json.version).toBe(1);
    expect(json.kind).toBe('gbdt');
    const back = GradientBoosting.fromJSON(json);
    expect(back.predictProba(s.xte)).toEqual(m.predictProba(s.xte));
    expect(back.featureImportance('gain')).toEqual(m.featureImportance('gain'));
    expect(m.predictRaw(s.xte)).toEqual(predictRaw(m.ensemble!, s.xte));
    const mc = split(fixture.multiclass);
    const multi = new GradientBoosting({ objective: 'multiclass', nEstimators: 10 }).fit(mc.xtr, mc.ytr);
    const multiBack = GradientBoosting.fromJSON(JSON.parse(JSON.stringify(multi.toJSON())));
    expect(multiBack.predictProba(mc.xte)).toEqual(multi.predictProba(mc.xte));
    expect(multi.predictRaw(mc.xte)).toEqual(predictRaw(multi.ensemble!, mc.xte));
    expectMlError(() => GradientBoosting.fromJSON({ ...json, version: 2 }), 'BAD_OPTION');
    // A damaged file: a child pointing back at its parent (a cycle), or a tree gone missing.
    const cyclic = JSON.parse(JSON.stringify(json));
    cyclic.ensemble.trees[0].left[0] = 0;
    expectMlError(() => GradientBoosting.fromJSON(cyclic), 'BAD_OPTION');
    const short = JSON.parse(JSON.stringify(json));
    short.ensemble.trees.pop();
    expectMlError(() => GradientBoosting.fromJSON(short), 'BAD_OPTION');
  });

  it('is deterministic for a seed with row and feature subsampling, and changes with the seed', () => {
    const { x, y } = noisyRegression(800, 9);
    const o: GbdtOptions = { objective: 'regression', nEstimators: 20, subsample: 0.7, colsampleByTree: 0.5 };
    const a = new GradientBoosting({ ...o, seed: 3 }).fit(x, y).predict(x);
    const b = new GradientBoosting({ ...o, seed: 3 }).fit(x, y).predict(x);
    const c = new GradientBoosting({ ...o, seed: 4 }).fit(x, y).predict(x);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    // Trees use at most 2 of the 4 features each.
    const m = new GradientBoosting({ ...o, seed: 3 }).fit(x, y);
    for (const t of m.ensemble!.trees)
      expect(new Set(t.feature.filter((f) => f >= 0)).size).toBeLessThanOrEqual(2);
  });

  it('quantizedGradients: close to the exact fit, exact leaf values and covers, deterministic', () => {
    const d = fixture.binary;
    const s = split(d);
    const o: GbdtOptions = { objective: 'binary', categorical: d.categorical, subsample: 0.8, seed: 2 };
    const exact = new GradientBoosting(o).fit(s.xtr, s.ytr);
    const q = new GradientBoosting({ ...o, quantizedGradients: true }).fit(s.xtr, s.ytr);
    const again = new GradientBoosting({ ...o, quantizedGradients: true }).fit(s.xtr, s.ytr);
    expect(again.predictRaw(s.xte)).toEqual(q.predictRaw(s.xte));
    const aq = rocAuc(s.yte, q.predictProba(s.xte));
    expect(Math.abs(aq - rocAuc(s.yte, exact.predictProba(s.xte)))).toBeLessThan(0.005);
    for (const ref of [d.sklearn, d.xgboost]) expect(aq).toBeGreaterThanOrEqual(ref.auc! - 0.005);
    // Covers: exact hessian sums (the first tree: p (1 - p) at the base rate, times its rows), and
    // every inner node's cover is the sum of its children's.
    const t0 = q.ensemble!.trees[0]!;
    const rate = s.ytr.reduce((a, v) => a + v, 0) / s.ytr.length;
    expect(t0.cover[0]).toBeCloseTo(rate * (1 - rate) * Math.round(0.8 * s.ytr.length), 9);
    for (const t of q.ensemble!.trees) {
      for (let j = 0; j < t.nodeCount; j++) {
        if (t.feature[j]! < 0) continue;
        expect(t.cover[j]).toBeCloseTo(t.cover[t.left[j]!]! + t.cover[t.right[j]!]!, 9);
      }
    }
    const back = GradientBoosting.fromJSON(JSON.parse(JSON.stringify(q.toJSON())));
    expect(back.options.quantizedGradients).toBe(true);
    expect(back.predictRaw(s.xte)).toEqual(q.predictRaw(s.xte));
  });

  it('feature importance: one value per feature, split counts add up to the internal nodes', () => {
    const { x, y } = noisyRegression(800, 10);
    const m = new GradientBoosting({ objective: 'regression', nEstimators: 20 }).fit(x, y);
    const gain = m.featureImportance('gain');
    const splits = m.featureImportance('split');
    expect(gain).toHaveLength(4);
    expect(splits).toHaveLength(4);
    let internal = 0;
    for (const t of m.ensemble!.trees) internal += t.feature.filter((f) => f >= 0).length;
    expect(splits.reduce((s, v) => s + v, 0)).toBe(internal);
    for (const v of gain) expect(v).toBeGreaterThanOrEqual(0);
    // x0 and x1 carry the signal, x2 and x3 are noise.
    expect(Math.min(gain[0]!, gain[1]!)).toBeGreaterThan(5 * Math.max(gain[2]!, gain[3]!));
  });

  it('rejects bad input with MlError codes', () => {
    const x = fromRows([[1], [2], [3], [4]]);
    expectMlError(() => new GradientBoosting({ objective: 'binary' }).fit(x, [0, 1, 1]), 'SHAPE_MISMATCH');
    expectMlError(() => new GradientBoosting({ objective: 'binary' }).fit(x, [1, 1, 1, 1]), 'BAD_OPTION');
    expectMlError(() => new GradientBoosting({ objective: 'binary' }).fit(x, [0, 1, 2, 1]), 'BAD_OPTION');
    expectMlError(
      () => new GradientBoosting({ objective: 'regression' }).fit(x, [0, Number.NaN, 1, 1]),
      'NON_FINITE',
    );
    expectMlError(
      () => new GradientBoosting({ objective: 'multiclass' }).fit(x, [0, 1, 0.5, 1]),
      'BAD_OPTION',
    );
    expectMlError(() => new GradientBoosting({ objective: 'binary' }).fit(matrix(0, 1), []), 'EMPTY_INPUT');
    expectMlError(
      () =>
        new GradientBoosting({ objective: 'binary', categorical: [0] }).fit(
          fromRows([[0.5], [1], [2], [3]]),
          [0, 1, 0, 1],
        ),
      'BAD_OPTION',
    );
    expectMlError(
      () => new GradientBoosting({ objective: 'binary', categorical: [3] }).fit(x, [0, 1, 0, 1]),
      'BAD_OPTION',
    );
    expectMlError(
      () =>
        new GradientBoosting({ objective: 'binary', categorical: [0] }).fit(
          fromRows([[0], [1], [2], [2 ** 20]]),
          [0, 1, 0, 1],
        ),
      'BAD_OPTION',
    );
    expectMlError(
      () => new GradientBoosting({ objective: 'binary', classWeight: [1] }).fit(x, [0, 1, 0, 1]),
      'BAD_OPTION',
    );
    expectMlError(
      () =>
        new GradientBoosting({ objective: 'binary', sampleWeight: new Float64Array(3) }).fit(x, [0, 1, 0, 1]),
      'SHAPE_MISMATCH',
    );
    expectMlError(
      () =>
        new GradientBoosting({ objective: 'binary', validation: { x: fromRows([[1, 2]]), y: [1] } }).fit(
          x,
          [0, 1, 0, 1],
        ),
      'SHAPE_MISMATCH',
    );
    for (const bad of [
      { nEstimators: 0 },
      { learningRate: 0 },
      { maxLeaves: 1 },
      { maxBins: 300 },
      { subsample: 1.5 },
      { colsampleByTree: 0 },
      { l2: -1 },
      { maxDepth: 0 },
      { categoricalSplit: 'other' },
      { quantizedGradients: 1 },
    ]) {
      expectMlError(
        () => new GradientBoosting({ objective: 'binary', ...(bad as Partial<GbdtOptions>) }),
        'BAD_OPTION',
      );
    }
    expectMlError(() => new GradientBoosting({ objective: 'binary' }).predict(x), 'NOT_FITTED');
    const m = new GradientBoosting({ objective: 'binary', nEstimators: 2, minSamplesLeaf: 1 }).fit(
      x,
      [0, 0, 1, 1],
    );
    expectMlError(() => m.predict(fromRows([[1, 2]])), 'SHAPE_MISMATCH');
  });
});

function popcount(v: number): number {
  let c = 0;
  for (let w = v >>> 0; w !== 0; w &= w - 1) c++;
  return c;
}
