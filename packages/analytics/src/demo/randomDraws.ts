import type { Rng } from '@clientele/ml';

/*
 * Small draws the demo generators share. Their output is part of each generator's file for a
 * seed: changing how many numbers a draw takes from the Rng changes every file after it.
 */

/** Cumulative shares of weights, ending at 1: the table `pick` draws from. */
export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i]!;
    out[i] = acc;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= acc;
  return out;
}

/** An index drawn with the probabilities a cumulative array (ending at 1) describes. */
export function pick(rng: Rng, cum: Float64Array): number {
  const u = rng.next();
  let i = 0;
  while (i < cum.length - 1 && u >= cum[i]!) i++;
  return i;
}

/** A Poisson count (a rounded normal past a mean of 30). */
export function poisson(rng: Rng, mean: number): number {
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
  const l = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > l) {
    k++;
    p *= rng.next();
  }
  return k;
}

/** A whole number, lognormal around `median` with log-sd `sd`. */
export function lognormalInt(rng: Rng, median: number, sd: number): number {
  return Math.round(median * Math.exp(sd * rng.normal()));
}

/**
 * A Gamma(shape, 1) draw (Marsaglia & Tsang 2000); a shape below 1 is boosted to shape + 1 and
 * scaled by U^(1/shape). Divide by a rate (or multiply by a scale) for other scales.
 */
export function gamma(rng: Rng, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * (1 - rng.next()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}
