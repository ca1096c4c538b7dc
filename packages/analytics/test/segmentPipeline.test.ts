import { type Matrix, matrix, Rng } from '@clientele/ml';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.ts';
import { matchSegments, relabelToPrevious } from '../src/pipeline/matchSegments.ts';
import { nameSegments } from '../src/pipeline/nameSegments.ts';
import { segmentDrivers } from '../src/pipeline/segmentDrivers.ts';
import { profileSegments, quartilesInPlace, type SegmentProfile } from '../src/pipeline/segmentProfiles.ts';

/** np.percentile(v, 100 q), 'linear', by sorting: the direct computation. */
function percentile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const pstd = (v: number[]): number => {
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
};
const col = (x: Matrix, j: number, rows: number[]): number[] => rows.map((i) => x.data[i * x.cols + j]!);

/** n rows, p features of noise (integers in a small range when `ties`), labels 0..k-1 and some -1. */
function synthetic(n: number, p: number, k: number, seed: number, ties = false) {
  const rng = new Rng(seed);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = i % 11 === 10 ? -1 : rng.int(k);
  const x = matrix(n, p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      const shift = labels[i]! >= 0 ? labels[i]! * (j + 1) : 0;
      x.data[i * p + j] = ties ? rng.int(4) + shift : rng.normal() * 3 + shift;
    }
  }
  return { x, labels };
}

describe('profileSegments', () => {
  for (const ties of [false, true]) {
    it(`matches a direct computation of sizes, shares, moments, quartiles and z${ties ? ' (tied values)' : ''}`, () => {
      const n = 503;
      const { x, labels } = synthetic(n, 3, 4, ties ? 2 : 1, ties);
      const revenue = Float64Array.from({ length: n }, (_, i) => (i % 7) + 0.5);
      const prof = profileSegments(x, ['a', 'b', 'c'], labels, 4, { revenue });
      expect(prof.map((s) => s.id)).toEqual([0, 1, 2, 3]);
      const all = Array.from({ length: n }, (_, i) => i);
      const totalRevenue = revenue.reduce((a, b) => a + b, 0);
      for (let c = 0; c < 4; c++) {
        const rows = all.filter((i) => labels[i] === c);
        const s = prof[c]!;
        expect(s.size).toBe(rows.length);
        expect(s.share).toBeCloseTo(rows.length / n, 15);
        expect(s.revenueShare!).toBeCloseTo(rows.reduce((a, i) => a + revenue[i]!, 0) / totalRevenue, 12);
        for (let j = 0; j < 3; j++) {
          const v = col(x, j, rows);
          const everyone = col(x, j, all);
          const st = s.stats[j]!;
          expect(st.feature).toBe(['a', 'b', 'c'][j]);
          expect(st.mean).toBeCloseTo(mean(v), 10);
          expect(st.std).toBeCloseTo(pstd(v), 10);
          expect(st.min).toBe(Math.min(...v));
          expect(st.max).toBe(Math.max(...v));
          expect(st.q1).toBeCloseTo(percentile(v, 0.25), 12);
          expect(st.median).toBeCloseTo(percentile(v, 0.5), 12);
          expect(st.q3).toBeCloseTo(percentile(v, 0.75), 12);
          expect(st.z).toBeCloseTo((mean(v) - mean(everyone)) / pstd(everyone), 10);
        }
      }
      // Noise rows (-1) are customers but in no segment.
      expect(prof.reduce((a, s) => a + s.share, 0)).toBeLessThan(1);
    });
  }

  it('gives quartiles equal to a sort for every length 1..40 and tied values', () => {
    const rng = new Rng(4);
    const out = new Float64Array(5);
    for (let len = 1; len <= 40; len++) {
      for (const range of [3, 1000]) {
        const v = Array.from({ length: len }, () => rng.int(range));
        quartilesInPlace(Float64Array.from(v), out);
        expect(Array.from(out)).toEqual([
          percentile(v, 0.25),
          percentile(v, 0.5),
          percentile(v, 0.75),
          Math.min(...v),
          Math.max(...v),
        ]);
      }
    }
  });

  it('sets z = 0 for a constant feature, revenueShare null without revenue, NaN skipped', () => {
    const x = matrix(4, 2, Float64Array.from([1, 5, 1, Number.NaN, 1, 7, 1, 9]));
    const prof = profileSegments(x, ['const', 'v'], Int32Array.from([0, 0, 1, 1]), 2);
    expect(prof[0]!.stats[0]!.z).toBe(0);
    expect(prof[0]!.revenueShare).toBeNull();
    expect(prof[0]!.stats[1]!.mean).toBe(5);
    expect(prof[1]!.stats[1]!.mean).toBe(8);
  });

  it('rejects labels outside 0..k-1 and -1, and mismatched names', () => {
    const x = matrix(2, 1, Float64Array.from([1, 2]));
    expect(() => profileSegments(x, ['a'], Int32Array.from([0, 2]), 2)).toThrow(InputError);
    expect(() => profileSegments(x, ['a', 'b'], Int32Array.from([0, 1]), 2)).toThrow(InputError);
  });
});

describe('segmentDrivers', () => {
  it('puts first, for each segment, the one feature that sets it apart', () => {
    // Segment c differs from the others only in feature (2c + 1) (higher for even c, lower for odd).
    const n = 3000;
    const p = 8;
    const k = 3;
    const rng = new Rng(9);
    const labels = new Int32Array(n);
    const x = matrix(n, p);
    for (let i = 0; i < n; i++) {
      const c = rng.int(k);
      labels[i] = c;
      for (let j = 0; j < p; j++) x.data[i * p + j] = rng.normal();
      x.data[i * p + 2 * c + 1] += c % 2 === 0 ? 3 : -3;
    }
    const features = Array.from({ length: p }, (_, j) => `f${j}`);
    const drivers = segmentDrivers(x, features, labels, k, { seed: 1, sample: 2000, trees: 30 });
    expect(drivers).toHaveLength(k);
    for (let c = 0; c < k; c++) {
      const d = drivers[c]!;
      expect(d[0]!.feature).toBe(`f${2 * c + 1}`);
      expect(d[0]!.direction).toBe(c % 2 === 0 ? 'higher' : 'lower');
      expect(d.length).toBeLessThanOrEqual(8);
      for (let t = 1; t < d.length; t++) expect(d[t]!.importance).toBeLessThanOrEqual(d[t - 1]!.importance);
      expect(d[0]!.importance).toBeGreaterThan(2 * (d[1]?.importance ?? 0));
    }
    // Seeded: the same answer again.
    expect(segmentDrivers(x, features, labels, k, { seed: 1, sample: 2000, trees: 30 })).toEqual(drivers);
  });

  it('returns empty lists for a single segment', () => {
    const { x, labels } = synthetic(50, 2, 1, 3);
    expect(segmentDrivers(x, ['a', 'b'], labels, 1, { seed: 0 })).toEqual([[]]);
  });
});

function profile(id: number, share: number, zs: [string, number, number][]): SegmentProfile {
  return {
    id,
    size: Math.round(share * 1000),
    share,
    revenueShare: null,
    stats: zs.map(([feature, z, m]) => ({
      feature,
      mean: m,
      std: 1,
      min: 0,
      q1: 0,
      median: 0,
      q3: 0,
      max: 0,
      z,
    })),
  };
}

describe('nameSegments', () => {
  const profiles = [
    profile(0, 0.12, [
      ['revenue', 2.1, 4210],
      ['recency_days', -1.2, 12],
      ['orders', 0.9, 8.2],
    ]),
    profile(1, 0.5, [
      ['revenue', -0.6, 300],
      ['recency_days', 0.8, 60],
      ['orders', -0.1, 2],
    ]),
    // Same top two as segment 1: needs a third feature to tell them apart.
    profile(2, 0.28, [
      ['revenue', -0.5, 350],
      ['recency_days', 0.7, 55],
      ['orders', 0.4, 4],
    ]),
    profile(3, 0.05, [
      ['revenue', 0.1, 1100],
      ['recency_days', 0.05, 40],
      ['orders', -0.1, 3],
    ]),
    profile(4, 0.05, [
      ['revenue', -0.1, 1000],
      ['recency_days', 0.0, 38],
      ['orders', 0.1, 3.1],
    ]),
  ];

  it('names from the largest |z| with high / low, unique across segments', () => {
    const got = nameSegments(profiles, 'en', { labels: { recency_days: 'days since last purchase' } });
    expect(got[0]!.name).toBe('High revenue, low days since last purchase');
    expect(got[1]!.name).toBe('High days since last purchase, low revenue');
    expect(got[2]!.name).toBe('High days since last purchase, low revenue, high orders');
    expect(got[3]!.name).toBe('Average customers');
    expect(got[4]!.name).toBe('Average customers (2)');
    expect(new Set(got.map((g) => g.name)).size).toBe(got.length);
    expect(got[0]!.description).toMatch(/^12% of customers \(120\)\. Revenue averages 4,210 against/);
    expect(got[0]!.description).toContain('days since last purchase 12 against');
  });

  it('speaks English, Spanish and Portuguese, each with its own words and number format', () => {
    const withRevenue = profiles.map((p, i) => ({ ...p, revenueShare: i === 0 ? 0.35 : 0.1 }));
    const en = nameSegments(withRevenue, 'en');
    const es = nameSegments(withRevenue, 'es');
    const pt = nameSegments(withRevenue, 'pt');
    for (let i = 0; i < profiles.length; i++) {
      expect(new Set([en[i]!.name, es[i]!.name, pt[i]!.name]).size).toBe(3);
      expect(new Set([en[i]!.description, es[i]!.description, pt[i]!.description]).size).toBe(3);
    }
    expect(es[0]!.name).toBe('Más revenue, menos recency_days');
    expect(pt[0]!.name).toBe('Mais revenue, menos recency_days');
    expect(en[0]!.description).toContain('35% of revenue');
    expect(es[0]!.description).toMatch(/^12\s%\sde los clientes/);
    expect(pt[0]!.description).toContain('dos clientes');
    for (const set of [es, pt]) expect(new Set(set.map((g) => g.name)).size).toBe(profiles.length);
  });
});

describe('matchSegments and relabelToPrevious', () => {
  it('recovers a known permutation of noisy centroids, and relabels to the previous ids', () => {
    const rng = new Rng(12);
    const k = 7;
    const p = 5;
    const previous = matrix(
      k,
      p,
      Float64Array.from({ length: k * p }, () => rng.normal() * 4),
    );
    const perm = [3, 0, 6, 1, 5, 2, 4]; // current segment i is previous segment perm[i]
    const current = matrix(k, p);
    for (let i = 0; i < k; i++) {
      for (let t = 0; t < p; t++)
        current.data[i * p + t] = previous.data[perm[i]! * p + t]! + rng.normal() * 0.3;
    }
    const match = matchSegments(previous, current);
    expect(match.map((m) => m.segment)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(match.map((m) => m.previous)).toEqual(perm);
    for (const m of match) {
      let s = 0;
      for (let t = 0; t < p; t++)
        s += (current.data[m.segment * p + t]! - previous.data[m.previous * p + t]!) ** 2;
      expect(m.distance).toBeCloseTo(Math.sqrt(s), 12);
    }
    const labels = Int32Array.from([0, 1, 2, 3, 4, 5, 6, -1, 6]);
    const re = relabelToPrevious(labels, match);
    expect(Array.from(re.mapping)).toEqual(perm);
    expect(Array.from(re.labels)).toEqual([3, 0, 6, 1, 5, 2, 4, -1, 4]);
  });

  it('prefers the least total distance over greedy nearest pairs', () => {
    // Greedy would give current 0 previous 0 (distance 1) and current 1 previous 1 (distance 10).
    const previous = matrix(2, 1, Float64Array.from([0, 11]));
    const current = matrix(2, 1, Float64Array.from([1, -2]));
    expect(matchSegments(previous, current).map((m) => m.previous)).toEqual([1, 0]);
  });

  it('gives new segments -1 and fresh ids after the previous ones; fewer segments leave ids unused', () => {
    const previous = matrix(2, 2, Float64Array.from([0, 0, 10, 10]));
    const current = matrix(4, 2, Float64Array.from([10, 9, 50, 50, 0, 1, -40, 0]));
    const match = matchSegments(previous, current);
    expect(match.map((m) => m.previous)).toEqual([1, -1, 0, -1]);
    expect(match[1]!.distance).toBeCloseTo(Math.hypot(40, 40), 12); // nearest previous centroid
    const re = relabelToPrevious(Int32Array.from([0, 1, 2, 3, -1]), match);
    expect(Array.from(re.mapping)).toEqual([1, 2, 0, 3]);
    expect(Array.from(re.labels)).toEqual([1, 2, 0, 3, -1]);

    const fewer = matchSegments(current, previous);
    expect(fewer.map((m) => m.previous)).toEqual([2, 0]);
    expect(Array.from(relabelToPrevious(Int32Array.from([0, 1]), fewer).labels)).toEqual([2, 0]);
  });

  it('rejects centroids on different features and labels outside the match', () => {
    expect(() => matchSegments(matrix(2, 3), matrix(2, 2))).toThrow(InputError);
    const match = matchSegments(
      matrix(2, 1, Float64Array.from([0, 1])),
      matrix(2, 1, Float64Array.from([0, 1])),
    );
    expect(() => relabelToPrevious(Int32Array.from([0, 2]), match)).toThrow(InputError);
  });
});

describe('segmentViews', () => {
  it('draws the tree embedding only with a target, on the same sampled points as the others', async () => {
    const { segmentViews } = await import('../src/pipeline/segmentStep.ts');
    const n = 300;
    const data = new Float64Array(n * 3);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 3;
      for (let j = 0; j < 3; j++) data[i * 3 + j] = labels[i]! * 5 + ((i * 7 + j * 13) % 11) / 11;
    }
    const x = { data, rows: n, cols: 3 };
    const target = Float64Array.from({ length: n }, (_, i) => labels[i]! * 100 + (i % 5));
    const without = segmentViews(x, labels, ['pca', 'tree'], 200, 0);
    expect(without.map((v) => v.method)).toEqual(['pca']);
    const withTarget = segmentViews(x, labels, ['pca', 'tree'], 200, 0, target);
    expect(withTarget.map((v) => v.method)).toEqual(['pca', 'tree']);
    expect(withTarget[1]!.x.length).toBe(200);
    expect(withTarget[1]!.segment).toEqual(withTarget[0]!.segment);
  });
});
