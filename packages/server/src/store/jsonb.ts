import type { JsonText } from './schema.ts';

/**
 * A value as jsonb text for an insert or update. Both dialects hand a string parameter to a jsonb
 * column as it is, so objects, arrays and plain strings all round-trip (pg would otherwise turn a
 * JS array into a PostgreSQL array literal).
 */
export function jsonb(value: unknown): JsonText {
  return JSON.stringify(value) as JsonText;
}
