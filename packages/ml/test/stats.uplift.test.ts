import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/random.ts';
import { churnUplift, revenueUplift } from '../src/stats/uplift.ts';
import { expectMlError } from './helpers.ts';

interface ChurnCase {
  churnedControl: number;
  nControl: number;
  churnedTreated: number;
  nTreated: number;
  confidence: number;
  uplift: number;
  confidenceInterval: [number, number];
  pValue: number | null;
  probabilityHelped: number;
}
interface RevenueCase {
  name: string;
  control: number[];
  treated: number[];
  confidence: number;
  difference: number;
  /** With a 40-digit t quantile; statsmodels' own (scipy's t.ppf) is up to ~4e-10 relative off. */
  confidenceInterval: [number, number];
  statsmodelsInterval: [number, number];
  pValue: number;
}

const fixture: { churn: ChurnCase[]; revenue: RevenueCase[] } = JSON.parse(
  readFileSync(new URL('./fixtures/uplift.json', import.meta.url), 'utf8'),
);

/** Every number in the object (nested) is finite: JSON would quietly turn a NaN into null. */
function expectNoNaN(value: unknown): void {
  if (typeof value === 'number') expect(Number.isFinite(value), String(value)).toBe(true);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) expectNoNaN(v);
}

function binomial(rng: Rng, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (rng.next() < p) k++;
  return k;
}

describe('churnUplift against statsmodels (fixtures/gen_uplift.py)', () => {
  it.each(
    fixture.churn.map(
      (c) => [`${c.churnedControl}/${c.nControl} vs ${c.churnedTreated}/${c.nTreated}`, c] as const,
    ),
  )('%s', (_, c) => {
    const r = churnUplift(c, { confidence: c.confidence });
    expect(r.uplift).toBeCloseTo(c.uplift, 14);
    expect(r.confidenceInterval![0]).toBeCloseTo(c.confidenceInterval[0], 12);
    expect(r.confidenceInterval![1]).toBeCloseTo(c.confidenceInterval[1], 12);
    if (c.pValue === null) {
      expect(r.pValue).toBeNull();
      expect(r.reason).toMatch(/churned/);
    } else {
      expect(Math.abs(r.pValue! - c.pValue)).toBeLessThanOrEqual(1e-12 * Math.max(1, c.pValue) + 1e-15);
      // Small p-values keep their relative digits.
      expect(Math.abs(r.pValue! - c.pValue) / c.pValue).toBeLessThan(1e-9);
      expect(r.reason).toBeNull();
    }
    expect(r.probabilityHelped).toBeCloseTo(c.probabilityHelped, 11);
    expect(r.churnRateControl).toBe(c.churnedControl / c.nControl);
    expect(r.churnRateTreated).toBe(c.churnedTreated / c.nTreated);
    expect(r.confidence).toBe(c.confidence);
  });

  it('signs the uplift as churn prevented: control rate minus treated rate', () => {
    const r = churnUplift({ nControl: 1000, churnedControl: 300, nTreated: 1000, churnedTreated: 240 });
    expect(r.uplift).toBeCloseTo(0.06, 15);
    expect(r.probabilityHelped!).toBeGreaterThan(0.99);
    const worse = churnUplift({ nControl: 1000, churnedControl: 240, nTreated: 1000, churnedTreated: 300 });
    expect(worse.uplift).toBeCloseTo(-0.06, 15);
    expect(worse.probabilityHelped!).toBeLessThan(0.01);
    expect(worse.pValue).toBeCloseTo(r.pValue!, 15);
  });
});

describe('churnUplift recovers a known effect', () => {
  it('covers the true 0.06 in about 95% of 400 simulated campaigns of 20,000 customers', () => {
    // Control 2,000 at 0.30, treated 18,000 at 0.24. The coverage's Monte Carlo sd is ~1.1 points.
    const rng = new Rng(20261127);
    let covered = 0;
    let sum = 0;
    const runs = 400;
    for (let run = 0; run < runs; run++) {
      const r = churnUplift({
        nControl: 2000,
        churnedControl: binomial(rng, 2000, 0.3),
        nTreated: 18000,
        churnedTreated: binomial(rng, 18000, 0.24),
      });
      const [lo, hi] = r.confidenceInterval!;
      expect(r.uplift!).toBeGreaterThan(lo);
      expect(r.uplift!).toBeLessThan(hi);
      if (lo <= 0.06 && 0.06 <= hi) covered++;
      sum += r.uplift!;
    }
    expect(covered / runs).toBeGreaterThan(0.91);
    expect(covered / runs).toBeLessThan(0.99);
    // Unbiased: the mean of 400 estimates is within ~4 sd (0.0107 / 20) of 0.06.
    expect(Math.abs(sum / runs - 0.06)).toBeLessThan(0.0025);
  });

  it('finds no effect when there is none: p below 0.05 in about 5% of campaigns', () => {
    const rng = new Rng(7);
    let rejected = 0;
    const runs = 400;
    for (let run = 0; run < runs; run++) {
      const r = churnUplift({
        nControl: 500,
        churnedControl: binomial(rng, 500, 0.2),
        nTreated: 4500,
        churnedTreated: binomial(rng, 4500, 0.2),
      });
      if (r.pValue! < 0.05) rejected++;
    }
    expect(rejected / runs).toBeGreaterThan(0.02);
    expect(rejected / runs).toBeLessThan(0.09);
  });
});

describe('churnUplift with tiny or degenerate groups', () => {
  it('gives nulls and a reason, not NaN, when a group is empty', () => {
    const r = churnUplift({ nControl: 0, churnedControl: 0, nTreated: 10, churnedTreated: 2 });
    expect(r.churnRateControl).toBeNull();
    expect(r.churnRateTreated).toBe(0.2);
    expect(r.uplift).toBeNull();
    expect(r.confidenceInterval).toBeNull();
    expect(r.pValue).toBeNull();
    expect(r.probabilityHelped).toBeNull();
    expect(r.reason).toMatch(/control group is empty/);
    expect(churnUplift({ nControl: 0, churnedControl: 0, nTreated: 0, churnedTreated: 0 }).reason).toMatch(
      /both groups are empty/,
    );
    expectNoNaN(r);
  });

  it('gives figures for groups of one, with a wide interval inside [-1, 1]', () => {
    const r = churnUplift({ nControl: 1, churnedControl: 1, nTreated: 1, churnedTreated: 0 });
    expect(r.uplift).toBe(1);
    const [lo, hi] = r.confidenceInterval!;
    expect(lo).toBeLessThan(0);
    expect(hi).toBeLessThanOrEqual(1 + 1e-15);
    expect(r.probabilityHelped).toBeCloseTo(5 / 6, 14);
    expectNoNaN(r);
  });

  it('keeps the interval and probability when nobody (or everybody) churned, and says why p is null', () => {
    for (const c of [0, 1]) {
      const r = churnUplift({ nControl: 20, churnedControl: 20 * c, nTreated: 30, churnedTreated: 30 * c });
      expect(r.uplift).toBe(0);
      expect(r.pValue).toBeNull();
      expect(r.reason).toMatch(c === 0 ? /no customer/ : /every customer/);
      expect(r.confidenceInterval![0]).toBeLessThan(0);
      expect(r.confidenceInterval![1]).toBeGreaterThan(0);
      expect(r.probabilityHelped!).toBeGreaterThan(0);
    }
  });

  it('rejects counts a caller can fix', () => {
    expectMlError(
      () => churnUplift({ nControl: 10, churnedControl: 11, nTreated: 5, churnedTreated: 1 }),
      'BAD_OPTION',
    );
    expectMlError(
      () => churnUplift({ nControl: 10, churnedControl: 1, nTreated: 5.5, churnedTreated: 1 }),
      'BAD_OPTION',
    );
    expectMlError(
      () => churnUplift({ nControl: -1, churnedControl: 0, nTreated: 5, churnedTreated: 1 }),
      'BAD_OPTION',
    );
    expectMlError(
      () => churnUplift({ nControl: Number.NaN, churnedControl: 0, nTreated: 5, churnedTreated: 1 }),
      'NON_FINITE',
    );
    expectMlError(
      () =>
        churnUplift({ nControl: 10, churnedControl: 1, nTreated: 5, churnedTreated: 1 }, { confidence: 1 }),
      'BAD_OPTION',
    );
  });
});

describe('revenueUplift against scipy / statsmodels (fixtures/gen_uplift.py)', () => {
  it.each(fixture.revenue.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const r = revenueUplift(c.control, c.treated, { confidence: c.confidence });
    expect(r.difference).toBeCloseTo(c.difference, 10);
    expect(r.confidenceInterval![0]).toBeCloseTo(c.confidenceInterval[0], 9);
    expect(r.confidenceInterval![1]).toBeCloseTo(c.confidenceInterval[1], 9);
    expect(r.confidenceInterval![0]).toBeCloseTo(c.statsmodelsInterval[0], 7);
    expect(r.confidenceInterval![1]).toBeCloseTo(c.statsmodelsInterval[1], 7);
    expect(Math.abs(r.pValue! - c.pValue) / c.pValue).toBeLessThan(1e-9);
    expect(r.nControl).toBe(c.control.length);
    expect(r.nTreated).toBe(c.treated.length);
    expect(r.reason).toBeNull();
  });

  it('signs the difference as revenue gained: treated minus control', () => {
    const r = revenueUplift([10, 12, 11], [15, 16, 14]);
    expect(r.difference).toBeCloseTo(4, 14);
    expect(r.meanControl).toBe(11);
    expect(r.meanTreated).toBe(15);
  });

  it('gives nulls and a reason for groups under 2 and for no spread at all', () => {
    const one = revenueUplift([10], [15, 16, 14]);
    expect(one.difference).toBe(5);
    expect(one.confidenceInterval).toBeNull();
    expect(one.pValue).toBeNull();
    expect(one.reason).toMatch(/control group has 1 revenue figure;/);
    const none = revenueUplift([], []);
    expect(none.difference).toBeNull();
    expect(none.meanControl).toBeNull();
    expect(none.reason).toMatch(/control group has 0 revenue figures and the treated group has 0/);
    const flat = revenueUplift([5, 5, 5], [7, 7]);
    expect(flat.difference).toBe(2);
    expect(flat.confidenceInterval).toBeNull();
    expect(flat.reason).toMatch(/same for every customer/);
    expectNoNaN([one, none, flat]);
  });

  it('rejects NaN revenue', () => {
    expectMlError(() => revenueUplift([1, Number.NaN], [2, 3]), 'NON_FINITE');
  });
});
