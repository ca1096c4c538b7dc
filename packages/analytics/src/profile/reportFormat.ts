/**
 * Small pure helpers for the HTML profile report: numbers for people and HTML escaping.
 * Every formatter shows a missing or non-finite number as an en dash.
 */

/** What a missing number looks like in the report. */
export const DASH = '–';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const ONE_DECIMAL = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const significant = new Map<number, Intl.NumberFormat>();

function isNumber(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** `1.2300e-7` -> `1.23e-7`. */
function exponential(x: number, digits: number): string {
  return x.toExponential(digits - 1).replace(/\.?0+e/, 'e');
}

/**
 * A number for people: whole numbers with thousands separators (`1,234,567`); others to
 * `digits` significant digits (`0.01235`, `123.5`), with one decimal from 1,000 up
 * (`12,345.7`); very large or very small magnitudes in exponent form (`1.5e-7`).
 */
export function formatNumber(x: number | null | undefined, digits = 4): string {
  if (!isNumber(x)) return DASH;
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e15 || a < 1e-4) return exponential(x, digits);
  if (Number.isInteger(x)) return INTEGER.format(x);
  if (a >= 1000) return ONE_DECIMAL.format(x);
  let f = significant.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { maximumSignificantDigits: digits });
    significant.set(digits, f);
  }
  return f.format(x);
}

/** A count: `12,345`. */
export function formatCount(n: number | null | undefined): string {
  if (!isNumber(n)) return DASH;
  return INTEGER.format(Math.round(n));
}

/** A share in 0..1 as a percentage with one decimal: `12.3%`, `0%`, `<0.1%`, `>99.9%`, `100%`. */
export function formatShare(s: number | null | undefined): string {
  if (!isNumber(s)) return DASH;
  if (s === 0) return '0%';
  if (s === 1) return '100%';
  const pct = s * 100;
  if (pct > 0 && pct < 0.05) return '<0.1%';
  if (pct < 100 && pct >= 99.95) return '>99.9%';
  return `${pct.toFixed(1).replace(/\.0$/, '')}%`;
}

/** A count with its share: `1,234 (12.3%)`. */
export function formatCountShare(n: number | null | undefined, s: number | null | undefined): string {
  return `${formatCount(n)} (${formatShare(s)})`;
}

/** A file size: `812 B`, `1.2 MB` (powers of 1,000). */
export function formatBytes(b: number | null | undefined): string {
  if (!isNumber(b)) return DASH;
  if (Math.abs(b) < 1000) return `${formatCount(b)} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = b / 1000;
  let u = 0;
  while (Math.abs(v) >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${formatNumber(Number(v.toPrecision(3)), 3)} ${units[u]}`;
}

/** A duration: `0.042 s`, `12.3 s`, `2 min 5 s`. */
export function formatSeconds(s: number | null | undefined): string {
  if (!isNumber(s)) return DASH;
  if (s < 60) return `${formatNumber(Number(s.toPrecision(3)), 3)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - 60 * m)} s`;
}

/** A short axis label: `950`, `1.2k`, `3.4M`, `0.0123`, `-2.5B`. */
export function formatCompact(x: number | null | undefined): string {
  if (!isNumber(x)) return DASH;
  if (x === 0) return '0';
  const a = Math.abs(x);
  const steps: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of steps) {
    if (a >= size) return `${Number((x / size).toPrecision(3))}${suffix}`;
  }
  if (a < 1e-3) return exponential(x, 2);
  return String(Number(x.toPrecision(3)));
}

/** Shortens text to at most `max` characters, ending in an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** The last segment of a path, for either separator. */
export function fileNameOf(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p !== '');
  return parts.length > 0 ? parts[parts.length - 1]! : path;
}
