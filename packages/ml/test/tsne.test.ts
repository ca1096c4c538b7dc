import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TSNE } from '../src/embed/tsne.ts';
import { fromRows, type Matrix, matrix, takeRows } from '../src/matrix.ts';
import { trustworthiness } from '../src/metrics/trustworthiness.ts';
import { Rng } from '../src/random.ts';
import { mlErrorCode, toMatrix } from './helpers.ts';

interface Data {
  rows: number;
  cols: number;
  x: number[];
}
interface TsneRef {
  klDivergence: number;
  trustworthiness5: number;
  trustworthiness10: number;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/embed.json', import.meta.url), 'utf8')) as {
  blobs: Data;
  digits: Data;
  tsne: Record<'blobs' | 'digits', TsneRef>;
};
function allFinite(m: Matrix): boolean {
  return m.data.every((v) => Number.isFinite(v));
}

describe('t-SNE against scikit-learn TSNE(init="pca", learning_rate="auto", random_state=0)', () => {
  for (const name of ['blobs', 'digits'] as const) {
    it(`${name} (500 rows): trustworthiness within 0.02 of scikit-learn's, similar KL`, () => {
      const x = toMatrix(fixture[name]);
      const ref = fixture.tsne[name];
      const tsne = new TSNE().fit(x);
      expect(tsne.embedding.rows).toBe(500);
      expect(tsne.embedding.cols).toBe(2);
      expect(tsne.learningRateUsed).toBe(50);
      expect(tsne.nIterRun).toBe(1000);
      expect(trustworthiness(x, tsne.embedding, 5)).toBeGreaterThan(ref.trustworthiness5 - 0.02);
      expect(trustworthiness(x, tsne.embedding, 10)).toBeGreaterThan(ref.trustworthiness10 - 0.02);
      // Same objective, same optimiser: the final KL lands within 10% of scikit-learn's.
      expect(Math.abs(tsne.klDivergence - ref.klDivergence) / ref.klDivergence).toBeLessThan(0.1);
    });
  }
});

describe('t-SNE properties', () => {
  const blobs = toMatrix(fixture.blobs);
  const sub = takeRows(
    blobs,
    Array.from({ length: 150 }, (_, i) => i),
  );

  it('same seed, same embedding; another seed, another (random init)', () => {
    const run = (seed: number) => new TSNE({ init: 'random', seed, nIter: 300 }).fit(sub).embedding.data;
    const a = run(4);
    expect(Array.from(run(4))).toEqual(Array.from(a));
    expect(Array.from(run(5))).not.toEqual(Array.from(a));
  });

  it('PCA init does not depend on the seed', () => {
    const a = new TSNE({ seed: 1, nIter: 260 }).fit(sub).embedding.data;
    const b = new TSNE({ seed: 2, nIter: 260 }).fit(sub).embedding.data;
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('a constant column changes nothing', () => {
    const p = sub.cols;
    const wide = new Float64Array(sub.rows * (p + 1));
    for (let i = 0; i < sub.rows; i++) {
      wide.set(sub.data.subarray(i * p, (i + 1) * p), i * (p + 1));
      wide[i * (p + 1) + p] = 42;
    }
    const a = new TSNE({ init: 'random', nIter: 300 }).fit(sub).embedding.data;
    const b = new TSNE({ init: 'random', nIter: 300 }).fit(matrix(sub.rows, p + 1, wide)).embedding.data;
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('a shorter run with another perplexity still keeps neighbourhoods', () => {
    const tsne = new TSNE({ nIter: 500, perplexity: 15 }).fit(sub);
    expect(trustworthiness(sub, tsne.embedding, 5)).toBeGreaterThan(0.9);
  });

  it('reports progress once per step and ends at the total', () => {
    const calls: number[] = [];
    new TSNE({ nIter: 270, onProgress: (done, total) => calls.push(done / total) }).fit(sub);
    expect(calls.length).toBeGreaterThanOrEqual(270);
    expect(calls[0]).toBeCloseTo(1 / 270, 12);
    expect(calls[calls.length - 1]).toBe(1);
    for (let t = 1; t < calls.length; t++) expect(calls[t]).toBeGreaterThan(calls[t - 1]!);
  });

  it('theta = 0 (exact gradient) gives an embedding as good as theta = 0.5', () => {
    const exact = new TSNE({ theta: 0, nIter: 400 }).fit(sub);
    const bh = new TSNE({ theta: 0.5, nIter: 400 }).fit(sub);
    expect(Math.abs(exact.klDivergence - bh.klDivergence)).toBeLessThan(0.05);
  });
});

describe('t-SNE edge cases', () => {
  it('rejects empty input, NaN and bad options with MlError', () => {
    expect(mlErrorCode(() => new TSNE().fit(matrix(0, 3)))).toBe('EMPTY_INPUT');
    expect(
      mlErrorCode(() =>
        new TSNE().fit(
          fromRows([
            [1, 2],
            [Number.POSITIVE_INFINITY, 0],
          ]),
        ),
      ),
    ).toBe('NON_FINITE');
    expect(mlErrorCode(() => new TSNE({ nComponents: 3 }))).toBe('BAD_OPTION');
    expect(mlErrorCode(() => new TSNE({ perplexity: 0 }))).toBe('BAD_OPTION');
    expect(mlErrorCode(() => new TSNE({ earlyExaggeration: 0.5 }))).toBe('BAD_OPTION');
    expect(mlErrorCode(() => new TSNE({ learningRate: -1 }))).toBe('BAD_OPTION');
    expect(mlErrorCode(() => new TSNE({ nIter: 0 }))).toBe('BAD_OPTION');
    expect(mlErrorCode(() => new TSNE({ theta: 1.5 }))).toBe('BAD_OPTION');
    expect(mlErrorCode(() => new TSNE({ init: 'spectral' as 'pca' }))).toBe('BAD_OPTION');
  });

  it('one row sits at the origin; two rows separate', () => {
    expect(Array.from(new TSNE().fit(fromRows([[1, 2, 3]])).embedding.data)).toEqual([0, 0]);
    const two = new TSNE({ nIter: 300 }).fit(
      fromRows([
        [0, 0],
        [1, 1],
      ]),
    ).embedding;
    expect(allFinite(two)).toBe(true);
    expect(Math.hypot(two.data[0]! - two.data[2]!, two.data[1]! - two.data[3]!)).toBeGreaterThan(0);
  });

  it('fewer rows than 3 * perplexity + 1: perplexity lowered to (n - 1) / 3', () => {
    const rng = new Rng(3);
    const x = matrix(
      10,
      3,
      Float64Array.from({ length: 30 }, () => rng.normal()),
    );
    const tsne = new TSNE({ perplexity: 30, nIter: 300 }).fit(x);
    expect(tsne.perplexityUsed).toBe(3);
    expect(allFinite(tsne.embedding)).toBe(true);
    expect(new TSNE({ perplexity: 2, nIter: 300 }).fit(x).perplexityUsed).toBe(2);
  });

  it('duplicate rows land together; all-identical rows stay finite', () => {
    const rng = new Rng(8);
    const base = Array.from({ length: 30 }, (_, i) => [
      10 * (i % 3) + rng.normal(),
      rng.normal(),
      rng.normal(),
    ]);
    const rows = base.flatMap((r) => [r, r, r]); // every point three times: 90 rows
    const tsne = new TSNE({ perplexity: 10, nIter: 500 }).fit(fromRows(rows));
    const e = tsne.embedding.data;
    expect(allFinite(tsne.embedding)).toBe(true);
    let dupGap = 0;
    let minOther = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 90; i++) {
      for (let j = i + 1; j < 90; j++) {
        const d = Math.hypot(e[2 * i]! - e[2 * j]!, e[2 * i + 1]! - e[2 * j + 1]!);
        if (Math.floor(i / 3) === Math.floor(j / 3)) dupGap = Math.max(dupGap, d);
        else minOther = Math.min(minOther, d);
      }
    }
    expect(dupGap).toBeLessThan(minOther);

    const same = new TSNE({ nIter: 300 }).fit(matrix(40, 2, new Float64Array(80).fill(1)));
    expect(allFinite(same.embedding)).toBe(true);
  });

  it('one input column falls back to a random start', () => {
    const x = matrix(
      60,
      1,
      Float64Array.from({ length: 60 }, (_, i) => i % 7),
    );
    const tsne = new TSNE({ nIter: 300, perplexity: 5 }).fit(x);
    expect(allFinite(tsne.embedding)).toBe(true);
  });
});
