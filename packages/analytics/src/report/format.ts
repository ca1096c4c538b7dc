/**
 * Numbers and dates of the run report in the report's language (Intl 'en-US', 'es-ES',
 * 'pt-BR'). The same rules as the profile's formatters (reportFormat.ts, English only):
 * a missing or non-finite number is an en dash.
 */
import { DASH } from '../profile/reportFormat.ts';
import { type Lang, LOCALES } from './i18n.ts';

function isNumber(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

export class Formats {
  readonly locale: string;
  private readonly integer: Intl.NumberFormat;
  private readonly oneDecimal: Intl.NumberFormat;
  private readonly twoDecimals: Intl.NumberFormat;
  private readonly percent: Intl.NumberFormat;
  private readonly compactFormat: Intl.NumberFormat;
  private readonly signedFormat: Intl.NumberFormat;
  private readonly significant = new Map<number, Intl.NumberFormat>();
  private readonly decimals = new Map<number, Intl.NumberFormat>();
  private readonly dateFormat: Intl.DateTimeFormat;
  private readonly monthFormat: Intl.DateTimeFormat;

  constructor(lang: Lang) {
    const l = LOCALES[lang] ?? LOCALES.en;
    this.locale = l;
    // Grouping always, so 4-digit figures line up with longer ones in a column (es-ES skips it).
    // ('always' is ES2023 Intl, in Node 20; the ES2022 lib types only know booleans.)
    const always = { useGrouping: 'always' } as unknown as Intl.NumberFormatOptions;
    this.integer = new Intl.NumberFormat(l, { ...always, maximumFractionDigits: 0 });
    this.oneDecimal = new Intl.NumberFormat(l, { ...always, maximumFractionDigits: 1 });
    this.twoDecimals = new Intl.NumberFormat(l, {
      ...always,
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    this.percent = new Intl.NumberFormat(l, { style: 'percent', maximumFractionDigits: 1 });
    this.compactFormat = new Intl.NumberFormat(l, { notation: 'compact', maximumSignificantDigits: 3 });
    this.signedFormat = new Intl.NumberFormat(l, {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
      signDisplay: 'exceptZero',
    });
    this.dateFormat = new Intl.DateTimeFormat(l, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
    this.monthFormat = new Intl.DateTimeFormat(l, { month: 'short', year: 'numeric', timeZone: 'UTC' });
  }

  /** Whole numbers grouped; others to `digits` significant digits, one decimal from 1,000 up. */
  number(x: number | null | undefined, digits = 4): string {
    if (!isNumber(x)) return DASH;
    if (x === 0) return '0';
    const a = Math.abs(x);
    if (a >= 1e15 || a < 1e-4) return x.toExponential(digits - 1).replace(/\.?0+e/, 'e');
    if (Number.isInteger(x)) return this.integer.format(x);
    if (a >= 1000) return this.oneDecimal.format(x);
    let f = this.significant.get(digits);
    if (!f) {
      f = new Intl.NumberFormat(this.locale, { maximumSignificantDigits: digits });
      this.significant.set(digits, f);
    }
    return f.format(x);
  }

  /** Exactly `digits` decimals: `0.550`. */
  fixed(x: number | null | undefined, digits: number): string {
    if (!isNumber(x)) return DASH;
    let f = this.decimals.get(digits);
    if (!f) {
      f = new Intl.NumberFormat(this.locale, {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
      this.decimals.set(digits, f);
    }
    return f.format(x);
  }

  count(n: number | null | undefined): string {
    return isNumber(n) ? this.integer.format(Math.round(n)) : DASH;
  }

  /** A share in 0..1 as a percentage with at most one decimal; `<0.1%` and `>99.9%` at the ends. */
  share(s: number | null | undefined): string {
    if (!isNumber(s)) return DASH;
    if (s > 0 && s < 0.0005) return `<${this.percent.format(0.001)}`;
    if (s < 1 && s >= 0.9995) return `>${this.percent.format(0.999)}`;
    return this.percent.format(s);
  }

  countShare(n: number | null | undefined, s: number | null | undefined): string {
    return `${this.count(n)} (${this.share(s)})`;
  }

  /** Money in the input's currency (no symbol: the run does not know it). */
  money(x: number | null | undefined): string {
    if (!isNumber(x)) return DASH;
    return Math.abs(x) >= 100 ? this.integer.format(x) : this.twoDecimals.format(x);
  }

  /** A signed figure with two decimals, for z-scores: `+1.25`, `−0.40`. */
  signed(x: number | null | undefined): string {
    return isNumber(x) ? this.signedFormat.format(x) : DASH;
  }

  /** A short axis label: `950`, `1.2K`, `3.4M` in the language's compact notation. */
  compact(x: number | null | undefined): string {
    return isNumber(x) ? this.compactFormat.format(x) : DASH;
  }

  seconds(s: number | null | undefined): string {
    if (!isNumber(s)) return DASH;
    return s < 10 ? this.twoDecimals.format(s) : this.oneDecimal.format(s);
  }

  /** An ISO timestamp as a date and time (UTC); the text itself when it does not parse. */
  date(iso: string): string {
    const t = Date.parse(iso);
    return Number.isFinite(t) ? `${this.dateFormat.format(t)} UTC` : iso;
  }

  /** `2025-01` (or a full date) as a short month and year; the text itself when it does not parse. */
  month(text: string): string {
    const m = /^(\d{4})-(\d{2})/.exec(text);
    if (!m) return text;
    return this.monthFormat.format(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
  }
}
