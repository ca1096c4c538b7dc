import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromRows, matrix, takeRows } from '../src/matrix.ts';
import { Rng } from '../src/random.ts';
import {
  RandomForestRegressor,
  type RandomForestRegressorJSON,
  type RandomForestRegressorOptions,
} from '../src/trees/randomForestRegressor.ts';
import { applyTree, buildRegressionTree } from '../src/trees/regressionTree.ts';
import { expectMlError } from './helpers.ts';

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/random_forest.json', import.meta.url), 'utf8'),
) as {
  rows: number;
  cols: number;
  nTrain: number;
  x: number[];
  y: number[];
  configs: { name: string; options: RandomForestRegressorOptions; r2: number }[];
  singleTreeR2: number;
};
const p = fixture.cols;
const nTrain = fixture.nTrain;
const xTrain = matrix(nTrain, p, Float64Array.from(fixture.x.slice(0, nTrain * p)));
const xTest = matrix(fixture.rows - nTrain, p, Float64Array.from(fixture.x.slice(nTrain * p)));
const yTrain = Float64Array.from(fixture.y.slice(0, nTrain));
const yTest = Float64Array.from(fixture.y.slice(nTrain));

function r2(y: Float64Array, f: Float64Array): number {
  let mean = 0;
  for (const v of y) mean += v / y.length;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < y.length; i++) {
    res += (y[i] - f[i]) ** 2;
    tot += (y[i] - mean) ** 2;
  }
  return 1 - res / tot;
}

describe('RandomForestRegressor against scikit-learn RandomForestRegressor(random_state=0)', () => {
  // make_friedman1 (noise 1), 600 train / 200 test; a single sklearn tree scores far lower.
  for (const c of fixture.configs) {
    it(`${c.name}: held-out R^2 within 0.03 of scikit-learn (${c.r2.toFixed(3)})`, () => {
      const forest = new RandomForestRegressor({ ...c.options, seed: 0 }).fit(xTrain, yTrain);
      const got = r2(yTest, forest.predict(xTest));
      expect(Math.abs(got - c.r2)).toBeLessThan(0.03);
      expect(got).toBeGreaterThan(fixture.singleTreeR2 + 0.15);
    });
  }
});

describe('RandomForestRegressor properties', () => {
  const small = { nEstimators: 20, seed: 3 };

  it('is deterministic for a seed and changes with it', () => {
    const a = new RandomForestRegressor(small).fit(xTrain, yTrain).predict(xTest);
    const b = new RandomForestRegressor(small).fit(xTrain, yTrain).predict(xTest);
    const c = new RandomForestRegressor({ ...small, seed: 4 }).fit(xTrain, yTrain).predict(xTest);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('apply() gives n x nEstimators leaf ids whose mean leaf value is predict()', () => {
    const forest = new RandomForestRegressor(small).fit(xTrain, yTrain);
    const leaves = forest.apply(xTest);
    const pred = forest.predict(xTest);
    expect(leaves.length).toBe(xTest.rows * 20);
    for (let i = 0; i < xTest.rows; i++) {
      let s = 0;
      for (let t = 0; t < 20; t++) {
        const tree = forest.trees[t];
        const leaf = leaves[i * 20 + t];
        expect(tree.feature[leaf]).toBe(-1);
        s += tree.value[leaf];
      }
      expect(s / 20).toBeCloseTo(pred[i], 12);
    }
  });

  it('without bootstrap and with all features, every tree fits the training data exactly', () => {
    const forest = new RandomForestRegressor({ nEstimators: 3, bootstrap: false }).fit(xTrain, yTrain);
    const fitted = forest.predict(xTrain);
    for (let i = 0; i < nTrain; i++) expect(fitted[i]).toBeCloseTo(yTrain[i], 12);
  });

  it('respects maxDepth and minSamplesLeaf', () => {
    const forest = new RandomForestRegressor({ nEstimators: 5, maxDepth: 3, minSamplesLeaf: 20 }).fit(
      xTrain,
      yTrain,
    );
    for (const tree of forest.trees) {
      const depth = new Int32Array(tree.nodeCount);
      for (let node = 0; node < tree.nodeCount; node++) {
        if (tree.feature[node] < 0) {
          expect(tree.nSamples[node]).toBeGreaterThanOrEqual(20);
          continue;
        }
        depth[tree.left[node]] = depth[node] + 1;
        depth[tree.right[node]] = depth[node] + 1;
      }
      expect(Math.max(...depth)).toBeLessThanOrEqual(3);
    }
  });

  it('a single tree finds the best split on a step function', () => {
    const x = fromRows([[1], [2], [3], [4], [5], [6]]);
    const y = Float64Array.of(0, 0, 0, 10, 10, 10);
    const tree = buildRegressionTree(
      x,
      y,
      Int32Array.of(0, 1, 2, 3, 4, 5),
      null,
      { maxDepth: Number.POSITIVE_INFINITY, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: 1 },
      new Rng(0),
    );
    expect(tree.nodeCount).toBe(3);
    expect(tree.feature[0]).toBe(0);
    expect(tree.threshold[0]).toBe(3.5);
    expect(tree.value[applyTree(tree, x.data, 0)]).toBe(0);
    expect(tree.value[applyTree(tree, x.data, 5)]).toBe(10);
  });

  it('bootstrap weights count repeated rows (weighted mean in the leaves)', () => {
    const x = fromRows([[0], [0], [1]]);
    const y = Float64Array.of(1, 4, 7);
    const tree = buildRegressionTree(
      x,
      y,
      Int32Array.of(0, 1, 2),
      Float64Array.of(2, 1, 1),
      { maxDepth: 0, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: 1 },
      new Rng(0),
    );
    expect(tree.value[0]).toBeCloseTo((2 * 1 + 4 + 7) / 4, 14);
  });

  it('shuffling the training rows keeps the quality (bootstrap order changes, not the model class)', () => {
    const perm = new Rng(1).shuffle(Int32Array.from({ length: nTrain }, (_, i) => i));
    const xs = takeRows(xTrain, perm);
    const ys = Float64Array.from(perm, (i) => yTrain[i]);
    const a = r2(yTest, new RandomForestRegressor({ nEstimators: 30 }).fit(xTrain, yTrain).predict(xTest));
    const b = r2(yTest, new RandomForestRegressor({ nEstimators: 30 }).fit(xs, ys).predict(xTest));
    expect(Math.abs(a - b)).toBeLessThan(0.03);
  });

  it('round-trips through JSON', () => {
    const forest = new RandomForestRegressor({ ...small, maxFeatures: 'sqrt' }).fit(xTrain, yTrain);
    const json = JSON.parse(JSON.stringify(forest.toJSON())) as RandomForestRegressorJSON;
    expect(json.version).toBe(1);
    const back = RandomForestRegressor.fromJSON(json);
    expect(back.predict(xTest)).toEqual(forest.predict(xTest));
    expect(back.apply(xTest)).toEqual(forest.apply(xTest));
    expectMlError(
      () => RandomForestRegressor.fromJSON({ ...json, version: 2 } as unknown as RandomForestRegressorJSON),
      'BAD_OPTION',
    );
  });

  it('handles one row, constant columns, constant targets and duplicate rows', () => {
    const one = new RandomForestRegressor({ nEstimators: 3 }).fit(fromRows([[1, 2]]), Float64Array.of(5));
    expect(
      Array.from(
        one.predict(
          fromRows([
            [0, 0],
            [9, 9],
          ]),
        ),
      ),
    ).toEqual([5, 5]);
    const constCol = fromRows([
      [1, 0],
      [1, 1],
      [1, 2],
      [1, 3],
    ]);
    const f = new RandomForestRegressor({ nEstimators: 5, bootstrap: false }).fit(
      constCol,
      Float64Array.of(0, 1, 2, 3),
    );
    for (const tree of f.trees) for (let k = 0; k < tree.nodeCount; k++) expect(tree.feature[k]).not.toBe(0);
    const flat = new RandomForestRegressor({ nEstimators: 3 }).fit(xTrain, new Float64Array(nTrain).fill(2));
    for (const tree of flat.trees) expect(tree.nodeCount).toBe(1);
    const dup = fromRows([[1], [1], [1], [2]]);
    const d = new RandomForestRegressor({ nEstimators: 3, bootstrap: false }).fit(
      dup,
      Float64Array.of(1, 2, 3, 10),
    );
    expect(Array.from(d.predict(fromRows([[1], [2]])))).toEqual([2, 10]);
  });

  it('rejects bad input and options with MlError', () => {
    expectMlError(() => new RandomForestRegressor().fit(matrix(0, 2), new Float64Array(0)), 'EMPTY_INPUT');
    expectMlError(() => new RandomForestRegressor().fit(xTrain, yTrain.subarray(1)), 'SHAPE_MISMATCH');
    const bad = Float64Array.from(yTrain);
    bad[7] = Number.NaN;
    expectMlError(() => new RandomForestRegressor().fit(xTrain, bad), 'NON_FINITE');
    expectMlError(
      () =>
        new RandomForestRegressor().fit(fromRows([[1], [Number.POSITIVE_INFINITY]]), Float64Array.of(1, 2)),
      'NON_FINITE',
    );
    expectMlError(() => new RandomForestRegressor().predict(xTest), 'NOT_FITTED');
    const f = new RandomForestRegressor({ nEstimators: 2 }).fit(xTrain, yTrain);
    expectMlError(() => f.predict(fromRows([[1, 2]])), 'SHAPE_MISMATCH');
    expectMlError(() => new RandomForestRegressor({ nEstimators: 0 }), 'BAD_OPTION');
    expectMlError(() => new RandomForestRegressor({ maxDepth: -1 }), 'BAD_OPTION');
    expectMlError(() => new RandomForestRegressor({ minSamplesLeaf: 0 }), 'BAD_OPTION');
    expectMlError(() => new RandomForestRegressor({ maxFeatures: 2.5 }), 'BAD_OPTION');
    expectMlError(() => new RandomForestRegressor({ maxFeatures: 20 }).fit(xTrain, yTrain), 'BAD_OPTION');
  });

  it('reports progress per tree', () => {
    const seen: number[] = [];
    new RandomForestRegressor({ nEstimators: 4, onProgress: (d, t) => seen.push(d / t) }).fit(xTrain, yTrain);
    expect(seen).toEqual([0.25, 0.5, 0.75, 1]);
  });
});
