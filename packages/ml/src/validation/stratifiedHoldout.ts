import { MlError } from '../errors.ts';
import { Rng } from '../random.ts';

/**
 * A seeded random holdout (a campaign's control group) stratified by a label such as the risk
 * tier: returns one byte per row, 1 = held out.
 *
 * How many: stratum s with n_s rows holds out floor or ceil of its quota share * n_s, and the
 * total is exactly round(share * n) (halves round up). The whole rows are the floors; the rows
 * left over go one each to the strata with the largest fractional remainders (ties: the larger
 * stratum, then the name in code-unit order). Rounding each stratum on its own could miss the
 * share badly when strata are small: four strata of 5 at share 0.1 would each round 0.5 up and hold
 * out 20%; here two of them hold out one row and the total is 2.
 *
 * Which rows: within each stratum, a uniform draw of that many of its rows, by an `Rng` seeded from
 * `seed` and the stratum's name. So the draw in one stratum does not move when rows of other strata
 * are added, removed or reordered (as long as its count stays the same).
 *
 * Order: rows are told apart only by their position within their stratum, so the same strata in the
 * same order with the same share and seed give the same holdout, on every platform. Permuting the
 * input moves the holdout to other customers; a caller that wants the holdout to be a function of
 * the audience set (not of a query's row order) passes the rows sorted by a stable key, such as the
 * customer id.
 *
 * Time O(n), memory O(n). Throws `MlError` BAD_OPTION for a share outside [0, 1) (0 holds out
 * nobody) or a seed that is not a whole number.
 *
 * @example
 * const audience = customers.toSorted((a, b) => a.id.localeCompare(b.id));
 * const held = stratifiedHoldout(audience.map((c) => c.riskTier), 0.1, 42);
 * const control = audience.filter((_, i) => held[i] === 1);
 */
export function stratifiedHoldout(strata: readonly string[], share: number, seed: number): Uint8Array {
  const who = 'stratifiedHoldout';
  if (!(share >= 0 && share < 1)) {
    throw new MlError(
      'BAD_OPTION',
      `${who}: share = ${share}; pass the held-out share as a number in [0, 1), such as 0.1 for 10%`,
      { share },
    );
  }
  if (!Number.isInteger(seed)) {
    throw new MlError('BAD_OPTION', `${who}: seed = ${seed}; pass a whole number, such as 42`, { seed });
  }
  const n = strata.length;
  const held = new Uint8Array(n);
  if (n === 0 || share === 0) return held;

  // Rows of each stratum in input order; strata in first-seen order until sorted below.
  const rowsOf = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const s = strata[i]!;
    const rows = rowsOf.get(s);
    if (rows) rows.push(i);
    else rowsOf.set(s, [i]);
  }
  const names = [...rowsOf.keys()];
  const take = apportion(
    names.map((s) => rowsOf.get(s)!.length),
    share,
    Math.round(share * n),
    names,
  );
  for (let c = 0; c < names.length; c++) {
    const rows = rowsOf.get(names[c]!)!;
    const picked = new Rng(strataSeed(seed, names[c]!)).sample(rows.length, take[c]!);
    for (let j = 0; j < picked.length; j++) held[rows[picked[j]!]!] = 1;
  }
  return held;
}

/**
 * Largest-remainder apportionment of `total` rows over strata of the given sizes, each getting
 * floor or ceil of share * size. `total` must be round(share * sum(sizes)), which leaves at most
 * one extra row per stratum with a positive remainder.
 */
function apportion(sizes: number[], share: number, total: number, names: string[]): Int32Array {
  const k = sizes.length;
  const take = new Int32Array(k);
  const remainder = new Float64Array(k);
  let given = 0;
  for (let c = 0; c < k; c++) {
    const quota = share * sizes[c]!;
    take[c] = Math.floor(quota);
    remainder[c] = quota - take[c]!;
    given += take[c]!;
  }
  const order = Array.from({ length: k }, (_, c) => c);
  order.sort(
    (a, b) =>
      remainder[b]! - remainder[a]! ||
      sizes[b]! - sizes[a]! ||
      (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0),
  );
  // Rounding of share * size can leave `given` a row off the exact floors; clamp to what fits.
  for (let j = 0; j < total - given && j < k; j++) {
    const c = order[j]!;
    if (take[c]! < sizes[c]!) take[c]++;
  }
  return take;
}

/** A 32-bit seed for one stratum: FNV-1a of its name mixed with the caller's seed. */
function strataSeed(seed: number, name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (Math.imul(seed | 0, 0x9e3779b1) ^ h) >>> 0;
}
