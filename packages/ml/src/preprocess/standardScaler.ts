import type { Matrix } from '../matrix.ts';
import {
  AffineScaler,
  checkFitInput,
  checkScalerJSON,
  handleZerosInScale,
  type ScalerJSONBase,
} from './scaler.ts';

/** Serialised {@link StandardScaler}. */
export interface StandardScalerJSON extends ScalerJSONBase {
  kind: 'standard';
  mean: number[];
  variance: number[];
  scale: number[];
}

/**
 * Centres each column on its mean and divides by its population standard deviation (ddof 0),
 * exactly as scikit-learn 1.2's `StandardScaler` (y = (x - mean) / scale). The variance uses the
 * corrected two-pass algorithm (Chan, Golub & LeVeque), and a column whose variance is within
 * rounding error of 0 (scikit-learn's `_is_constant_feature`) gets scale 1, so it becomes 0.
 *
 * fit O(n p); transform O(n p).
 *
 * @example
 * const s = new StandardScaler().fit(fromRows([[1], [3]]));
 * s.mean; // [2]; s.scale; // [1]
 * s.transform(fromRows([[5]])).data; // [3]
 */
export class StandardScaler extends AffineScaler<StandardScalerJSON> {
  readonly kind = 'standard' as const;
  protected readonly who = 'StandardScaler';
  protected readonly multiplies = false;
  /** Per-column mean. Length p. */
  mean: Float64Array = new Float64Array(0);
  /** Per-column population variance (ddof 0). Length p. */
  variance: Float64Array = new Float64Array(0);
  /** Per-column divisor: sqrt(variance), or 1 for (near-)constant columns. Length p. */
  scale: Float64Array = new Float64Array(0);

  fit(x: Matrix): this {
    checkFitInput(x, 'StandardScaler');
    const { rows: n, cols: p, data } = x;
    const mean = new Float64Array(p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j] += data[i * p + j]!;
    for (let j = 0; j < p; j++) mean[j] /= n;
    // Corrected two-pass: sum((x - m)^2) - (sum(x - m))^2 / n cancels the rounding error in m.
    const correction = new Float64Array(p);
    const squares = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) {
        const dev = data[i * p + j]! - mean[j]!;
        correction[j] += dev;
        squares[j] += dev * dev;
      }
    }
    const variance = new Float64Array(p);
    const scale = new Float64Array(p);
    const constant = new Uint8Array(p);
    const eps = Number.EPSILON;
    for (let j = 0; j < p; j++) {
      const v = (squares[j]! - (correction[j]! * correction[j]!) / n) / n;
      variance[j] = v;
      scale[j] = Math.sqrt(v);
      const bound = n * eps * v + (n * mean[j]! * eps) ** 2;
      constant[j] = v <= bound ? 1 : 0;
    }
    handleZerosInScale(scale, constant);
    this.nFeatures = p;
    this.mean = mean;
    this.variance = variance;
    this.scale = scale;
    this.fitted = true;
    return this;
  }

  protected shift(): Float64Array {
    return this.mean;
  }

  protected jsonFields(): Omit<StandardScalerJSON, keyof ScalerJSONBase> {
    return {
      mean: Array.from(this.mean),
      variance: Array.from(this.variance),
      scale: Array.from(this.scale),
    };
  }

  static fromJSON(json: StandardScalerJSON): StandardScaler {
    const p = checkScalerJSON(json, 'standard', 'StandardScaler', [json.mean, json.variance, json.scale]);
    const s = new StandardScaler();
    s.nFeatures = p;
    s.mean = Float64Array.from(json.mean);
    s.variance = Float64Array.from(json.variance);
    s.scale = Float64Array.from(json.scale);
    s.fitted = true;
    return s;
  }
}
