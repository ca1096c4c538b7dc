import { describe, expect, it } from 'vitest';
import { isDateType, isIntegerType, isNumericType, isTemporalType } from '../src/duckdbTypes.ts';

describe('DuckDB type predicates', () => {
  it('numeric: every integer and float type and DECIMAL(p,s), not lists, BOOLEAN or text', () => {
    for (const t of ['TINYINT', 'UBIGINT', 'HUGEINT', 'UHUGEINT', 'FLOAT', 'DOUBLE', 'DECIMAL(18,3)']) {
      expect(isNumericType(t), t).toBe(true);
    }
    for (const t of ['BIGINT[]', 'DECIMAL(4,1)[]', 'BOOLEAN', 'VARCHAR', 'BIGNUM', 'INTERVAL']) {
      expect(isNumericType(t), t).toBe(false);
    }
    expect(isIntegerType('USMALLINT')).toBe(true);
    expect(isIntegerType('DOUBLE')).toBe(false);
  });

  it('temporal: dates, timestamps and times of day; a date type excludes the time of day', () => {
    for (const t of ['DATE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMP_NS']) {
      expect([isTemporalType(t), isDateType(t)], t).toEqual([true, true]);
    }
    for (const t of ['TIME', 'TIME WITH TIME ZONE'])
      expect([isTemporalType(t), isDateType(t)], t).toEqual([true, false]);
    for (const t of ['DATE[]', 'INTERVAL', 'VARCHAR']) expect(isTemporalType(t), t).toBe(false);
  });
});
