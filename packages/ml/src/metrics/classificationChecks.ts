import { MlError } from '../errors.ts';

/** Throws SHAPE_MISMATCH unless the two arrays describe the same rows. */
export function checkPairLength(a: ArrayLike<number>, b: ArrayLike<number>, what: string, who: string): void {
  if (a.length !== b.length) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `${who}: ${a.length} labels but ${b.length} ${what}; pass one ${what.replace(/s$/, '')} per labelled row`,
      { labels: a.length, [what]: b.length },
    );
  }
}

/** Throws EMPTY_INPUT for no rows. */
export function checkNotEmpty(n: number, who: string): void {
  if (n === 0) throw new MlError('EMPTY_INPUT', `${who}: no rows; pass at least one labelled row`);
}

/**
 * Checks binary labels (each exactly 0 or 1) and returns the number of positives.
 * Throws NON_FINITE for NaN / infinite, BAD_OPTION for any other value.
 */
export function countBinaryLabels(y: ArrayLike<number>, who: string): number {
  let positives = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (v === 1) positives++;
    else if (v !== 0) {
      throw new MlError(
        Number.isFinite(v) ? 'BAD_OPTION' : 'NON_FINITE',
        `${who}: label at row ${i} is ${v}; binary labels must be 0 (negative) or 1 (positive)`,
        { row: i },
      );
    }
  }
  return positives;
}

/** Throws NON_FINITE at the first NaN or infinite score. */
export function checkFiniteScores(s: ArrayLike<number>, who: string, what = 'score'): void {
  for (let i = 0; i < s.length; i++) {
    if (!Number.isFinite(s[i]!)) {
      throw new MlError(
        'NON_FINITE',
        `${who}: ${what} at row ${i} is ${s[i]}; remove or impute missing values first`,
        { row: i },
      );
    }
  }
}

/** Throws unless every value is a finite probability in [0, 1]. */
export function checkProbabilities(p: ArrayLike<number>, who: string): void {
  checkFiniteScores(p, who, 'probability');
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (v < 0 || v > 1) {
      throw new MlError(
        'BAD_OPTION',
        `${who}: probability at row ${i} is ${v}; probabilities must lie in [0, 1] (calibrate scores first)`,
        { row: i },
      );
    }
  }
}

/**
 * Checks class labels (integers in [0, k)) and returns k: `nClasses` when given, else max label + 1
 * over every array passed.
 */
export function classCount(arrays: ArrayLike<number>[], nClasses: number | undefined, who: string): number {
  if (nClasses !== undefined && (!Number.isInteger(nClasses) || nClasses < 1)) {
    throw new MlError('BAD_OPTION', `${who}: nClasses = ${nClasses}; it must be a positive integer`);
  }
  let max = -1;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (!Number.isInteger(v) || v < 0) {
        throw new MlError(
          Number.isFinite(v) ? 'BAD_OPTION' : 'NON_FINITE',
          `${who}: label at row ${i} is ${v}; class labels must be integers 0, 1, ..., k - 1`,
          { row: i },
        );
      }
      if (nClasses !== undefined && v >= nClasses) {
        throw new MlError(
          'BAD_OPTION',
          `${who}: label ${v} at row ${i} is not below nClasses = ${nClasses}; raise nClasses or fix the label`,
          { row: i },
        );
      }
      if (v > max) max = v;
    }
  }
  return nClasses ?? max + 1;
}

/**
 * scikit-learn's `_binary_clf_curve`: rows sorted by descending score (ties keep a stable order),
 * one entry per distinct score, highest first. `tps[i]` / `fps[i]` count the positives / negatives
 * with score >= `thresholds[i]`; the last entry counts every row.
 */
export interface BinaryCurve {
  thresholds: Float64Array;
  tps: Float64Array;
  fps: Float64Array;
}

/** Builds {@link BinaryCurve}; labels and scores must already be checked. O(n log n). */
export function binaryClfCurve(y: ArrayLike<number>, s: ArrayLike<number>): BinaryCurve {
  const n = y.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Descending score; equal scores in any order (only the totals per distinct score matter).
  order.sort((a, b) => s[b]! - s[a]!);
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === n - 1 || s[order[i]!] !== s[order[i + 1]!]) distinct++;
  const thresholds = new Float64Array(distinct);
  const tps = new Float64Array(distinct);
  const fps = new Float64Array(distinct);
  let tp = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    tp += y[order[i]!]!;
    if (i === n - 1 || s[order[i]!] !== s[order[i + 1]!]) {
      thresholds[c] = s[order[i]!]!;
      tps[c] = tp;
      fps[c] = i + 1 - tp;
      c++;
    }
  }
  return { thresholds, tps, fps };
}
