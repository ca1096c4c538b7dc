import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KMeans, type KMeansAlgorithm } from '../src/cluster/kmeans.ts';
import { kmeansPlusPlus } from '../src/cluster/kmeansPlusPlus.ts';
import { fromRows, type Matrix, matrix, takeRows } from '../src/matrix.ts';
import { inertia } from '../src/metrics/inertia.ts';
import { Rng } from '../src/random.ts';
import { samePartition, thrown, toMatrix } from './helpers.ts';

interface LloydRef {
  inertia: number;
  labels: number[];
  nIter: number;
  centers: number[];
}
interface Case {
  k: number;
  init?: number[];
  initCenters?: number[];
  tol1e4: LloydRef;
  tol0: LloydRef;
  /** scikit-learn's best of 10 starts for random_state 0 .. 19. */
  bestOf10Inertia: number[];
}
interface Dataset {
  name: string;
  rows: number;
  cols: number;
  x: number[];
  cases: Case[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/kmeans.json', import.meta.url), 'utf8')) as {
  datasets: Dataset[];
};
const ALGORITHMS: KMeansAlgorithm[] = ['lloyd', 'elkan', 'hamerly'];

function initOf(x: Matrix, c: Case): Matrix {
  if (c.initCenters) return matrix(c.k, x.cols, Float64Array.from(c.initCenters));
  return takeRows(x, c.init!);
}

/** Sum over rows of the squared distance to the nearest of `centers`. */
function potential(x: Matrix, centers: Matrix): number {
  let total = 0;
  for (let i = 0; i < x.rows; i++) {
    let best = Number.POSITIVE_INFINITY;
    for (let j = 0; j < centers.rows; j++) {
      let d = 0;
      for (let t = 0; t < x.cols; t++) d += (x.data[i * x.cols + t]! - centers.data[j * x.cols + t]!) ** 2;
      best = Math.min(best, d);
    }
    total += best;
  }
  return total;
}

function expectRelClose(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(Math.abs(expected), 1e-300));
}

describe('KMeans against scikit-learn (same initial centres)', () => {
  for (const ds of fixture.datasets) {
    const x = toMatrix(ds);
    for (const c of ds.cases) {
      for (const [tol, ref] of [
        [1e-4, c.tol1e4],
        [0, c.tol0],
      ] as const) {
        for (const algorithm of ALGORITHMS) {
          const what = c.initCenters ? 'far start centre' : 'rows as start';
          it(`${ds.name} k=${c.k} ${what} tol=${tol} ${algorithm}`, () => {
            const km = new KMeans({ k: c.k, init: initOf(x, c), tol, algorithm }).fit(x);
            expectRelClose(km.inertia, ref.inertia, 1e-6);
            expect(Array.from(km.labels)).toEqual(ref.labels);
            expect(km.nIter).toBe(ref.nIter);
            const scale = Math.max(...ref.centers.map(Math.abs));
            for (let t = 0; t < ref.centers.length; t++) {
              expect(Math.abs(km.centers.data[t]! - ref.centers[t]!)).toBeLessThan(1e-9 * scale);
            }
            // The reported inertia is that of the reported labels and centres.
            expectRelClose(inertia(x, km.labels, km.centers), km.inertia, 1e-12);
          });
        }
      }
    }
  }
});

describe('KMeans with k-means++ and restarts', () => {
  for (const ds of fixture.datasets) {
    const x = toMatrix(ds);
    for (const c of ds.cases) {
      if (c.initCenters) continue;
      it(`${ds.name} k=${c.k}: best of 10 is no worse than scikit-learn's by more than 0.1%`, () => {
        // One seed against one seed is a coin toss between local optima when k exceeds the
        // number of blobs, so compare the mean over 20 seeds on each side.
        const ref = c.bestOf10Inertia;
        let ours = 0;
        for (let s = 0; s < ref.length; s++) ours += new KMeans({ k: c.k, seed: s }).fit(x).inertia;
        const theirs = ref.reduce((a, b) => a + b, 0);
        expect(ours / ref.length).toBeLessThanOrEqual((theirs / ref.length) * 1.001);
      });
    }
  }

  it('gives the same result for every algorithm from the same seed', () => {
    const ds = fixture.datasets.find((d) => d.name === 'overlapping')!;
    const x = toMatrix(ds);
    const fits = ALGORITHMS.map((algorithm) => new KMeans({ k: 5, seed: 3, algorithm }).fit(x));
    for (const f of fits.slice(1)) {
      expect(Array.from(f.labels)).toEqual(Array.from(fits[0]!.labels));
      expectRelClose(f.inertia, fits[0]!.inertia, 1e-12);
    }
  });

  it('is reproducible: same seed, same result', () => {
    const x = toMatrix(fixture.datasets[0]!);
    for (const init of ['k-means++', 'random'] as const) {
      const a = new KMeans({ k: 4, seed: 7, init }).fit(x);
      const b = new KMeans({ k: 4, seed: 7, init }).fit(x);
      expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
      expect(Array.from(b.centers.data)).toEqual(Array.from(a.centers.data));
      expect(b.inertia).toBe(a.inertia);
      expect(b.nIter).toBe(a.nIter);
    }
  });

  it("random init finds the blobs' partition as well", () => {
    const x = toMatrix(fixture.datasets[0]!);
    const pp = new KMeans({ k: 4, seed: 1 }).fit(x);
    const rnd = new KMeans({ k: 4, seed: 1, init: 'random' }).fit(x);
    expect(samePartition(rnd.labels, pp.labels)).toBe(true);
  });

  it('leaves the partition unchanged when rows are shuffled', () => {
    const ds = fixture.datasets[0]!;
    const x = toMatrix(ds);
    const perm = new Rng(5).shuffle(Int32Array.from({ length: x.rows }, (_, i) => i));
    const shuffled = takeRows(x, perm);
    const c = ds.cases[1]!;
    for (const algorithm of ALGORITHMS) {
      // Same start centres: the very same labels, row for row.
      const a = new KMeans({ k: c.k, init: initOf(x, c), algorithm }).fit(x);
      const b = new KMeans({ k: c.k, init: initOf(x, c), algorithm }).fit(shuffled);
      expect(Array.from(b.labels)).toEqual(Array.from(perm, (i) => a.labels[i]!));
      // k-means++ picks other rows after shuffling, but the best of 10 is the same partition.
      const pa = new KMeans({ k: c.k, seed: 2, algorithm }).fit(x);
      const pb = new KMeans({ k: c.k, seed: 2, algorithm }).fit(shuffled);
      expect(
        samePartition(
          pb.labels,
          Array.from(perm, (i) => pa.labels[i]!),
        ),
      ).toBe(true);
      expectRelClose(pb.inertia, pa.inertia, 1e-9);
    }
  });

  it('reports progress once per start', () => {
    const x = toMatrix(fixture.datasets[0]!);
    const calls: [number, number][] = [];
    new KMeans({ k: 3, nInit: 4, onProgress: (d, t) => calls.push([d, t]) }).fit(x);
    expect(calls).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
  });
});

describe('KMeans predict and serialisation', () => {
  const x = toMatrix(fixture.datasets[0]!);
  const km = new KMeans({ k: 4, seed: 0 }).fit(x);

  it('predicts the training labels for the training rows', () => {
    expect(Array.from(km.predict(x))).toEqual(Array.from(km.labels));
  });

  it('round-trips through JSON and assigns new rows the same way', () => {
    const json = JSON.parse(JSON.stringify(km.toJSON()));
    expect(json.version).toBe(1);
    const back = KMeans.fromJSON(json);
    expect(Array.from(back.centers.data)).toEqual(Array.from(km.centers.data));
    expect(back.inertia).toBe(km.inertia);
    const fresh = fromRows([
      [0, 0, 0, 0, 0],
      [5, -3, 2, 1, 0],
    ]);
    expect(Array.from(back.predict(fresh))).toEqual(Array.from(km.predict(fresh)));
    expect(back.labels.length).toBe(0);
  });

  it('rejects a wrong version, a wrong shape, and use before fit', () => {
    expect(thrown(() => KMeans.fromJSON({ ...km.toJSON(), version: 2 as 1 })).code).toBe('BAD_OPTION');
    expect(thrown(() => KMeans.fromJSON({ ...km.toJSON(), centers: [1, 2, 3] })).code).toBe('SHAPE_MISMATCH');
    expect(thrown(() => km.predict(fromRows([[1, 2]]))).code).toBe('SHAPE_MISMATCH');
    expect(thrown(() => new KMeans({ k: 2 }).predict(x)).code).toBe('NOT_FITTED');
    expect(thrown(() => new KMeans({ k: 2 }).toJSON()).code).toBe('NOT_FITTED');
    expect(thrown(() => km.predict(fromRows([[Number.NaN, 0, 0, 0, 0]]))).code).toBe('NON_FINITE');
  });
});

describe('KMeans edge cases', () => {
  it('rejects empty input, k > rows, NaN, bad options and a badly shaped init', () => {
    expect(thrown(() => new KMeans({ k: 1 }).fit(matrix(0, 3))).code).toBe('EMPTY_INPUT');
    expect(thrown(() => new KMeans({ k: 1 }).fit(matrix(3, 0))).code).toBe('EMPTY_INPUT');
    const small = fromRows([[1], [2], [3]]);
    const err = thrown(() => new KMeans({ k: 5 }).fit(small));
    expect(err.code).toBe('TOO_FEW_ROWS');
    expect(err.message).toBe('k-means: k = 5 is larger than the 3 rows; choose k <= 3');
    expect(thrown(() => new KMeans({ k: 1 }).fit(fromRows([[1], [Number.NaN]]))).code).toBe('NON_FINITE');
    for (const bad of [{ k: 0 }, { k: 2.5 }, { k: 2, nInit: 0 }, { k: 2, maxIter: 0 }, { k: 2, tol: -1 }]) {
      expect(thrown(() => new KMeans(bad)).code).toBe('BAD_OPTION');
    }
    expect(thrown(() => new KMeans({ k: 2, algorithm: 'fast' as KMeansAlgorithm })).code).toBe('BAD_OPTION');
    expect(thrown(() => new KMeans({ k: 2, init: 'best' as 'random' })).code).toBe('BAD_OPTION');
    expect(thrown(() => new KMeans({ k: 2, init: fromRows([[1, 2]]) }).fit(small)).code).toBe(
      'SHAPE_MISMATCH',
    );
  });

  for (const algorithm of ALGORITHMS) {
    it(`${algorithm}: one row with k = 1`, () => {
      const km = new KMeans({ k: 1, algorithm }).fit(fromRows([[3, -1]]));
      expect(Array.from(km.labels)).toEqual([0]);
      expect(Array.from(km.centers.data)).toEqual([3, -1]);
      expect(km.inertia).toBe(0);
    });

    it(`${algorithm}: fewer distinct rows than k (duplicates) neither crashes nor gives NaN`, () => {
      const rows: number[][] = [];
      for (let i = 0; i < 10; i++) rows.push(i % 2 === 0 ? [1, 1] : [4, 5]);
      const x = fromRows(rows);
      for (const init of ['k-means++', 'random'] as const) {
        const km = new KMeans({ k: 3, algorithm, init, nInit: 3 }).fit(x);
        expect(km.inertia).toBe(0);
        expect(km.centers.data.every(Number.isFinite)).toBe(true);
        expect(samePartition(km.labels, [0, 1, 0, 1, 0, 1, 0, 1, 0, 1])).toBe(true);
      }
      const same = new KMeans({ k: 3, algorithm }).fit(fromRows(Array.from({ length: 6 }, () => [2, 2])));
      expect(same.inertia).toBe(0);
      expect(Array.from(same.centers.data)).toEqual([2, 2, 2, 2, 2, 2]);
    });

    it(`${algorithm}: k = 1 is the mean`, () => {
      const x = fromRows([
        [0, 0],
        [2, 0],
        [4, 6],
      ]);
      const km = new KMeans({ k: 1, algorithm }).fit(x);
      expect(Array.from(km.centers.data)).toEqual([2, 2]);
      expect(km.inertia).toBe(8 + 4 + 20);
    });
  }

  it('k = n puts every row in its own cluster', () => {
    const x = fromRows([[0], [10], [20], [30]]);
    const km = new KMeans({ k: 4 }).fit(x);
    expect(km.inertia).toBe(0);
    expect(new Set(km.labels).size).toBe(4);
  });

  it('copies an explicit init, so later changes to it do not leak in', () => {
    const x = toMatrix(fixture.datasets[0]!);
    const c = fixture.datasets[0]!.cases[1]!;
    const init = initOf(x, c);
    const km = new KMeans({ k: c.k, init, nInit: 10 });
    expect(km.nInit).toBe(1);
    init.data.fill(0);
    expect(Array.from(km.fit(x).labels)).toEqual(c.tol1e4.labels);
  });
});

describe('kmeansPlusPlus', () => {
  const x = toMatrix(fixture.datasets[0]!);

  it('returns distinct rows, nearest-centre labels and their squared distances', () => {
    const r = kmeansPlusPlus(x, 7, { seed: 3 });
    expect(new Set(r.indices).size).toBe(7);
    expect(Array.from(r.centers.data)).toEqual(Array.from(takeRows(x, r.indices).data));
    for (let i = 0; i < x.rows; i++) {
      let best = 0;
      let bestD = Number.POSITIVE_INFINITY;
      for (let j = 0; j < 7; j++) {
        let d = 0;
        for (let t = 0; t < x.cols; t++)
          d += (x.data[i * x.cols + t]! - r.centers.data[j * x.cols + t]!) ** 2;
        if (d < bestD) {
          bestD = d;
          best = j;
        }
      }
      expect(r.labels[i]).toBe(best);
      expect(r.sqDist[i]).toBe(bestD);
    }
  });

  it('is reproducible and spreads its seeds better than uniform picks', () => {
    const a = kmeansPlusPlus(x, 4, { seed: 11 });
    expect(Array.from(kmeansPlusPlus(x, 4, { seed: 11 }).indices)).toEqual(Array.from(a.indices));
    const rng = new Rng(1);
    let ppTotal = 0;
    let uniformTotal = 0;
    for (let r = 0; r < 20; r++) {
      ppTotal += kmeansPlusPlus(x, 4, { rng }).sqDist.reduce((s, v) => s + v, 0);
      uniformTotal += potential(x, takeRows(x, rng.sample(x.rows, 4)));
    }
    expect(ppTotal).toBeLessThan(uniformTotal);
  });

  it('handles all-identical rows and rejects k > rows', () => {
    const same = fromRows([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    const r = kmeansPlusPlus(same, 3, { seed: 0 });
    expect(Array.from(r.sqDist)).toEqual([0, 0, 0]);
    expect(thrown(() => kmeansPlusPlus(same, 4)).code).toBe('TOO_FEW_ROWS');
    expect(thrown(() => kmeansPlusPlus(matrix(0, 2), 1)).code).toBe('EMPTY_INPUT');
    expect(thrown(() => kmeansPlusPlus(fromRows([[1], [Number.NaN]]), 1)).code).toBe('NON_FINITE');
  });
});

describe('inertia', () => {
  it('sums squared distances to the assigned centres', () => {
    const x = fromRows([
      [0, 0],
      [2, 0],
      [10, 10],
    ]);
    expect(
      inertia(
        x,
        Int32Array.of(0, 0, 1),
        fromRows([
          [1, 0],
          [10, 10],
        ]),
      ),
    ).toBe(2);
    expect(inertia(matrix(0, 2), new Int32Array(0), fromRows([[1, 0]]))).toBe(0);
  });

  it('rejects mismatched shapes and out-of-range labels', () => {
    const x = fromRows([
      [0, 0],
      [2, 0],
    ]);
    const c = fromRows([[1, 0]]);
    expect(thrown(() => inertia(x, Int32Array.of(0), c)).code).toBe('SHAPE_MISMATCH');
    expect(thrown(() => inertia(x, Int32Array.of(0, 0), fromRows([[1]]))).code).toBe('SHAPE_MISMATCH');
    expect(thrown(() => inertia(x, Int32Array.of(0, 1), c)).code).toBe('BAD_OPTION');
  });
});
