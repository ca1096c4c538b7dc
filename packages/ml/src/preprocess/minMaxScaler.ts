import { MlError } from '../errors.ts';
import type { Matrix } from '../matrix.ts';
import {
  AffineScaler,
  checkFitInput,
  checkScalerJSON,
  handleZerosInScale,
  type ScalerJSONBase,
} from './scaler.ts';

/** Options of {@link MinMaxScaler}. */
export interface MinMaxScalerOptions {
  /** Target [lo, hi] of each column, lo < hi. Default [0, 1]. */
  featureRange?: readonly [number, number];
}

/** Serialised {@link MinMaxScaler}. */
export interface MinMaxScalerJSON extends ScalerJSONBase {
  kind: 'minmax';
  featureRange: [number, number];
  dataMin: number[];
  dataMax: number[];
  scale: number[];
  min: number[];
}

/**
 * Maps each column linearly so its training minimum goes to `featureRange[0]` and its maximum to
 * `featureRange[1]`, exactly as scikit-learn 1.2's `MinMaxScaler` (y = x * scale + min). A
 * constant column gets scale 1, so it becomes `featureRange[0]`. Values outside the training range
 * map outside the feature range (no clipping).
 *
 * fit O(n p); transform O(n p).
 *
 * @example
 * const s = new MinMaxScaler().fit(fromRows([[0, 5], [10, 5]]));
 * s.transform(fromRows([[5, 5]])).data; // [0.5, 0]
 */
export class MinMaxScaler extends AffineScaler<MinMaxScalerJSON> {
  readonly kind = 'minmax' as const;
  protected readonly who = 'MinMaxScaler';
  protected readonly multiplies = true;
  readonly featureRange: readonly [number, number];
  /** Per-column training minimum. Length p. */
  dataMin: Float64Array = new Float64Array(0);
  /** Per-column training maximum. Length p. */
  dataMax: Float64Array = new Float64Array(0);
  /** Per-column multiplier (hi - lo) / (max - min); a constant column uses range 1. */
  scale: Float64Array = new Float64Array(0);
  /** Per-column offset lo - dataMin * scale. */
  min: Float64Array = new Float64Array(0);

  constructor(opts: MinMaxScalerOptions = {}) {
    super();
    const range = opts.featureRange ?? [0, 1];
    if (!(Number.isFinite(range[0]) && Number.isFinite(range[1]) && range[0] < range[1])) {
      throw new MlError(
        'BAD_OPTION',
        `MinMaxScaler: featureRange = [${range[0]}, ${range[1]}]; pass finite [lo, hi] with lo < hi`,
      );
    }
    this.featureRange = [range[0], range[1]];
  }

  fit(x: Matrix): this {
    checkFitInput(x, 'MinMaxScaler');
    const { rows: n, cols: p, data } = x;
    const lo = new Float64Array(p).fill(Number.POSITIVE_INFINITY);
    const hi = new Float64Array(p).fill(Number.NEGATIVE_INFINITY);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) {
        const v = data[i * p + j]!;
        if (v < lo[j]!) lo[j] = v;
        if (v > hi[j]!) hi[j] = v;
      }
    }
    const range = new Float64Array(p);
    for (let j = 0; j < p; j++) range[j] = hi[j]! - lo[j]!;
    handleZerosInScale(range);
    const [a, b] = this.featureRange;
    const scale = new Float64Array(p);
    const min = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      scale[j] = (b - a) / range[j]!;
      min[j] = a - lo[j]! * scale[j]!;
    }
    this.nFeatures = p;
    this.dataMin = lo;
    this.dataMax = hi;
    this.scale = scale;
    this.min = min;
    this.fitted = true;
    return this;
  }

  protected shift(): Float64Array {
    return this.min;
  }

  protected jsonFields(): Omit<MinMaxScalerJSON, keyof ScalerJSONBase> {
    return {
      featureRange: [this.featureRange[0], this.featureRange[1]],
      dataMin: Array.from(this.dataMin),
      dataMax: Array.from(this.dataMax),
      scale: Array.from(this.scale),
      min: Array.from(this.min),
    };
  }

  static fromJSON(json: MinMaxScalerJSON): MinMaxScaler {
    const p = checkScalerJSON(json, 'minmax', 'MinMaxScaler', [
      json.dataMin,
      json.dataMax,
      json.scale,
      json.min,
    ]);
    const s = new MinMaxScaler({ featureRange: json.featureRange });
    s.nFeatures = p;
    s.dataMin = Float64Array.from(json.dataMin);
    s.dataMax = Float64Array.from(json.dataMax);
    s.scale = Float64Array.from(json.scale);
    s.min = Float64Array.from(json.min);
    s.fitted = true;
    return s;
  }
}
