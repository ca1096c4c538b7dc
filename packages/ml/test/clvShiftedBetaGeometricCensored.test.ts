import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  fitShiftedBetaGeometric,
  sbgDiscountedResidualLifetime,
  sbgRetentionRate,
  sbgSurvival,
} from '../src/clv/shiftedBetaGeometric.ts';
import {
  fitShiftedBetaGeometricCensored,
  sbgCensoredLogLikelihood,
  tenureCounts,
  tenureLifeTable,
} from '../src/clv/shiftedBetaGeometricCensored.ts';
import { Rng } from '../src/random.ts';
import { expectMlError, thrown } from './helpers.ts';

const ref = JSON.parse(readFileSync(new URL('./fixtures/sbg_censored.json', import.meta.url), 'utf8'));

/**
 * A cohort's survivor counts as a snapshot of customers: those lost at renewal t churned with
 * tenure t, the survivors after n renewals are active with tenure n.
 */
function expand(alive: number[]): { tenure: number[]; churned: number[] } {
  const tenure: number[] = [];
  const churned: number[] = [];
  const n = alive.length - 1;
  for (let t = 1; t <= n; t++) {
    for (let k = 0; k < alive[t - 1]! - alive[t]!; k++) {
      tenure.push(t);
      churned.push(1);
    }
  }
  for (let k = 0; k < alive[n]!; k++) {
    tenure.push(n);
    churned.push(0);
  }
  return { tenure, churned };
}

const regularAlive = [1000, 631, 468, 382, 326, 289, 262, 241];
const highEndAlive = [1000, 869, 743, 653, 593, 551, 517, 491];

/** Gamma(shape, 1) by Marsaglia & Tsang (2000), boosted for shape < 1. */
function gamma(rng: Rng, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * (1 - rng.next()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = rng.normal();
    const v = (1 + c * z) ** 3;
    if (v <= 0) continue;
    const u = 1 - rng.next();
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** A snapshot: theta ~ Beta(a, b), lifetime ~ Geometric(theta) on 1, 2, ..., age uniform 0..maxAge. */
function simulate(seed: number, n: number, a: number, b: number, maxAge: number) {
  const rng = new Rng(seed);
  const tenure = new Float64Array(n);
  const churned = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x = gamma(rng, a);
    const theta = x / (x + gamma(rng, b));
    const life = Math.max(1, Math.ceil(Math.log(1 - rng.next()) / Math.log1p(-theta)));
    const age = rng.int(maxAge + 1);
    churned[i] = life <= age ? 1 : 0;
    tenure[i] = life <= age ? life : age;
  }
  return { tenure, churned };
}

describe('fitShiftedBetaGeometricCensored', () => {
  it("gives the cohort fit's alpha and beta on the paper's cohorts expanded to customers", () => {
    for (const [alive, alpha, beta] of [
      [regularAlive, '0.704', '1.182'],
      [highEndAlive, '0.668', '3.806'],
    ] as const) {
      const cohort = fitShiftedBetaGeometric({ alive });
      const m = fitShiftedBetaGeometricCensored(expand([...alive]));
      expect(m.converged).toBe(true);
      expect(m.alpha.toFixed(3)).toBe(alpha);
      expect(m.beta.toFixed(3)).toBe(beta);
      // The same likelihood: same optimum to optimiser precision, same log-likelihood.
      expect(Math.abs(m.alpha - cohort.alpha) / cohort.alpha).toBeLessThan(1e-6);
      expect(Math.abs(m.beta - cohort.beta) / cohort.beta).toBeLessThan(1e-6);
      expect(m.logLikelihood).toBeCloseTo(cohort.logLikelihood, 8);
      expect(m.standardErrors.alpha).toBeCloseTo(cohort.standardErrors.alpha, 5);
      expect(m.standardErrors.beta).toBeCloseTo(cohort.standardErrors.beta, 5);
      expect(m.n).toBe(1000);
      expect(m.active).toBe(alive[7]);
      expect(m.churned).toBe(1000 - alive[7]!);
      expect(m.maxTenure).toBe(7);
    }
  });

  it('reads sbg_cohorts.csv with tenure = recency for leavers and T - 1 for the active (fixture)', () => {
    // gen_sbg_censored.py maps the file's recency / T to tenures; here they must be the paper's.
    for (const [name, alive] of [
      ['regular', regularAlive],
      ['highend', highEndAlive],
    ] as const) {
      const c = ref.cohorts[name];
      expect(c.tenures).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(c.churned).toEqual(alive.slice(1).map((a, t) => alive[t]! - a));
      expect(c.active).toEqual([0, 0, 0, 0, 0, 0, alive[7]]);
    }
  });

  it('agrees with the independent scipy fit to 1e-4 relative (plain and weighted)', () => {
    const s = ref.snapshot;
    for (const [m, r] of [
      [fitShiftedBetaGeometricCensored({ tenure: s.tenure, churned: s.churned }), ref.fit],
      [
        fitShiftedBetaGeometricCensored({ tenure: s.tenure, churned: s.churned, weights: s.weights }),
        ref.weightedFit,
      ],
    ] as const) {
      expect(m.converged).toBe(true);
      expect(Math.abs(m.alpha - r.alpha) / r.alpha).toBeLessThan(1e-4);
      expect(Math.abs(m.beta - r.beta) / r.beta).toBeLessThan(1e-4);
      expect(m.logLikelihood).toBeCloseTo(r.logLikelihood, 5);
    }
  });

  it('IBM Telco grouped by (tenure, churned) as weights: the scipy fit to 1e-4 relative', () => {
    const c = ref.ibmTelco;
    const tenure = [...c.tenures, ...c.tenures];
    const churned = [...c.tenures.map(() => 1), ...c.tenures.map(() => 0)];
    const m = fitShiftedBetaGeometricCensored({ tenure, churned, weights: [...c.churned, ...c.active] });
    expect(m.converged).toBe(true);
    expect([m.n, m.churned, m.active, m.maxTenure]).toEqual([7043, 1869, 5174, 72]);
    expect(c.churned[0]).toBe(0); // tenure 0: 11 customers, all active
    expect(c.active[0]).toBe(11);
    expect(Math.abs(m.alpha - c.alpha) / c.alpha).toBeLessThan(1e-4);
    expect(Math.abs(m.beta - c.beta) / c.beta).toBeLessThan(1e-4);
    expect(m.logLikelihood).toBeCloseTo(c.logLikelihood, 5);
  });

  it('weights act as repeated customers', () => {
    const s = ref.snapshot;
    const tenure: number[] = [];
    const churned: number[] = [];
    s.weights.forEach((w: number, i: number) => {
      for (let k = 0; k < w; k++) {
        tenure.push(s.tenure[i]);
        churned.push(s.churned[i]);
      }
    });
    const weighted = fitShiftedBetaGeometricCensored({
      tenure: s.tenure,
      churned: s.churned,
      weights: s.weights,
    });
    const repeated = fitShiftedBetaGeometricCensored({ tenure, churned });
    expect(repeated.alpha).toBeCloseTo(weighted.alpha, 6);
    expect(repeated.beta).toBeCloseTo(weighted.beta, 6);
    expect(repeated.n).toBe(weighted.n);
  });

  it('recovers the parameters of a large simulated snapshot', () => {
    const { tenure, churned } = simulate(7, 200_000, 0.8, 2.5, 36);
    const m = fitShiftedBetaGeometricCensored({ tenure, churned });
    expect(m.converged).toBe(true);
    for (const [est, truth, se] of [
      [m.alpha, 0.8, m.standardErrors.alpha],
      [m.beta, 2.5, m.standardErrors.beta],
    ] as const) {
      expect(Math.abs(est - truth) / truth).toBeLessThan(0.02);
      expect(Math.abs(est - truth)).toBeLessThan(4 * se);
    }
  });

  it('log-likelihood is the per-customer sum of ln P(T = t) and ln S(t)', () => {
    const tenure = [0, 1, 1, 2, 3, 3, 5, 8];
    const churned = [0, 1, 0, 1, 1, 0, 0, 1];
    const a = 0.9;
    const b = 2.2;
    let brute = 0;
    for (let i = 0; i < tenure.length; i++) {
      const t = tenure[i]!;
      brute += Math.log(
        churned[i]
          ? sbgSurvival({ alpha: a, beta: b }, t - 1) - sbgSurvival({ alpha: a, beta: b }, t)
          : sbgSurvival({ alpha: a, beta: b }, t),
      );
    }
    expect(sbgCensoredLogLikelihood(a, b, tenureCounts({ tenure, churned }))).toBeCloseTo(brute, 12);
  });

  it('life table: at risk are tenures >= t, retention and Kaplan-Meier survival', () => {
    const counts = tenureCounts({
      tenure: [0, 1, 1, 2, 2, 4],
      churned: [false, true, false, true, false, true],
    });
    const rows = tenureLifeTable(counts);
    expect(rows.map((r) => r.period)).toEqual([1, 2, 3, 4]);
    expect(rows.map((r) => r.atRisk)).toEqual([5, 3, 1, 1]);
    expect(rows.map((r) => r.churned)).toEqual([1, 1, 0, 1]);
    expect(rows[0]!.retention).toBeCloseTo(0.8, 15);
    expect(rows[3]!.survival).toBe(0);
    // On the expanded cohort, the life table is the cohort's own survivor curve.
    const cohort = tenureLifeTable(tenureCounts(expand(regularAlive)));
    cohort.forEach((r, k) => {
      expect(1000 * r.survival).toBeCloseTo(regularAlive[k + 1]!, 9);
    });
  });

  it('projections through the sBG helpers: retention rises with tenure, DERL matches its sum', () => {
    const s = ref.snapshot;
    const m = fitShiftedBetaGeometricCensored({ tenure: s.tenure, churned: s.churned });
    expect(sbgRetentionRate(m, 12)).toBeGreaterThan(sbgRetentionRate(m, 1));
    for (const n of [0, 3]) {
      let sum = 0;
      const sn = sbgSurvival(m, n);
      for (let j = 1; j < 20_000; j++) sum += sbgSurvival(m, n + j) / sn / 1.05 ** (j - 1);
      expect(sbgDiscountedResidualLifetime(m, 0.05, n)).toBeCloseTo(sum, 7);
    }
  });

  it('rejects unusable snapshots with a clear MlError', () => {
    const none = thrown(() => fitShiftedBetaGeometricCensored({ tenure: [1, 2, 3], churned: [0, 0, 0] }));
    expect(none.code).toBe('NO_CONVERGENCE');
    expect(none.message).toMatch(/nobody churned/);
    const all = thrown(() => fitShiftedBetaGeometricCensored({ tenure: [1, 2, 3], churned: [1, 1, 1] }));
    expect(all.code).toBe('NO_CONVERGENCE');
    expect(all.message).toMatch(/nobody is active/);
    const frac = thrown(() => fitShiftedBetaGeometricCensored({ tenure: [1, 2.5], churned: [1, 0] }));
    expect(frac.code).toBe('BAD_OPTION');
    expect(frac.message).toMatch(/customer 1 has tenure 2.5/);
    expectMlError(() => fitShiftedBetaGeometricCensored({ tenure: [1, -1], churned: [1, 0] }), 'BAD_OPTION');
    expectMlError(
      () => fitShiftedBetaGeometricCensored({ tenure: [1, Number.NaN], churned: [1, 0] }),
      'BAD_OPTION',
    );
    const zero = thrown(() => fitShiftedBetaGeometricCensored({ tenure: [0, 3], churned: [1, 0] }));
    expect(zero.code).toBe('BAD_OPTION');
    expect(zero.message).toMatch(/churned with tenure 0.*has tenure 1/);
    expectMlError(() => fitShiftedBetaGeometricCensored({ tenure: [1, 2], churned: [1, 2] }), 'BAD_OPTION');
    expectMlError(() => fitShiftedBetaGeometricCensored({ tenure: [1, 2], churned: [1] }), 'SHAPE_MISMATCH');
    expectMlError(() => fitShiftedBetaGeometricCensored({ tenure: [], churned: [] }), 'EMPTY_INPUT');
    expectMlError(
      () => fitShiftedBetaGeometricCensored({ tenure: [1, 2], churned: [1, 0], weights: [1, -1] }),
      'BAD_OPTION',
    );
  });
});
