import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../src/linalg/symmetricEigen.ts';
import { Rng } from '../src/random.ts';

function residuals(a: Float64Array, p: number, values: Float64Array, vectors: Float64Array) {
  let av = 0;
  let orth = 0;
  for (let k = 0; k < p; k++) {
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += a[i * p + j]! * vectors[j * p + k]!;
      av = Math.max(av, Math.abs(s - values[k]! * vectors[i * p + k]!));
    }
    for (let l = 0; l < p; l++) {
      let s = 0;
      for (let i = 0; i < p; i++) s += vectors[i * p + k]! * vectors[i * p + l]!;
      orth = Math.max(orth, Math.abs(s - (k === l ? 1 : 0)));
    }
  }
  return { av, orth };
}

describe('symmetricEigen', () => {
  it('2 x 2 by hand', () => {
    const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
    expect(values[0]).toBeCloseTo(3, 14);
    expect(values[1]).toBeCloseTo(1, 14);
    expect(Math.abs(vectors[0]!)).toBeCloseTo(Math.SQRT1_2, 14);
    expect(vectors[0]! * vectors[2]!).toBeGreaterThan(0);
  });

  for (const p of [1, 3, 10, 42, 80]) {
    it(`random ${p} x ${p} covariance: A v = lambda v, V orthonormal, values descending`, () => {
      const rng = new Rng(p);
      const b = Float64Array.from({ length: p * p }, () => rng.normal());
      const a = new Float64Array(p * p);
      for (let i = 0; i < p; i++) {
        for (let j = 0; j < p; j++) {
          let s = 0;
          for (let t = 0; t < p; t++) s += b[i * p + t]! * b[j * p + t]!;
          a[i * p + j] = s;
        }
      }
      const { values, vectors } = symmetricEigen(a, p);
      const { av, orth } = residuals(a, p, values, vectors);
      let scale = 1;
      for (const v of values) scale = Math.max(scale, Math.abs(v));
      expect(av / scale).toBeLessThan(1e-13);
      expect(orth).toBeLessThan(1e-13);
      for (let k = 1; k < p; k++) expect(values[k]).toBeLessThanOrEqual(values[k - 1]!);
      let trace = 0;
      let sum = 0;
      for (let i = 0; i < p; i++) trace += a[i * p + i]!;
      for (const v of values) sum += v;
      expect(Math.abs(sum - trace) / trace).toBeLessThan(1e-13);
    });
  }

  it('zero, diagonal, repeated-eigenvalue and rank-deficient matrices', () => {
    const zero = symmetricEigen(new Float64Array(9), 3);
    expect(Array.from(zero.values)).toEqual([0, 0, 0]);
    expect(residuals(new Float64Array(9), 3, zero.values, zero.vectors).orth).toBeLessThan(1e-15);

    const diag = symmetricEigen(Float64Array.of(1, 0, 0, 0, 5, 0, 0, 0, 3), 3);
    expect(Array.from(diag.values)).toEqual([5, 3, 1]);

    const ones = new Float64Array(16).fill(1); // eigenvalues 4, 0, 0, 0
    const r = symmetricEigen(ones, 4);
    expect(r.values[0]).toBeCloseTo(4, 14);
    for (let k = 1; k < 4; k++) expect(Math.abs(r.values[k]!)).toBeLessThan(1e-14);
    expect(residuals(ones, 4, r.values, r.vectors).orth).toBeLessThan(1e-14);

    expect(symmetricEigen(new Float64Array(0), 0).values.length).toBe(0);
    expect(() => symmetricEigen(new Float64Array(3), 2)).toThrow(RangeError);
  });

  it('reads only the lower triangle', () => {
    const full = symmetricEigen(Float64Array.of(4, 1, 2, 1, 3, 0, 2, 0, 5), 3);
    const lower = symmetricEigen(Float64Array.of(4, 99, 99, 1, 3, 99, 2, 0, 5), 3);
    expect(Array.from(lower.values)).toEqual(Array.from(full.values));
  });
});
