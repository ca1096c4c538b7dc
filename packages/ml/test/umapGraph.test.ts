import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findAbParams } from '../src/embed/findAbParams.ts';
import { fuzzySimplicialSet, smoothKnnDistances } from '../src/embed/fuzzySimplicialSet.ts';
import { exactKnn, type KnnGraph } from '../src/embed/knn.ts';
import { nnDescent } from '../src/embed/nnDescent.ts';
import { powTable } from '../src/embed/optimizeLayout.ts';
import { connectedComponents, spectralLayout } from '../src/embed/spectralInit.ts';
import { fromRows, type Matrix, matrix } from '../src/matrix.ts';
import { Rng } from '../src/random.ts';
import { gaussianBlobs } from './helpers.ts';

// The building blocks of UMAP (src/embed/umap.ts); the estimator itself is tested in umap.test.ts.

const fixture = JSON.parse(readFileSync(new URL('./fixtures/umap.json', import.meta.url), 'utf8')) as {
  ab: { minDist: number; spread: number; a: number; b: number }[];
};

function brute(x: Matrix, k: number): Int32Array[] {
  const out: Int32Array[] = [];
  for (let i = 0; i < x.rows; i++) {
    const d: [number, number][] = [];
    for (let j = 0; j < x.rows; j++) {
      if (j === i) continue;
      let s = 0;
      for (let c = 0; c < x.cols; c++) s += (x.data[i * x.cols + c] - x.data[j * x.cols + c]) ** 2;
      d.push([s, j]);
    }
    d.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    out.push(Int32Array.from(d.slice(0, k - 1).map((e) => e[1])));
  }
  return out;
}

function recall(approx: KnnGraph, exact: KnnGraph): number {
  let hit = 0;
  const k = exact.k;
  for (let i = 0; i < exact.n; i++) {
    const truth = new Set(exact.indices.subarray(i * k + 1, (i + 1) * k));
    for (let q = 1; q < k; q++) if (truth.has(approx.indices[i * k + q])) hit++;
  }
  return hit / (exact.n * (k - 1));
}

/** umap-learn's least-squares objective for a, b. */
function abCost(minDist: number, spread: number, a: number, b: number): number {
  let s = 0;
  for (let i = 0; i < 300; i++) {
    const x = (3 * spread * i) / 299;
    const y = x < minDist ? 1 : Math.exp(-(x - minDist) / spread);
    s += (1 / (1 + a * x ** (2 * b)) - y) ** 2;
  }
  return s;
}

describe('findAbParams against umap-learn find_ab_params (scipy curve_fit)', () => {
  for (const c of fixture.ab) {
    it(`minDist ${c.minDist}, spread ${c.spread}`, () => {
      const { a, b } = findAbParams(c.minDist, c.spread);
      // scipy stops at its own tolerance (~1e-8 on the cost), so allow 1e-5 on the parameters
      // and require our fit to be at least as good.
      expect(Math.abs(a - c.a) / c.a).toBeLessThan(1e-5);
      expect(Math.abs(b - c.b) / c.b).toBeLessThan(1e-5);
      expect(abCost(c.minDist, c.spread, a, b)).toBeLessThanOrEqual(
        abCost(c.minDist, c.spread, c.a, c.b) * (1 + 1e-12),
      );
    });
  }
});

describe('nearest neighbours', () => {
  it('exactKnn lists the point itself first, then its true neighbours in distance order', () => {
    const { x } = gaussianBlobs(200, 4, 3, 1);
    const g = exactKnn(x, 8, 'euclidean');
    const truth = brute(x, 8);
    for (let i = 0; i < x.rows; i++) {
      expect(g.indices[i * 8]).toBe(i);
      expect(g.distances[i * 8]).toBe(0);
      expect(Array.from(g.indices.subarray(i * 8 + 1, i * 8 + 8))).toEqual(Array.from(truth[i]));
      const j = g.indices[i * 8 + 1];
      expect(g.distances[i * 8 + 1]).toBeCloseTo(
        Math.sqrt((x.data[i * 4] - x.data[j * 4]) ** 2 + sumSqRest(x, i, j)),
        12,
      );
    }
  });

  it('hamming distance is the fraction of differing columns', () => {
    const x = fromRows([
      [1, 2, 3, 4],
      [1, 2, 3, 5],
      [9, 9, 3, 4],
    ]);
    const g = exactKnn(x, 3, 'hamming');
    expect(Array.from(g.indices.subarray(0, 3))).toEqual([0, 1, 2]);
    expect(Array.from(g.distances.subarray(0, 3))).toEqual([0, 0.25, 0.5]);
  });

  it('NN-descent finds > 95% of the exact neighbours and is deterministic by seed', () => {
    const { x } = gaussianBlobs(1200, 8, 10, 2);
    const exact = exactKnn(x, 15, 'euclidean');
    const a = nnDescent(x, 15, 'euclidean', new Rng(3));
    expect(recall(a, exact)).toBeGreaterThan(0.95);
    const b = nnDescent(x, 15, 'euclidean', new Rng(3));
    expect(b.indices).toEqual(a.indices);
    for (let i = 0; i < x.rows; i++) expect(a.indices[i * 15]).toBe(i);
  });

  it('NN-descent under hamming recovers neighbours of categorical codes', () => {
    const rng = new Rng(4);
    const n = 800;
    const p = 30;
    const data = new Float64Array(n * p);
    for (let i = 0; i < n; i++) {
      const group = i % 25;
      // Codes shared within a group except for a few random columns.
      for (let j = 0; j < p; j++) data[i * p + j] = rng.next() < 0.3 ? 100 + rng.int(1000) : group * 7 + j;
    }
    const x = matrix(n, p, data);
    const exact = exactKnn(x, 10, 'hamming');
    const approx = nnDescent(x, 10, 'hamming', new Rng(1));
    // Many tied hamming distances: compare the k-th distance instead of index sets.
    let worse = 0;
    for (let i = 0; i < n; i++)
      if (approx.distances[i * 10 + 9] > exact.distances[i * 10 + 9] + 1e-12) worse++;
    expect(worse / n).toBeLessThan(0.05);
  });
});

function sumSqRest(x: Matrix, i: number, j: number): number {
  let s = 0;
  for (let c = 1; c < x.cols; c++) s += (x.data[i * x.cols + c] - x.data[j * x.cols + c]) ** 2;
  return s;
}

describe('fuzzy simplicial set', () => {
  const { x } = gaussianBlobs(300, 5, 4, 5);
  const knn = exactKnn(x, 15, 'euclidean');

  it('sigma solves sum_j exp(-(d_ij - rho_i) / sigma_i) = log2 k (umap-learn smooth_knn_dist)', () => {
    const { sigmas, rhos } = smoothKnnDistances(knn);
    for (let i = 0; i < x.rows; i++) {
      expect(rhos[i]).toBe(knn.distances[i * 15 + 1]);
      let s = 0;
      for (let j = 1; j < 15; j++)
        s += Math.exp(-Math.max(0, knn.distances[i * 15 + j] - rhos[i]) / sigmas[i]);
      expect(Math.abs(s - Math.log2(15))).toBeLessThan(1e-4);
    }
  });

  it('is symmetric, in (0, 1], without self loops, and holds the kNN edges', () => {
    const g = fuzzySimplicialSet(knn);
    const at = (i: number, j: number): number => {
      for (let e = g.indptr[i]; e < g.indptr[i + 1]; e++) if (g.indices[e] === j) return g.values[e];
      return 0;
    };
    const problems: string[] = [];
    for (let i = 0; i < x.rows; i++) {
      for (let e = g.indptr[i]; e < g.indptr[i + 1]; e++) {
        const j = g.indices[e];
        const v = g.values[e];
        if (j === i) problems.push(`self loop at ${i}`);
        if (e > g.indptr[i] && j <= g.indices[e - 1]) problems.push(`row ${i} columns not ascending`);
        if (!(v > 0 && v <= 1)) problems.push(`(${i}, ${j}) = ${v}`);
        if (at(j, i) !== v) problems.push(`(${i}, ${j}) = ${v} but (${j}, ${i}) = ${at(j, i)}`);
      }
      // The nearest neighbour has membership 1, and the union keeps it at 1.
      const nearest = at(i, knn.indices[i * 15 + 1]);
      if (Math.abs(nearest - 1) > 1e-12) problems.push(`nearest of ${i} has ${nearest}`);
    }
    expect(problems).toEqual([]);
  });

  it('handles exact duplicates (rho = 0) with finite memberships', () => {
    const dup = fromRows([
      [0, 0],
      [0, 0],
      [0, 0],
      [1, 1],
      [1, 1],
      [5, 5],
    ]);
    const g = fuzzySimplicialSet(exactKnn(dup, 4, 'euclidean'));
    for (const v of g.values) expect(Number.isFinite(v) && v > 0 && v <= 1).toBe(true);
  });
});

describe('spectral initialisation', () => {
  function ring(n: number, offset: number, rows: number[], cols: number[]): void {
    for (let i = 0; i < n; i++) {
      rows.push(offset + i, offset + ((i + 1) % n));
      cols.push(offset + ((i + 1) % n), offset + i);
    }
  }
  function graphOf(n: number, rows: number[], cols: number[]) {
    const order = rows.map((_, e) => e).sort((a, b) => rows[a] - rows[b] || cols[a] - cols[b]);
    const indptr = new Int32Array(n + 1);
    for (const r of rows) indptr[r + 1]++;
    for (let i = 0; i < n; i++) indptr[i + 1] += indptr[i];
    return {
      n,
      indptr,
      indices: Int32Array.from(order.map((e) => cols[e])),
      values: new Float64Array(rows.length).fill(1),
    };
  }

  it('lays a ring graph out on a circle (the Laplacian eigenvectors are a cos / sin pair)', () => {
    // The pair shares one eigenvalue: single-vector Lanczos would find only one of the two.
    // 60 nodes keep the Krylov basis under its cap of 100, so the answer is exact.
    const rows: number[] = [];
    const cols: number[] = [];
    ring(60, 0, rows, cols);
    const layout = spectralLayout(graphOf(60, rows, cols), 2, new Rng(1), null);
    const radii = Array.from({ length: 60 }, (_, i) => Math.hypot(layout[2 * i], layout[2 * i + 1]));
    const mean = radii.reduce((s, r) => s + r, 0) / 60;
    for (const r of radii) expect(Math.abs(r / mean - 1)).toBeLessThan(1e-6);
    // Neighbours on the ring are neighbours on the circle: angle steps of 2 pi / 60.
    for (let i = 0; i < 60; i++) {
      const j = (i + 1) % 60;
      const cos =
        (layout[2 * i] * layout[2 * j] + layout[2 * i + 1] * layout[2 * j + 1]) / (radii[i] * radii[j]);
      expect(cos).toBeCloseTo(Math.cos((2 * Math.PI) / 60), 6);
    }
  });

  it('places separate components around separate anchors', () => {
    const rows: number[] = [];
    const cols: number[] = [];
    ring(50, 0, rows, cols);
    ring(50, 50, rows, cols);
    ring(50, 100, rows, cols);
    const g = graphOf(150, rows, cols);
    expect(connectedComponents(g).count).toBe(3);
    const layout = spectralLayout(g, 2, new Rng(1), null);
    const centre = (c: number): number[] => {
      let sx = 0;
      let sy = 0;
      for (let i = c * 50; i < c * 50 + 50; i++) {
        sx += layout[2 * i];
        sy += layout[2 * i + 1];
      }
      return [sx / 50, sy / 50];
    };
    const cs = [centre(0), centre(1), centre(2)];
    for (let a = 0; a < 3; a++) {
      for (let b = a + 1; b < 3; b++)
        expect(Math.hypot(cs[a][0] - cs[b][0], cs[a][1] - cs[b][1])).toBeGreaterThan(0.5);
    }
  });
});

describe('powTable', () => {
  it('matches x ** b to 4e-6 relative over 60 orders of magnitude', () => {
    const rng = new Rng(8);
    for (const b of [0.5, 0.79, 0.895, 1.33, 2]) {
      const pow = powTable(b);
      let worst = 0;
      for (let i = 0; i < 20000; i++) {
        const x = Math.exp(rng.uniform(-70, 70));
        worst = Math.max(worst, Math.abs(pow(x) / x ** b - 1));
      }
      expect(worst).toBeLessThan(b <= 1.4 ? 1.5e-6 : 4e-6);
      expect(pow(1)).toBe(1);
      expect(pow(1e-30)).toBeCloseTo(1e-30 ** b, 40);
    }
  });
});
