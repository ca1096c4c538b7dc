import { MlError } from '../errors.ts';
import { type Alternative, checkAlternative, checkSample } from './alternative.ts';
import { normalSf } from './distributions.ts';

export interface MannWhitneyUOptions {
  /** 'greater': B tends to be larger than A. Default 'two-sided'. */
  alternative?: Alternative;
  /** Half-unit continuity correction of the normal approximation. Default true (as scipy). */
  continuity?: boolean;
  /**
   * 'asymptotic' (default): normal approximation with the tie correction.
   * 'exact': the exact null distribution; only without ties and for C(nA + nB, nA) < 2^53.
   */
  method?: 'asymptotic' | 'exact';
}

export interface MannWhitneyUResult {
  /** U of the first sample, A: pairs with a > b plus half the tied pairs (scipy's statistic). */
  statistic: number;
  /** U of B, nA nB - U of A. */
  uB: number;
  pValue: number;
  /** The normal deviate of the asymptotic method (NaN for 'exact'). */
  z: number;
  /** (uB - uA) / (nA nB): +1 when every B exceeds every A. */
  rankBiserial: number;
  /** Whether any value occurs more than once in the pooled sample. */
  ties: boolean;
  nA: number;
  nB: number;
  method: 'asymptotic' | 'exact';
  alternative: Alternative;
}

/**
 * Mann-Whitney U (Wilcoxon rank-sum) test of whether B tends to exceed A. O(n log n).
 * Same p-values as scipy's `mannwhitneyu(a, b, method=..., use_continuity=...)` with the
 * alternative mirrored ('greater' here is 'less' there), and the same U.
 *
 * ```ts
 * const r = mannWhitneyU(ordersA, ordersB, { alternative: 'greater' });
 * r.statistic; r.pValue; r.rankBiserial;
 * ```
 */
export function mannWhitneyU(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: MannWhitneyUOptions = {},
): MannWhitneyUResult {
  const fn = 'mannWhitneyU';
  const alternative = checkAlternative(fn, options.alternative);
  const continuity = options.continuity ?? true;
  const method = options.method ?? 'asymptotic';
  if (method !== 'asymptotic' && method !== 'exact') {
    throw new MlError('BAD_OPTION', `${fn}: method must be 'asymptotic' or 'exact', got ${String(method)}`);
  }
  const x = checkSample(fn, 'A', a, 1);
  const y = checkSample(fn, 'B', b, 1);
  const nA = x.length;
  const nB = y.length;
  const { rankSumA, tieTerm } = rankSum(x, y);
  const uA = rankSumA - (nA * (nA + 1)) / 2;
  const uB = nA * nB - uA;
  // The tail that says "B larger" is large uB; 'two-sided' doubles the larger tail.
  const u = alternative === 'greater' ? uB : alternative === 'less' ? uA : Math.max(uA, uB);
  const factor = alternative === 'two-sided' ? 2 : 1;
  let pValue: number;
  let z = Number.NaN;
  if (method === 'exact') {
    if (tieTerm > 0) {
      throw new MlError(
        'BAD_OPTION',
        `${fn}: the exact method assumes no ties and the data has ties; use 'asymptotic'`,
      );
    }
    pValue = exactUpperTail(u, nA, nB);
  } else {
    const n = nA + nB;
    const sd = Math.sqrt(((nA * nB) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
    if (!(sd > 0)) {
      throw new MlError(
        'NON_FINITE',
        `${fn}: every value is the same, so U carries no information; nothing to test`,
      );
    }
    z = (u - (nA * nB) / 2 - (continuity ? 0.5 : 0)) / sd;
    pValue = normalSf(z);
  }
  return {
    statistic: uA,
    uB,
    pValue: Math.min(1, Math.max(0, factor * pValue)),
    z,
    rankBiserial: (uB - uA) / (nA * nB),
    ties: tieTerm > 0,
    nA,
    nB,
    method,
    alternative,
  };
}

/** Sum of A's mid-ranks in the pooled sample and sum over tie groups of t^3 - t. */
function rankSum(x: Float64Array, y: Float64Array): { rankSumA: number; tieTerm: number } {
  const n = x.length + y.length;
  const values = new Float64Array(n);
  values.set(x);
  values.set(y, x.length);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => values[i]! - values[j]!);
  let rankSumA = 0;
  let tieTerm = 0;
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && values[order[end]!] === values[order[start]!]) end++;
    const t = end - start;
    const midRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) if (order[k]! < x.length) rankSumA += midRank;
    if (t > 1) tieTerm += t * t * t - t;
    start = end;
  }
  return { rankSumA, tieTerm };
}

/**
 * P(U >= u) under the null without ties. The counts of U are the coefficients of the Gaussian
 * binomial [nA + nB choose nA]_q, built as prod_i (1 - q^(nB + i)) / (1 - q^i); every partial
 * product is itself a Gaussian binomial, so the coefficients stay exact integers in a double.
 */
function exactUpperTail(u: number, nA: number, nB: number): number {
  let total = 1;
  for (let i = 1; i <= Math.min(nA, nB); i++) total = (total * (nA + nB - Math.min(nA, nB) + i)) / i;
  if (!(total < 2 ** 53)) {
    throw new MlError(
      'BAD_OPTION',
      `mannWhitneyU: the exact method supports C(nA + nB, nA) < 2^53 (about nA = nB = 28); use 'asymptotic'`,
    );
  }
  const m = nA * nB;
  const counts = new Float64Array(m + 1);
  counts[0] = 1;
  for (let i = 1; i <= nA; i++) {
    const up = nB + i;
    for (let k = m; k >= up; k--) counts[k]! -= counts[k - up];
    for (let k = i; k <= m; k++) counts[k]! += counts[k - i];
  }
  // By symmetry about m / 2, P(U >= u) = P(U <= m - u): a sum of exact integer counts.
  const limit = Math.round(m - u);
  let lower = 0;
  for (let k = 0; k <= limit; k++) lower += counts[k]!;
  return lower / total;
}
