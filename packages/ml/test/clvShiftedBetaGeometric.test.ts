import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  fitShiftedBetaGeometric,
  sbgDiscountedResidualLifetime,
  sbgRetentionRate,
  sbgSurvival,
} from '../src/clv/shiftedBetaGeometric.ts';
import { expectMlError, thrown } from './helpers.ts';

const ref = JSON.parse(readFileSync(new URL('./fixtures/clv.json', import.meta.url), 'utf8'));
const regularAlive = [1000, 631, 468, 382, 326, 289, 262, 241];
const highEndAlive = [1000, 869, 743, 653, 593, 551, 517, 491];

describe('fitShiftedBetaGeometric (Fader & Hardie 2007)', () => {
  const regular = fitShiftedBetaGeometric({ alive: regularAlive });
  const highEnd = fitShiftedBetaGeometric({ alive: highEndAlive });

  it("reproduces the paper's estimates to 3 decimals", () => {
    expect(regular.converged).toBe(true);
    expect(regular.alpha.toFixed(3)).toBe('0.704');
    expect(regular.beta.toFixed(3)).toBe('1.182');
    expect(highEnd.alpha.toFixed(3)).toBe('0.668');
    expect(highEnd.beta.toFixed(3)).toBe('3.806');
    expect(regular.periods).toBe(7);
  });

  it('agrees with the scipy fit to 1e-4 relative', () => {
    for (const [m, r] of [
      [regular, ref.sbg.regular],
      [highEnd, ref.sbg.highEnd],
    ] as const) {
      expect(Math.abs(m.alpha - r.alpha) / r.alpha).toBeLessThan(1e-4);
      expect(Math.abs(m.beta - r.beta) / r.beta).toBeLessThan(1e-4);
      expect(m.logLikelihood).toBeCloseTo(r.logLikelihood, 6);
    }
  });

  it('survival, retention and residual lifetime are consistent', () => {
    expect(sbgSurvival(regular, 0)).toBe(1);
    for (let t = 1; t <= 10; t++) {
      expect(sbgSurvival(regular, t)).toBeCloseTo(
        sbgSurvival(regular, t - 1) * sbgRetentionRate(regular, t),
        14,
      );
    }
    // Fitted survival tracks the observed cohort.
    for (let t = 1; t <= 7; t++)
      expect(Math.abs(1000 * sbgSurvival(regular, t) - regularAlive[t]!)).toBeLessThan(15);
    // Retention rises with tenure: the heterogeneity the model exists for.
    expect(sbgRetentionRate(regular, 5)).toBeGreaterThan(sbgRetentionRate(regular, 1));
    // DERL against a brute-force sum: the next payment undiscounted, then one more period each.
    for (const n of [0, 4]) {
      let sum = 0;
      const sn = sbgSurvival(highEnd, n);
      for (let j = 1; j < 5000; j++) sum += sbgSurvival(highEnd, n + j) / sn / 1.1 ** (j - 1);
      expect(sbgDiscountedResidualLifetime(highEnd, 0.1, n)).toBeCloseTo(sum, 9);
    }
  });

  it('rejects unusable cohorts', () => {
    expectMlError(() => fitShiftedBetaGeometric({ alive: [1000] }), 'TOO_FEW_ROWS');
    expectMlError(() => fitShiftedBetaGeometric({ alive: [1000, 800, 900] }), 'BAD_OPTION');
    const e = thrown(() => fitShiftedBetaGeometric({ alive: [100, 100, 100] }));
    expect(e.code).toBe('NO_CONVERGENCE');
    expect(e.message).toMatch(/nobody churned/);
    expectMlError(() => sbgDiscountedResidualLifetime(regular, 0), 'BAD_OPTION');
  });
});
