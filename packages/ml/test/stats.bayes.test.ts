import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Alternative } from '../src/stats/alternative.ts';
import { bayesAb, probGreater } from '../src/stats/bayesAb.ts';
import { twoProportionPower, twoProportionSampleSize } from '../src/stats/twoProportionPower.ts';
import { expectMlError } from './helpers.ts';

interface BayesCase {
  successesA: number;
  trialsA: number;
  successesB: number;
  trialsB: number;
  priorAlpha: number;
  priorBeta: number;
  probabilityBBeatsA: number;
  expectedLossChoosingB: number;
  expectedLossChoosingA: number;
  credibleA: [number, number];
  credibleB: [number, number];
  meanA: number;
  meanB: number;
}
interface PowerCase {
  kind: 'sampleSize' | 'power';
  p1: number;
  p2: number;
  alpha: number;
  alternative: Alternative;
  cohenH: number;
  power: number;
  ratio: number;
  nA: number;
  nB: number;
  nAStatsmodels: number;
  nAExact: number;
}

// scipy.integrate.quad (epsrel 1e-13) over the beta posteriors, scipy beta.ppf, statsmodels
// NormalIndPower; from fixtures/gen_stats.py.
const fixture: { bayes: BayesCase[]; power: PowerCase[] } = JSON.parse(
  readFileSync(new URL('./fixtures/stats.json', import.meta.url), 'utf8'),
);

function close(actual: number, expected: number, rel: number, abs: number): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(
    rel * Math.abs(expected) + abs,
  );
}

describe('bayesAb vs numerical integration of the beta posteriors', () => {
  it.each(
    fixture.bayes,
  )('$successesA/$trialsA vs $successesB/$trialsB prior ($priorAlpha, $priorBeta)', (c) => {
    const r = bayesAb(c, { priorAlpha: c.priorAlpha, priorBeta: c.priorBeta });
    close(r.probabilityBBeatsA, c.probabilityBBeatsA, 0, 1e-10);
    close(r.expectedLossChoosingB, c.expectedLossChoosingB, 1e-8, 1e-13);
    close(r.expectedLossChoosingA, c.expectedLossChoosingA, 1e-8, 1e-13);
    close(r.posteriorA.mean, c.meanA, 1e-14, 0);
    close(r.posteriorB.mean, c.meanB, 1e-14, 0);
    for (let i = 0; i < 2; i++) {
      close(r.posteriorA.credibleInterval[i]!, c.credibleA[i]!, 1e-12, 0);
      close(r.posteriorB.credibleInterval[i]!, c.credibleB[i]!, 1e-12, 0);
    }
  });

  it('P(B > A) and P(A > B) sum to 1, whichever parameter the sum runs over', () => {
    for (const [a, b, c, d] of [
      [3, 7, 5, 4],
      [2.5, 8, 4, 6.5],
      [31, 470, 46.5, 343],
    ] as const) {
      expect(probGreater(a, b, c, d) + probGreater(c, d, a, b)).toBeCloseTo(1, 12);
    }
  });

  it('swapping A and B swaps the answers', () => {
    const ab = bayesAb({ successesA: 12, trialsA: 80, successesB: 19, trialsB: 85 });
    const ba = bayesAb({ successesA: 19, trialsA: 85, successesB: 12, trialsB: 80 });
    expect(ba.probabilityBBeatsA).toBeCloseTo(1 - ab.probabilityBBeatsA, 13);
    expect(ba.expectedLossChoosingA).toBeCloseTo(ab.expectedLossChoosingB, 15);
  });

  it('rejects bad input', () => {
    const ok = { successesA: 1, trialsA: 10, successesB: 2, trialsB: 10 };
    expectMlError(() => bayesAb({ ...ok, trialsA: 0, successesA: 0 }), 'EMPTY_INPUT');
    expectMlError(() => bayesAb({ ...ok, successesB: 11 }), 'BAD_OPTION');
    expectMlError(() => bayesAb({ ...ok, successesA: -1 }), 'BAD_OPTION');
    expectMlError(() => bayesAb({ ...ok, trialsB: Number.NaN }), 'NON_FINITE');
    expectMlError(() => bayesAb(ok, { priorAlpha: 0 }), 'BAD_OPTION');
    expectMlError(() => bayesAb(ok, { priorAlpha: 0.5, priorBeta: 0.5 }), 'BAD_OPTION');
    expectMlError(() => bayesAb(ok, { credibleLevel: 1 }), 'BAD_OPTION');
  });
});

describe('twoProportionSampleSize / twoProportionPower vs statsmodels NormalIndPower', () => {
  it.each(
    fixture.power.filter((c) => c.kind === 'sampleSize'),
  )('n for $p1 -> $p2, alpha $alpha, power $power, ratio $ratio, $alternative', (c) => {
    const r = twoProportionSampleSize(c);
    close(r.cohenH, c.cohenH, 1e-13, 0);
    // statsmodels' solver stops ~1e-9 short; brentq to xtol 1e-12 on its power function does not.
    close(r.nAExact, c.nAExact, 1e-10, 0);
    close(r.nAExact, c.nAStatsmodels, 1e-6, 0);
    expect(r.nA).toBe(Math.ceil(c.nAExact));
    expect(r.nB).toBe(Math.ceil(c.nAExact * c.ratio));
    expect(r.achievedPower).toBeGreaterThanOrEqual(c.power);
    close(twoProportionPower({ ...c, nA: r.nAExact, nB: r.nBExact }).power, c.power, 1e-12, 0);
  });

  it.each(
    fixture.power.filter((c) => c.kind === 'power'),
  )('power for $p1 -> $p2, n $nA / $nB, alpha $alpha, $alternative', (c) => {
    const r = twoProportionPower(c);
    close(r.power, c.power, 1e-12, 1e-15);
    close(r.cohenH, c.cohenH, 1e-13, 0);
  });

  it('rejects impossible requests', () => {
    expectMlError(() => twoProportionSampleSize({ p1: 0.1, p2: 0.1 }), 'BAD_OPTION');
    expectMlError(() => twoProportionSampleSize({ p1: 0.1, p2: 0.08, alternative: 'greater' }), 'BAD_OPTION');
    expectMlError(() => twoProportionSampleSize({ p1: 0, p2: 0.08 }), 'BAD_OPTION');
    expectMlError(() => twoProportionSampleSize({ p1: 0.1, p2: 1.2 }), 'BAD_OPTION');
    expectMlError(() => twoProportionSampleSize({ p1: 0.1, p2: 0.2, power: 0.01 }), 'BAD_OPTION');
    expectMlError(() => twoProportionSampleSize({ p1: 0.1, p2: 0.2, ratio: 0 }), 'BAD_OPTION');
    expectMlError(() => twoProportionPower({ p1: 0.1, p2: 0.2, nA: 0, nB: 10 }), 'BAD_OPTION');
  });
});
