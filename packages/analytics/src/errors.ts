/**
 * Errors about the user's data: the file, its columns, its rows. `code` is stable (the CLI maps it
 * to an exit code, later the server to an HTTP status); `message` tells the person what to do.
 */
export type InputErrorCode =
  | 'FILE_NOT_FOUND'
  | 'EMPTY_FILE'
  | 'NO_DATA_ROWS'
  | 'BAD_CSV'
  | 'UNKNOWN_COLUMN'
  | 'NOT_NUMERIC'
  | 'NO_NUMERIC_COLUMNS'
  | 'MISSING_VALUES'
  | 'BAD_OPTION'
  | 'BAD_MAPPING'
  | 'MALFORMED_ROWS'
  | 'BAD_JSON'
  | 'BAD_PARQUET'
  | 'UNKNOWN_ENCODING'
  | 'BINARY_FILE'
  | 'BAD_PLAN'
  | 'BAD_TARGET'
  | 'NOT_A_RUN_FOLDER'
  | 'SQL_REFUSED'
  | 'SQL_FAILED'
  | 'LLM_FAILED';

export class InputError extends Error {
  readonly code: InputErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: InputErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'InputError';
    this.code = code;
    this.details = details;
  }
}
