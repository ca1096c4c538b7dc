import { type ChurnUpliftResult, churnUplift, type RevenueUpliftResult, revenueUplift } from '@clientele/ml';
import { RISK_TIERS } from './audience.ts';

/**
 * One member of a campaign's audience. `group` is decided by the holdout alone: 'control' for the
 * held-out customers, 'treated' for everyone else, whatever happened to their message.
 */
export interface ResultDelivery {
  customerId: string;
  group: 'treated' | 'control';
  riskTier: string | null;
  segment: number | string | null;
}

/** What happened to a customer within the campaign's outcome window. */
export interface ResultOutcome {
  customerId: string;
  churned: boolean;
  revenue?: number | null;
}

/** One arm of the comparison. */
export interface ArmFigures {
  /** Audience members in the arm. */
  customers: number;
  /** Of them, with a recorded outcome: the n of the churn comparison. */
  withOutcome: number;
  churned: number;
  churnRate: number | null;
  /** With a revenue figure: the n of the revenue comparison. */
  withRevenue: number;
  meanRevenue: number | null;
}

/** The campaign's effect on one group of customers (all, a risk tier or a segment). */
export interface CampaignEffect {
  treated: ArmFigures;
  control: ArmFigures;
  /** Churn prevented: control's churn rate minus treated's; positive means fewer left. */
  churn: Pick<ChurnUpliftResult, 'uplift' | 'confidenceInterval' | 'pValue' | 'probabilityHelped' | 'reason'>;
  /** Revenue gained per customer: treated's mean minus control's. */
  revenue: Pick<RevenueUpliftResult, 'difference' | 'confidenceInterval' | 'pValue' | 'reason'>;
}

export interface CampaignResults {
  overall: CampaignEffect;
  /** Per risk tier: Low, Moderate, High, Critical first, then any other tier; `none` for unscored customers. */
  byTier: Record<string, CampaignEffect>;
  /** Per segment id, in ascending order; `none` for customers without a segment. */
  bySegment: Record<string, CampaignEffect>;
  /** Audience members without an outcome, per arm: left out of every comparison. */
  missingOutcomes: { treated: number; control: number };
  /** Outcomes for customers who are not in the campaign's audience: ignored. */
  unmatchedOutcomes: number;
  /** Level of every interval. */
  confidence: number;
}

export interface CampaignResultsOptions {
  /** Level of the two-sided intervals. Default 0.95. */
  confidence?: number;
}

/** The key of customers without a risk tier or a segment. */
export const NO_GROUP = 'none';

/**
 * A campaign's outcomes against its control group: churn prevented (Newcombe interval, z-test
 * p-value, probability the campaign helped) and revenue gained (Welch), for the whole audience, per
 * risk tier and per segment. Pure: the caller reads deliveries and outcomes from the store.
 *
 * Intention to treat: every audience member not held out is 'treated', including those whose
 * message failed or bounced. The holdout is random over the whole audience, so only the whole
 * non-held-out part is comparable with it. Whose message fails is not random (stale addresses,
 * numbers no longer in use: often customers already drifting away), and dropping them would compare
 * a selected, more loyal group with a random control and credit the campaign with the difference.
 * The estimate is the effect of deciding to send the campaign, failures included, which is the
 * decision a manager makes; it is diluted, not biased, by undelivered messages.
 *
 * Customers without an outcome are left out and counted in `missingOutcomes` per arm. If one arm is
 * missing many more than the other, the comparison is no longer between random halves; the counts
 * let the app say so. An outcome given twice for a customer keeps the last, as the store does.
 *
 * Per-tier and per-segment p-values are each a separate test, not adjusted for their number: with
 * ten segments, one is below 0.05 by chance in about four campaigns out of ten without any effect.
 *
 * Throws an Error for a customer listed twice in `deliveries` (a campaign has one delivery per
 * recipient, so this is a bug upstream), and `MlError` NON_FINITE for NaN revenue.
 *
 * @example
 * const results = campaignResults(deliveries, outcomes);
 * results.overall.churn.uplift; results.byTier.High?.churn.confidenceInterval;
 */
export function campaignResults(
  deliveries: readonly ResultDelivery[],
  outcomes: readonly ResultOutcome[],
  options: CampaignResultsOptions = {},
): CampaignResults {
  const confidence = options.confidence ?? 0.95;
  const outcomeOf = new Map<string, ResultOutcome>();
  for (const o of outcomes) outcomeOf.set(o.customerId, o);

  const overall = new Tally();
  const tiers = new Map<string, Tally>();
  const segments = new Map<string, Tally>();
  const seen = new Set<string>();
  const missingOutcomes = { treated: 0, control: 0 };
  for (const d of deliveries) {
    if (seen.has(d.customerId)) {
      throw new Error(
        `campaignResults: customer ${d.customerId} is in the audience twice; a campaign has one delivery per recipient`,
      );
    }
    seen.add(d.customerId);
    const outcome = outcomeOf.get(d.customerId);
    if (!outcome) missingOutcomes[d.group]++;
    const tier = d.riskTier ?? NO_GROUP;
    const segment = d.segment === null ? NO_GROUP : String(d.segment);
    for (const t of [overall, tallyFor(tiers, tier), tallyFor(segments, segment)]) t.add(d.group, outcome);
  }
  let unmatchedOutcomes = 0;
  for (const id of outcomeOf.keys()) if (!seen.has(id)) unmatchedOutcomes++;

  const effects = (m: Map<string, Tally>, order: (a: string, b: string) => number) =>
    Object.fromEntries([...m.keys()].sort(order).map((k) => [k, m.get(k)!.effect(confidence)]));
  return {
    overall: overall.effect(confidence),
    byTier: effects(tiers, tierOrder),
    bySegment: effects(segments, segmentOrder),
    missingOutcomes,
    unmatchedOutcomes,
    confidence,
  };
}

function tallyFor(m: Map<string, Tally>, key: string): Tally {
  let t = m.get(key);
  if (!t) {
    t = new Tally();
    m.set(key, t);
  }
  return t;
}

/** Counts and revenue of the two arms of one group of customers. */
class Tally {
  private readonly arms = { treated: new Arm(), control: new Arm() };

  add(group: 'treated' | 'control', outcome: ResultOutcome | undefined): void {
    const arm = this.arms[group];
    arm.customers++;
    if (!outcome) return;
    arm.withOutcome++;
    if (outcome.churned) arm.churned++;
    if (outcome.revenue !== undefined && outcome.revenue !== null) arm.revenue.push(outcome.revenue);
  }

  effect(confidence: number): CampaignEffect {
    const { treated, control } = this.arms;
    const churn = churnUplift(
      {
        nControl: control.withOutcome,
        churnedControl: control.churned,
        nTreated: treated.withOutcome,
        churnedTreated: treated.churned,
      },
      { confidence },
    );
    const revenue = revenueUplift(control.revenue, treated.revenue, { confidence });
    return {
      treated: treated.figures(churn.churnRateTreated, revenue.meanTreated),
      control: control.figures(churn.churnRateControl, revenue.meanControl),
      churn: {
        uplift: churn.uplift,
        confidenceInterval: churn.confidenceInterval,
        pValue: churn.pValue,
        probabilityHelped: churn.probabilityHelped,
        reason: churn.reason,
      },
      revenue: {
        difference: revenue.difference,
        confidenceInterval: revenue.confidenceInterval,
        pValue: revenue.pValue,
        reason: revenue.reason,
      },
    };
  }
}

class Arm {
  customers = 0;
  withOutcome = 0;
  churned = 0;
  readonly revenue: number[] = [];

  figures(churnRate: number | null, meanRevenue: number | null): ArmFigures {
    return {
      customers: this.customers,
      withOutcome: this.withOutcome,
      churned: this.churned,
      churnRate,
      withRevenue: this.revenue.length,
      meanRevenue,
    };
  }
}

/** The known tiers in their order, then other tiers by name, then `none`. */
function tierOrder(a: string, b: string): number {
  const rank = (t: string) => {
    const i = (RISK_TIERS as readonly string[]).indexOf(t);
    return i >= 0 ? i : t === NO_GROUP ? RISK_TIERS.length + 1 : RISK_TIERS.length;
  };
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Numeric segment ids in ascending order, then other names, then `none`. */
function segmentOrder(a: string, b: string): number {
  const rank = (s: string) => (s === NO_GROUP ? 2 : Number.isFinite(Number(s)) && s !== '' ? 0 : 1);
  return rank(a) - rank(b) || (rank(a) === 0 ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0);
}
