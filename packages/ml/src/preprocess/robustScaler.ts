import type { Matrix } from '../matrix.ts';
import { columnQuartiles } from './quantile.ts';
import {
  AffineScaler,
  checkFitInput,
  checkScalerJSON,
  handleZerosInScale,
  type ScalerJSONBase,
} from './scaler.ts';

/** Serialised {@link RobustScaler}. */
export interface RobustScalerJSON extends ScalerJSONBase {
  kind: 'robust';
  center: number[];
  scale: number[];
}

/**
 * Centres each column on its median and divides by its interquartile range (25th to 75th
 * percentile, numpy's linear interpolation), exactly as scikit-learn 1.2's `RobustScaler` with
 * default options (y = (x - median) / IQR). Outliers barely move the parameters, which suits
 * heavy-tailed customer spend. A column with IQR ~0 (below 10 machine epsilons) gets scale 1.
 *
 * fit O(n log n) per column; transform O(n p).
 *
 * @example
 * const s = new RobustScaler().fit(fromRows([[1], [2], [3], [4], [100]]));
 * s.center; // [3]; s.scale; // [2]
 */
export class RobustScaler extends AffineScaler<RobustScalerJSON> {
  readonly kind = 'robust' as const;
  protected readonly who = 'RobustScaler';
  protected readonly multiplies = false;
  /** Per-column median. Length p. */
  center: Float64Array = new Float64Array(0);
  /** Per-column IQR, or 1 for columns whose IQR is ~0. Length p. */
  scale: Float64Array = new Float64Array(0);

  fit(x: Matrix): this {
    checkFitInput(x, 'RobustScaler');
    const { q1, median, q3 } = columnQuartiles(x);
    const scale = new Float64Array(x.cols);
    for (let j = 0; j < x.cols; j++) scale[j] = q3[j]! - q1[j]!;
    handleZerosInScale(scale);
    this.nFeatures = x.cols;
    this.center = median;
    this.scale = scale;
    this.fitted = true;
    return this;
  }

  protected shift(): Float64Array {
    return this.center;
  }

  protected jsonFields(): Omit<RobustScalerJSON, keyof ScalerJSONBase> {
    return { center: Array.from(this.center), scale: Array.from(this.scale) };
  }

  static fromJSON(json: RobustScalerJSON): RobustScaler {
    const p = checkScalerJSON(json, 'robust', 'RobustScaler', [json.center, json.scale]);
    const s = new RobustScaler();
    s.nFeatures = p;
    s.center = Float64Array.from(json.center);
    s.scale = Float64Array.from(json.scale);
    s.fitted = true;
    return s;
  }
}
