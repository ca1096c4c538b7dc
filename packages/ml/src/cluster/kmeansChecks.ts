/** Option and input checks shared by KMeans and MiniBatchKMeans; `who` prefixes every message. */
import { MlError } from '../errors.ts';
import { assertFinite, type Matrix } from '../matrix.ts';

/** Throws BAD_OPTION unless `v` is an integer >= 1. */
export function checkPositiveInt(who: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) {
    throw new MlError('BAD_OPTION', `${who}: ${name} = ${v} must be a positive integer`);
  }
}

/** Throws BAD_OPTION unless `tol` is finite and >= 0. */
export function checkTolerance(who: string, tol: number): void {
  if (!(tol >= 0) || !Number.isFinite(tol)) {
    throw new MlError('BAD_OPTION', `${who}: tol = ${tol} must be a finite number >= 0`);
  }
}

/** Throws unless x has rows and columns, at least k rows, and only finite values. */
export function checkFitInput(who: string, x: Matrix, k: number): void {
  const { rows: n, cols: p } = x;
  if (n === 0) throw new MlError('EMPTY_INPUT', `${who}: x has no rows; pass at least one row`);
  if (p === 0) throw new MlError('EMPTY_INPUT', `${who}: x has no columns; pass at least one feature`);
  if (k > n) {
    throw new MlError('TOO_FEW_ROWS', `${who}: k = ${k} is larger than the ${n} rows; choose k <= ${n}`, {
      k,
      rows: n,
    });
  }
  assertFinite(x, who);
}
