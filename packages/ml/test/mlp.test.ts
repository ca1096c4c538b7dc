import { describe, expect, it } from 'vitest';
import { logLossOfScore } from '../src/linear/binaryTarget.ts';
import { LogisticRegression } from '../src/linear/logisticRegression.ts';
import { type Matrix, matrix } from '../src/matrix.ts';
import {
  type MlpActivation,
  MlpClassifier,
  type MlpEpochReport,
  type MlpOptions,
  mlpObjective,
  mlpParamCount,
} from '../src/neural/mlp.ts';
import { Rng } from '../src/random.ts';
import { expectMlError } from './helpers.ts';
import { accuracy, circles, type ToySet, twoMoons, xorData } from './toyData.ts';

/** Mean log-loss of the model on (x, y), summed in row order as the training code does. */
function meanLogLoss(net: MlpClassifier, x: Matrix, y: ArrayLike<number>): number {
  const z = net.decisionFunction(x);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += logLossOfScore(y[i]!, z[i]!);
  return s / y.length;
}

/** XOR data with a share of labels flipped: a small sample of it is easy to overfit. */
function noisyXor(n: number, seed: number, flip = 0.25): ToySet {
  const d = xorData(n, seed);
  const rng = new Rng(seed + 1000);
  for (let i = 0; i < n; i++) if (rng.next() < flip) d.y[i] = 1 - d.y[i]!;
  return d;
}

describe('MlpClassifier learns non-linear toy problems that logistic regression cannot', () => {
  // Defaults (10 ReLU units, Adam 1e-3, batches of 32, 16 epochs) on 4,000 rows; held-out rows
  // from another seed.
  const defaults: [string, (n: number, seed: number) => ToySet][] = [
    ['XOR', xorData],
    ['concentric circles', circles],
  ];
  for (const [name, gen] of defaults) {
    it(`${name}, default options: held-out accuracy > 0.95 where logistic regression is near 0.5`, () => {
      const train = gen(4000, 1);
      const test = gen(1000, 2);
      const lr = new LogisticRegression().fit(train.x, train.y);
      expect(accuracy(lr.predictProba(test.x), test.y)).toBeLessThan(0.6);
      for (const seed of [0, 1, 2]) {
        const net = new MlpClassifier({ seed }).fit(train.x, train.y);
        expect(accuracy(net.predictProba(test.x), test.y)).toBeGreaterThan(0.95);
      }
    });
  }

  const all: [string, (n: number, seed: number) => ToySet][] = [...defaults, ['two moons', twoMoons]];
  for (const activation of ['relu', 'tanh'] as MlpActivation[]) {
    for (const [name, gen] of all) {
      it(`${name}, ${activation}, learningRate 0.01, 40 epochs: held-out accuracy > 0.97`, () => {
        const train = gen(2000, 3);
        const test = gen(1000, 4);
        for (const seed of [0, 1]) {
          const net = new MlpClassifier({ activation, learningRate: 0.01, epochs: 40, seed }).fit(
            train.x,
            train.y,
          );
          expect(accuracy(net.predictProba(test.x), test.y)).toBeGreaterThan(0.97);
        }
      });
    }
  }

  it('two moons are nearly linear: logistic regression reaches 0.8 to 0.9 (the MLP above, > 0.97)', () => {
    const train = twoMoons(2000, 3);
    const test = twoMoons(1000, 4);
    const lr = accuracy(new LogisticRegression().fit(train.x, train.y).predictProba(test.x), test.y);
    expect(lr).toBeGreaterThan(0.8);
    expect(lr).toBeLessThan(0.9);
  });
});

describe('MlpClassifier: determinism, early stopping, JSON', () => {
  const train = xorData(600, 5);
  const valid = xorData(300, 6);

  it('the same seed gives bit-identical weights and history; another seed does not', () => {
    const opts: MlpOptions = { seed: 7, epochs: 5, l2: 1e-3 };
    const a = new MlpClassifier(opts).fit(train.x, train.y, { validation: valid });
    const b = new MlpClassifier(opts).fit(train.x, train.y, { validation: valid });
    const c = new MlpClassifier({ ...opts, seed: 8 }).fit(train.x, train.y, { validation: valid });
    expect(b.params).toEqual(a.params);
    expect(b.history).toEqual(a.history);
    expect(c.params).not.toEqual(a.params);
    expect(a.params.length).toBe(mlpParamCount(a.shape));
    expect(a.params.length).toBe(10 * 2 + 2 * 10 + 1);
  });

  it('early stopping stops after `patience` epochs without improvement and restores the best weights', () => {
    // 150 noisy rows, 64 units, a high rate: the validation loss turns up within a few epochs.
    const tr = noisyXor(150, 1);
    const va = noisyXor(500, 2);
    const opts: MlpOptions = { hiddenUnits: 64, learningRate: 0.01, epochs: 400, patience: 10, seed: 0 };
    const net = new MlpClassifier(opts).fit(tr.x, tr.y, { validation: va });
    const h = net.history;
    expect(net.stoppedEarly).toBe(true);
    expect(h.trainLoss.length).toBeLessThan(400);
    expect(h.validationLoss.length).toBe(h.trainLoss.length);
    expect(h.trainLoss.length).toBe(net.bestEpoch + 10);
    const best = Math.min(...h.validationLoss);
    expect(h.validationLoss[net.bestEpoch - 1]).toBe(best);
    // The model holds the best epoch's weights: its validation loss is that epoch's.
    expect(meanLogLoss(net, va.x, va.y)).toBeCloseTo(best, 12);
    // ...which are exactly the weights of a run stopped at that epoch (validation uses no randomness).
    const shorter = new MlpClassifier({ ...opts, epochs: net.bestEpoch }).fit(tr.x, tr.y);
    expect(shorter.params).toEqual(net.params);

    const kept = new MlpClassifier({ ...opts, restoreBestWeights: false }).fit(tr.x, tr.y, {
      validation: va,
    });
    expect(kept.history).toEqual(h);
    expect(kept.bestEpoch).toBe(h.trainLoss.length);
    expect(meanLogLoss(kept, va.x, va.y)).toBeCloseTo(h.validationLoss.at(-1)!, 12);
    expect(meanLogLoss(kept, va.x, va.y)).toBeGreaterThan(best);
  });

  it('without a validation set it runs every epoch and reports no validation loss', () => {
    const reports: [number, number, MlpEpochReport][] = [];
    const net = new MlpClassifier({ epochs: 6, onProgress: (d, t, r) => reports.push([d, t, r]) }).fit(
      train.x,
      train.y,
    );
    expect(net.history.trainLoss.length).toBe(6);
    expect(net.history.validationLoss).toEqual([]);
    expect(net.stoppedEarly).toBe(false);
    expect(net.bestEpoch).toBe(6);
    expect(reports.map((r) => [r[0], r[1]])).toEqual([1, 2, 3, 4, 5, 6].map((e) => [e, 6]));
    expect(reports.map((r) => r[2].trainLoss)).toEqual(net.history.trainLoss);
    expect(reports.every((r) => Number.isNaN(r[2].validationLoss))).toBe(true);
    // The loss goes down over the run.
    expect(net.history.trainLoss[5]!).toBeLessThan(net.history.trainLoss[0]!);
  });

  it('JSON round trip gives identical predictions', () => {
    const net = new MlpClassifier({
      activation: 'tanh',
      hiddenUnits: 7,
      epochs: 4,
      classWeight: [1, 2],
      seed: 3,
    }).fit(train.x, train.y, { validation: valid });
    const saved = JSON.parse(JSON.stringify(net.toJSON()));
    expect(saved).toMatchObject({ version: 1, kind: 'mlp', nFeatures: 2 });
    expect(saved.w1).toHaveLength(14);
    const again = MlpClassifier.fromJSON(saved);
    expect(again.predictProba(valid.x)).toEqual(net.predictProba(valid.x));
    expect(again.params).toEqual(net.params);
    expect(again.toJSON()).toEqual(net.toJSON());
    expectMlError(() => MlpClassifier.fromJSON({ ...saved, version: 2 }), 'BAD_OPTION');
    expectMlError(() => MlpClassifier.fromJSON({ ...saved, kind: 'logistic' }), 'BAD_OPTION');
    expectMlError(() => MlpClassifier.fromJSON({ ...saved, w2: [1, 2] }), 'SHAPE_MISMATCH');
  });

  it('class weights act as sample weights; balanced weights raise the rare class', () => {
    const rng = new Rng(9);
    const n = 800;
    const x = matrix(
      n,
      2,
      Float64Array.from({ length: 2 * n }, () => rng.normal()),
    );
    const y = Int32Array.from({ length: n }, (_, i) => (x.data[2 * i]! + 0.5 * rng.normal() > 1.3 ? 1 : 0));
    const a = new MlpClassifier({ classWeight: [1, 3], epochs: 3 }).fit(x, y);
    const b = new MlpClassifier({ epochs: 3 }).fit(x, y, {
      sampleWeight: Float64Array.from(y, (v) => (v ? 3 : 1)),
    });
    expect(b.params).toEqual(a.params);
    const mean = (p: Float64Array): number => p.reduce((s, v) => s + v, 0) / p.length;
    const plain = new MlpClassifier({ epochs: 20 }).fit(x, y);
    const balanced = new MlpClassifier({ epochs: 20, classWeight: 'balanced' }).fit(x, y);
    expect(mean(balanced.predictProba(x))).toBeGreaterThan(mean(plain.predictProba(x)) + 0.1);
  });

  it('L2 weight decay shrinks the weights', () => {
    const norm = (net: MlpClassifier): number => Math.hypot(...net.params);
    const free = new MlpClassifier({ learningRate: 0.01, epochs: 30 }).fit(train.x, train.y);
    const decayed = new MlpClassifier({ learningRate: 0.01, epochs: 30, l2: 0.05 }).fit(train.x, train.y);
    expect(norm(decayed)).toBeLessThan(0.8 * norm(free));
  });
});

describe('MlpClassifier gradient', () => {
  for (const activation of ['tanh', 'relu'] as MlpActivation[]) {
    it(`${activation}: analytic gradient matches central differences to 1e-6 relative`, () => {
      const rng = new Rng(3);
      const shape = { nFeatures: 3, hiddenUnits: 4, activation };
      const n = 9;
      const x = matrix(
        n,
        3,
        Float64Array.from({ length: 3 * n }, () => rng.normal()),
      );
      const y = Float64Array.from({ length: n }, (_, i) => i % 2);
      const w = Float64Array.from({ length: n }, () => rng.uniform(0.5, 2));
      const params = Float64Array.from({ length: mlpParamCount(shape) }, () => rng.normal());
      const grad = new Float64Array(params.length);
      const l2 = 0.1;
      mlpObjective(shape, params, x, y, w, l2, grad);
      const eps = 1e-5;
      for (let j = 0; j < params.length; j++) {
        const up = params.slice();
        up[j] += eps;
        const down = params.slice();
        down[j] -= eps;
        const fd =
          (mlpObjective(shape, up, x, y, w, l2) - mlpObjective(shape, down, x, y, w, l2)) / (2 * eps);
        const rel = Math.abs(fd - grad[j]!) / Math.max(Math.abs(fd), Math.abs(grad[j]!), 1e-3);
        expect(rel, `parameter ${j}`).toBeLessThan(1e-6);
      }
    });
  }
});

describe('MlpClassifier errors', () => {
  const d = xorData(100, 1);

  it('rejects NaN in x, labels other than 0/1, mismatched shapes, one class', () => {
    const bad = d.x.data.slice();
    bad[3] = Number.NaN;
    expectMlError(() => new MlpClassifier().fit(matrix(100, 2, bad), d.y), 'NON_FINITE');
    const y2 = Float64Array.from(d.y);
    y2[0] = -1;
    expectMlError(() => new MlpClassifier().fit(d.x, y2), 'BAD_OPTION');
    y2[0] = 0.5;
    expectMlError(() => new MlpClassifier().fit(d.x, y2), 'BAD_OPTION');
    y2[0] = Number.NaN;
    expectMlError(() => new MlpClassifier().fit(d.x, y2), 'NON_FINITE');
    expectMlError(() => new MlpClassifier().fit(d.x, d.y.subarray(2)), 'SHAPE_MISMATCH');
    expectMlError(() => new MlpClassifier().fit(d.x, new Int32Array(100).fill(1)), 'BAD_OPTION');
    expectMlError(() => new MlpClassifier().fit(matrix(0, 2), []), 'EMPTY_INPUT');
    expectMlError(
      () => new MlpClassifier().fit(d.x, d.y, { validation: { x: matrix(3, 5), y: [0, 1, 0] } }),
      'SHAPE_MISMATCH',
    );
    expectMlError(
      () => new MlpClassifier().fit(d.x, d.y, { validation: { x: matrix(3, 2), y: [0, 1] } }),
      'SHAPE_MISMATCH',
    );
    expectMlError(
      () => new MlpClassifier().fit(d.x, d.y, { validation: { x: matrix(2, 2), y: [0, 3] } }),
      'BAD_OPTION',
    );
  });

  it('rejects bad options and use before fit or with other columns', () => {
    for (const o of [
      { hiddenUnits: 0 },
      { hiddenUnits: 2.5 },
      { batchSize: 0 },
      { epochs: 0 },
      { patience: 0 },
      { learningRate: 0 },
      { beta1: 1 },
      { beta2: -0.1 },
      { epsilon: 0 },
      { l2: -1 },
      { activation: 'sigmoid' as MlpActivation },
      { classWeight: [1] as unknown as [number, number] },
    ]) {
      expectMlError(() => new MlpClassifier(o), 'BAD_OPTION');
    }
    expectMlError(() => new MlpClassifier().predictProba(d.x), 'NOT_FITTED');
    expectMlError(() => new MlpClassifier().toJSON(), 'NOT_FITTED');
    const net = new MlpClassifier({ epochs: 1 }).fit(d.x, d.y);
    expectMlError(() => net.predictProba(matrix(1, 3)), 'SHAPE_MISMATCH');
    expectMlError(() => net.predictProba(matrix(1, 2, Float64Array.of(0, Number.NaN))), 'NON_FINITE');
  });
});
