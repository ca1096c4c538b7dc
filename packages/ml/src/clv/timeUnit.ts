import { MlError } from '../errors.ts';

/** The unit every recency, age (T) and horizon of the CLV models is measured in. */
export type TimeUnit = 'day' | 'week';

/**
 * Days in an average Gregorian month, 365.25 / 12 = 30.4375, used to turn months into the
 * models' time unit: 30.4375 days or 30.4375 / 7 = 4.348214... weeks.
 */
export const DAYS_PER_MONTH = 365.25 / 12;

/** Length of one month in `unit`. */
export function monthLength(unit: TimeUnit): number {
  return unit === 'day' ? DAYS_PER_MONTH : DAYS_PER_MONTH / 7;
}

/** Throws BAD_OPTION unless `unit` is a TimeUnit. */
export function checkTimeUnit(where: string, unit: unknown): TimeUnit {
  if (unit !== 'day' && unit !== 'week') {
    throw new MlError(
      'BAD_OPTION',
      `${where}: timeUnit must be 'day' or 'week' (got ${String(unit)}); state the unit recency and T are in.`,
    );
  }
  return unit;
}

/** Throws BAD_OPTION when the caller's unit differs from the one the model was fitted in. */
export function checkSameUnit(where: string, modelUnit: TimeUnit, callerUnit: unknown): void {
  checkTimeUnit(where, callerUnit);
  if (modelUnit !== callerUnit) {
    throw new MlError(
      'BAD_OPTION',
      `${where}: the model was fitted in ${modelUnit}s but the inputs are in ${String(callerUnit)}s; ` +
        `convert recency, T and t to ${modelUnit}s (1 week = 7 days) or refit in ${String(callerUnit)}s.`,
      { modelUnit, callerUnit },
    );
  }
}
