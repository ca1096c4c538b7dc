import { describe, expect, it } from 'vitest';
import { KdTree } from '../src/cluster/kdTree.ts';
import { NeighborList } from '../src/cluster/neighborList.ts';
import { MlError } from '../src/errors.ts';
import { fromRows, type Matrix } from '../src/matrix.ts';
import { Rng } from '../src/random.ts';
import { mlErrorCode } from './helpers.ts';

/** Squared distance summed in column order, exactly as the tree computes it. */
function sqDist(q: Float64Array, off: number, x: Matrix, i: number): number {
  let s = 0;
  for (let j = 0; j < x.cols; j++) {
    const d = q[off + j] - x.data[i * x.cols + j];
    s += d * d;
  }
  return s;
}

function bruteRadius(x: Matrix, q: Float64Array, off: number, r: number, hidden?: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.rows; i++) if (!hidden?.[i] && sqDist(q, off, x, i) <= r * r) out.push(i);
  return out;
}

/** All rows by (distance, index), cut at k. */
function bruteKnn(
  x: Matrix,
  q: Float64Array,
  off: number,
  k: number,
  hidden?: Uint8Array,
): { idx: number[]; dist: number[] } {
  const rows = Array.from({ length: x.rows }, (_, i) => i).filter((i) => !hidden?.[i]);
  const all = rows.map((i) => ({ i, d2: sqDist(q, off, x, i) }));
  all.sort((a, b) => a.d2 - b.d2 || a.i - b.i);
  const top = all.slice(0, k);
  return { idx: top.map((e) => e.i), dist: top.map((e) => Math.sqrt(e.d2)) };
}

function randomMatrix(rng: Rng, n: number, p: number, grid: boolean): Matrix {
  const data = new Float64Array(n * p);
  for (let k = 0; k < data.length; k++) data[k] = grid ? rng.int(6) : rng.normal() * (1 + (k % p));
  return { data, rows: n, cols: p };
}

/** Checks radius, radiusCount and knn against brute force for one query. */
function checkQuery(
  tree: KdTree,
  x: Matrix,
  q: Float64Array,
  off: number,
  r: number,
  k: number,
  hidden?: Uint8Array,
): void {
  const withDist = new NeighborList({ capacity: 1 });
  const noDist = new NeighborList({ capacity: 1, distances: false });
  const expected = bruteRadius(x, q, off, r, hidden);

  expect(tree.radius(q, r, withDist, off)).toBe(expected.length);
  const pairs = Array.from({ length: withDist.length }, (_, t) => [
    withDist.indices[t],
    withDist.distances[t],
  ]);
  pairs.sort((a, b) => a[0] - b[0]);
  expect(pairs.map((e) => e[0])).toEqual(expected);
  expect(pairs.map((e) => e[1])).toEqual(expected.map((i) => Math.sqrt(sqDist(q, off, x, i))));

  tree.radius(q, r, noDist, off);
  expect(Array.from(noDist.toIndices()).sort((a, b) => a - b)).toEqual(expected);

  expect(tree.radiusCount(q, r, off)).toBe(expected.length);
  const limit = 5;
  const limited = tree.radiusCount(q, r, off, limit);
  if (expected.length < limit) expect(limited).toBe(expected.length);
  else expect(limited).toBeGreaterThanOrEqual(limit);

  const kk = Math.min(k, tree.size);
  if (kk === 0) return;
  const ref = bruteKnn(x, q, off, kk, hidden);
  const got = tree.knn(q, kk, withDist, off);
  expect(got.length).toBe(kk);
  expect(Array.from(got.indices.subarray(0, kk))).toEqual(ref.idx);
  expect(Array.from(got.distances.subarray(0, kk))).toEqual(ref.dist);
}

describe('KdTree', () => {
  it('radius, radiusCount and knn equal brute force on seeded random data', () => {
    const rng = new Rng(11);
    const cases: [number, number, boolean][] = [
      [1, 400, false],
      [2, 1200, false],
      [3, 800, false],
      [5, 600, false],
      [8, 400, false],
      [2, 500, true], // integer grid: duplicates, ties, distances exactly r
      [3, 300, true],
    ];
    for (const [p, n, grid] of cases) {
      const x = randomMatrix(rng, n, p, grid);
      for (const leafSize of [1, 4, 32, n]) {
        const tree = new KdTree(x, { leafSize });
        for (let t = 0; t < 40; t++) {
          const r = grid ? [0, 1, Math.SQRT2, 2][t % 4] : 0.05 + rng.next() * 1.5 * Math.sqrt(p);
          const k = [1, 3, 17, 60][t % 4];
          if (t % 2 === 0) {
            checkQuery(tree, x, x.data, rng.int(n) * p, r, k);
          } else {
            const q = new Float64Array(p + 3);
            for (let j = 0; j < q.length; j++) q[j] = grid ? rng.int(8) - 1 : rng.normal() * 3;
            checkQuery(tree, x, q, 3, r, k);
          }
        }
      }
    }
  });

  it('hides removed rows from every query, and restores them', () => {
    const rng = new Rng(23);
    for (const [p, n, grid] of [
      [2, 700, false],
      [3, 400, true],
    ] as const) {
      const x = randomMatrix(rng, n, p, grid);
      const tree = new KdTree(x, { leafSize: 8 });
      const hidden = new Uint8Array(n);
      // Remove in waves (with repeats) until nothing is left, checking queries after each wave.
      for (const frac of [0.1, 0.5, 0.9, 1]) {
        for (let i = 0; i < n; i++) {
          if (rng.next() < frac || frac === 1) {
            tree.remove(i);
            hidden[i] = 1;
          }
        }
        expect(tree.size).toBe(n - hidden.reduce((a, b) => a + b, 0));
        for (let t = 0; t < 25; t++) {
          const r = grid ? [1, 2][t % 2] : 0.2 + rng.next() * 2;
          checkQuery(tree, x, x.data, rng.int(n) * p, r, [1, 9, 40][t % 3], hidden);
        }
      }
      expect(tree.size).toBe(0);
      expect(() => tree.knn(x.data, 1)).toThrow(MlError);
      tree.restoreAll();
      expect(tree.size).toBe(n);
      for (let t = 0; t < 10; t++) checkQuery(tree, x, x.data, rng.int(n) * p, 1, 5);
    }
    expect(() => new KdTree(fromRows([[1]])).remove(1)).toThrow(MlError);
  });

  it('includes points at distance exactly r and excludes those just beyond', () => {
    const x = fromRows([
      [0, 0],
      [3, 4],
      [3, 4.000000000000001],
      [-3, -4],
    ]);
    const tree = new KdTree(x, { leafSize: 1 });
    const out = new NeighborList();
    tree.radius(new Float64Array([0, 0]), 5, out);
    expect(Array.from(out.toIndices()).sort()).toEqual([0, 1, 3]);
    expect(tree.radiusCount(new Float64Array([0, 0]), 5)).toBe(3);
  });

  it('breaks knn distance ties by lower row index', () => {
    const x = fromRows([
      [1, 0],
      [0, 1],
      [-1, 0],
      [0, -1],
      [0, 0],
      [0, 0],
    ]);
    const tree = new KdTree(x, { leafSize: 1 });
    const res = tree.knn(new Float64Array([0, 0]), 4);
    expect(Array.from(res.indices.subarray(0, 4))).toEqual([4, 5, 0, 1]);
    expect(Array.from(res.distances.subarray(0, 4))).toEqual([0, 0, 1, 1]);
  });

  it('handles identical points, one row and no rows', () => {
    const same = fromRows(Array.from({ length: 50 }, () => [2, -1, 7]));
    const tree = new KdTree(same, { leafSize: 4 });
    const out = new NeighborList({ distances: false });
    expect(tree.radius(same.data, 1e-12, out, 0)).toBe(50);
    expect(tree.radiusCount(new Float64Array([2, -1, 7.5]), 0.4)).toBe(0);
    expect(Array.from(tree.knn(same.data, 3).indices.subarray(0, 3))).toEqual([0, 1, 2]);

    const one = new KdTree(fromRows([[1, 2]]));
    expect(one.radiusCount(new Float64Array([1, 2]), 0)).toBe(1);
    expect(Array.from(one.knn(new Float64Array([5, 5]), 1).distances.subarray(0, 1))).toEqual([5]);

    const empty = new KdTree({ data: new Float64Array(0), rows: 0, cols: 2 });
    expect(empty.radius(new Float64Array(2), 10, out)).toBe(0);
    expect(empty.radiusCount(new Float64Array(2), 10)).toBe(0);
    expect(() => empty.knn(new Float64Array(2), 1)).toThrow(MlError);
  });

  it('reuses a NeighborList: each query replaces the previous result', () => {
    const x = fromRows([[0], [1], [2], [3], [10]]);
    const tree = new KdTree(x, { leafSize: 1 });
    const out = new NeighborList({ capacity: 1 });
    tree.radius(new Float64Array([1.5]), 2, out);
    expect(out.length).toBe(4);
    tree.radius(new Float64Array([10]), 0.5, out);
    expect(Array.from(out.toIndices())).toEqual([4]);
    expect(tree.radius(new Float64Array([1]), -1, out)).toBe(0);
  });

  it('rejects bad options, bad queries and non-finite data', () => {
    const x = fromRows([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
    expect(mlErrorCode(() => new KdTree(x, { leafSize: 0 }))).toBe('BAD_OPTION');
    expect(mlErrorCode(() => new KdTree(x, { leafSize: 2.5 }))).toBe('BAD_OPTION');
    expect(mlErrorCode(() => new KdTree(fromRows([[0, Number.NaN]])))).toBe('NON_FINITE');
    const tree = new KdTree(x);
    expect(mlErrorCode(() => tree.knn(new Float64Array(2), 4))).toBe('BAD_OPTION');
    expect(mlErrorCode(() => tree.knn(new Float64Array(2), 0))).toBe('BAD_OPTION');
    expect(mlErrorCode(() => tree.knn(new Float64Array(2), 1, new NeighborList({ distances: false })))).toBe(
      'BAD_OPTION',
    );
    expect(mlErrorCode(() => tree.radiusCount(new Float64Array(3), 1, 2))).toBe('SHAPE_MISMATCH');
    expect(mlErrorCode(() => tree.radius(new Float64Array(1), 1, new NeighborList()))).toBe('SHAPE_MISMATCH');
  });
});
