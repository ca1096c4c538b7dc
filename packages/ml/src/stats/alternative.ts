/**
 * The alternative hypothesis and the checks every test in this folder shares.
 *
 * Convention for the whole folder: the baseline (A, control) comes first and every signed
 * quantity is B - A (second minus first). `'greater'` means "B is larger than A".
 */
import { MlError } from '../errors.ts';
import { normalCdf, normalSf } from './distributions.ts';

export type Alternative = 'two-sided' | 'less' | 'greater';

const ALTERNATIVES: readonly Alternative[] = ['two-sided', 'less', 'greater'];

/** The alternative option, checked; 'two-sided' when absent. */
export function checkAlternative(fn: string, alternative: Alternative | undefined): Alternative {
  const alt = alternative ?? 'two-sided';
  if (!ALTERNATIVES.includes(alt)) {
    throw new MlError(
      'BAD_OPTION',
      `${fn}: alternative must be 'two-sided', 'less' or 'greater', got ${String(alt)}`,
    );
  }
  return alt;
}

/** The confidence option, checked; 0.95 when absent. */
export function checkConfidence(fn: string, confidence: number | undefined): number {
  const c = confidence ?? 0.95;
  if (!(c > 0 && c < 1)) {
    throw new MlError(
      'BAD_OPTION',
      `${fn}: confidence must be strictly between 0 and 1 (e.g. 0.95), got ${c}`,
    );
  }
  return c;
}

/** A sample as a Float64Array, rejecting NaN/Infinity and samples shorter than `min`. */
export function checkSample(fn: string, name: string, x: ArrayLike<number>, min: number): Float64Array {
  if (x.length === 0) {
    throw new MlError('EMPTY_INPUT', `${fn}: group ${name} is empty; pass at least ${min} value(s)`);
  }
  if (x.length < min) {
    throw new MlError(
      'TOO_FEW_ROWS',
      `${fn}: group ${name} has ${x.length} value(s); this test needs at least ${min}`,
      { group: name, n: x.length, min },
    );
  }
  const out = Float64Array.from(x);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]!)) {
      throw new MlError(
        'NON_FINITE',
        `${fn}: group ${name} has ${out[i]} at index ${i}; drop or impute it first`,
        {
          group: name,
          index: i,
        },
      );
    }
  }
  return out;
}

/** A count: a finite non-negative integer. */
export function checkCount(fn: string, name: string, value: number): number {
  if (!Number.isFinite(value)) {
    throw new MlError('NON_FINITE', `${fn}: ${name} is ${value}; pass a finite count`);
  }
  if (value < 0 || !Number.isInteger(value)) {
    throw new MlError('BAD_OPTION', `${fn}: ${name} must be a non-negative whole number, got ${value}`);
  }
  return value;
}

/** A probability strictly between 0 and 1. */
export function checkProbability(fn: string, name: string, value: number): number {
  if (!(value > 0 && value < 1)) {
    throw new MlError('BAD_OPTION', `${fn}: ${name} must be strictly between 0 and 1, got ${value}`);
  }
  return value;
}

/** p-value of a statistic that is standard normal under the null, larger when B > A. */
export function normalPValue(z: number, alternative: Alternative): number {
  if (alternative === 'greater') return normalSf(z);
  if (alternative === 'less') return normalCdf(z);
  return Math.min(1, 2 * normalSf(Math.abs(z)));
}

/**
 * A confidence interval for a B - A quantity with an estimate, standard error and a quantile
 * function of the reference distribution; one-sided alternatives give a half-infinite interval.
 */
export function differenceInterval(
  estimate: number,
  se: number,
  confidence: number,
  alternative: Alternative,
  quantile: (p: number) => number,
): [number, number] {
  if (alternative === 'two-sided') {
    const half = quantile(0.5 + confidence / 2) * se;
    return [estimate - half, estimate + half];
  }
  const margin = quantile(confidence) * se;
  return alternative === 'greater'
    ? [estimate - margin, Number.POSITIVE_INFINITY]
    : [Number.NEGATIVE_INFINITY, estimate + margin];
}
