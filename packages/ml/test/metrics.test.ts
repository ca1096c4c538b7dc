import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MlError } from '../src/errors.ts';
import { fromRows, matrix, takeRows } from '../src/matrix.ts';
import { adjustedRandIndex } from '../src/metrics/adjustedRandIndex.ts';
import { calinskiHarabasz } from '../src/metrics/calinskiHarabasz.ts';
import { contingency, encodeLabels } from '../src/metrics/contingency.ts';
import { daviesBouldin } from '../src/metrics/daviesBouldin.ts';
import { type NmiAverage, normalizedMutualInfo } from '../src/metrics/normalizedMutualInfo.ts';
import { silhouetteSamples, silhouetteScore } from '../src/metrics/silhouette.ts';
import { Rng } from '../src/random.ts';
import { expectMlError, toMatrix } from './helpers.ts';

interface Result {
  silhouette: number;
  silhouetteSamples: number[];
  calinskiHarabasz: number;
  daviesBouldin: number;
  daviesBouldinExact: number;
}
interface Dataset {
  rows: number;
  cols: number;
  x: number[];
  results: Record<string, Result>;
}
interface PairRef {
  a: string;
  b: string;
  ari: number;
  nmi: Record<NmiAverage, number>;
}
interface SmallPair {
  a: number[];
  b: number[];
  ari: number;
  nmi: Record<NmiAverage, number>;
}
interface EdgeCase {
  rows: number;
  cols: number;
  x: number[];
  labels: number[];
  silhouetteSamples: number[];
  calinskiHarabasz: number;
  daviesBouldin: number;
}
const fixture: {
  labels: Record<string, number[]>;
  datasets: Record<string, Dataset>;
  pairs: PairRef[];
  smallPairs: SmallPair[];
  edgeCases: EdgeCase[];
} = JSON.parse(readFileSync(new URL('./fixtures/metrics.json', import.meta.url), 'utf8'));

const AVERAGES: NmiAverage[] = ['min', 'geometric', 'arithmetic', 'max'];
const labelsOf = (name: string) => Int32Array.from(fixture.labels[name]!);
/** |a - b| <= tol * max(1, |b|): absolute near 0, relative for large values such as CH. */
const close = (a: number, b: number, tol = 1e-9) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe('cluster validity indices match scikit-learn 1.2 to 1e-9', () => {
  for (const [dname, ds] of Object.entries(fixture.datasets)) {
    const x = toMatrix(ds);
    for (const [lname, ref] of Object.entries(ds.results)) {
      it(`${dname} / ${lname}`, () => {
        const labels = labelsOf(lname);
        const samples = silhouetteSamples(x, labels);
        let worst = 0;
        for (let i = 0; i < x.rows; i++)
          worst = Math.max(worst, Math.abs(samples[i]! - ref.silhouetteSamples[i]!));
        expect(worst).toBeLessThan(1e-9);
        const s = silhouetteScore(x, labels);
        expect(s.sampled).toBe(false);
        expect(s.sampleSize).toBe(x.rows);
        expect(Math.abs(s.score - ref.silhouette)).toBeLessThan(1e-9);
        expect(close(calinskiHarabasz(x, labels), ref.calinskiHarabasz)).toBe(true);
        // scikit-learn's own round-off (|a|^2 - 2ab + |b|^2 distances) reaches 2.6e-8 on blobs /
        // singletons: there we must match the exact value and sit within that gap of scikit-learn.
        const db = daviesBouldin(x, labels);
        const skGap = Math.abs(ref.daviesBouldin - ref.daviesBouldinExact);
        expect(Math.abs(db - ref.daviesBouldinExact)).toBeLessThan(1e-12);
        expect(Math.abs(db - ref.daviesBouldin)).toBeLessThan(Math.max(1e-9, skGap + 1e-12));
      });
    }
  }

  it('singleton clusters get silhouette 0; noise label -1 is an ordinary cluster', () => {
    const x = toMatrix(fixture.datasets['blobs']!);
    const single = labelsOf('singletons');
    const s = silhouetteSamples(x, single);
    for (let i = 0; i < single.length; i++) if (single[i]! >= 100) expect(s[i]).toBe(0);
    // -1 behaves exactly like any other value: renaming it leaves every index unchanged.
    const noise = labelsOf('noise');
    const renamed = noise.map((v) => (v === -1 ? 77 : v));
    expect(silhouetteScore(x, renamed).score).toBe(silhouetteScore(x, noise).score);
    expect(calinskiHarabasz(x, renamed)).toBeCloseTo(calinskiHarabasz(x, noise), 9);
  });

  it('degenerate inputs: all points identical, coinciding centroids', () => {
    for (const e of fixture.edgeCases) {
      const x = toMatrix(e);
      const s = silhouetteSamples(x, e.labels);
      for (let i = 0; i < e.rows; i++) expect(Math.abs(s[i]! - e.silhouetteSamples[i]!)).toBeLessThan(1e-12);
      expect(close(calinskiHarabasz(x, e.labels), e.calinskiHarabasz)).toBe(true);
      expect(Math.abs(daviesBouldin(x, e.labels) - e.daviesBouldin)).toBeLessThan(1e-12);
    }
  });
});

describe('silhouette properties', () => {
  const x = toMatrix(fixture.datasets['blobs']!);
  const labels = labelsOf('noisy');
  const exact = silhouetteScore(x, labels).score;

  it('is unchanged by shuffling rows and by renaming clusters', () => {
    const perm = new Rng(5).shuffle(Int32Array.from({ length: x.rows }, (_, i) => i));
    const shuffledLabels = Int32Array.from(perm, (i) => labels[i]!);
    expect(silhouetteScore(takeRows(x, perm), shuffledLabels).score).toBeCloseTo(exact, 12);
    const renamed = labels.map((v) => 10 * (3 - v));
    expect(silhouetteScore(x, renamed).score).toBeCloseTo(exact, 12);
  });

  it('sampled score: same seed same result, close to the exact score, exact when size >= n', () => {
    const a = silhouetteScore(x, labels, { sampleSize: 150, seed: 3 });
    const b = silhouetteScore(x, labels, { sampleSize: 150, seed: 3 });
    const c = silhouetteScore(x, labels, { sampleSize: 150, seed: 4 });
    expect(a).toEqual(b);
    expect(a.sampled).toBe(true);
    expect(a.sampleSize).toBe(150);
    expect(c.score).not.toBe(a.score);
    expect(Math.abs(a.score - exact)).toBeLessThan(0.05);
    const all = silhouetteScore(x, labels, { sampleSize: 10_000 });
    expect(all.sampled).toBe(false);
    expect(all.score).toBe(exact);
  });

  it('reports progress up to the total number of pairs', () => {
    const calls: [number, number][] = [];
    silhouetteSamples(x, labels, { onProgress: (d, t) => calls.push([d, t]) });
    expect(calls.length).toBeGreaterThan(0);
    const last = calls[calls.length - 1]!;
    expect(last[0]).toBe(last[1]);
    expect(last[1]).toBe((x.rows * (x.rows - 1)) / 2);
  });

  it('matches a naive all-pairs computation on random data with many clusters', () => {
    const rng = new Rng(9);
    const n = 120;
    const p = 7; // not a multiple of 4: exercises the unrolled loop's tail
    const m = matrix(n, p);
    for (let k = 0; k < n * p; k++) m.data[k] = rng.normal();
    const lab = Int32Array.from({ length: n }, () => rng.int(9));
    const s = silhouetteSamples(m, lab);
    for (let i = 0; i < n; i++) {
      const sum = new Float64Array(9);
      const cnt = new Float64Array(9);
      for (let j = 0; j < n; j++) {
        let d = 0;
        for (let t = 0; t < p; t++) d += (m.data[i * p + t]! - m.data[j * p + t]!) ** 2;
        sum[lab[j]!] += Math.sqrt(d);
        cnt[lab[j]!]++;
      }
      const own = lab[i]!;
      if (cnt[own] === 1) {
        expect(s[i]).toBe(0);
        continue;
      }
      const a = sum[own]! / (cnt[own]! - 1);
      let b = Number.POSITIVE_INFINITY;
      for (let c = 0; c < 9; c++) if (c !== own && cnt[c]! > 0) b = Math.min(b, sum[c]! / cnt[c]!);
      expect(s[i]).toBeCloseTo((b - a) / Math.max(a, b), 12);
    }
  });
});

describe('silhouette with very many clusters', () => {
  it('switches to row-by-row scoring past 2^24 table cells and still matches a naive computation', () => {
    const n = 4200;
    const p = 3;
    const k = 4100; // n k = 17.2M cells > 2^24; clusters 0..99 hold 2 rows, the rest are singletons
    const rng = new Rng(4);
    const m = matrix(n, p);
    for (let t = 0; t < n * p; t++) m.data[t] = rng.normal();
    const lab = Int32Array.from({ length: n }, (_, i) => i % k);
    const s = silhouetteSamples(m, lab);
    const dist = (i: number, j: number) => {
      let d = 0;
      for (let t = 0; t < p; t++) d += (m.data[i * p + t]! - m.data[j * p + t]!) ** 2;
      return Math.sqrt(d);
    };
    for (const i of [0, 57, 99, 4100, 4199]) {
      const mate = i < k ? i + k : i - k;
      const a = dist(i, mate);
      const sums = new Float64Array(k);
      for (let j = 0; j < n; j++) sums[lab[j]!] += dist(i, j);
      let b = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++) if (c !== lab[i]) b = Math.min(b, sums[c]! / (c < 100 ? 2 : 1));
      expect(s[i]).toBeCloseTo((b - a) / Math.max(a, b), 12);
    }
    expect(s[100]).toBe(0); // singleton
  });
});

describe('metric input errors', () => {
  const x = fromRows([[0], [1], [2], [3]]);
  it('needs 2 <= clusters <= n - 1, as scikit-learn', () => {
    for (const fn of [silhouetteSamples, calinskiHarabasz, daviesBouldin] as const) {
      expectMlError(() => fn(x, [0, 0, 0, 0]), 'BAD_OPTION');
      expectMlError(() => fn(x, [0, 1, 2, 3]), 'BAD_OPTION');
      expectMlError(() => fn(matrix(0, 2), []), 'EMPTY_INPUT');
      expectMlError(() => fn(fromRows([[1]]), [0]), 'BAD_OPTION');
      expectMlError(() => fn(x, [0, 1, 1]), 'SHAPE_MISMATCH');
      expectMlError(() => fn(fromRows([[0], [Number.NaN], [2], [3]]), [0, 0, 1, 1]), 'NON_FINITE');
      expectMlError(() => fn(x, [0, 0.5, 1, 1]), 'BAD_OPTION');
      expectMlError(() => fn(x, [0, Number.NaN, 1, 1]), 'NON_FINITE');
    }
    try {
      silhouetteScore(x, [0, 0, 0, 0]);
    } catch (e) {
      expect((e as Error).message).toMatch(/1 distinct cluster for 4 rows/);
    }
  });

  it('rejects a bad sampleSize and a sample that holds one cluster', () => {
    expectMlError(() => silhouetteScore(x, [0, 0, 1, 1], { sampleSize: 1 }), 'BAD_OPTION');
    expectMlError(() => silhouetteScore(x, [0, 0, 1, 1], { sampleSize: 2.5 }), 'BAD_OPTION');
    const big = matrix(
      50,
      1,
      Float64Array.from({ length: 50 }, (_, i) => i),
    );
    const rare = Int32Array.from({ length: 50 }, (_, i) => (i === 0 ? 1 : 0));
    // Seeds whose 3-row sample misses row 0 see a single cluster: an error, as in scikit-learn.
    let errors = 0;
    for (let seed = 0; seed < 5; seed++) {
      try {
        silhouetteScore(big, rare, { sampleSize: 3, seed });
      } catch (e) {
        expect((e as MlError).code).toBe('BAD_OPTION');
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(0);
  });

  it('pair metrics reject different lengths and an unknown average', () => {
    expectMlError(() => adjustedRandIndex([0, 1], [0]), 'SHAPE_MISMATCH');
    expectMlError(() => normalizedMutualInfo([0, 1], [0]), 'SHAPE_MISMATCH');
    expectMlError(() => normalizedMutualInfo([0, 1], [0, 1], 'median' as NmiAverage), 'BAD_OPTION');
  });
});

describe('adjusted Rand index and normalized mutual information', () => {
  it('match scikit-learn on every pair of fixture labelings', () => {
    for (const pr of fixture.pairs) {
      const a = labelsOf(pr.a);
      const b = labelsOf(pr.b);
      expect(Math.abs(adjustedRandIndex(a, b) - pr.ari)).toBeLessThan(1e-12);
      expect(Math.abs(adjustedRandIndex(b, a) - pr.ari)).toBeLessThan(1e-12);
      for (const m of AVERAGES)
        expect(Math.abs(normalizedMutualInfo(a, b, m) - pr.nmi[m])).toBeLessThan(1e-12);
    }
  });

  it("match scikit-learn's special cases (identical, one cluster, all singletons, empty)", () => {
    for (const sp of fixture.smallPairs) {
      expect(adjustedRandIndex(sp.a, sp.b)).toBeCloseTo(sp.ari, 14);
      for (const m of AVERAGES) expect(normalizedMutualInfo(sp.a, sp.b, m)).toBeCloseTo(sp.nmi[m], 14);
    }
  });

  it('handle huge, sparse label values (the sorted encoding path)', () => {
    const a = labelsOf('noisy');
    const b = labelsOf('random');
    const wide = Float64Array.from(a, (v) => (v - 1.5) * 1e12);
    expect(adjustedRandIndex(wide, b)).toBe(adjustedRandIndex(a, b));
    expect(normalizedMutualInfo(wide, b)).toBe(normalizedMutualInfo(a, b));
  });

  it('stay exact when the pair counts pass 2^53 (n = 100,000)', () => {
    const n = 100_000;
    const rng = new Rng(2);
    const a = Int32Array.from({ length: n }, () => rng.int(3));
    const b = Int32Array.from(a, (v, i) => (i % 10 === 0 ? rng.int(3) : v));
    // Independent closed form from the contingency table's pair sums, in BigInt throughout.
    const t = contingency(encodeLabels(a, 't'), encodeLabels(b, 't'));
    const c2 = (v: bigint) => (v * (v - 1n)) / 2n;
    let sumIj = 0n;
    for (const v of t.cellCount) sumIj += c2(BigInt(v));
    let sumA = 0n;
    for (const v of t.rowSums) sumA += c2(BigInt(v));
    let sumB = 0n;
    for (const v of t.colSums) sumB += c2(BigInt(v));
    const total = c2(BigInt(n));
    // ARI = (sumIj - sumA sumB / total) / ((sumA + sumB) / 2 - sumA sumB / total), scaled by 2 total.
    const num = 2n * (total * sumIj - sumA * sumB);
    const den = total * (sumA + sumB) - 2n * sumA * sumB;
    const ref = Number(num) / Number(den);
    expect(Math.abs(adjustedRandIndex(a, b) - ref)).toBeLessThan(1e-12);
  });
});
