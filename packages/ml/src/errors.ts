/**
 * The one error `ml` throws for input a caller can fix (wrong shape, too few rows, bad option).
 * `code` is stable for programs; `message` is written for people.
 */
export type MlErrorCode =
  | 'EMPTY_INPUT'
  | 'SHAPE_MISMATCH'
  | 'NON_FINITE'
  | 'BAD_OPTION'
  | 'TOO_FEW_ROWS'
  | 'NOT_FITTED'
  | 'NO_CONVERGENCE';

export class MlError extends Error {
  readonly code: MlErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: MlErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'MlError';
    this.code = code;
    this.details = details;
  }
}
