import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { UMAP } from '../src/embed/umap.ts';
import { fromRows, matrix } from '../src/matrix.ts';
import { trustworthiness } from '../src/metrics/trustworthiness.ts';
import { Rng } from '../src/random.ts';
import { expectMlError, gaussianBlobs, knnAccuracy, toMatrix } from './helpers.ts';

// The UMAP estimator; its building blocks (kNN, fuzzy set, spectral init, a/b) are in umapGraph.test.ts.

interface Data {
  rows: number;
  cols: number;
  x: number[];
  labels: number[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/umap.json', import.meta.url), 'utf8')) as {
  blobs: Data;
  digits: Data;
  trustworthiness: { cols: number[]; nNeighbors: number; value: number }[];
  ab: { minDist: number; spread: number; a: number; b: number }[];
};
const blobs = toMatrix(fixture.blobs);
const digits = toMatrix(fixture.digits);

/**
 * umap-js 1.4 with default options (nNeighbors 15, minDist 0.1, 500 epochs), its `random` fed by
 * `new Rng(seed).next` for seeds 0, 1, 2: mean trustworthiness (metrics/trustworthiness.ts) of
 * its embeddings. Re-measure with UMAP_JS_COMPARE=1 (the last describe block; ~40 s).
 */
const UMAP_JS = {
  blobs: { t5: 0.9626, t15: 0.9634 },
  digits: { t5: 0.9916, t15: 0.9869 },
};
const MARGIN = 0.02;

describe('trustworthiness used for the quality checks', () => {
  it('matches sklearn.manifold.trustworthiness on the fixture blobs to 1e-9', () => {
    for (const c of fixture.trustworthiness) {
      const e = new Float64Array(blobs.rows * c.cols.length);
      for (let i = 0; i < blobs.rows; i++) {
        c.cols.forEach((col, t) => {
          e[i * c.cols.length + t] = blobs.data[i * blobs.cols + col];
        });
      }
      const got = trustworthiness(blobs, matrix(blobs.rows, c.cols.length, e), c.nNeighbors);
      expect(Math.abs(got - c.value)).toBeLessThan(1e-9);
    }
  });
});

describe('UMAP quality against umap-js 1.4 (trustworthiness)', () => {
  it('blobs 1,000 x 10: no worse than umap-js by more than 0.02', () => {
    const e = new UMAP({ seed: 0 }).fit(blobs).embedding;
    expect(e.rows).toBe(1000);
    expect(e.cols).toBe(2);
    expect(trustworthiness(blobs, e, 5)).toBeGreaterThan(UMAP_JS.blobs.t5 - MARGIN);
    expect(trustworthiness(blobs, e, 15)).toBeGreaterThan(UMAP_JS.blobs.t15 - MARGIN);
    expect(knnAccuracy(e, fixture.blobs.labels)).toBeGreaterThan(0.95);
  });

  it('digits 600 x 64: no worse than umap-js by more than 0.02, digits stay together', () => {
    const e = new UMAP({ seed: 1 }).fit(digits).embedding;
    expect(trustworthiness(digits, e, 5)).toBeGreaterThan(UMAP_JS.digits.t5 - MARGIN);
    expect(trustworthiness(digits, e, 15)).toBeGreaterThan(UMAP_JS.digits.t15 - MARGIN);
    expect(knnAccuracy(e, fixture.digits.labels)).toBeGreaterThan(0.9);
  });

  it('approximate kNN (NN-descent) gives the same quality as exact on digits', () => {
    const e = new UMAP({ seed: 1, knn: 'approximate', nEpochs: 150 }).fit(digits).embedding;
    expect(trustworthiness(digits, e, 5)).toBeGreaterThan(UMAP_JS.digits.t5 - MARGIN);
  });
});

describe('UMAP behaviour', () => {
  const small = gaussianBlobs(150, 5, 3, 7);

  it('is deterministic for a seed and changes with it', () => {
    const a = new UMAP({ seed: 4, nEpochs: 100 }).fit(small.x).embedding;
    const b = new UMAP({ seed: 4, nEpochs: 100 }).fit(small.x).embedding;
    const c = new UMAP({ seed: 5, nEpochs: 100 }).fit(small.x).embedding;
    expect(b.data).toEqual(a.data);
    expect(c.data).not.toEqual(a.data);
  });

  it('separates well-separated clusters from a random start too', () => {
    const e = new UMAP({ seed: 0, init: 'random', nEpochs: 200 }).fit(small.x).embedding;
    expect(knnAccuracy(e, small.labels)).toBe(1);
  });

  it('embeds into 3 dimensions', () => {
    const umap = new UMAP({ nComponents: 3, nEpochs: 100 });
    const e = umap.fit(small.x).embedding;
    expect([e.rows, e.cols]).toEqual([150, 3]);
    expect(knnAccuracy(e, small.labels)).toBe(1);
    expect(umap.a).toBeCloseTo(1.5769, 3);
    expect(umap.b).toBeCloseTo(0.8951, 3);
  });

  it('reports progress once per epoch', () => {
    const calls: number[][] = [];
    new UMAP({ nEpochs: 30, onProgress: (d, t) => calls.push([d, t]) }).fit(small.x).embedding;
    expect(calls.length).toBe(30);
    expect(calls[29]).toEqual([30, 30]);
  });

  it('embeds categorical codes under hamming', () => {
    const rng = new Rng(2);
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 120; i++) {
      const g = i % 3;
      labels.push(g);
      rows.push(Array.from({ length: 20 }, (_, j) => (rng.next() < 0.2 ? rng.int(50) + 100 : g * 20 + j)));
    }
    const e = new UMAP({ metric: 'hamming', nEpochs: 200, nNeighbors: 10 }).fit(fromRows(rows)).embedding;
    expect(knnAccuracy(e, labels)).toBe(1);
  });

  it('handles a constant column like its absence', () => {
    const withConst = new Float64Array(150 * 6);
    for (let i = 0; i < 150; i++) {
      for (let j = 0; j < 5; j++) withConst[i * 6 + j] = small.x.data[i * 5 + j];
      withConst[i * 6 + 5] = 3;
    }
    const a = new UMAP({ seed: 2, nEpochs: 50 }).fit(small.x).embedding;
    const b = new UMAP({ seed: 2, nEpochs: 50 }).fit(matrix(150, 6, withConst)).embedding;
    expect(b.data).toEqual(a.data);
  });

  it('survives duplicate rows, all-identical rows, one row and fewer rows than nNeighbors', () => {
    const dup = fromRows(Array.from({ length: 40 }, (_, i) => [i % 4, (i % 4) * 2]));
    const e1 = new UMAP({ nEpochs: 50 }).fit(dup).embedding;
    for (const v of e1.data) expect(Number.isFinite(v)).toBe(true);
    const same = fromRows(Array.from({ length: 20 }, () => [1, 2, 3]));
    for (const v of new UMAP({ nEpochs: 50 }).fit(same).embedding.data) expect(Number.isFinite(v)).toBe(true);
    const one = new UMAP().fit(fromRows([[1, 2]])).embedding;
    expect([one.rows, one.cols, ...one.data]).toEqual([1, 2, 0, 0]);
    const few = new UMAP({ nEpochs: 50 }).fit(
      fromRows([
        [0, 0],
        [0, 1],
        [5, 5],
        [5, 6],
        [10, 0],
      ]),
    ).embedding;
    expect(few.rows).toBe(5);
    for (const v of few.data) expect(Number.isFinite(v)).toBe(true);
  });

  it('rejects empty input, NaN and bad options with MlError', () => {
    expectMlError(() => new UMAP().fit(matrix(0, 3)), 'EMPTY_INPUT');
    expectMlError(
      () =>
        new UMAP().fit(
          fromRows([
            [1, 2],
            [Number.NaN, 1],
            [3, 4],
          ]),
        ),
      'NON_FINITE',
    );
    expectMlError(() => new UMAP({ nNeighbors: 1 }), 'BAD_OPTION');
    expectMlError(() => new UMAP({ nComponents: 0 }), 'BAD_OPTION');
    expectMlError(() => new UMAP({ minDist: 2, spread: 1 }), 'BAD_OPTION');
    expectMlError(() => new UMAP({ spread: 0 }), 'BAD_OPTION');
    expectMlError(() => new UMAP({ nEpochs: 0 }), 'BAD_OPTION');
    expectMlError(() => new UMAP({ learningRate: -1 }), 'BAD_OPTION');
    expectMlError(() => new UMAP({ metric: 'cosine' as 'euclidean' }), 'BAD_OPTION');
  });
});

describe.skipIf(!process.env.UMAP_JS_COMPARE)('umap-js 1.4 reference (UMAP_JS_COMPARE=1)', () => {
  const require = createRequire(import.meta.url);
  const { UMAP: UmapJs } = require('umap-js') as {
    UMAP: new (o: { random: () => number }) => { fit(x: number[][]): number[][] };
  };
  for (const [name, x] of [
    ['blobs', blobs],
    ['digits', digits],
  ] as const) {
    it(`${name}: recorded trustworthiness is umap-js's`, () => {
      let t5 = 0;
      let t15 = 0;
      for (const seed of [0, 1, 2]) {
        const rng = new Rng(seed);
        const rows = Array.from({ length: x.rows }, (_, i) =>
          Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols)),
        );
        const out = new UmapJs({ random: () => rng.next() }).fit(rows);
        const e = matrix(x.rows, 2, Float64Array.from(out.flat()));
        t5 += trustworthiness(x, e, 5) / 3;
        t15 += trustworthiness(x, e, 15) / 3;
      }
      expect(Math.abs(t5 - UMAP_JS[name].t5)).toBeLessThan(0.005);
      expect(Math.abs(t15 - UMAP_JS[name].t15)).toBeLessThan(0.005);
    });
  }
});
