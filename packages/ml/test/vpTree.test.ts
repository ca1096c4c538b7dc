import { describe, expect, it } from 'vitest';
import { VpTree } from '../src/embed/vpTree.ts';
import { type Matrix, matrix } from '../src/matrix.ts';
import { Rng } from '../src/random.ts';

/** Sorted distances from row i to every other row. */
function bruteDistances(x: Matrix, i: number): Float64Array {
  const p = x.cols;
  const out: number[] = [];
  for (let j = 0; j < x.rows; j++) {
    if (j === i) continue;
    let s = 0;
    for (let a = 0; a < p; a++) s += (x.data[i * p + a]! - x.data[j * p + a]!) ** 2;
    out.push(Math.sqrt(s));
  }
  return Float64Array.from(out).sort();
}

function dataset(kind: 'blobs' | 'uniform' | 'grid', n: number, p: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const d = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) {
      if (kind === 'blobs') d[i * p + a] = 8 * (i % 3) + rng.normal();
      else if (kind === 'uniform') d[i * p + a] = rng.next();
      else d[i * p + a] = rng.int(3); // integer grid: many ties and duplicates
    }
  }
  return matrix(n, p, d);
}

describe('VpTree exact k nearest neighbours', () => {
  for (const [kind, n, p, k] of [
    ['blobs', 400, 5, 10],
    ['uniform', 300, 12, 25],
    ['grid', 300, 3, 40],
  ] as const) {
    it(`${kind} ${n} x ${p}, k = ${k}: same distances as a full scan, self excluded`, () => {
      const x = dataset(kind, n, p, 5);
      const g = new VpTree(x, 11).knnGraph(k);
      let distErr = 0;
      let pairErr = 0;
      let selfHits = 0;
      let repeats = 0;
      for (let i = 0; i < n; i++) {
        const ref = bruteDistances(x, i);
        for (let t = 0; t < k; t++) {
          const j = g.indices[i * k + t]!;
          if (j === i) selfHits++;
          distErr = Math.max(distErr, Math.abs(g.distances[i * k + t]! - ref[t]!));
          // The reported distance belongs to the reported row.
          let s = 0;
          for (let a = 0; a < p; a++) s += (x.data[i * p + a]! - x.data[j * p + a]!) ** 2;
          pairErr = Math.max(pairErr, Math.abs(Math.sqrt(s) - g.distances[i * k + t]!));
        }
        repeats += k - new Set(g.indices.subarray(i * k, (i + 1) * k)).size;
      }
      expect(distErr).toBeLessThan(1e-12);
      expect(pairErr).toBeLessThan(1e-12);
      expect(selfHits).toBe(0);
      expect(repeats).toBe(0);
    });
  }

  it('does not depend on the seed (up to ties) and answers outside queries', () => {
    const x = dataset('blobs', 200, 4, 9);
    const a = new VpTree(x, 1).knnGraph(7);
    const b = new VpTree(x, 2).knnGraph(7);
    expect(Array.from(a.distances)).toEqual(Array.from(b.distances));
    const idx = new Int32Array(3);
    const dist = new Float64Array(3);
    const q = Float64Array.of(8, 8, 8, 8);
    expect(new VpTree(x).query(q, 0, 3, idx, dist)).toBe(3);
    let best = Number.POSITIVE_INFINITY;
    for (let j = 0; j < 200; j++) {
      let s = 0;
      for (let t = 0; t < 4; t++) s += (x.data[j * 4 + t]! - 8) ** 2;
      best = Math.min(best, Math.sqrt(s));
    }
    expect(dist[0]).toBeCloseTo(best, 12);
  });

  it('handles tiny inputs and all-identical rows', () => {
    const one = matrix(1, 2, Float64Array.of(1, 2));
    const idx = new Int32Array(2);
    const dist = new Float64Array(2);
    expect(new VpTree(one).query(Float64Array.of(0, 0), 0, 2, idx, dist)).toBe(1);
    expect(new VpTree(one).query(Float64Array.of(1, 2), 0, 2, idx, dist, 0)).toBe(0);
    const same = matrix(50, 2, new Float64Array(100).fill(4));
    const g = new VpTree(same).knnGraph(5);
    expect(Array.from(g.distances).every((d) => d === 0)).toBe(true);
    for (let i = 0; i < 50; i++) expect(Array.from(g.indices.subarray(i * 5, i * 5 + 5))).not.toContain(i);
    expect(() => new VpTree(same).knnGraph(50)).toThrow(RangeError);
  });
});
