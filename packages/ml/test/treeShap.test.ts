import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { meanAbsShap, rowContributions, toProbabilityScale, topReasons } from '../src/explain/shapSummary.ts';
import { treeShap } from '../src/explain/treeShap.ts';
import type { Matrix } from '../src/matrix.ts';
import { Rng } from '../src/random.ts';
import { GradientBoosting } from '../src/trees/gbdt/gbdt.ts';
import { applyLink, type DecisionTree, predictRaw, type TreeEnsemble } from '../src/trees/treeEnsemble.ts';
import {
  bruteForceShapley,
  type RandomEnsembleOptions,
  randomEnsemble,
  randomRows,
} from './bruteForceShapley.ts';
import { expectMlError, maxAbsDiff } from './helpers.ts';

const KINDS: Record<string, RandomEnsembleOptions> = {
  logistic: { nFeatures: 6, nCategorical: 2, nOutputs: 1, nTrees: 8, maxDepth: 4, link: 'logistic' },
  softmax: { nFeatures: 5, nCategorical: 1, nOutputs: 3, nTrees: 9, maxDepth: 4, link: 'softmax' },
  identity: {
    nFeatures: 6,
    nCategorical: 2,
    nOutputs: 1,
    nTrees: 6,
    maxDepth: 4,
    link: 'identity',
    zeroCover: 0.2,
  },
};
const SEEDS = [1, 2, 3, 4, 5];

/** Sum over features of the values plus the expected value, per row and output. */
function reconstruct(values: Float64Array, expected: Float64Array, rows: number, nF: number): Float64Array {
  const nO = expected.length;
  const out = new Float64Array(rows * nO);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < nO; k++) {
      let s = expected[k]!;
      for (let f = 0; f < nF; f++) s += values[(r * nF + f) * nO + k]!;
      out[r * nO + k] = s;
    }
  }
  return out;
}

describe('treeShap on random ensembles (categorical splits, NaN, repeated features)', () => {
  for (const [kind, o] of Object.entries(KINDS)) {
    for (const seed of SEEDS) {
      it(`${kind} seed ${seed}: equals brute-force Shapley values and sums to the raw output`, () => {
        const ens = randomEnsemble(seed, o);
        const x = randomRows(seed + 100, 60, o);
        const shap = treeShap(ens, x);
        const brute = bruteForceShapley(ens, x);
        expect(shap.values.length).toBe(60 * o.nFeatures * o.nOutputs);
        expect([shap.rows, shap.nFeatures, shap.nOutputs]).toEqual([60, o.nFeatures, o.nOutputs]);
        expect(maxAbsDiff(shap.values, brute.values)).toBeLessThan(1e-9);
        expect(maxAbsDiff(shap.expectedValue, brute.expectedValue)).toBeLessThan(1e-9);
        const raw = predictRaw(ens, x);
        expect(maxAbsDiff(reconstruct(shap.values, shap.expectedValue, 60, o.nFeatures), raw)).toBeLessThan(
          1e-9,
        );
      });
    }
  }

  it('the random ensembles exercise what they should: repeated features on a path, categorical and missing branches, zero covers', () => {
    let repeated = 0;
    let categorical = 0;
    let zeroCover = 0;
    for (const seed of SEEDS) {
      for (const o of Object.values(KINDS)) {
        for (const tree of randomEnsemble(seed, o).trees) {
          const walk = (n: number, seen: Set<number>): void => {
            const f = tree.feature[n]!;
            if (f < 0) return;
            if (seen.has(f)) repeated++;
            if (tree.catLength[n]! > 0) categorical++;
            if (tree.cover[n] === 0) zeroCover++;
            const next = new Set(seen).add(f);
            walk(tree.left[n]!, next);
            walk(tree.right[n]!, next);
          };
          walk(0, new Set());
        }
      }
    }
    expect(repeated).toBeGreaterThan(20);
    expect(categorical).toBeGreaterThan(20);
    expect(zeroCover).toBeGreaterThan(0);
    const x = randomRows(101, 60, KINDS.logistic!);
    expect(x.data.some(Number.isNaN)).toBe(true);
  });

  it('a single-leaf tree and unused features get no contribution', () => {
    const leaf: DecisionTree = {
      nodeCount: 1,
      feature: Int32Array.of(-1),
      threshold: Float64Array.of(0),
      left: Int32Array.of(-1),
      right: Int32Array.of(-1),
      missingLeft: Uint8Array.of(0),
      catStart: Int32Array.of(0),
      catLength: Int32Array.of(0),
      catBits: new Uint32Array(0),
      value: Float64Array.of(0.7),
      cover: Float64Array.of(3),
    };
    const ens: TreeEnsemble = {
      nFeatures: 3,
      nOutputs: 1,
      trees: [leaf],
      treeOutput: Int32Array.of(0),
      baseScore: Float64Array.of(0.1),
      link: 'identity',
    };
    const x: Matrix = { data: Float64Array.of(1, 2, 3, Number.NaN, 0, 0), rows: 2, cols: 3 };
    const shap = treeShap(ens, x);
    expect(Array.from(shap.values)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(shap.expectedValue[0]).toBeCloseTo(0.8, 15);
  });

  it('a stump on one feature: the whole difference from the mean goes to that feature', () => {
    const stump: DecisionTree = {
      nodeCount: 3,
      feature: Int32Array.of(1, -1, -1),
      threshold: Float64Array.of(0.5, 0, 0),
      left: Int32Array.of(1, -1, -1),
      right: Int32Array.of(2, -1, -1),
      missingLeft: Uint8Array.of(0, 0, 0),
      catStart: new Int32Array(3),
      catLength: new Int32Array(3),
      catBits: new Uint32Array(0),
      value: Float64Array.of(0, -1, 2),
      cover: Float64Array.of(4, 3, 1),
    };
    const ens: TreeEnsemble = {
      nFeatures: 2,
      nOutputs: 1,
      trees: [stump],
      treeOutput: Int32Array.of(0),
      baseScore: Float64Array.of(0),
      link: 'identity',
    };
    // mean = 0.75 * -1 + 0.25 * 2 = -0.25; x1 = 0 goes left (-1), NaN goes right (2)
    const shap = treeShap(ens, { data: Float64Array.of(9, 0, 9, Number.NaN), rows: 2, cols: 2 });
    expect(shap.expectedValue[0]).toBeCloseTo(-0.25, 15);
    expect(Array.from(shap.values)).toEqual([0, -0.75, 0, 2.25]);
  });

  it('no rows: empty values, the expected value still there', () => {
    const ens = randomEnsemble(1, KINDS.softmax!);
    const shap = treeShap(ens, { data: new Float64Array(0), rows: 0, cols: 5 });
    expect(shap.values.length).toBe(0);
    expect(shap.expectedValue.length).toBe(3);
  });

  it('rejects a wrong column count and a broken tree', () => {
    const o = KINDS.logistic!;
    const ens = randomEnsemble(1, o);
    expectMlError(() => treeShap(ens, randomRows(1, 3, { ...o, nFeatures: 5 })), 'SHAPE_MISMATCH');
    const badFeature = {
      ...ens,
      trees: [{ ...ens.trees[0]!, feature: Int32Array.from(ens.trees[0]!.feature, (f) => (f >= 0 ? 9 : f)) }],
    };
    expectMlError(
      () => treeShap({ ...badFeature, treeOutput: Int32Array.of(0) }, randomRows(1, 3, o)),
      'BAD_OPTION',
    );
    const badCover = { ...ens.trees[0]!, cover: Float64Array.from(ens.trees[0]!.cover, () => Number.NaN) };
    expectMlError(
      () => treeShap({ ...ens, trees: [badCover], treeOutput: Int32Array.of(0) }, randomRows(1, 3, o)),
      'NON_FINITE',
    );
    expectMlError(
      () =>
        treeShap({ ...ens, treeOutput: Int32Array.of(...ens.treeOutput.map(() => 1)) }, randomRows(1, 3, o)),
      'BAD_OPTION',
    );
  });
});

describe('toProbabilityScale', () => {
  for (const [kind, o] of Object.entries(KINDS)) {
    it(`${kind}: contributions sum to p(x) - p(expected) on every row`, () => {
      const ens = randomEnsemble(7, o);
      const x = randomRows(107, 80, o);
      const shap = treeShap(ens, x);
      const raw = predictRaw(ens, x);
      const prob = toProbabilityScale(shap.values, shap.expectedValue, raw, ens.link);
      const p = applyLink(ens.link, Float64Array.from(raw), o.nOutputs);
      const base = applyLink(ens.link, Float64Array.from(shap.expectedValue), o.nOutputs);
      expect(maxAbsDiff(prob.expectedValue, base)).toBeLessThan(1e-15);
      expect(maxAbsDiff(reconstruct(prob.values, prob.expectedValue, 80, o.nFeatures), p)).toBeLessThan(
        1e-12,
      );
      if (kind === 'identity') expect(Array.from(prob.values)).toEqual(Array.from(shap.values));
    });
  }

  it('logistic: the proportional rule, signs kept', () => {
    const o = KINDS.logistic!;
    const ens = randomEnsemble(8, o);
    const x = randomRows(108, 40, o);
    const shap = treeShap(ens, x);
    const raw = predictRaw(ens, x);
    const prob = toProbabilityScale(shap.values, shap.expectedValue, raw, 'logistic');
    const sig = (z: number): number => 1 / (1 + Math.exp(-z));
    const e = shap.expectedValue[0]!;
    for (let r = 0; r < 40; r++) {
      const ratio = (sig(raw[r]!) - sig(e)) / (raw[r]! - e);
      for (let f = 0; f < o.nFeatures; f++) {
        const i = r * o.nFeatures + f;
        expect(prob.values[i]).toBeCloseTo(shap.values[i]! * ratio, 12);
        expect(Math.sign(prob.values[i]!)).toBe(Math.sign(shap.values[i]!));
      }
    }
    // raw = expected: the slope at the expected value, and far from it no overflow
    const at = toProbabilityScale(Float64Array.of(1, -1), Float64Array.of(0), Float64Array.of(0), 'logistic');
    expect(Array.from(at.values)).toEqual([0.25, -0.25]);
    const far = toProbabilityScale(
      Float64Array.of(-800, 100),
      Float64Array.of(0),
      Float64Array.of(-700),
      'logistic',
    );
    expect(far.values[0]! + far.values[1]!).toBeCloseTo(-0.5, 15);
    expect(Number.isFinite(far.values[0]!)).toBe(true);
  });

  it('softmax: each feature moves the class probabilities by a total of 0, and 2 classes agree with logistic', () => {
    const o = KINDS.softmax!;
    const ens = randomEnsemble(9, o);
    const x = randomRows(109, 50, o);
    const shap = treeShap(ens, x);
    const prob = toProbabilityScale(shap.values, shap.expectedValue, predictRaw(ens, x), 'softmax');
    for (let i = 0; i < prob.values.length; i += 3) {
      expect(Math.abs(prob.values[i]! + prob.values[i + 1]! + prob.values[i + 2]!)).toBeLessThan(1e-15);
    }
    // two classes: p1 = sigmoid(z1 - z0), so class 1's contributions are the logistic rule on phi1 - phi0
    const values = Float64Array.of(1.5, -0.5, -3, 2, 0.25, 0.25, 7, -4);
    const expected = Float64Array.of(0.2, -0.3);
    const raw = Float64Array.of(0.2 + 1.5 - 3 + 0.25 + 7, -0.3 - 0.5 + 2 + 0.25 - 4);
    const soft = toProbabilityScale(values, expected, raw, 'softmax');
    const diff = Float64Array.of(-2, 5, 0, -11);
    const logi = toProbabilityScale(
      diff,
      Float64Array.of(-0.5),
      Float64Array.of(raw[1]! - raw[0]!),
      'logistic',
    );
    for (let f = 0; f < 4; f++) {
      expect(Math.abs(soft.values[f * 2 + 1]! - logi.values[f]!)).toBeLessThan(1e-14);
      expect(Math.abs(soft.values[f * 2]! + logi.values[f]!)).toBeLessThan(1e-14);
    }
  });

  it('rejects shapes that do not fit', () => {
    expectMlError(
      () => toProbabilityScale(new Float64Array(7), Float64Array.of(0), new Float64Array(2), 'logistic'),
      'SHAPE_MISMATCH',
    );
    expectMlError(
      () => toProbabilityScale(new Float64Array(6), Float64Array.of(0, 0), new Float64Array(3), 'softmax'),
      'SHAPE_MISMATCH',
    );
  });
});

describe('meanAbsShap, rowContributions, topReasons', () => {
  it('mean |SHAP| per feature and output, totals and order', () => {
    // 2 rows x 3 features x 2 outputs
    const v = Float64Array.of(1, -2, 0, 0, -3, 1, /* row 1 */ -1, 0, 0.5, 0, 1, -1);
    const s = meanAbsShap(v, 3, 2);
    expect(Array.from(s.meanAbs)).toEqual([1, 1, 0.25, 0, 2, 1]);
    expect(Array.from(s.total)).toEqual([2, 0.25, 3]);
    expect(Array.from(s.order)).toEqual([2, 0, 1]);
    expect(Array.from(rowContributions(v, 3, 2, 1, 1))).toEqual([0, 0, -1]);
    expect(Array.from(rowContributions(v, 3, 2, 0, 0))).toEqual([1, 0, -3]);
    expectMlError(() => meanAbsShap(v, 5, 1), 'SHAPE_MISMATCH');
    expectMlError(() => meanAbsShap(new Float64Array(0), 3), 'EMPTY_INPUT');
    expectMlError(() => rowContributions(v, 3, 2, 2, 0), 'BAD_OPTION');
  });

  it('on a real ensemble: one number per feature and output, the mean of |values| over rows', () => {
    const o = KINDS.softmax!;
    const ens = randomEnsemble(3, o);
    const x = randomRows(103, 30, o);
    const shap = treeShap(ens, x);
    const s = meanAbsShap(shap.values, shap.nFeatures, shap.nOutputs);
    expect(s.meanAbs.length).toBe(o.nFeatures * o.nOutputs);
    for (let f = 0; f < o.nFeatures; f++) {
      for (let k = 0; k < o.nOutputs; k++) {
        let m = 0;
        for (let r = 0; r < 30; r++) m += Math.abs(shap.values[(r * o.nFeatures + f) * o.nOutputs + k]!);
        expect(s.meanAbs[f * o.nOutputs + k]).toBeCloseTo(m / 30, 14);
      }
    }
  });

  it('topReasons: up (default), down, magnitude; zeros never; ties by index; the row value', () => {
    const c = Float64Array.of(0.1, -0.4, 0, 0.3, 0.1, -0.05);
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const row = Float64Array.of(10, 11, 12, 13, 14, 15);
    expect(topReasons(c, names, 2, { row })).toEqual([
      { feature: 3, name: 'd', contribution: 0.3, value: 13 },
      { feature: 0, name: 'a', contribution: 0.1, value: 10 },
    ]);
    expect(topReasons(c, names, 10).map((r) => r.name)).toEqual(['d', 'a', 'e']);
    expect(topReasons(c, names, 10, { direction: 'down' }).map((r) => r.name)).toEqual(['b', 'f']);
    expect(topReasons(c, names, 3, { direction: 'magnitude' }).map((r) => r.name)).toEqual(['b', 'd', 'a']);
    expect(Number.isNaN(topReasons(c, names, 1)[0]!.value)).toBe(true);
    expectMlError(() => topReasons(c, names.slice(1), 2), 'SHAPE_MISMATCH');
    expectMlError(() => topReasons(c, names, -1), 'BAD_OPTION');
  });
});

describe('treeShap on our own GradientBoosting models', () => {
  // 6 features: 0 categorical (codes 0..7), 1..5 numeric; ~10% missing
  const rng = new Rng(11);
  const n = 600;
  const data = new Float64Array(n * 6);
  const yBin = new Int32Array(n);
  const yMulti = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < 6; f++) data[i * 6 + f] = f === 0 ? rng.int(8) : rng.normal();
    const v = (f: number): number => data[i * 6 + f]!;
    const z = v(1) - 0.8 * v(2) + (v(0) % 3 === 0 ? 1.2 : -0.4) + 0.5 * v(3) * v(4);
    yBin[i] = rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    yMulti[i] = z > 0.7 ? 2 : z > -0.5 ? 1 : 0;
    for (let f = 0; f < 6; f++) if (rng.next() < 0.1) data[i * 6 + f] = Number.NaN;
  }
  const x: Matrix = { data, rows: n, cols: 6 };
  const probe: Matrix = { data: data.subarray(0, 40 * 6), rows: 40, cols: 6 };
  for (const [objective, y] of [
    ['binary', yBin],
    ['multiclass', yMulti],
  ] as const) {
    it(`${objective}: brute-force Shapley values, and values + expected = the model's raw output`, () => {
      const model = new GradientBoosting({
        objective,
        nEstimators: 8,
        maxLeaves: 8,
        minSamplesLeaf: 5,
        categorical: [0],
        seed: 3,
      }).fit(x, y);
      const ens = model.ensemble!;
      expect(ens.trees.some((t) => t.catLength.some((c) => c > 0))).toBe(true);
      const shap = treeShap(ens, probe);
      expect(maxAbsDiff(shap.values, bruteForceShapley(ens, probe).values)).toBeLessThan(1e-9);
      const all = treeShap(ens, x);
      expect(maxAbsDiff(reconstruct(all.values, all.expectedValue, n, 6), model.predictRaw(x))).toBeLessThan(
        1e-9,
      );
      const prob = toProbabilityScale(all.values, all.expectedValue, model.predictRaw(x), ens.link);
      const p = applyLink(ens.link, model.predictRaw(x), ens.nOutputs);
      expect(maxAbsDiff(reconstruct(prob.values, prob.expectedValue, n, 6), p)).toBeLessThan(1e-12);
    });
  }
});

// ---- XGBoost 1.7 fixture (gen_xgb_shap.py): its dump converted to our format ----

interface XgbNode {
  nodeid: number;
  split?: string;
  split_condition?: number | number[];
  yes?: number;
  no?: number;
  missing?: number;
  leaf?: number;
  cover: number;
  children?: XgbNode[];
}

interface XgbModel {
  objective: string;
  n_outputs: number;
  base_margin: number[];
  trees: XgbNode[];
  margin: number[];
  contribs: number[];
}

interface XgbFixture {
  n_rows: number;
  n_features: number;
  x: (number | null)[][];
  binary: XgbModel;
  multiclass: XgbModel;
}

/** The largest double below v: XGBoost's `x < t` is our `x <= nextDown(t)` for every double x. */
function nextDown(v: number): number {
  if (v === 0) return -Number.MIN_VALUE;
  const d = Float64Array.of(v);
  const bits = new BigInt64Array(d.buffer);
  bits[0] = bits[0]! + (v > 0 ? -1n : 1n);
  return d[0]!;
}

/**
 * One XGBoost JSON dump tree as a DecisionTree. Numbers are float32 printed with 9 digits, read
 * back exactly with Math.fround. Numeric: "yes" when x < split_condition, so left = yes with
 * threshold nextDown(t). Categorical (a list of categories): "yes" when the category is in the
 * list, so left = yes with the list as the bitset. Missing goes to the "missing" child.
 */
function fromXgbTree(root: XgbNode): DecisionTree {
  const nodes: XgbNode[] = [];
  const index = new Map<number, number>();
  const visit = (n: XgbNode): void => {
    index.set(n.nodeid, nodes.length);
    nodes.push(n);
    for (const c of n.children ?? []) visit(c);
  };
  visit(root);
  const m = nodes.length;
  const t: DecisionTree = {
    nodeCount: m,
    feature: new Int32Array(m).fill(-1),
    threshold: new Float64Array(m),
    left: new Int32Array(m).fill(-1),
    right: new Int32Array(m).fill(-1),
    missingLeft: new Uint8Array(m),
    catStart: new Int32Array(m),
    catLength: new Int32Array(m),
    catBits: new Uint32Array(0),
    value: new Float64Array(m),
    cover: new Float64Array(m),
  };
  const bits: number[] = [];
  nodes.forEach((n, i) => {
    t.cover[i] = Math.fround(n.cover);
    if (n.leaf !== undefined) {
      t.value[i] = Math.fround(n.leaf);
      return;
    }
    t.feature[i] = Number(n.split!.slice(1));
    t.left[i] = index.get(n.yes!)!;
    t.right[i] = index.get(n.no!)!;
    t.missingLeft[i] = n.missing === n.yes ? 1 : 0;
    const cond = n.split_condition!;
    if (Array.isArray(cond)) {
      const words = Math.floor(Math.max(...cond) / 32) + 1;
      t.catStart[i] = bits.length;
      t.catLength[i] = words;
      const start = bits.length;
      for (let w = 0; w < words; w++) bits.push(0);
      for (const c of cond) bits[start + (c >>> 5)] = (bits[start + (c >>> 5)]! | (1 << (c & 31))) >>> 0;
    } else {
      t.threshold[i] = nextDown(Math.fround(cond));
    }
  });
  t.catBits = Uint32Array.from(bits);
  // internal nodes: the cover-weighted mean of their children (XGBoost's dump has no value there)
  for (let i = m - 1; i >= 0; i--) {
    if (t.feature[i]! < 0) continue;
    const l = t.left[i]!;
    const r = t.right[i]!;
    t.value[i] = (t.cover[l]! * t.value[l]! + t.cover[r]! * t.value[r]!) / (t.cover[l]! + t.cover[r]!);
  }
  return t;
}

describe('treeShap against XGBoost 1.7 pred_contribs (fixture)', () => {
  const fx = JSON.parse(
    readFileSync(join(import.meta.dirname, 'fixtures', 'xgb_shap.json'), 'utf8'),
  ) as XgbFixture;
  const nF = fx.n_features;
  const x: Matrix = {
    data: Float64Array.from(fx.x.flat(), (v) => (v === null ? Number.NaN : v)),
    rows: fx.n_rows,
    cols: nF,
  };

  for (const name of ['binary', 'multiclass'] as const) {
    it(`${name}: same margins, same SHAP values and bias to 1e-6`, () => {
      const m = fx[name];
      const nO = m.n_outputs;
      const ens: TreeEnsemble = {
        nFeatures: nF,
        nOutputs: nO,
        trees: m.trees.map(fromXgbTree),
        treeOutput: Int32Array.from(m.trees, (_, t) => t % nO),
        baseScore: Float64Array.from(m.base_margin, (v) => Math.fround(v)),
        link: nO === 1 ? 'logistic' : 'softmax',
      };
      expect(m.trees.some((t) => JSON.stringify(t).includes('"split_condition":['))).toBe(true);
      expect(maxAbsDiff(predictRaw(ens, x), m.margin)).toBeLessThan(1e-6);
      const shap = treeShap(ens, x);
      // XGBoost: rows x outputs x (features + 1), bias last; ours rows x features x outputs
      const theirs = new Float64Array(x.rows * nF * nO);
      const bias = new Float64Array(x.rows * nO);
      for (let r = 0; r < x.rows; r++) {
        for (let k = 0; k < nO; k++) {
          const o = (r * nO + k) * (nF + 1);
          for (let f = 0; f < nF; f++) theirs[(r * nF + f) * nO + k] = m.contribs[o + f]!;
          bias[r * nO + k] = m.contribs[o + nF]!;
        }
      }
      expect(maxAbsDiff(shap.values, theirs)).toBeLessThan(1e-6);
      for (let r = 0; r < x.rows; r++) {
        for (let k = 0; k < nO; k++)
          expect(Math.abs(shap.expectedValue[k]! - bias[r * nO + k]!)).toBeLessThan(1e-6);
      }
    });
  }
});
