import { MlError } from '../errors.ts';

/**
 * Checks and copies the per-customer repeat-purchase summary shared by the CLV models:
 * `frequency` x (repeat purchases: purchase days - 1), `recency` t_x (time from first to last
 * purchase) and `T` (time from first purchase to the end of the calibration period), all the
 * same length, finite, x a non-negative integer, 0 <= t_x <= T, T > 0.
 */
export function checkRfm(
  where: string,
  frequency: ArrayLike<number>,
  recency: ArrayLike<number>,
  T: ArrayLike<number>,
): { x: Float64Array; tx: Float64Array; T: Float64Array } {
  const n = frequency.length;
  if (n === 0) throw new MlError('EMPTY_INPUT', `${where}: no customers; pass at least one.`);
  if (recency.length !== n || T.length !== n) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `${where}: frequency, recency and T must have one entry per customer (got ${n}, ${recency.length}, ${T.length}).`,
    );
  }
  const x = Float64Array.from(frequency);
  const tx = Float64Array.from(recency);
  const age = Float64Array.from(T);
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const ti = tx[i]!;
    const Ti = age[i]!;
    if (!Number.isFinite(xi) || !Number.isFinite(ti) || !Number.isFinite(Ti)) {
      throw new MlError('NON_FINITE', `${where}: customer ${i} has a non-finite frequency, recency or T.`, {
        index: i,
      });
    }
    if (xi < 0 || !Number.isInteger(xi)) {
      throw new MlError(
        'BAD_OPTION',
        `${where}: frequency[${i}] = ${xi}; frequency counts repeat purchases, a whole number >= 0.`,
        { index: i },
      );
    }
    if (!(Ti > 0) || ti < 0 || ti > Ti) {
      throw new MlError(
        'BAD_OPTION',
        `${where}: customer ${i} has recency ${ti} and T ${Ti}; need 0 <= recency <= T and T > 0 (same time unit).`,
        { index: i },
      );
    }
  }
  return { x, tx, T: age };
}

/** Optional non-negative finite weights (one per customer), or all ones. */
export function checkWeights(where: string, weights: ArrayLike<number> | undefined, n: number): Float64Array {
  if (weights === undefined) return new Float64Array(n).fill(1);
  if (weights.length !== n) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `${where}: weights has ${weights.length} entries for ${n} customers.`,
    );
  }
  const w = Float64Array.from(weights);
  for (let i = 0; i < n; i++) {
    if (!(w[i]! >= 0) || !Number.isFinite(w[i]!)) {
      throw new MlError('BAD_OPTION', `${where}: weights[${i}] = ${w[i]}; weights must be finite and >= 0.`);
    }
  }
  return w;
}
