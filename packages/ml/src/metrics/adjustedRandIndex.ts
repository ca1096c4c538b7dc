import { checkSameLength, contingency, encodeLabels } from './contingency.ts';

/**
 * Adjusted Rand index of two labelings of the same rows (Hubert & Arabie 1985), equal to
 * scikit-learn 1.2's `adjusted_rand_score`: pair-counting agreement corrected for chance. 1 means
 * identical partitions (label values themselves do not matter), ~0 random, and it can be negative.
 *
 * Computed from the 2 x 2 pair confusion matrix as scikit-learn does; the final products can pass
 * 2^53 for n above ~10^4, so they are taken in BigInt. Returns 1 when no pair disagrees, including
 * for empty input and for two all-singleton or two single-cluster labelings (scikit-learn's special
 * cases). Label -1 is an ordinary cluster.
 *
 * Time O(n log n), memory O(n). Throws `MlError` SHAPE_MISMATCH for different lengths,
 * NON_FINITE / BAD_OPTION for non-integer labels.
 *
 * @example
 * adjustedRandIndex([0, 0, 1, 1], [5, 5, 2, 2]); // 1
 * adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1]); // -0.5
 */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const who = 'adjustedRandIndex';
  checkSameLength(a, b, who);
  const t = contingency(encodeLabels(a, who), encodeLabels(b, who));
  const n = t.n;
  // Every count below is an integer <= n^2 < 2^53, so plain doubles hold them exactly.
  let sumSquares = 0;
  for (let c = 0; c < t.cellCount.length; c++) sumSquares += t.cellCount[c]! * t.cellCount[c]!;
  let rowDot = 0; // sum over cells of count * colSum(col)
  let colDot = 0; // sum over cells of count * rowSum(row)
  for (let c = 0; c < t.cellCount.length; c++) {
    rowDot += t.cellCount[c]! * t.colSums[t.cellCol[c]!]!;
    colDot += t.cellCount[c]! * t.rowSums[t.cellRow[c]!]!;
  }
  const tp = sumSquares - n;
  const fp = rowDot - sumSquares;
  const fn = colDot - sumSquares;
  const tn = n * n - fp - fn - sumSquares;
  if (fn === 0 && fp === 0) return 1;
  const [TP, TN, FP, FN] = [BigInt(tp), BigInt(tn), BigInt(fp), BigInt(fn)];
  const num = 2n * (TP * TN - FN * FP);
  const den = (TP + FN) * (FN + TN) + (TP + FP) * (FP + TN);
  return Number(num) / Number(den);
}
