import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DBSCAN, PointKind } from '../src/cluster/dbscan.ts';
import { fromRows, type Matrix, takeRows } from '../src/matrix.ts';
import { Rng } from '../src/random.ts';
import { mlErrorCode } from './helpers.ts';

interface Run {
  eps: number;
  minSamples: number;
  labels: number[];
  coreSampleIndices: number[];
  nClusters: number;
  contestedBorderPoints: number;
}
interface Dataset {
  name: string;
  rows: number;
  cols: number;
  data: number[];
  runs: Run[];
}
const fixture: { datasets: Dataset[] } = JSON.parse(
  readFileSync(new URL('./fixtures/dbscan.json', import.meta.url), 'utf8'),
);
const asMatrix = (d: Dataset): Matrix => ({ data: Float64Array.from(d.data), rows: d.rows, cols: d.cols });
const dataset = (name: string): Dataset => fixture.datasets.find((d) => d.name === name)!;

/**
 * Plain O(n^2) transcription of scikit-learn's `dbscan_inner` (depth-first stack, labels set when
 * popped): an independent reference for the fuzz test.
 */
function naiveDbscan(x: Matrix, eps: number, minSamples: number): { labels: Int32Array; core: Uint8Array } {
  const n = x.rows;
  const hoods: number[][] = [];
  for (let i = 0; i < n; i++) {
    const h: number[] = [];
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let c = 0; c < x.cols; c++) {
        const d = x.data[i * x.cols + c] - x.data[j * x.cols + c];
        s += d * d;
      }
      if (s <= eps * eps) h.push(j);
    }
    hoods.push(h);
  }
  const core = Uint8Array.from(hoods, (h) => (h.length >= minSamples ? 1 : 0));
  const labels = new Int32Array(n).fill(-1);
  let label = 0;
  for (let start = 0; start < n; start++) {
    if (labels[start] !== -1 || !core[start]) continue;
    const stack: number[] = [];
    let i = start;
    for (;;) {
      if (labels[i] === -1) {
        labels[i] = label;
        if (core[i]) for (const v of hoods[i]) if (labels[v] === -1) stack.push(v);
      }
      if (stack.length === 0) break;
      i = stack.pop()!;
    }
    label++;
  }
  return { labels, core };
}

describe('DBSCAN against scikit-learn', () => {
  for (const d of fixture.datasets) {
    for (const run of d.runs) {
      it(`${d.name} (${d.rows} x ${d.cols}), eps ${run.eps}, minSamples ${run.minSamples}`, () => {
        const m = new DBSCAN({ eps: run.eps, minSamples: run.minSamples }).fit(asMatrix(d));
        expect(Array.from(m.coreIndices)).toEqual(run.coreSampleIndices);
        const core = new Uint8Array(d.rows);
        for (const i of run.coreSampleIndices) core[i] = 1;
        expect(m.coreMask).toEqual(core);
        expect(Array.from(m.labels, (l) => l === -1)).toEqual(run.labels.map((l) => l === -1));
        // Exact, numbering and contested border points included.
        expect(Array.from(m.labels)).toEqual(run.labels);
        expect(m.nClusters).toBe(run.nClusters);
        expect(m.nNoise).toBe(run.labels.filter((l) => l === -1).length);
        for (let i = 0; i < d.rows; i++) {
          const want = core[i] ? PointKind.core : run.labels[i] === -1 ? PointKind.noise : PointKind.border;
          expect(m.kind[i]).toBe(want);
        }
      });
    }
  }

  it('the fixtures exercise border points reachable from two clusters', () => {
    const contested = fixture.datasets.flatMap((d) => d.runs).filter((r) => r.contestedBorderPoints > 0);
    expect(contested.length).toBeGreaterThanOrEqual(3);
  });

  it('gives a contested border point to the lower-numbered cluster', () => {
    const d = dataset('contested');
    const x = asMatrix(d);
    const m = new DBSCAN({ eps: 0.32, minSamples: 4 }).fit(x);
    let middle = -1;
    for (let i = 0; i < d.rows; i++) if (x.data[2 * i] === 1.3) middle = i;
    expect(m.kind[middle]).toBe(PointKind.border);
    expect(m.nClusters).toBe(2);
    // Cores of both clusters lie within eps of the middle point; the lower number wins.
    const reaching = new Set<number>();
    for (let j = 0; j < d.rows; j++) {
      const dx = x.data[2 * j] - x.data[2 * middle];
      const dy = x.data[2 * j + 1] - x.data[2 * middle + 1];
      if (m.coreMask[j] && dx * dx + dy * dy <= 0.32 * 0.32) reaching.add(m.labels[j]);
    }
    expect([...reaching].sort()).toEqual([0, 1]);
    expect(m.labels[middle]).toBe(0);
    expect(m.labels[middle]).toBe(d.runs[0].labels[middle]);
  });
});

describe('DBSCAN properties', () => {
  it('matches a naive scikit-learn transcription on seeded random data', () => {
    const rng = new Rng(5);
    for (let t = 0; t < 60; t++) {
      const n = 1 + rng.int(120);
      const p = 1 + rng.int(4);
      const data = new Float64Array(n * p);
      // Coarse grid: duplicates and distances exactly eps are common.
      for (let k = 0; k < data.length; k++) data[k] = t % 2 ? rng.int(7) : rng.normal() * 2;
      const x = { data, rows: n, cols: p };
      const eps = t % 2 ? [1, Math.SQRT2, 2][t % 3] : 0.2 + rng.next();
      const minSamples = 1 + rng.int(8);
      const m = new DBSCAN({ eps, minSamples }).fit(x);
      const ref = naiveDbscan(x, eps, minSamples);
      expect(m.coreMask).toEqual(ref.core);
      expect(m.labels).toEqual(ref.labels);
    }
  });

  it('shuffling rows keeps cores, noise and the partition of core points', () => {
    const d = dataset('blobs_noise_2d');
    const x = asMatrix(d);
    const eps = 0.3;
    const base = new DBSCAN({ eps, minSamples: 5 }).fit(x);
    const perm = new Rng(3).shuffle(Int32Array.from({ length: d.rows }, (_, i) => i));
    const m = new DBSCAN({ eps, minSamples: 5 }).fit(takeRows(x, perm));
    expect(m.nClusters).toBe(base.nClusters);
    const map = new Map<number, number>();
    for (let k = 0; k < d.rows; k++) {
      const i = perm[k];
      expect(m.coreMask[k]).toBe(base.coreMask[i]);
      expect(m.labels[k] === -1).toBe(base.labels[i] === -1);
      if (base.coreMask[i]) {
        // A bijection between the two numberings, on core points.
        if (!map.has(base.labels[i])) map.set(base.labels[i], m.labels[k]);
        expect(m.labels[k]).toBe(map.get(base.labels[i]));
      }
    }
    expect(new Set(map.values()).size).toBe(map.size);
    // A border point joins a cluster that has a core point within eps of it.
    for (let k = 0; k < d.rows; k++) {
      if (m.kind[k] !== PointKind.border) continue;
      let ok = false;
      for (let j = 0; j < d.rows && !ok; j++) {
        if (!m.coreMask[j] || m.labels[j] !== m.labels[k]) continue;
        const a = takeRows(x, [perm[k], perm[j]]).data;
        ok = (a[0] - a[2]) ** 2 + (a[1] - a[3]) ** 2 <= eps * eps;
      }
      expect(ok).toBe(true);
    }
  });

  it('is deterministic and reports progress up to 2 x rows', () => {
    const x = asMatrix(dataset('moons'));
    const seen: number[] = [];
    const a = new DBSCAN({ eps: 0.1, onProgress: (done, total) => seen.push(done / total) }).fit(x);
    const b = new DBSCAN({ eps: 0.1 }).fit(x);
    expect(a.labels).toEqual(b.labels);
    expect(seen.at(-1)).toBe(1);
    for (let k = 1; k < seen.length; k++) expect(seen[k]).toBeGreaterThanOrEqual(seen[k - 1]);
  });

  it('ignores a constant column', () => {
    const d = dataset('blobs_noise_2d');
    const with3 = new Float64Array(d.rows * 3);
    for (let i = 0; i < d.rows; i++) {
      with3[3 * i] = d.data[2 * i];
      with3[3 * i + 1] = 42;
      with3[3 * i + 2] = d.data[2 * i + 1];
    }
    const m = new DBSCAN({ eps: 0.5, minSamples: 10 }).fit({ data: with3, rows: d.rows, cols: 3 });
    expect(Array.from(m.labels)).toEqual(d.runs.find((r) => r.eps === 0.5)!.labels);
  });
});

describe('DBSCAN edge cases', () => {
  it('one row: noise unless minSamples is 1', () => {
    const x = fromRows([[3, 4]]);
    const m = new DBSCAN({ eps: 1 }).fit(x);
    expect(Array.from(m.labels)).toEqual([-1]);
    expect(m.nClusters).toBe(0);
    expect(m.nNoise).toBe(1);
    expect(Array.from(m.kind)).toEqual([PointKind.noise]);
    const one = new DBSCAN({ eps: 1, minSamples: 1 }).fit(x);
    expect(Array.from(one.labels)).toEqual([0]);
    expect(Array.from(one.coreMask)).toEqual([1]);
  });

  it('all points identical: one cluster of cores, or all noise when too few', () => {
    const x = fromRows(Array.from({ length: 40 }, () => [1.5, -2, 0]));
    const m = new DBSCAN({ eps: 1e-9, minSamples: 40 }).fit(x);
    expect(m.nClusters).toBe(1);
    expect(m.labels.every((l) => l === 0)).toBe(true);
    expect(m.coreMask.every((c) => c === 1)).toBe(true);
    const few = new DBSCAN({ eps: 10, minSamples: 41 }).fit(x);
    expect(few.nNoise).toBe(40);
    expect(few.nClusters).toBe(0);
  });

  it('eps below every pairwise distance: everything is noise', () => {
    const x = asMatrix(dataset('moons'));
    const m = new DBSCAN({ eps: 1e-6, minSamples: 2 }).fit(x);
    expect(m.nNoise).toBe(x.rows);
    expect(m.nClusters).toBe(0);
    expect(m.coreIndices.length).toBe(0);
    expect(m.kind.every((k) => k === PointKind.noise)).toBe(true);
  });

  it('minSamples 1 makes every point core', () => {
    const m = new DBSCAN({ eps: 0.05, minSamples: 1 }).fit(asMatrix(dataset('moons')));
    expect(m.nNoise).toBe(0);
    expect(m.coreMask.every((c) => c === 1)).toBe(true);
  });

  it('rejects bad options and bad input with MlError', () => {
    expect(mlErrorCode(() => new DBSCAN({ eps: 0 }))).toBe('BAD_OPTION');
    expect(mlErrorCode(() => new DBSCAN({ eps: -1 }))).toBe('BAD_OPTION');
    expect(mlErrorCode(() => new DBSCAN({ eps: Number.NaN }))).toBe('BAD_OPTION');
    expect(mlErrorCode(() => new DBSCAN({ eps: Number.POSITIVE_INFINITY }))).toBe('BAD_OPTION');
    expect(mlErrorCode(() => new DBSCAN({ eps: 1, minSamples: 0 }))).toBe('BAD_OPTION');
    expect(mlErrorCode(() => new DBSCAN({ eps: 1, minSamples: 2.5 }))).toBe('BAD_OPTION');
    expect(mlErrorCode(() => new DBSCAN({ eps: 1, metric: 'cosine' as unknown as 'euclidean' }))).toBe(
      'BAD_OPTION',
    );
    const db = new DBSCAN({ eps: 1 });
    expect(mlErrorCode(() => db.fit({ data: new Float64Array(0), rows: 0, cols: 2 }))).toBe('EMPTY_INPUT');
    expect(mlErrorCode(() => db.fit({ data: new Float64Array(0), rows: 3, cols: 0 }))).toBe('EMPTY_INPUT');
    expect(
      mlErrorCode(() =>
        db.fit(
          fromRows([
            [0, 1],
            [Number.NaN, 2],
          ]),
        ),
      ),
    ).toBe('NON_FINITE');
  });
});
