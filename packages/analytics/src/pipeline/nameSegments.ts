import type { SegmentProfile } from './segmentProfiles.ts';

type Lang = 'en' | 'es' | 'pt';

/** |z| below this is "about average": such a feature does not name a segment. */
const NOTABLE_Z = 0.25;

interface Words {
  locale: string;
  /** Name parts: the word for above / below the average, before the feature. */
  high: string;
  low: string;
  average: string;
  customers: (share: string, count: string) => string;
  revenue: (share: string) => string;
  first: (feature: string, mean: string, overall: string) => string;
  next: (feature: string, mean: string, overall: string) => string;
  noneStandsOut: string;
}

/**
 * The words, per language. Names use one style everywhere: "High X, low Y" in English and the
 * gender-neutral "Más X, menos Y" / "Mais X, menos Y" in Spanish and Portuguese (feature names are
 * free text, so "alto / alta" could not agree with them).
 */
const WORDS: Record<Lang, Words> = {
  en: {
    locale: 'en-US',
    high: 'high',
    low: 'low',
    average: 'Average customers',
    customers: (s, n) => `${s} of customers (${n})`,
    revenue: (s) => ` and ${s} of revenue`,
    first: (f, m, o) => `${f} averages ${m} against ${o} overall`,
    next: (f, m, o) => `${f} ${m} against ${o}`,
    noneStandsOut: 'no feature is far from the average',
  },
  es: {
    locale: 'es-ES',
    high: 'más',
    low: 'menos',
    average: 'Clientes promedio',
    customers: (s, n) => `${s} de los clientes (${n})`,
    revenue: (s) => ` y ${s} de los ingresos`,
    first: (f, m, o) => `${f} promedia ${m} frente a ${o} en general`,
    next: (f, m, o) => `${f} ${m} frente a ${o}`,
    noneStandsOut: 'ninguna variable se aleja del promedio',
  },
  pt: {
    locale: 'pt-BR',
    high: 'mais',
    low: 'menos',
    average: 'Clientes médios',
    customers: (s, n) => `${s} dos clientes (${n})`,
    revenue: (s) => ` e ${s} da receita`,
    first: (f, m, o) => `${f} tem média ${m} contra ${o} no geral`,
    next: (f, m, o) => `${f} ${m} contra ${o}`,
    noneStandsOut: 'nenhuma variável se afasta da média',
  },
};

/**
 * Suggested names and descriptions for segments, in words a marketer reads, from what is far above
 * or below the average (largest |z| of the segment's mean against everyone's).
 *
 * - Name: the 1-2 features with the largest |z| (the second only when its |z| >= 0.25), each with
 *   the word for above or below average: "High revenue, low days since last purchase"; es "Más
 *   ingresos, menos recencia"; pt "Mais receita, menos recência". A segment with no |z| >= 0.25 is
 *   "Average customers" (es "Clientes promedio", pt "Clientes médios").
 * - Names are unique: segments that would share a name get their next most distinctive feature
 *   added, then, if still equal, a number: "Average customers (2)".
 * - Description: the share of customers (and of revenue when known), then the 3 most distinctive
 *   features with the segment's mean against the overall mean, numbers in the language's format:
 *   "12% of customers (4,210) and 35% of revenue. Revenue averages 4,210 against 1,020 overall;
 *   recency_days 12 against 45; orders 8.2 against 3.1." The overall mean is the size-weighted mean
 *   of the segments' means (the customers in a segment; DBSCAN noise is not among them).
 * - Feature names are shown as given unless `labels` maps them ('recency_days' -> 'days since last
 *   purchase').
 *
 * One entry per profile, in the same order.
 */
export function nameSegments(
  profiles: SegmentProfile[],
  lang: Lang,
  opts: { labels?: Record<string, string> } = {},
): { name: string; description: string }[] {
  const w = WORDS[lang] ?? WORDS.en;
  const label = (f: string): string => opts.labels?.[f] ?? f;
  const overall = overallMeans(profiles);
  const num = numberFormat(w.locale);
  const pct = new Intl.NumberFormat(w.locale, { style: 'percent', maximumFractionDigits: 1 });
  const count = new Intl.NumberFormat(w.locale, { maximumFractionDigits: 0 });

  // Per segment, its features by |z| (NaN as 0), largest first.
  const ranked = profiles.map((p) =>
    p.stats
      .map((s, j) => ({ j, z: Number.isFinite(s.z) ? s.z : 0 }))
      .sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || a.j - b.j),
  );
  const part = (p: SegmentProfile, r: { j: number; z: number }, first: boolean): string => {
    const word = r.z > 0 ? w.high : w.low;
    const text = `${word} ${label(p.stats[r.j]!.feature)}`;
    return first ? text.charAt(0).toUpperCase() + text.slice(1) : text;
  };
  const nameWith = (i: number, parts: number): string => {
    const p = profiles[i]!;
    const notable = ranked[i]!.filter((r) => Math.abs(r.z) >= NOTABLE_Z);
    if (notable.length === 0) return w.average;
    return notable
      .slice(0, parts)
      .map((r, t) => part(p, r, t === 0))
      .join(', ');
  };

  // 1-2 features each; segments whose names clash take one more feature while that helps.
  const parts = profiles.map((_, i) => {
    const strong = ranked[i]!.filter((r) => Math.abs(r.z) >= NOTABLE_Z).length;
    return strong >= 2 ? 2 : 1;
  });
  const names = profiles.map((_, i) => nameWith(i, parts[i]!));
  for (let round = 0; round < 3; round++) {
    let changed = false;
    for (const group of clashes(names)) {
      for (const i of group) {
        const strong = ranked[i]!.filter((r) => Math.abs(r.z) >= NOTABLE_Z).length;
        if (parts[i]! < strong) {
          parts[i]!++;
          names[i] = nameWith(i, parts[i]!);
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  for (const group of clashes(names)) {
    group.forEach((i, t) => {
      if (t > 0) names[i] = `${names[i]} (${t + 1})`;
    });
  }

  return profiles.map((p, i) => {
    let head = w.customers(pct.format(p.share), count.format(p.size));
    if (p.revenueShare !== null) head += w.revenue(pct.format(p.revenueShare));
    const top = ranked[i]!.filter((r) => Math.abs(r.z) > 0 && Number.isFinite(p.stats[r.j]!.mean)).slice(
      0,
      3,
    );
    const facts = top.map((r, t) => {
      const s = p.stats[r.j]!;
      const say = t === 0 ? w.first : w.next;
      return say(label(s.feature), num(s.mean), num(overall[r.j]!));
    });
    const body = facts.length > 0 ? facts.join('; ') : w.noneStandsOut;
    const description = `${head}. ${body.charAt(0).toUpperCase()}${body.slice(1)}.`;
    return { name: names[i]!, description };
  });
}

/** Groups of indices (in order) that share a name, only groups of 2 or more. */
function clashes(names: string[]): number[][] {
  const by = new Map<string, number[]>();
  names.forEach((n, i) => {
    const g = by.get(n);
    if (g) g.push(i);
    else by.set(n, [i]);
  });
  return [...by.values()].filter((g) => g.length > 1);
}

/** Per feature, the size-weighted mean of the segments' means (segments with a mean). */
function overallMeans(profiles: SegmentProfile[]): Float64Array {
  const p = profiles[0]?.stats.length ?? 0;
  const sum = new Float64Array(p);
  const n = new Float64Array(p);
  for (const prof of profiles) {
    prof.stats.forEach((s, j) => {
      if (Number.isFinite(s.mean) && prof.size > 0) {
        sum[j]! += s.mean * prof.size;
        n[j]! += prof.size;
      }
    });
  }
  for (let j = 0; j < p; j++) sum[j] = n[j]! > 0 ? sum[j]! / n[j]! : Number.NaN;
  return sum;
}

/** Numbers as people read them: whole above 100, one decimal above 10, else up to two. */
function numberFormat(locale: string): (v: number) => string {
  const f0 = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const f1 = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const f2 = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  return (v) => {
    const a = Math.abs(v);
    return (a >= 100 ? f0 : a >= 10 ? f1 : f2).format(v);
  };
}
