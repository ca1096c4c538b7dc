/**
 * Predicates on the type names DuckDB reports (DESCRIBE, information_schema): canonical names
 * such as BIGINT, DECIMAL(10,2), TIMESTAMP WITH TIME ZONE. A list or struct of numbers
 * (BIGINT[], STRUCT(...)) is none of these.
 */

/** Every integer type DuckDB has, signed and unsigned. */
const INTEGER_TYPES = new Set([
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'HUGEINT',
  'UTINYINT',
  'USMALLINT',
  'UINTEGER',
  'UBIGINT',
  'UHUGEINT',
]);

const FLOAT_TYPES = new Set(['FLOAT', 'DOUBLE']);

const DECIMAL = /^DECIMAL\(\d+,\s*\d+\)$/;

/** Calendar dates and points in time. */
const DATE_TYPES = new Set([
  'DATE',
  'TIMESTAMP',
  'TIMESTAMP WITH TIME ZONE',
  'TIMESTAMP_S',
  'TIMESTAMP_MS',
  'TIMESTAMP_NS',
]);

/** Times of day. */
const TIME_TYPES = new Set(['TIME', 'TIME WITH TIME ZONE', 'TIME_NS']);

export function isIntegerType(type: string): boolean {
  return INTEGER_TYPES.has(type);
}

/** An integer, FLOAT, DOUBLE or DECIMAL(p,s). */
export function isNumericType(type: string): boolean {
  return INTEGER_TYPES.has(type) || FLOAT_TYPES.has(type) || DECIMAL.test(type);
}

/** A date or a timestamp (with or without a time zone, any precision): a day on the calendar. */
export function isDateType(type: string): boolean {
  return DATE_TYPES.has(type);
}

/** A date, a timestamp or a time of day. */
export function isTemporalType(type: string): boolean {
  return DATE_TYPES.has(type) || TIME_TYPES.has(type);
}
