import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KMeans } from '../src/cluster/kmeans.ts';
import { MiniBatchKMeans } from '../src/cluster/miniBatchKMeans.ts';
import { fromRows, type Matrix, matrix } from '../src/matrix.ts';
import { inertia } from '../src/metrics/inertia.ts';
import { thrown } from './helpers.ts';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/kmeans.json', import.meta.url), 'utf8')) as {
  miniBatch: {
    rows: number;
    cols: number;
    k: number;
    batchSize: number;
    x: number[];
    /** scikit-learn MiniBatchKMeans(batch_size=256, n_init=3) inertia, random_state 0, 1, 2. */
    sklearnInertia: number[];
    /** scikit-learn KMeans(n_init=10, random_state=0) inertia. */
    fullInertia: number;
  };
};
const ref = fixture.miniBatch;
const x: Matrix = matrix(ref.rows, ref.cols, Float64Array.from(ref.x));

describe('MiniBatchKMeans on blobs (4000 x 3, k = 5, batch 256)', () => {
  const fits = [0, 1, 2].map((seed) =>
    new MiniBatchKMeans({ k: ref.k, batchSize: ref.batchSize, seed }).fit(x),
  );

  it("is no worse than scikit-learn's mini-batch inertia by more than 5%", () => {
    for (let s = 0; s < 3; s++) expect(fits[s]!.inertia).toBeLessThanOrEqual(1.05 * ref.sklearnInertia[s]!);
  });

  it('is within a few % of full k-means (ours and scikit-learn)', () => {
    const full = new KMeans({ k: ref.k, seed: 0 }).fit(x).inertia;
    expect(full).toBeLessThanOrEqual(ref.fullInertia * 1.001);
    for (const f of fits) {
      expect(f.inertia).toBeGreaterThanOrEqual(full * (1 - 1e-9));
      expect(f.inertia).toBeLessThanOrEqual(1.03 * full);
    }
  });

  it('labels every row with its nearest centre and reports their inertia', () => {
    for (const f of fits) {
      expect(f.labels.length).toBe(ref.rows);
      expect(Array.from(f.predict(x))).toEqual(Array.from(f.labels));
      expect(Math.abs(inertia(x, f.labels, f.centers) - f.inertia)).toBeLessThanOrEqual(1e-9 * f.inertia);
      expect(f.nSteps).toBeGreaterThan(0);
      expect(f.nIter).toBe(Math.ceil((f.nSteps * ref.batchSize) / ref.rows));
    }
  });

  it('is reproducible: same seed, same result', () => {
    const again = new MiniBatchKMeans({ k: ref.k, batchSize: ref.batchSize, seed: 1 }).fit(x);
    expect(Array.from(again.centers.data)).toEqual(Array.from(fits[1]!.centers.data));
    expect(again.nSteps).toBe(fits[1]!.nSteps);
  });

  it('stops on the step budget when early stopping is off, and on tol when set', () => {
    const capped = new MiniBatchKMeans({
      k: ref.k,
      batchSize: 500,
      maxIter: 2,
      maxNoImprovement: Number.POSITIVE_INFINITY,
    }).fit(x);
    expect(capped.nSteps).toBe(Math.floor((2 * ref.rows) / 500));
    const withTol = new MiniBatchKMeans({
      k: ref.k,
      batchSize: 500,
      tol: 1e-3,
      maxNoImprovement: Number.POSITIVE_INFINITY,
    }).fit(x);
    expect(withTol.nSteps).toBeLessThan(Math.floor((100 * ref.rows) / 500));
  });

  it('reports progress per epoch and once at the end', () => {
    const calls: [number, number][] = [];
    const mb = new MiniBatchKMeans({
      k: ref.k,
      batchSize: 1000,
      onProgress: (d, t) => calls.push([d, t]),
    }).fit(x);
    const total = Math.floor((100 * ref.rows) / 1000);
    expect(calls.at(-1)).toEqual([total, total]);
    for (const [done, t] of calls.slice(0, -1)) {
      expect(t).toBe(total);
      expect(done % 4).toBe(0);
      expect(done).toBeLessThanOrEqual(mb.nSteps);
    }
  });

  it('round-trips through JSON', () => {
    const f = fits[0]!;
    const back = MiniBatchKMeans.fromJSON(JSON.parse(JSON.stringify(f.toJSON())));
    expect(Array.from(back.centers.data)).toEqual(Array.from(f.centers.data));
    expect(Array.from(back.predict(x))).toEqual(Array.from(f.labels));
    expect(back.nSteps).toBe(f.nSteps);
    expect(
      thrown(() => MiniBatchKMeans.fromJSON({ ...f.toJSON(), type: 'KMeans' as 'MiniBatchKMeans' })).code,
    ).toBe('BAD_OPTION');
  });
});

describe('MiniBatchKMeans edge cases', () => {
  it('rejects empty input, k > rows, NaN and bad options', () => {
    expect(thrown(() => new MiniBatchKMeans({ k: 1 }).fit(matrix(0, 2))).code).toBe('EMPTY_INPUT');
    const err = thrown(() => new MiniBatchKMeans({ k: 4 }).fit(fromRows([[1], [2]])));
    expect(err.code).toBe('TOO_FEW_ROWS');
    expect(err.message).toContain('choose k <= 2');
    expect(thrown(() => new MiniBatchKMeans({ k: 1 }).fit(fromRows([[Number.POSITIVE_INFINITY]]))).code).toBe(
      'NON_FINITE',
    );
    for (const bad of [
      { k: 0 },
      { k: 2, batchSize: 0 },
      { k: 2, nInit: 1.5 },
      { k: 2, tol: -1 },
      { k: 2, reassignmentRatio: 1 },
      { k: 2, maxNoImprovement: 0 },
    ]) {
      expect(thrown(() => new MiniBatchKMeans(bad)).code).toBe('BAD_OPTION');
    }
    expect(thrown(() => new MiniBatchKMeans({ k: 2 }).predict(x)).code).toBe('NOT_FITTED');
  });

  it('one row with k = 1', () => {
    const mb = new MiniBatchKMeans({ k: 1 }).fit(fromRows([[7, 8]]));
    expect(Array.from(mb.centers.data)).toEqual([7, 8]);
    expect(Array.from(mb.labels)).toEqual([0]);
    expect(mb.inertia).toBe(0);
  });

  it('duplicates and fewer distinct rows than k neither crash nor give NaN', () => {
    const rows: number[][] = [];
    for (let i = 0; i < 30; i++) rows.push(i % 3 === 0 ? [0, 0] : [5, 5]);
    const mb = new MiniBatchKMeans({ k: 4, batchSize: 8 }).fit(fromRows(rows));
    expect(mb.centers.data.every(Number.isFinite)).toBe(true);
    expect(mb.inertia).toBe(0);
  });

  it('a constant column stays constant in the centres', () => {
    const rows = Array.from({ length: 200 }, (_, i) => [i % 2 === 0 ? i * 0.01 : 10 + i * 0.01, 3]);
    const mb = new MiniBatchKMeans({ k: 2, batchSize: 32 }).fit(fromRows(rows));
    expect(mb.centers.data[1]).toBeCloseTo(3, 12);
    expect(mb.centers.data[3]).toBeCloseTo(3, 12);
  });
});
