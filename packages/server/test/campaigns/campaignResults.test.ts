import { Rng, stratifiedHoldout } from '@clientele/ml';
import { describe, expect, it } from 'vitest';
import {
  type CampaignEffect,
  campaignResults,
  type ResultDelivery,
  type ResultOutcome,
} from '../../src/campaigns/campaignResults.ts';

interface Customer {
  customerId: string;
  riskTier: string;
  segment: number;
}

/** An audience with tiers in the given proportions and 5 segments, sorted by id as a campaign does. */
function audience(n: number, tierShares: Record<string, number>, rng: Rng): Customer[] {
  const tiers = Object.entries(tierShares);
  const out: Customer[] = [];
  for (let i = 0; i < n; i++) {
    let u = rng.next();
    let tier = tiers[tiers.length - 1]![0];
    for (const [name, share] of tiers) {
      if (u < share) {
        tier = name;
        break;
      }
      u -= share;
    }
    out.push({ customerId: `c${String(i).padStart(6, '0')}`, riskTier: tier, segment: rng.int(5) });
  }
  return out;
}

/** The campaign's deliveries: a 10% holdout stratified by tier, the rest treated. */
function deliveriesOf(customers: Customer[], seed: number): ResultDelivery[] {
  const held = stratifiedHoldout(
    customers.map((c) => c.riskTier),
    0.1,
    seed,
  );
  return customers.map((c, i) => ({ ...c, group: held[i] === 1 ? 'control' : 'treated' }));
}

/** Outcomes drawn with the churn rate of each customer's tier and arm; revenue normal around a mean. */
function simulateOutcomes(
  deliveries: ResultDelivery[],
  churnRate: (tier: string, group: 'treated' | 'control') => number,
  meanRevenue: (group: 'treated' | 'control') => number,
  rng: Rng,
): ResultOutcome[] {
  return deliveries.map((d) => ({
    customerId: d.customerId,
    churned: rng.next() < churnRate(d.riskTier!, d.group),
    revenue: Math.round((meanRevenue(d.group) + 30 * rng.normal()) * 100) / 100,
  }));
}

function expectCovers(effect: CampaignEffect, truth: number): void {
  const [lo, hi] = effect.churn.confidenceInterval!;
  expect(effect.churn.uplift!).toBeGreaterThan(lo);
  expect(effect.churn.uplift!).toBeLessThan(hi);
  expect(lo).toBeLessThanOrEqual(truth);
  expect(hi).toBeGreaterThanOrEqual(truth);
}

/** Every number in the object (nested) is finite: JSON would quietly turn a NaN into null. */
function expectNoNaN(value: unknown): void {
  if (typeof value === 'number') expect(Number.isFinite(value), String(value)).toBe(true);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) expectNoNaN(v);
}

const TIER_SHARES = { Low: 0.4, Moderate: 0.3, High: 0.2, Critical: 0.1 };

describe('campaignResults recovers a known effect on simulated outcomes', () => {
  it('finds the 6 points of churn prevented (0.30 -> 0.24) and the revenue gained among 20,000 customers', () => {
    const rng = new Rng(20261127);
    const deliveries = deliveriesOf(audience(20_000, TIER_SHARES, rng), 42);
    const outcomes = simulateOutcomes(
      deliveries,
      (_, g) => (g === 'control' ? 0.3 : 0.24),
      (g) => (g === 'control' ? 100 : 104),
      rng,
    );
    const r = campaignResults(deliveries, outcomes);
    const { overall } = r;
    expect(overall.control.customers).toBe(2000);
    expect(overall.treated.customers).toBe(18_000);
    expect(overall.control.withOutcome).toBe(2000);
    expect(r.missingOutcomes).toEqual({ treated: 0, control: 0 });
    expect(r.unmatchedOutcomes).toBe(0);
    expectCovers(overall, 0.06);
    expect(overall.churn.uplift!).toBeCloseTo(0.06, 1);
    // 6 points on 2,000 held out is clearly detectable: the interval excludes 0.
    expect(overall.churn.confidenceInterval![0]).toBeGreaterThan(0);
    expect(overall.churn.pValue!).toBeLessThan(0.001);
    expect(overall.churn.probabilityHelped!).toBeGreaterThan(0.999);
    expect(overall.control.churnRate!).toBeCloseTo(0.3, 1);
    expect(overall.treated.churnRate!).toBeCloseTo(0.24, 1);
    const [rlo, rhi] = overall.revenue.confidenceInterval!;
    expect(rlo).toBeLessThan(4);
    expect(rhi).toBeGreaterThan(4);
    expect(overall.revenue.difference!).toBeGreaterThan(rlo);
    expect(overall.revenue.difference!).toBeLessThan(rhi);
    expect(overall.treated.withRevenue).toBe(18_000);
    // The holdout is stratified: every tier holds out 10% (to the row), so tiers are comparable.
    for (const [tier, e] of Object.entries(r.byTier)) {
      const total = e.control.customers + e.treated.customers;
      expect(Math.abs(e.control.customers - 0.1 * total), tier).toBeLessThanOrEqual(1);
    }
    expect(Object.keys(r.byTier)).toEqual(['Low', 'Moderate', 'High', 'Critical']);
    expect(Object.keys(r.bySegment)).toEqual(['0', '1', '2', '3', '4']);
    expectNoNaN(r);
  });

  it('tells tiers apart when the campaign works on some and not on others', () => {
    const truth: Record<string, [number, number]> = {
      Low: [0.1, 0.1],
      Moderate: [0.2, 0.17],
      High: [0.35, 0.25],
      Critical: [0.5, 0.3],
    };
    const rng = new Rng(7);
    const deliveries = deliveriesOf(audience(20_000, TIER_SHARES, rng), 42);
    const outcomes = simulateOutcomes(
      deliveries,
      (t, g) => truth[t]![g === 'control' ? 0 : 1],
      () => 50,
      rng,
    );
    const { byTier, overall } = campaignResults(deliveries, outcomes);
    for (const [tier, [c, t]] of Object.entries(truth)) expectCovers(byTier[tier]!, c - t);
    // No effect in Low: its interval straddles 0 and the campaign is a coin flip there.
    expect(byTier.Low!.churn.confidenceInterval![0]).toBeLessThan(0);
    expect(byTier.Low!.churn.confidenceInterval![1]).toBeGreaterThan(0);
    expect(byTier.Low!.churn.probabilityHelped!).toBeGreaterThan(0.05);
    expect(byTier.Low!.churn.probabilityHelped!).toBeLessThan(0.95);
    // 20 points in Critical, 10 in High: both found, and Critical's effect is told apart from Low's.
    expect(byTier.Critical!.churn.confidenceInterval![0]).toBeGreaterThan(
      byTier.Low!.churn.confidenceInterval![1],
    );
    expect(byTier.High!.churn.confidenceInterval![0]).toBeGreaterThan(0);
    expect(byTier.Critical!.churn.pValue!).toBeLessThan(0.001);
    // Overall is the tiers' weighted mean: 0.4*0 + 0.3*0.03 + 0.2*0.10 + 0.1*0.20 = 0.049.
    expectCovers(overall, 0.049);
    // Revenue has no effect here: its interval covers 0.
    expect(overall.revenue.confidenceInterval![0]).toBeLessThan(0);
    expect(overall.revenue.confidenceInterval![1]).toBeGreaterThan(0);
  });
});

describe('campaignResults bookkeeping', () => {
  const d = (
    customerId: string,
    group: 'treated' | 'control',
    riskTier: string | null,
    segment: number | null,
  ) => ({
    customerId,
    group,
    riskTier,
    segment,
  });

  it('leaves out customers without an outcome and counts them per arm; ignores outcomes outside the audience', () => {
    const deliveries: ResultDelivery[] = [
      d('a', 'treated', 'High', 1),
      d('b', 'treated', 'High', 1),
      d('c', 'treated', 'Low', 2),
      d('d', 'control', 'High', 1),
      d('e', 'control', 'Low', 2),
      d('f', 'control', 'Low', 2),
    ];
    const outcomes: ResultOutcome[] = [
      { customerId: 'a', churned: true, revenue: 10 },
      { customerId: 'b', churned: false },
      { customerId: 'd', churned: true, revenue: null },
      { customerId: 'e', churned: false, revenue: 5 },
      { customerId: 'zz', churned: true },
    ];
    const r = campaignResults(deliveries, outcomes);
    expect(r.missingOutcomes).toEqual({ treated: 1, control: 1 });
    expect(r.unmatchedOutcomes).toBe(1);
    expect(r.overall.treated).toEqual({
      customers: 3,
      withOutcome: 2,
      churned: 1,
      churnRate: 0.5,
      withRevenue: 1,
      meanRevenue: 10,
    });
    expect(r.overall.control).toEqual({
      customers: 3,
      withOutcome: 2,
      churned: 1,
      churnRate: 0.5,
      withRevenue: 1,
      meanRevenue: 5,
    });
    expect(r.overall.churn.uplift).toBe(0);
    // One revenue figure per arm: the difference, but no interval, and why.
    expect(r.overall.revenue.difference).toBe(5);
    expect(r.overall.revenue.confidenceInterval).toBeNull();
    expect(r.overall.revenue.reason).toMatch(/at least 2 in each group/);
    // Low's treated customer has no outcome: that arm is empty there.
    expect(r.byTier.Low!.treated.withOutcome).toBe(0);
    expect(r.byTier.Low!.churn.uplift).toBeNull();
    expect(r.byTier.Low!.churn.reason).toMatch(/treated group is empty/);
    expectNoNaN(r);
  });

  it('keeps the last outcome given for a customer, as the store does', () => {
    const deliveries = [d('a', 'treated', 'Low', 1), d('b', 'control', 'Low', 1)];
    const r = campaignResults(deliveries, [
      { customerId: 'a', churned: true },
      { customerId: 'b', churned: true },
      { customerId: 'a', churned: false },
    ]);
    expect(r.overall.treated.churned).toBe(0);
    expect(r.overall.treated.withOutcome).toBe(1);
    expect(r.overall.churn.uplift).toBe(1);
  });

  it('groups unscored customers and those without a segment under "none", listed last', () => {
    const deliveries = [
      d('a', 'treated', null, null),
      d('b', 'control', 'Critical', 10),
      d('c', 'treated', 'Low', 2),
      d('e', 'treated', 'Dormant', 2),
    ];
    const r = campaignResults(
      deliveries,
      deliveries.map((x) => ({ customerId: x.customerId, churned: false })),
    );
    expect(Object.keys(r.byTier)).toEqual(['Low', 'Critical', 'Dormant', 'none']);
    expect(Object.keys(r.bySegment)).toEqual(['2', '10', 'none']);
    expect(r.byTier.none!.treated.customers).toBe(1);
    expect(r.byTier.none!.control.customers).toBe(0);
    expect(r.byTier.none!.churn.reason).toMatch(/control group is empty/);
  });

  it('gives nulls and reasons, not NaN, with no customers at all', () => {
    const r = campaignResults([], []);
    expect(r.overall.churn.uplift).toBeNull();
    expect(r.overall.churn.reason).toMatch(/both groups are empty/);
    expect(r.overall.revenue.difference).toBeNull();
    expect(r.byTier).toEqual({});
    expectNoNaN(r);
  });

  it('uses the requested confidence level', () => {
    const rng = new Rng(3);
    const deliveries = deliveriesOf(audience(2000, TIER_SHARES, rng), 1);
    const outcomes = simulateOutcomes(
      deliveries,
      () => 0.3,
      () => 20,
      rng,
    );
    const wide = campaignResults(deliveries, outcomes, { confidence: 0.99 });
    const narrow = campaignResults(deliveries, outcomes, { confidence: 0.8 });
    const width = (e: CampaignEffect) => e.churn.confidenceInterval![1] - e.churn.confidenceInterval![0];
    expect(wide.confidence).toBe(0.99);
    expect(width(wide.overall)).toBeGreaterThan(width(narrow.overall) * 1.5);
  });

  it('refuses a customer listed twice in the audience', () => {
    expect(() => campaignResults([d('a', 'treated', 'Low', 1), d('a', 'control', 'Low', 1)], [])).toThrow(
      /customer a is in the audience twice/,
    );
  });
});
