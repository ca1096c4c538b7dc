import { MlError } from '../errors.ts';
import { checkSameLength, contingency, encodeLabels } from './contingency.ts';

/** How {@link normalizedMutualInfo} averages the two entropies in its denominator. */
export type NmiAverage = 'min' | 'geometric' | 'arithmetic' | 'max';

/**
 * Normalized mutual information of two labelings of the same rows, equal to scikit-learn 1.2's
 * `normalized_mutual_info_score`: MI(a, b) / mean(H(a), H(b)) in nats, the mean chosen by `average`
 * (default 'arithmetic', which equals the V-measure). 1 means identical partitions, 0 independent.
 *
 * scikit-learn's special cases are kept: 1 when both labelings have a single cluster (or n = 0),
 * 0 when MI is 0; per-cell MI terms below machine epsilon are dropped. Label -1 is ordinary.
 *
 * Time O(n log n), memory O(n). Throws `MlError` SHAPE_MISMATCH for different lengths,
 * NON_FINITE / BAD_OPTION for non-integer labels or an unknown `average`.
 *
 * @example
 * normalizedMutualInfo([0, 0, 1, 1], [1, 1, 0, 0]); // 1
 * normalizedMutualInfo([0, 0, 1, 1], [0, 1, 0, 1]); // 0
 */
export function normalizedMutualInfo(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  average: NmiAverage = 'arithmetic',
): number {
  const who = 'normalizedMutualInfo';
  if (average !== 'min' && average !== 'geometric' && average !== 'arithmetic' && average !== 'max') {
    throw new MlError(
      'BAD_OPTION',
      `${who}: average = '${average}'; use 'min', 'geometric', 'arithmetic' or 'max'`,
    );
  }
  checkSameLength(a, b, who);
  const ea = encodeLabels(a, who);
  const eb = encodeLabels(b, who);
  const ka = ea.classes.length;
  const kb = eb.classes.length;
  if (ka === kb && ka <= 1) return 1;

  const mi = mutualInfo(contingency(ea, eb));
  if (mi === 0) return 0;
  const ha = entropy(ea.counts);
  const hb = entropy(eb.counts);
  let norm: number;
  if (average === 'min') norm = Math.min(ha, hb);
  else if (average === 'max') norm = Math.max(ha, hb);
  else if (average === 'geometric') norm = Math.sqrt(ha * hb);
  else norm = (ha + hb) / 2;
  return mi / norm;
}

/** scikit-learn's `mutual_info_score` from a sparse contingency table, term by term. */
function mutualInfo(t: ReturnType<typeof contingency>): number {
  if (t.rowSums.length === 1 || t.colSums.length === 1) return 0;
  const n = t.n;
  const logN = Math.log(n);
  let total = 0;
  for (let c = 0; c < t.cellCount.length; c++) {
    const nij = t.cellCount[c]!;
    const pij = nij / n;
    const outer = t.rowSums[t.cellRow[c]!]! * t.colSums[t.cellCol[c]!]!;
    // log(n) twice: scikit-learn adds log(sum of row sums) and log(sum of column sums).
    const logOuter = -Math.log(outer) + logN + logN;
    const term = pij * (Math.log(nij) - logN) + pij * logOuter;
    if (Math.abs(term) >= Number.EPSILON) total += term;
  }
  return Math.max(total, 0);
}

/** Shannon entropy in nats of a labeling given its cluster sizes (all > 0). */
function entropy(counts: Int32Array): number {
  if (counts.length === 1) return 0;
  let n = 0;
  for (let c = 0; c < counts.length; c++) n += counts[c]!;
  const logN = Math.log(n);
  let h = 0;
  for (let c = 0; c < counts.length; c++) h -= (counts[c]! / n) * (Math.log(counts[c]!) - logN);
  return h;
}
