import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Agglomerative } from '../src/cluster/agglomerative.ts';
import { cutByHeight, cutByK, type Merges } from '../src/cluster/dendrogram.ts';
import { type LinkageMethod, linkage, MAX_MATRIX_ROWS } from '../src/cluster/linkage.ts';
import { MlError } from '../src/errors.ts';
import { fromRows, matrix, takeRows } from '../src/matrix.ts';
import { Rng } from '../src/random.ts';
import { expectMlError, samePartition, thrown, toMatrix } from './helpers.ts';

interface LinkageRef {
  a: number[];
  b: number[];
  height: number[];
  size: number[];
  threshold: number;
  fcluster: number[];
  sklearn: Record<string, number[]>;
}
interface Dataset {
  rows: number;
  cols: number;
  x: number[];
  linkage: Record<LinkageMethod, LinkageRef>;
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/agglomerative.json', import.meta.url), 'utf8'),
) as Record<'blobs' | 'uniform', Dataset>;

const METHODS: LinkageMethod[] = ['ward', 'average', 'complete', 'single'];

function expectNonDecreasing(h: Float64Array): void {
  for (let s = 1; s < h.length; s++) expect(h[s]!).toBeGreaterThanOrEqual(h[s - 1]!);
}

describe.each(['blobs', 'uniform'] as const)('reference data: %s', (name) => {
  const ds = fixture[name];
  const x = toMatrix(ds);
  describe.each(METHODS)('%s linkage', (method) => {
    const ref = ds.linkage[method];
    const z = linkage(x, method);

    it.each([
      false,
      true,
    ])('reproduces scipy linkage (compact = %s): same ids and sizes, heights within 1e-9 relative', (compact) => {
      const zz = compact ? linkage(x, method, { compact }) : z;
      expect(Array.from(zz.a)).toEqual(ref.a);
      expect(Array.from(zz.b)).toEqual(ref.b);
      expect(Array.from(zz.size)).toEqual(ref.size);
      for (let s = 0; s < ref.height.length; s++) {
        expect(Math.abs(zz.height[s]! - ref.height[s]!)).toBeLessThanOrEqual(1e-9 * ref.height[s]!);
      }
      expectNonDecreasing(zz.height);
    });

    it('gives the scikit-learn partition for k = 2..8', () => {
      for (const [k, labels] of Object.entries(ref.sklearn)) {
        const model = new Agglomerative({ linkage: method, k: Number(k) }).fit(x);
        expect(samePartition(model.labels, labels)).toBe(true);
        const compact = new Agglomerative({ linkage: method, k: Number(k), compact: true }).fit(x);
        expect(Array.from(compact.labels)).toEqual(Array.from(model.labels));
        expect(model.nClusters).toBe(Number(k));
        expect(samePartition(cutByK(z, x.rows, Number(k)), labels)).toBe(true);
      }
    });

    it('cut by height equals scipy fcluster(criterion="distance")', () => {
      expect(samePartition(cutByHeight(z, x.rows, ref.threshold), ref.fcluster)).toBe(true);
      const model = new Agglomerative({ linkage: method, distanceThreshold: ref.threshold }).fit(x);
      expect(samePartition(model.labels, ref.fcluster)).toBe(true);
      expect(model.nClusters).toBe(new Set(ref.fcluster).size);
    });
  });
});

describe('properties', () => {
  const x = toMatrix(fixture.blobs);

  it.each(METHODS)('%s: shuffling rows leaves the partition and the heights unchanged', (method) => {
    const perm = new Rng(7).shuffle(Int32Array.from({ length: x.rows }, (_, i) => i));
    const shuffled = takeRows(x, perm);
    const base = new Agglomerative({ linkage: method, k: 5 }).fit(x);
    const moved = new Agglomerative({ linkage: method, k: 5 }).fit(shuffled);
    const back = new Int32Array(x.rows);
    for (let r = 0; r < perm.length; r++) back[perm[r]!] = moved.labels[r]!;
    expect(samePartition(back, base.labels)).toBe(true);
    for (let s = 0; s < x.rows - 1; s++) {
      expect(moved.merges.height[s]!).toBeCloseTo(base.merges.height[s]!, 9);
    }
  });

  it('numbers clusters in order of their first row', () => {
    const { labels } = new Agglomerative({ linkage: 'average', k: 6 }).fit(x);
    expect(labels[0]).toBe(0);
    let seen = -1;
    for (const v of labels) {
      expect(v).toBeLessThanOrEqual(seen + 1);
      if (v > seen) seen = v;
    }
    expect(seen).toBe(5);
  });

  it('cluster sizes add up and every id is used once', () => {
    for (const method of METHODS) {
      const z = linkage(x, method);
      const n = x.rows;
      const used = new Uint8Array(2 * n - 1);
      const sizes = new Int32Array(2 * n - 1).fill(1);
      for (let s = 0; s < n - 1; s++) {
        for (const c of [z.a[s]!, z.b[s]!]) {
          expect(c).toBeLessThan(n + s);
          expect(used[c]).toBe(0);
          used[c] = 1;
        }
        expect(z.a[s]!).toBeLessThan(z.b[s]!);
        sizes[n + s] = sizes[z.a[s]!]! + sizes[z.b[s]!]!;
        expect(z.size[s]).toBe(sizes[n + s]);
      }
      expect(z.size[n - 2]).toBe(n);
    }
  });

  it('is deterministic and reports progress up to n - 1 merges', () => {
    const calls: [number, number][] = [];
    const a = new Agglomerative({ k: 3, onProgress: (d, t) => calls.push([d, t]) }).fit(x);
    const b = new Agglomerative({ k: 3 }).fit(x);
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(Array.from(a.merges.height)).toEqual(Array.from(b.merges.height));
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.at(-1)).toEqual([x.rows - 1, x.rows - 1]);
    for (let i = 1; i < calls.length; i++) expect(calls[i]![0]).toBeGreaterThan(calls[i - 1]![0]);
  });

  it('round-trips through JSON', () => {
    const model = new Agglomerative({ linkage: 'complete', distanceThreshold: 3 }).fit(x);
    const again = Agglomerative.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(again.linkage).toBe('complete');
    expect(again.distanceThreshold).toBe(3);
    expect(again.nClusters).toBe(model.nClusters);
    expect(Array.from(again.labels)).toEqual(Array.from(model.labels));
    expect(Array.from(again.merges.height)).toEqual(Array.from(model.merges.height));
    expectMlError(() => Agglomerative.fromJSON({ ...model.toJSON(), version: 2 as 1 }), 'BAD_OPTION');
    expectMlError(() => new Agglomerative({ k: 2 }).toJSON(), 'NOT_FITTED');
  });
});

describe('small and degenerate input', () => {
  it('matches the documented three-point example', () => {
    const z = linkage(fromRows([[0], [1], [3]]), 'single');
    expect(Array.from(z.a)).toEqual([0, 2]);
    expect(Array.from(z.b)).toEqual([1, 3]);
    expect(Array.from(z.height)).toEqual([1, 2]);
    expect(Array.from(z.size)).toEqual([2, 3]);
  });

  it('one row: no merges, label 0', () => {
    const one = fromRows([[1, 2, 3]]);
    for (const method of METHODS) {
      const model = new Agglomerative({ linkage: method, k: 1 }).fit(one);
      expect(model.merges.height.length).toBe(0);
      expect(Array.from(model.labels)).toEqual([0]);
      const byHeight = new Agglomerative({ linkage: method, distanceThreshold: 0 }).fit(one);
      expect(Array.from(byHeight.labels)).toEqual([0]);
    }
  });

  it('two rows: one merge at their Euclidean distance for every linkage', () => {
    const two = fromRows([
      [0, 0],
      [3, 4],
    ]);
    for (const method of METHODS) {
      const z = linkage(two, method);
      expect(Array.from(z.a)).toEqual([0]);
      expect(Array.from(z.b)).toEqual([1]);
      expect(z.height[0]).toBeCloseTo(5, 12);
      expect(Array.from(z.size)).toEqual([2]);
      expect(Array.from(cutByK(z, 2, 1))).toEqual([0, 0]);
      expect(Array.from(cutByK(z, 2, 2))).toEqual([0, 1]);
      expect(Array.from(cutByHeight(z, 2, 4.9))).toEqual([0, 1]);
      expect(Array.from(cutByHeight(z, 2, 5))).toEqual([0, 0]);
    }
  });

  it('duplicate points merge at height 0 and stay together', () => {
    // Three distinct points, each repeated: 0,0,0 / 5,5 / 9,9,9,9 on a line, interleaved.
    const vals = [0, 5, 9, 0, 9, 5, 9, 0, 9];
    const x = fromRows(vals.map((v) => [v, 1]));
    for (const [method, compact] of METHODS.flatMap((m) => [[m, false] as const, [m, true] as const])) {
      const z = linkage(x, method, { compact });
      expectNonDecreasing(z.height);
      for (let s = 0; s < 6; s++) expect(z.height[s]).toBe(0);
      expect(z.height[6]!).toBeGreaterThan(0);
      const labels = cutByK(z, x.rows, 3);
      expect(samePartition(labels, vals)).toBe(true);
      expect(Array.from(cutByHeight(z, x.rows, 0))).toEqual(Array.from(labels));
    }
    const same = fromRows([[2], [2], [2], [2]]);
    for (const method of METHODS) {
      const z = linkage(same, method);
      expect(Array.from(z.height)).toEqual([0, 0, 0]);
      expect(Array.from(new Agglomerative({ linkage: method, k: 2 }).fit(same).labels).sort()).toEqual([
        0, 0, 0, 1,
      ]);
    }
  });

  it('a constant column changes nothing', () => {
    const ds = fixture.uniform;
    const x = toMatrix(ds);
    const wide = matrix(x.rows, x.cols + 1);
    for (let i = 0; i < x.rows; i++) {
      wide.data.set(x.data.subarray(i * x.cols, (i + 1) * x.cols), i * (x.cols + 1));
      wide.data[i * (x.cols + 1) + x.cols] = 42;
    }
    for (const method of METHODS) {
      const z = linkage(wide, method, { compact: method === 'average' });
      const ref = ds.linkage[method];
      expect(Array.from(z.a)).toEqual(ref.a);
      expect(Array.from(z.b)).toEqual(ref.b);
      for (let s = 0; s < ref.height.length; s++) {
        expect(Math.abs(z.height[s]! - ref.height[s]!)).toBeLessThanOrEqual(1e-9 * ref.height[s]!);
      }
    }
  });

  it('cutByHeight follows scipy on a non-monotone dendrogram', () => {
    // A parent lower than its child: scipy counts the merge only if all below are <= h too.
    const z: Merges = {
      a: Int32Array.from([0, 2]),
      b: Int32Array.from([1, 3]),
      height: Float64Array.from([2, 1]),
      size: Int32Array.from([2, 3]),
    };
    expect(Array.from(cutByHeight(z, 3, 1.5))).toEqual([0, 1, 2]);
    expect(Array.from(cutByHeight(z, 3, 2))).toEqual([0, 0, 0]);
  });
});

describe('caller errors', () => {
  const x = fromRows([
    [0, 1],
    [2, 3],
    [4, 5],
  ]);

  it('rejects bad options', () => {
    expectMlError(() => new Agglomerative({ k: 2, distanceThreshold: 1 }), 'BAD_OPTION');
    expectMlError(() => new Agglomerative({ linkage: 'ward' }), 'BAD_OPTION');
    expectMlError(() => new Agglomerative({ k: 0 }), 'BAD_OPTION');
    expectMlError(() => new Agglomerative({ k: 1.5 }), 'BAD_OPTION');
    expectMlError(() => new Agglomerative({ distanceThreshold: -1 }), 'BAD_OPTION');
    expectMlError(() => new Agglomerative({ distanceThreshold: Number.NaN }), 'BAD_OPTION');
    expectMlError(() => new Agglomerative({ linkage: 'centroid' as LinkageMethod, k: 2 }), 'BAD_OPTION');
  });

  it('rejects k larger than the rows, with the numbers in the message', () => {
    const err = thrown(() => new Agglomerative({ k: 5 }).fit(x));
    expect(err).toBeInstanceOf(MlError);
    expect(err.code).toBe('BAD_OPTION');
    expect(err.message).toContain('k <= 3');
    expectMlError(() => cutByK(linkage(x, 'ward'), 3, 4), 'BAD_OPTION');
  });

  it('rejects empty input, NaN, and too many rows for a distance matrix', () => {
    expectMlError(() => new Agglomerative({ k: 1 }).fit(matrix(0, 2)), 'EMPTY_INPUT');
    expectMlError(() => linkage(matrix(3, 0), 'single'), 'EMPTY_INPUT');
    const bad = fromRows([
      [0, 1],
      [Number.NaN, 3],
    ]);
    expectMlError(() => linkage(bad, 'average'), 'NON_FINITE');
    // Checked before the matrix is allocated, so this is quick.
    expectMlError(() => linkage(matrix(MAX_MATRIX_ROWS + 1, 1), 'ward'), 'BAD_OPTION');
    expectMlError(() => linkage(fromRows([[1e200], [-1e200]]), 'complete'), 'NON_FINITE');
    expectMlError(() => linkage(fromRows([[1e200], [-1e200]]), 'single'), 'NON_FINITE');
  });

  it('rejects merges that do not fit the row count', () => {
    const z = linkage(x, 'single');
    expectMlError(() => cutByK(z, 4, 2), 'SHAPE_MISMATCH');
    const broken: Merges = { ...z, a: Int32Array.from([0, 7]) };
    expectMlError(() => cutByHeight(broken, 3, 1), 'SHAPE_MISMATCH');
  });
});
