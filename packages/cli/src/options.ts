import { SCALE_KINDS, type ScaleKind } from '@clientele/analytics';
import { UsageError } from './errors.ts';

export function parseIntOption(name: string, min = 1): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new UsageError(`--${name} must be a whole number >= ${min}, got "${value}"`);
    return n;
  };
}

export function parsePositive(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a number > 0, got "${value}"`);
    return n;
  };
}

/** How a flag's key=value pairs are written, for its error message, and where a pair splits. */
export interface PairsShape {
  /** A pair in words, e.g. "role=column". */
  pair: string;
  /** One real pair, e.g. "customer=CustomerID". */
  example: string;
  /** Split at the last '=' (a key may hold one); by default at the first (a value may). */
  splitAtLast?: boolean;
}

/**
 * `a=b,c=d` -> { a: 'b', c: 'd' } (blank parts skipped, names trimmed), added to `previous` so a
 * repeated flag adds up. A part that is not a pair is a usage error naming the flag and an example.
 */
export function parsePairs(
  flag: string,
  value: string,
  shape: PairsShape,
  previous: Record<string, string> = {},
): Record<string, string> {
  const out = { ...previous };
  for (const part of value.split(',')) {
    if (part.trim() === '') continue;
    const eq = shape.splitAtLast ? part.lastIndexOf('=') : part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) {
      throw new UsageError(`${flag} takes ${shape.pair} pairs, e.g. ${shape.example}; got "${part.trim()}"`);
    }
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

export function parseList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** "2..20" or "4" -> [2, 20] or [4, 4]. */
export function parseKRange(value: string): [number, number] {
  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(value.trim());
  if (!m) throw new UsageError(`--k must be a number or a range like 2..20, got "${value}"`);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (lo < 1 || hi < lo)
    throw new UsageError(`--k range ${value} is empty; write it low..high with low >= 1`);
  return [lo, hi];
}

export function parseScale(value: string): ScaleKind {
  if (!(SCALE_KINDS as readonly string[]).includes(value)) {
    throw new UsageError(`--scale must be one of ${SCALE_KINDS.join(', ')}, got "${value}"`);
  }
  return value as ScaleKind;
}

export function parseMissing(value: string): 'drop' | 'error' {
  if (value !== 'drop' && value !== 'error')
    throw new UsageError(`--missing must be drop or error, got "${value}"`);
  return value;
}

/** Prints JSON as the only thing on stdout (scripts parse it). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Notes for a person go to stderr, so stdout stays clean for data. */
export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** JSON has no NaN or Infinity: those become null. */
export function finiteOrNull(x: number | null | undefined): number | null {
  return x === null || x === undefined || !Number.isFinite(x) ? null : x;
}
