import { MlError } from '../errors.ts';
import type { Matrix } from '../matrix.ts';
import { checkFitInput, checkScalerJSON, prepareOutput, type Scaler, type ScalerJSONBase } from './scaler.ts';

/** Serialised {@link IdentityScaler}. */
export interface IdentityScalerJSON extends ScalerJSONBase {
  kind: 'none';
}

/**
 * The 'none' scaler: copies values unchanged, so a pipeline can treat "no scaling" like any other
 * {@link Scaler}. Still checks shape and finiteness. O(n p).
 *
 * @example
 * new IdentityScaler().fitTransform(fromRows([[1, 2]])).data; // [1, 2]
 */
export class IdentityScaler implements Scaler {
  readonly kind = 'none' as const;
  /** Columns seen at fit. */
  nFeatures = 0;
  private fitted = false;

  fit(x: Matrix): this {
    checkFitInput(x, 'IdentityScaler');
    this.nFeatures = x.cols;
    this.fitted = true;
    return this;
  }

  transform(x: Matrix, out?: Matrix): Matrix {
    const dst = prepareOutput(x, this.nFeatures, this.fitted, 'IdentityScaler.transform', out);
    if (dst.data !== x.data) dst.data.set(x.data);
    return dst;
  }

  inverseTransform(x: Matrix, out?: Matrix): Matrix {
    return this.transform(x, out);
  }

  fitTransform(x: Matrix): Matrix {
    return this.fit(x).transform(x);
  }

  toJSON(): IdentityScalerJSON {
    if (!this.fitted) throw new MlError('NOT_FITTED', 'IdentityScaler.toJSON: call fit(x) first');
    return { version: 1, kind: 'none', nFeatures: this.nFeatures };
  }

  static fromJSON(json: IdentityScalerJSON): IdentityScaler {
    const p = checkScalerJSON(json, 'none', 'IdentityScaler', []);
    const s = new IdentityScaler();
    s.nFeatures = p;
    s.fitted = true;
    return s;
  }
}
