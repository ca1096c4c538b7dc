import { MlError } from '../errors.ts';
import type { EnsembleLink } from '../trees/treeEnsemble.ts';

// Helpers over SHAP values laid out as treeShap returns them: rows x nFeatures x nOutputs,
// row-major, i.e. feature f, output k of row r at (r * nFeatures + f) * nOutputs + k.

/** Global importance: mean |SHAP| over the rows. */
export interface ShapSummary {
  /** nFeatures x nOutputs (feature f, output k at f * nOutputs + k): mean over rows of |value|. */
  meanAbs: Float64Array;
  /** Per feature, meanAbs summed over the outputs (for one output, the same numbers). */
  total: Float64Array;
  /** Feature indices by `total`, largest first (ties: lower index first). */
  order: Int32Array;
}

/** Mean |SHAP| per feature and output over the rows of `values`. */
export function meanAbsShap(values: Float64Array, nFeatures: number, nOutputs = 1): ShapSummary {
  const per = nFeatures * nOutputs;
  if (!Number.isInteger(nFeatures) || nFeatures < 1 || !Number.isInteger(nOutputs) || nOutputs < 1) {
    throw new MlError(
      'BAD_OPTION',
      `meanAbsShap: nFeatures (${nFeatures}) and nOutputs (${nOutputs}) must be whole numbers >= 1`,
    );
  }
  if (values.length % per !== 0) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `meanAbsShap: ${values.length} values are not whole rows of ${nFeatures} features x ${nOutputs} outputs`,
    );
  }
  const rows = values.length / per;
  if (rows === 0) throw new MlError('EMPTY_INPUT', 'meanAbsShap: no rows; explain at least one row first');
  const meanAbs = new Float64Array(per);
  for (let r = 0; r < rows; r++) {
    const o = r * per;
    for (let j = 0; j < per; j++) meanAbs[j] += Math.abs(values[o + j]!);
  }
  for (let j = 0; j < per; j++) meanAbs[j]! /= rows;
  const total = new Float64Array(nFeatures);
  for (let f = 0; f < nFeatures; f++)
    for (let k = 0; k < nOutputs; k++) total[f] += meanAbs[f * nOutputs + k]!;
  const order = Int32Array.from({ length: nFeatures }, (_, f) => f).sort(
    (a, b) => total[b]! - total[a]! || a - b,
  );
  return { meanAbs, total, order };
}

/** One row's contributions to one output, as a vector of nFeatures. */
export function rowContributions(
  values: Float64Array,
  nFeatures: number,
  nOutputs: number,
  row: number,
  output = 0,
): Float64Array {
  const out = new Float64Array(nFeatures);
  const base = row * nFeatures * nOutputs + output;
  if (row < 0 || output < 0 || output >= nOutputs || base + (nFeatures - 1) * nOutputs >= values.length) {
    throw new MlError('BAD_OPTION', `rowContributions: no row ${row}, output ${output} in these values`);
  }
  for (let f = 0; f < nFeatures; f++) out[f] = values[base + f * nOutputs]!;
  return out;
}

/**
 * SHAP values moved from the raw (log-odds) scale to the probability scale, for people.
 *
 * `raw` is rows x nOutputs (what `predictRaw` gives), `expectedValue` the raw expected output per
 * output. Returns contributions in the same layout as `values`, and the base probability per
 * output (the link applied to `expectedValue`; not the mean predicted probability). For every row
 * and output the contributions sum to p(x) - base probability, to rounding.
 *
 * The rule: feature f's share of the probability change of output k is its SHAP values weighted
 * by the link's slope averaged along the straight line from `expectedValue` to `raw`:
 * c[f,k] = sum_j phi[f,j] * integral_0^1 dp_k/dz_j (E + t (raw - E)) dt. Since
 * sum_f phi[f,j] = raw_j - E_j, the contributions add up to p_k(raw) - p_k(E) exactly.
 * - logistic: this is the proportional rule c_f = phi_f * (p(x) - p(E)) / (raw - E): the
 *   probability change is split over the features in proportion to their log-odds
 *   contributions, signs kept (when raw = E, the slope at E).
 * - softmax: per class k, including the effect of feature f through the other classes' margins
 *   (a feature that raises another class lowers p_k); the average slopes are computed by
 *   Gauss-Legendre quadrature on pieces short enough for the error to be below 1e-15. For each
 *   feature the contributions over the classes sum to 0, as the probabilities do.
 * - identity: the values as they are (a copy), base = expectedValue.
 */
export function toProbabilityScale(
  values: Float64Array,
  expectedValue: Float64Array,
  raw: Float64Array,
  link: EnsembleLink,
): { values: Float64Array; expectedValue: Float64Array } {
  const nO = expectedValue.length;
  if (nO < 1 || raw.length % nO !== 0) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `toProbabilityScale: raw has ${raw.length} values for ${nO} outputs per row`,
    );
  }
  const rows = raw.length / nO;
  const nF = rows === 0 ? 0 : values.length / (rows * nO);
  if (!Number.isInteger(nF) || (rows === 0 && values.length !== 0)) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `toProbabilityScale: ${values.length} values do not fit ${rows} rows x ${nO} outputs`,
    );
  }
  if (link === 'identity')
    return { values: Float64Array.from(values), expectedValue: Float64Array.from(expectedValue) };
  if (link === 'logistic') {
    const out = new Float64Array(values.length);
    const base = new Float64Array(nO);
    for (let k = 0; k < nO; k++) base[k] = sigmoid(expectedValue[k]!);
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < nO; k++) {
        const slope = logisticSecant(raw[r * nO + k]!, expectedValue[k]!);
        for (let f = 0; f < nF; f++) {
          const i = (r * nF + f) * nO + k;
          out[i] = values[i]! * slope;
        }
      }
    }
    return { values: out, expectedValue: base };
  }
  if (link === 'softmax') return softmaxScale(values, expectedValue, raw, rows, nF, nO);
  throw new MlError(
    'BAD_OPTION',
    `toProbabilityScale: unknown link '${link}'; use identity, logistic or softmax`,
  );
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** (sigmoid(a) - sigmoid(b)) / (a - b) without cancellation; sigmoid'(a) when a = b. */
function logisticSecant(a: number, b: number): number {
  const hi = Math.max(a, b);
  const lo = Math.min(a, b);
  const d = hi - lo;
  // sigmoid(hi) - sigmoid(lo) = sigmoid(hi) * sigmoid(-lo) * (1 - exp(-d))
  const s = sigmoid(hi) * sigmoid(-lo);
  return d === 0 ? s : (s * -Math.expm1(-d)) / d;
}

// 8-point Gauss-Legendre nodes and weights on [-1, 1] (positive half; symmetric).
const GL_X = [0.1834346424956498, 0.525532409916329, 0.7966664774136267, 0.9602898564975363];
const GL_W = [0.362683783378362, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763];

function softmaxScale(
  values: Float64Array,
  expectedValue: Float64Array,
  raw: Float64Array,
  rows: number,
  nF: number,
  nO: number,
): { values: Float64Array; expectedValue: Float64Array } {
  const out = new Float64Array(values.length);
  const base = new Float64Array(nO);
  softmaxInto(expectedValue, 0, base, 0, nO);
  const z = new Float64Array(nO);
  const p = new Float64Array(nO);
  const delta = new Float64Array(nO);
  const avgJac = new Float64Array(nO * nO); // avgJac[k * nO + j] = mean over t of dp_k / dz_j
  for (let r = 0; r < rows; r++) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < nO; j++) {
      delta[j] = raw[r * nO + j]! - expectedValue[j]!;
      lo = Math.min(lo, delta[j]!);
      hi = Math.max(hi, delta[j]!);
    }
    // The integrand's nearest complex singularity is >= pi / (hi - lo) away in t: pieces of
    // length 1 / (hi - lo) keep the 8-point rule's error near 1e-17.
    const pieces = Math.max(1, Math.ceil(hi - lo));
    avgJac.fill(0);
    for (let q = 0; q < pieces; q++) {
      for (let g = 0; g < 8; g++) {
        const xg = g < 4 ? -GL_X[g]! : GL_X[g - 4]!;
        const wg = GL_W[g < 4 ? g : g - 4]! / (2 * pieces);
        const t = (q + (xg + 1) / 2) / pieces;
        for (let j = 0; j < nO; j++) z[j] = expectedValue[j]! + t * delta[j]!;
        softmaxInto(z, 0, p, 0, nO);
        for (let k = 0; k < nO; k++) {
          const pk = p[k]!;
          for (let j = 0; j < nO; j++) avgJac[k * nO + j] += wg * pk * ((k === j ? 1 : 0) - p[j]!);
        }
      }
    }
    for (let f = 0; f < nF; f++) {
      const o = (r * nF + f) * nO;
      for (let k = 0; k < nO; k++) {
        let c = 0;
        for (let j = 0; j < nO; j++) c += avgJac[k * nO + j]! * values[o + j]!;
        out[o + k] = c;
      }
    }
  }
  return { values: out, expectedValue: base };
}

function softmaxInto(z: Float64Array, zo: number, out: Float64Array, oo: number, n: number): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < n; j++) max = Math.max(max, z[zo + j]!);
  let sum = 0;
  for (let j = 0; j < n; j++) {
    out[oo + j] = Math.exp(z[zo + j]! - max);
    sum += out[oo + j]!;
  }
  for (let j = 0; j < n; j++) out[oo + j]! /= sum;
}

/** Which contributions count as reasons. */
export type ReasonDirection = 'up' | 'down' | 'magnitude';

export interface Reason {
  feature: number;
  name: string;
  /** The feature's contribution (on whatever scale `rowValues` is). */
  contribution: number;
  /** The row's value of the feature when `row` was given, else NaN. */
  value: number;
}

/**
 * The k strongest reasons in one row's contributions (one output: see `rowContributions`).
 * direction 'up' (the default: churn reasons, the features pushing the prediction up): positive
 * contributions, largest first; 'down': negative ones, most negative first; 'magnitude': either
 * sign by |contribution|. Zero contributions are never reasons; ties go to the lower feature
 * index. Fewer than k when fewer qualify.
 */
export function topReasons(
  rowValues: ArrayLike<number>,
  featureNames: readonly string[],
  k: number,
  options: { direction?: ReasonDirection; row?: ArrayLike<number> } = {},
): Reason[] {
  const direction = options.direction ?? 'up';
  const n = rowValues.length;
  if (featureNames.length !== n) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `topReasons: ${featureNames.length} feature names for ${n} contributions`,
    );
  }
  if (options.row !== undefined && options.row.length !== n) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `topReasons: the row has ${options.row.length} values for ${n} contributions`,
    );
  }
  if (!Number.isInteger(k) || k < 0)
    throw new MlError('BAD_OPTION', `topReasons: k must be a whole number >= 0, got ${k}`);
  if (direction !== 'up' && direction !== 'down' && direction !== 'magnitude') {
    throw new MlError('BAD_OPTION', `topReasons: direction '${direction}' is not up, down or magnitude`);
  }
  const score = (c: number): number => (direction === 'up' ? c : direction === 'down' ? -c : Math.abs(c));
  const picked: number[] = [];
  for (let f = 0; f < n; f++) if (score(rowValues[f]!) > 0) picked.push(f);
  picked.sort((a, b) => score(rowValues[b]!) - score(rowValues[a]!) || a - b);
  return picked.slice(0, k).map((f) => ({
    feature: f,
    name: featureNames[f]!,
    contribution: rowValues[f]!,
    value: options.row === undefined ? Number.NaN : options.row[f]!,
  }));
}
