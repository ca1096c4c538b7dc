import { type Matrix, makeScaler } from '@clientele/ml';

export const SCALE_KINDS = ['none', 'minmax', 'robust', 'standard'] as const;
export type ScaleKind = (typeof SCALE_KINDS)[number];

/** Fits the scaler on x and returns x scaled (x itself for 'none'). */
export function scaleMatrix(x: Matrix, kind: ScaleKind): Matrix {
  if (kind === 'none') return x;
  return makeScaler(kind).fit(x).transform(x);
}
