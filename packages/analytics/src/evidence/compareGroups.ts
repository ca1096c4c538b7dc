import {
  type Alternative,
  bayesAb,
  bootstrapDifference,
  chiSquareIndependence,
  mannWhitneyU,
  twoProportionZTest,
  welchTTest,
} from '@clientele/ml';
import { InputError } from '../errors.ts';
import { type GroupSource, readBinaryGroups, readContingency, readNumericGroups } from './readGroups.ts';

export const TEST_KINDS = ['welch', 'mannwhitney', 'chisq', 'ztest', 'bootstrap', 'bayes-ab'] as const;
export type TestKind = (typeof TEST_KINDS)[number];

export interface CompareOptions {
  kind: TestKind;
  group: string;
  metric: string;
  /** The two groups compared, A (the reference, e.g. control) then B; chisq: the groups kept. */
  groups?: string[];
  alternative?: Alternative;
  /** Confidence level of intervals; the test's significance level is 1 - confidence. Default 0.95. */
  confidence?: number;
  /** Bootstrap: resamples and seed. */
  resamples?: number;
  seed?: number;
}

/** One test's outcome, as `clientele test --json` prints it (snake_case, plain numbers). */
export interface Comparison {
  kind: TestKind;
  group: string;
  metric: string;
  groups: string[];
  n: Record<string, number>;
  statistic: number | null;
  p_value: number | null;
  probability_b_beats_a: number | null;
  effect_size: { name: string; value: number } | null;
  confidence_interval: { level: number; low: number; high: number; of: string } | null;
  alternative: Alternative | null;
  significance_level: number;
  significant: boolean;
  /** One sentence a manager can read: what was compared, the figure, and what it means. */
  verdict: string;
  details: Record<string, unknown>;
  left_out: Record<string, number>;
}

const fmt = (x: number, digits = 4): string => {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 1e5 || a < 1e-3 ? x.toExponential(2) : String(Number(x.toPrecision(digits)));
};
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const pText = (p: number): string => (p < 1e-4 ? 'p < 0.0001' : `p = ${fmt(p, 2)}`);

function direction(alt: Alternative): string {
  return alt === 'two-sided' ? 'differs from' : alt === 'greater' ? 'is above' : 'is below';
}

/**
 * Runs one statistical comparison of `metric` between the groups of `group` in a loaded file:
 * Welch's t (means), Mann-Whitney U (distributions), a bootstrap interval of the difference of
 * means, a two-proportion z test or a Beta-Binomial Bayesian A/B test (yes/no outcomes), or a
 * chi-square test of independence (categories). Differences are B - A, A being the first group.
 *
 * Throws InputError for a missing column, a wrong kind of metric, or a group choice that does
 * not fit the test.
 */
export async function compareGroups(t: GroupSource, o: CompareOptions): Promise<Comparison> {
  const confidence = o.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) {
    throw new InputError(
      'BAD_OPTION',
      `--confidence is a level between 0 and 1, e.g. 0.95; got ${confidence}`,
    );
  }
  const level = 1 - confidence;
  const alternative = o.alternative ?? 'two-sided';
  const base = { kind: o.kind, group: o.group, metric: o.metric, significance_level: level };

  if (o.kind === 'chisq') {
    const tab = await readContingency(t, o.group, o.metric, { groups: o.groups });
    const r = chiSquareIndependence(tab.counts);
    const significant = r.pValue < level;
    return {
      ...base,
      groups: tab.rows,
      n: Object.fromEntries(tab.rows.map((g, i) => [g, tab.counts[i]!.reduce((s, c) => s + c, 0)])),
      statistic: r.statistic,
      p_value: r.pValue,
      probability_b_beats_a: null,
      effect_size: { name: "Cramer's V", value: r.cramersV },
      confidence_interval: null,
      alternative: null,
      significant,
      verdict: significant
        ? `${o.metric} depends on ${o.group}: chi-square ${fmt(r.statistic)} with ${r.df} degrees of freedom, ${pText(r.pValue)} < ${fmt(level)} (Cramer's V ${fmt(r.cramersV, 2)}).`
        : `No evidence that ${o.metric} depends on ${o.group}: chi-square ${fmt(r.statistic)} with ${r.df} degrees of freedom, ${pText(r.pValue)} >= ${fmt(level)}.`,
      details: {
        df: r.df,
        outcomes: tab.cols,
        observed: tab.counts,
        expected: Array.from({ length: r.expected.rows }, (_, i) =>
          Array.from(r.expected.data.subarray(i * r.expected.cols, (i + 1) * r.expected.cols)),
        ),
        yates_correction: r.correctionApplied,
      },
      left_out: { rows: tab.leftOut },
    };
  }

  if (o.kind === 'ztest' || o.kind === 'bayes-ab') {
    const g = await readBinaryGroups(t, o.group, o.metric, { groups: o.groups });
    const [a, b] = g.names;
    const n = { [a]: g.trials[0], [b]: g.trials[1] };
    const rateA = g.successes[0] / g.trials[0];
    const rateB = g.successes[1] / g.trials[1];
    const leftOut = {
      no_group: g.leftOut.noGroup,
      no_metric: g.leftOut.noMetric,
      other_groups: g.leftOut.otherGroups,
    };
    if (o.kind === 'ztest') {
      const r = twoProportionZTest(g.successes[0], g.trials[0], g.successes[1], g.trials[1], {
        alternative,
        confidence,
      });
      const significant = r.pValue < level;
      return {
        ...base,
        groups: [a, b],
        n,
        statistic: r.statistic,
        p_value: r.pValue,
        probability_b_beats_a: null,
        effect_size: { name: "Cohen's h", value: r.cohenH },
        confidence_interval: {
          level: confidence,
          low: r.confidenceInterval[0],
          high: r.confidenceInterval[1],
          of: `rate of ${b} minus rate of ${a}`,
        },
        alternative,
        significant,
        verdict:
          `${o.metric} rate: ${b} ${pct(rateB)} vs ${a} ${pct(rateA)}, a difference of ${(100 * r.difference).toFixed(1)} points ` +
          `(${pct(confidence)} CI ${(100 * r.confidenceInterval[0]).toFixed(1)} to ${(100 * r.confidenceInterval[1]).toFixed(1)}); ` +
          (significant
            ? `z = ${fmt(r.statistic, 3)}, ${pText(r.pValue)} < ${fmt(level)}: ${b}'s rate ${direction(alternative)} ${a}'s.`
            : `z = ${fmt(r.statistic, 3)}, ${pText(r.pValue)} >= ${fmt(level)}: no significant difference.`),
        details: { rate_a: rateA, rate_b: rateB, successes: { [a]: g.successes[0], [b]: g.successes[1] } },
        left_out: leftOut,
      };
    }
    const r = bayesAb({
      successesA: g.successes[0],
      trialsA: g.trials[0],
      successesB: g.successes[1],
      trialsB: g.trials[1],
    });
    const p = r.probabilityBBeatsA;
    const decisive = p >= confidence || p <= 1 - confidence;
    return {
      ...base,
      groups: [a, b],
      n,
      statistic: null,
      p_value: null,
      probability_b_beats_a: p,
      effect_size: { name: 'difference of posterior means', value: r.posteriorB.mean - r.posteriorA.mean },
      confidence_interval: null,
      alternative: null,
      significant: decisive,
      verdict:
        `The probability that ${b}'s ${o.metric} rate (${pct(rateB)}) beats ${a}'s (${pct(rateA)}) is ${pct(p)}; ` +
        `choosing ${p >= 0.5 ? b : a} risks an expected loss of ${(100 * (p >= 0.5 ? r.expectedLossChoosingB : r.expectedLossChoosingA)).toFixed(2)} points` +
        (decisive ? '.' : `, short of the ${pct(confidence)} needed to call it.`),
      details: {
        expected_loss_choosing_b: r.expectedLossChoosingB,
        expected_loss_choosing_a: r.expectedLossChoosingA,
        posterior_a: r.posteriorA,
        posterior_b: r.posteriorB,
        prior: { alpha: 1, beta: 1 },
      },
      left_out: leftOut,
    };
  }

  const g = await readNumericGroups(t, o.group, o.metric, { groups: o.groups });
  const [a, b] = g.names;
  const [va, vb] = g.values;
  const n = { [a]: va.length, [b]: vb.length };
  const leftOut = {
    no_group: g.leftOut.noGroup,
    no_metric: g.leftOut.noMetric,
    other_groups: g.leftOut.otherGroups,
  };
  if (o.kind === 'welch') {
    const r = welchTTest(va, vb, { alternative, confidence });
    const significant = r.pValue < level;
    return {
      ...base,
      groups: [a, b],
      n,
      statistic: r.statistic,
      p_value: r.pValue,
      probability_b_beats_a: null,
      effect_size: { name: "Cohen's d", value: r.cohenD },
      confidence_interval: {
        level: confidence,
        low: r.confidenceInterval[0],
        high: r.confidenceInterval[1],
        of: `mean of ${b} minus mean of ${a}`,
      },
      alternative,
      significant,
      verdict:
        `Mean ${o.metric}: ${b} ${fmt(r.meanB)} vs ${a} ${fmt(r.meanA)}, a difference of ${fmt(r.meanDifference)} ` +
        `(${pct(confidence)} CI ${fmt(r.confidenceInterval[0])} to ${fmt(r.confidenceInterval[1])}); ` +
        (significant
          ? `Welch t = ${fmt(r.statistic, 3)}, ${pText(r.pValue)} < ${fmt(level)}: ${b}'s mean ${direction(alternative)} ${a}'s.`
          : `Welch t = ${fmt(r.statistic, 3)}, ${pText(r.pValue)} >= ${fmt(level)}: no significant difference.`),
      details: {
        df: r.df,
        mean_a: r.meanA,
        mean_b: r.meanB,
        hedges_g: r.hedgesG,
        standard_error: r.standardError,
      },
      left_out: leftOut,
    };
  }
  if (o.kind === 'mannwhitney') {
    const r = mannWhitneyU(va, vb, { alternative });
    const significant = r.pValue < level;
    return {
      ...base,
      groups: [a, b],
      n,
      statistic: r.statistic,
      p_value: r.pValue,
      probability_b_beats_a: null,
      effect_size: { name: 'rank-biserial correlation', value: r.rankBiserial },
      confidence_interval: null,
      alternative,
      significant,
      verdict: significant
        ? `${o.metric} of ${b} ${direction(alternative)} ${a}'s in distribution: Mann-Whitney U = ${fmt(r.statistic)}, ${pText(r.pValue)} < ${fmt(level)} (rank-biserial ${fmt(r.rankBiserial, 2)}).`
        : `No significant difference in ${o.metric} between ${b} and ${a}: Mann-Whitney U = ${fmt(r.statistic)}, ${pText(r.pValue)} >= ${fmt(level)}.`,
      details: { u_b: r.uB, z: r.z, ties: r.ties, method: r.method },
      left_out: leftOut,
    };
  }
  const r = bootstrapDifference(va, vb, {
    statistic: 'mean',
    resamples: o.resamples ?? 10_000,
    confidence,
    seed: o.seed ?? 0,
  });
  const [low, high] = r.bca;
  const significant = low > 0 || high < 0;
  return {
    ...base,
    groups: [a, b],
    n,
    statistic: r.estimate,
    p_value: null,
    probability_b_beats_a: null,
    effect_size: { name: 'difference of means', value: r.estimate },
    confidence_interval: {
      level: confidence,
      low,
      high,
      of: `mean of ${b} minus mean of ${a} (BCa bootstrap)`,
    },
    alternative: 'two-sided',
    significant,
    verdict:
      `Mean ${o.metric} of ${b} minus ${a}: ${fmt(r.estimate)} (${pct(confidence)} bootstrap CI ${fmt(low)} to ${fmt(high)}, ` +
      `${r.resamples} resamples); ` +
      (significant
        ? 'the interval excludes 0: the difference is real at this level.'
        : 'the interval includes 0: no clear difference.'),
    details: {
      percentile_interval: r.percentile,
      standard_error: r.standardError,
      resamples: r.resamples,
      seed: r.seed,
    },
    left_out: leftOut,
  };
}
