import { MlError } from '../errors.ts';
import { assertFinite, type Matrix } from '../matrix.ts';

/** The scalers {@link makeScaler} can build. */
export type ScalerKind = 'none' | 'minmax' | 'robust' | 'standard';

/** Fields every serialised scaler has; each scaler adds its own fitted parameters. */
export interface ScalerJSONBase {
  version: 1;
  kind: ScalerKind;
  nFeatures: number;
}

/**
 * A per-column affine transform learnt from data (scikit-learn's scalers). All implementations
 * take and return n x p matrices, never modify their input (unless it is passed as `out`), and
 * round-trip: `inverseTransform(transform(x))` equals x to ~1e-15 relative.
 */
export interface Scaler {
  readonly kind: ScalerKind;
  /** Learns the column parameters. x: n x p, n >= 1, finite. Returns this. */
  fit(x: Matrix): this;
  /** Scales x (n x p, same p as at fit) into `out` (n x p, may be x itself) or a new matrix. */
  transform(x: Matrix, out?: Matrix): Matrix;
  /** Undoes {@link Scaler.transform}. */
  inverseTransform(x: Matrix, out?: Matrix): Matrix;
  /** `fit(x)` then `transform(x)`. */
  fitTransform(x: Matrix): Matrix;
  /** Plain object with `version: 1`; restore with the class's `fromJSON` or `scalerFromJSON`. */
  toJSON(): ScalerJSONBase;
}

/** Validates training input: at least one row, all finite. */
export function checkFitInput(x: Matrix, who: string): void {
  if (x.rows === 0) throw new MlError('EMPTY_INPUT', `${who}: no rows to fit; pass at least one row`);
  assertFinite(x, who);
}

/**
 * Validates input to transform / inverseTransform and returns the matrix to write: `out` (checked
 * for shape) or a fresh one.
 */
export function prepareOutput(
  x: Matrix,
  nFeatures: number,
  fitted: boolean,
  who: string,
  out?: Matrix,
): Matrix {
  if (!fitted) throw new MlError('NOT_FITTED', `${who}: call fit(x) before transforming`);
  if (x.cols !== nFeatures) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `${who}: x has ${x.cols} columns but the scaler was fitted on ${nFeatures}; pass the same columns`,
    );
  }
  assertFinite(x, who);
  if (!out) return { data: new Float64Array(x.rows * x.cols), rows: x.rows, cols: x.cols };
  if (out.rows !== x.rows || out.cols !== x.cols || out.data.length !== x.rows * x.cols) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `${who}: out is ${out.rows} x ${out.cols} but x is ${x.rows} x ${x.cols}; pass an out of the same shape`,
    );
  }
  return out;
}

/** dst = (src - shift) / scale, column-wise. dst may alias src. */
export function subtractDivide(src: Matrix, dst: Matrix, shift: Float64Array, scale: Float64Array): void {
  const p = src.cols;
  const s = src.data;
  const d = dst.data;
  for (let i = 0; i < src.rows; i++) {
    const o = i * p;
    for (let j = 0; j < p; j++) d[o + j] = (s[o + j]! - shift[j]!) / scale[j]!;
  }
}

/** dst = src * scale + shift, column-wise. dst may alias src. */
export function multiplyAdd(src: Matrix, dst: Matrix, scale: Float64Array, shift: Float64Array): void {
  const p = src.cols;
  const s = src.data;
  const d = dst.data;
  for (let i = 0; i < src.rows; i++) {
    const o = i * p;
    for (let j = 0; j < p; j++) d[o + j] = s[o + j]! * scale[j]! + shift[j]!;
  }
}

/**
 * scikit-learn's `_handle_zeros_in_scale`: scales flagged constant (by default, below 10 machine
 * epsilons) become 1, so constant columns are shifted but not blown up. Modifies `scale`.
 */
export function handleZerosInScale(scale: Float64Array, constant?: Uint8Array): Float64Array {
  for (let j = 0; j < scale.length; j++) {
    const isConstant = constant ? constant[j] === 1 : scale[j]! < 10 * Number.EPSILON;
    if (isConstant) scale[j] = 1;
  }
  return scale;
}

/** Checks a serialised scaler's version, kind and array lengths; returns its nFeatures. */
export function checkScalerJSON(
  json: ScalerJSONBase,
  kind: ScalerKind,
  who: string,
  arrays: ArrayLike<number>[],
): number {
  if (json?.version !== 1 || json.kind !== kind) {
    throw new MlError(
      'BAD_OPTION',
      `${who}.fromJSON: expected { version: 1, kind: '${kind}' }, got version ${json?.version}, kind '${json?.kind}'`,
    );
  }
  const p = json.nFeatures;
  for (const a of arrays) {
    if (!a || a.length !== p) {
      throw new MlError('SHAPE_MISMATCH', `${who}.fromJSON: a parameter array does not have ${p} entries`);
    }
  }
  return p;
}

/**
 * The plumbing shared by the per-column affine scalers (MinMax, Robust, Standard): transform,
 * inverseTransform, fitTransform and toJSON. A subclass supplies its fit, its fitted `scale`
 * and shift, which way round the map runs, and its own JSON fields.
 */
export abstract class AffineScaler<J extends ScalerJSONBase> implements Scaler {
  abstract readonly kind: J['kind'];
  /** Columns seen at fit. */
  nFeatures = 0;
  /** Per-column multiplier (MinMaxScaler) or divisor (RobustScaler, StandardScaler). Length p. */
  abstract scale: Float64Array;
  protected fitted = false;
  /** The class name, for error messages. */
  protected abstract readonly who: string;
  /** true: y = x * scale + shift (inverse (y - shift) / scale); false: y = (x - shift) / scale. */
  protected abstract readonly multiplies: boolean;

  /** The fitted per-column shift. Length p. */
  protected abstract shift(): Float64Array;
  /** The scaler's own JSON fields, after version, kind and nFeatures. */
  protected abstract jsonFields(): Omit<J, keyof ScalerJSONBase>;

  abstract fit(x: Matrix): this;

  transform(x: Matrix, out?: Matrix): Matrix {
    const dst = prepareOutput(x, this.nFeatures, this.fitted, `${this.who}.transform`, out);
    if (this.multiplies) multiplyAdd(x, dst, this.scale, this.shift());
    else subtractDivide(x, dst, this.shift(), this.scale);
    return dst;
  }

  inverseTransform(x: Matrix, out?: Matrix): Matrix {
    const dst = prepareOutput(x, this.nFeatures, this.fitted, `${this.who}.inverseTransform`, out);
    if (this.multiplies) subtractDivide(x, dst, this.shift(), this.scale);
    else multiplyAdd(x, dst, this.scale, this.shift());
    return dst;
  }

  fitTransform(x: Matrix): Matrix {
    return this.fit(x).transform(x);
  }

  toJSON(): J {
    if (!this.fitted) throw new MlError('NOT_FITTED', `${this.who}.toJSON: call fit(x) first`);
    return { version: 1, kind: this.kind, nFeatures: this.nFeatures, ...this.jsonFields() } as J;
  }
}
