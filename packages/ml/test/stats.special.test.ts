import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  betaQuantile,
  chiSquareCdf,
  chiSquareSf,
  normalCdf,
  normalQuantile,
  normalSf,
  studentTCdf,
  studentTQuantile,
  studentTSf,
} from '../src/stats/distributions.ts';
import {
  erf,
  erfc,
  incompleteBeta,
  incompleteBetaComplement,
  incompleteGamma,
  incompleteGammaComplement,
  logGamma,
} from '../src/stats/specialFunctions.ts';

// Reference values: scipy 1.10 and 40-digit mpmath ("exact"), from fixtures/gen_stats.py.
const special = JSON.parse(readFileSync(new URL('./fixtures/stats.json', import.meta.url), 'utf8')).special;

/** |actual - expected| <= rel |expected| + abs. */
function close(actual: number, expected: number, rel: number, abs = 0): void {
  const err = Math.abs(actual - expected);
  expect(err, `${actual} vs ${expected}`).toBeLessThanOrEqual(rel * Math.abs(expected) + abs);
}

describe('special functions vs 40-digit mpmath and scipy', () => {
  it('logGamma: 1e-14 absolute, 2e-15 relative where |lnΓ| > 1', () => {
    for (const p of special.logGamma) {
      close(logGamma(p.x), p.exact, 2e-15, 1e-14);
      close(logGamma(p.x), p.scipy, 2e-15, 1e-14);
    }
    expect(logGamma(0)).toBe(Number.POSITIVE_INFINITY);
    expect(logGamma(-1)).toBeNaN();
  });

  it('incompleteBeta and its complement, relative 1e-12 (a + b)/300 at worst (tails included)', () => {
    for (const p of special.incompleteBeta) {
      // The prefactor x^a (1-x)^b / B(a, b) is an exp of terms of size ~ (a + b): its rounding grows so.
      const rel = 1e-12 * Math.max(1, (p.a + p.b) / 300);
      close(incompleteBeta(p.x, p.a, p.b), p.exact, rel, 1e-300);
      close(incompleteBetaComplement(p.x, p.a, p.b), p.exactComplement, rel, 1e-300);
      close(incompleteBeta(p.x, p.a, p.b), p.scipy, rel + 1e-12, 1e-300);
    }
    expect(incompleteBeta(0, 2, 3)).toBe(0);
    expect(incompleteBeta(1, 2, 3)).toBe(1);
    expect(incompleteBeta(0.5, -1, 3)).toBeNaN();
  });

  it('incompleteGamma and its complement, relative 1e-12', () => {
    for (const p of special.incompleteGamma) {
      close(incompleteGamma(p.a, p.x), p.exact, 1e-12, 1e-300);
      close(incompleteGammaComplement(p.a, p.x), p.exactComplement, 1e-12, 1e-300);
      close(incompleteGammaComplement(p.a, p.x), p.scipyComplement, 1e-11, 1e-300);
    }
  });

  it('erf and erfc, relative 1e-13 (erfc(26) ~ 1e-296)', () => {
    for (const p of special.erf) {
      close(erf(p.x), p.exactErf, 1e-13);
      close(erfc(p.x), p.exactErfc, 1e-13);
      close(erfc(p.x), p.erfc, 1e-13);
    }
  });
});

describe('distributions vs 40-digit mpmath and scipy', () => {
  it('normal cdf and sf, relative 1e-13 down to 1e-308', () => {
    for (const p of special.normal) {
      close(normalCdf(p.z), p.exactCdf, 1e-13);
      close(normalSf(p.z), p.exactSf, 1e-13);
      close(normalCdf(p.z), p.cdf, 1e-13);
    }
  });

  it('normal quantile, relative 1e-14 from p = 1e-300 up', () => {
    for (const p of special.normalQuantile) {
      close(normalQuantile(p.p), p.exact, 1e-14, 1e-15);
      close(normalQuantile(p.p), p.scipy, 1e-14, 1e-15);
    }
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(1.5)).toBeNaN();
  });

  it('Student t cdf and sf, relative 1e-12 (t = 8, df = 5 included; df up to 1e4)', () => {
    for (const p of special.studentT) {
      close(studentTSf(p.t, p.df), p.exactSf, 1e-12, 1e-300);
      close(studentTCdf(p.t, p.df), p.exactCdf, 1e-12, 1e-300);
      close(studentTSf(p.t, p.df), p.sf, 1e-12, 1e-300);
    }
  });

  it('Student t quantile: 1e-13 of the exact root (scipy 1.10 is off by up to 4e-10)', () => {
    for (const p of special.studentTQuantile) {
      close(studentTQuantile(p.p, p.df), p.exact, 1e-13);
      close(studentTQuantile(p.p, p.df), p.scipy, 1e-9);
    }
  });

  it('chi-square cdf and sf, relative 1e-12 (chi2 = 60, df = 3 included)', () => {
    for (const p of special.chiSquare) {
      close(chiSquareSf(p.x, p.df), p.exactSf, 1e-12);
      close(chiSquareCdf(p.x, p.df), p.exactCdf, 1e-12);
      close(chiSquareSf(p.x, p.df), p.sf, 1e-12);
    }
  });

  it('beta quantile equals scipy beta.ppf to 1e-12 relative and inverts the cdf', () => {
    for (const p of special.betaQuantile) {
      const x = betaQuantile(p.p, p.a, p.b);
      close(x, p.scipy, 1e-12, 1e-300);
      close(incompleteBeta(x, p.a, p.b), p.p, 1e-12);
    }
  });
});
