import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../src/pipeline/runReport.ts';
import { scatterSvg } from '../src/report/charts.ts';
import { LANGS, type Lang, MESSAGES } from '../src/report/i18n.ts';
import { INSIDERS_SECTION_IDS, renderRunReport, runReportSectionIds } from '../src/report/renderRunReport.ts';
import { isPng, launchChromium, pdfPageCount, watchedPage } from './browser.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const HOSTILE = '<script>alert(1)</script>';

function fixture(name: 'transactions' | 'telco'): RunReport {
  return JSON.parse(readFileSync(join(FIXTURES, `run_report_${name}.json`), 'utf8')) as RunReport;
}

function withLang(r: RunReport, lang: Lang): RunReport {
  return { ...r, lang };
}

/** The ids of the top-level sections, in document order. */
function sectionIds(html: string): string[] {
  return [...html.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1]!);
}

/** Text of headings, table headers, captions and contents links: the page's fixed words. */
function headingTexts(html: string): string[] {
  const texts: string[] = [];
  for (const re of [
    /<h([1-6])[^>]*>([\s\S]*?)<\/h\1>/g,
    /<th[^>]*>([\s\S]*?)<\/th>/g,
    /<figcaption>([\s\S]*?)<\/figcaption>/g,
    /<a href="#[^"]*">([\s\S]*?)<\/a>/g,
  ]) {
    for (const m of html.matchAll(re)) {
      const inner = m[m.length - 1]!;
      texts.push(
        inner
          .replace(/<[^>]*>/g, '')
          .replace(/^\d+\.\s*/, '')
          .trim(),
      );
    }
  }
  return texts.filter((t) => t !== '');
}

/** An English string as a whole-text pattern, its placeholders matching anything. */
function englishPattern(text: string): RegExp {
  const escaped = text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\\?\{\w+\\?\}/g, '.*').replace(/\{\w+\}/g, '.*')}$`, 's');
}

/** Relative luminance of #rgb / #rrggbb, 0 (black) to 1 (white). */
function luminance(hex: string): number {
  const h = hex.length === 4 ? [...hex.slice(1)].map((c) => c + c).join('') : hex.slice(1);
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = Number.parseInt(h.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

const transactions = fixture('transactions');
const telco = fixture('telco');

describe('renderRunReport: structure', () => {
  it('answers the Insiders questions in order, then segments and quality (transactions, no churn)', () => {
    const html = renderRunReport(transactions);
    expect(sectionIds(html)).toEqual([...INSIDERS_SECTION_IDS, 'segments', 'quality']);
    expect(sectionIds(html)).toEqual(runReportSectionIds(transactions));
  });

  it('starts with the segments for a snapshot without value data, churn when set', () => {
    expect(sectionIds(renderRunReport(telco))).toEqual(['segments', 'churn', 'quality']);
    expect(sectionIds(renderRunReport({ ...telco, churn: null }))).toEqual(['segments', 'quality']);
    const both = renderRunReport({ ...transactions, churn: telco.churn });
    expect(sectionIds(both)).toEqual([...INSIDERS_SECTION_IDS, 'segments', 'churn', 'quality']);
  });

  it('has a table of contents linking every section in order', () => {
    for (const r of [transactions, telco]) {
      const html = renderRunReport(r);
      const nav = /<nav id="contents"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '';
      expect([...nav.matchAll(/href="#([^"]+)"/g)].map((m) => m[1])).toEqual(sectionIds(html));
      expect(html.indexOf('<nav id="contents"')).toBeLessThan(html.indexOf('<section'));
    }
  });

  it('shows one card per segment, the model selection, the views and the z-shaded means', () => {
    const html = renderRunReport(transactions);
    for (const s of transactions.segmentation.segments) expect(html).toContain(`id="segment-${s.id}"`);
    for (const id of ['segments-cards', 'segments-stats', 'segments-selection', 'segments-views']) {
      expect(html).toContain(`id="${id}"`);
    }
    expect(html.match(/<svg role="img"[^>]*class="scatter"/g)).toHaveLength(
      transactions.segmentation.views.length,
    );
    expect(html).toMatch(/<td class="num z" style="background:rgba\(214,69,69,0\.\d\d\)">/);
    expect(html).toMatch(/<td class="num z" style="background:rgba\(49,110,196,0\.\d\d\)">/);
  });

  it('shows the evidence with ✓ / ✗ and the changes since the previous run', () => {
    const html = renderRunReport(transactions);
    const evidence = transactions.value!.evidence;
    expect(html.match(/<span class="yes"/g)).toHaveLength(evidence.filter((e) => e.holds).length);
    expect(html.match(/<span class="no"/g)).toHaveLength(evidence.filter((e) => !e.holds).length);
    expect(html).toContain('id="insiders-changes"');
    expect(html).toContain('<code>12748</code>');
    const none = renderRunReport({ ...transactions, value: { ...transactions.value!, changes: null } });
    expect(none).toContain(MESSAGES.en.noPrevious);
  });

  it('shows churn metrics, tiers, risk per segment and per group, and importance', () => {
    const html = renderRunReport(telco);
    for (const id of ['churn-segments', 'churn-group-0', 'churn-group-1', 'churn-importance']) {
      expect(html).toContain(`id="${id}"`);
    }
    expect(html).toContain('Tienda Hawái');
    expect(html).toContain('0,913'); // AUC, es-ES
  });

  it('prints: page breaks before major sections, no dark backgrounds, charts no wider than the page', () => {
    const html = renderRunReport(transactions);
    expect(html).toContain('@media print');
    expect(html).toMatch(/section\.major \{ break-before: page; \}/);
    expect(html).toMatch(/svg \{ display: block; max-width: 100%; height: auto; \}/);
    // Insiders (first question), segments, quality: each starts a printed page.
    expect(html.match(/<section id="[^"]+" class="major">/g)).toEqual([
      '<section id="insiders-who" class="major">',
      '<section id="segments" class="major">',
      '<section id="quality" class="major">',
    ]);
    expect(html).toMatch(/body \{[^}]*background: #fff;/);
    // Every background colour is light (the bars' fills are drawn on light tracks).
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const backgrounds = [...css.matchAll(/background: (#[0-9a-f]{3,6})\b/g)].map((m) => m[1]!);
    expect(backgrounds.length).toBeGreaterThan(0);
    for (const hex of backgrounds) expect(luminance(hex), hex).toBeGreaterThan(0.8);
  });
});

describe('renderRunReport: self-contained and safe', () => {
  it('holds no script, no address and nothing to fetch, in every language', () => {
    for (const r of [transactions, telco]) {
      for (const lang of LANGS) {
        const html = renderRunReport(withLang(r, lang));
        expect(html).not.toMatch(/<script/i);
        expect(html).not.toMatch(/https?:\/\//i);
        expect(html).not.toMatch(/<(img|link|iframe|object|embed)\b/i);
        expect(html).not.toMatch(/\burl\((?!#)/i); // only same-document references (clip paths)
        expect(html).not.toMatch(/\bon[a-z]+=/i);
      }
    }
  });

  it('escapes segment names, descriptions, feature names, customer ids and every other text from the data', () => {
    const r = structuredClone(transactions);
    const seg = r.segmentation.segments[0]!;
    seg.name = HOSTILE;
    seg.description = `desc ${HOSTILE}`;
    seg.stats[0]!.feature = `f ${HOSTILE}`;
    seg.drivers[0]!.feature = `d ${HOSTILE}`;
    r.segmentation.features[0] = `f ${HOSTILE}`;
    r.segmentation.views[0]!.method = `v ${HOSTILE}`;
    r.segmentation.selection[0]!.algorithm = `a ${HOSTILE}`;
    r.input.path = `data/${HOSTILE}.csv`;
    const v = r.value!;
    v.insiders.rule = HOSTILE;
    v.insiders.conditions[0] = HOSTILE;
    v.insiders.profile[0]!.feature = HOSTILE;
    v.insiders.forecastModel = HOSTILE;
    v.evidence[0]!.statement = HOSTILE;
    v.evidence[0]!.figure = HOSTILE;
    v.evidence[0]!.verdict = HOSTILE;
    v.actions[0] = HOSTILE;
    v.changes!.examples[0]!.customer = `"><script>alert(2)</script>`;
    r.quality.warnings[0]!.column = HOSTILE;
    r.quality.warnings[0]!.message = HOSTILE;
    r.quality.cleaning[0]!.step = HOSTILE;
    r.timings[HOSTILE] = 1;
    r.churn = structuredClone(telco.churn);
    r.churn!.model = HOSTILE;
    r.churn!.importance[0]!.feature = `i ${HOSTILE}`;
    r.churn!.byGroup[0]!.column = HOSTILE;
    r.churn!.byGroup[0]!.rows[0]!.value = HOSTILE;
    r.churn!.tiers = { ...r.churn!.tiers, [HOSTILE]: 3 };

    const html = renderRunReport(r);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain(`<span class="name">&lt;script&gt;alert(1)&lt;/script&gt;</span>`);
  });

  it('keeps the scatter views small: whole-pixel coordinates, at most maxPoints dots', () => {
    const n = 10_000;
    const view = {
      x: Array.from({ length: n }, (_, i) => Math.sin(i) * 3.5),
      y: Array.from({ length: n }, (_, i) => Math.cos(i * 1.3) * 2.5),
      segment: Array.from({ length: n }, (_, i) => i % 7),
    };
    const svg = scatterSvg(view, 'view', 320, 3000);
    const dots = svg.match(/M\d+ \d+h0/g) ?? [];
    expect(dots.length).toBeGreaterThan(2000);
    expect(dots.length).toBeLessThanOrEqual(3000);
    expect(svg).not.toMatch(/M\d+\.\d/);
    expect(svg.length).toBeLessThan(40_000);
    const html = renderRunReport(transactions);
    expect(html.length).toBeLessThan(400_000);
  });
});

describe('renderRunReport: languages', () => {
  const keys = Object.keys(MESSAGES.en).sort();

  it('has every key, non-empty, with the same placeholders, in every language', () => {
    for (const lang of LANGS) {
      const table = MESSAGES[lang] as Record<string, string>;
      expect(Object.keys(table).sort(), lang).toEqual(keys);
      for (const k of keys) {
        expect(table[k]!.trim(), `${lang}.${k}`).not.toBe('');
        const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        expect(holes(table[k]!), `${lang}.${k}`).toEqual(holes((MESSAGES.en as Record<string, string>)[k]!));
      }
    }
  });

  it('defaults to English and follows report.lang', () => {
    const en = renderRunReport(transactions);
    expect(en).toContain('<html lang="en">');
    expect(en).toContain(MESSAGES.en.insidersWho);
    const es = renderRunReport(withLang(transactions, 'es'));
    expect(es).toContain('<html lang="es">');
    expect(es).toContain(MESSAGES.es.insidersWho);
    const pt = renderRunReport(withLang(transactions, 'pt'));
    expect(pt).toContain('<html lang="pt">');
    expect(pt).toContain('Quem são as pessoas elegíveis para participar do programa Insiders?');
  });

  it('has no English heading on the Spanish and Portuguese pages', () => {
    const en = MESSAGES.en as Record<string, string>;
    // The check itself works: the English page is full of English headings.
    const all = keys.map((k) => englishPattern(en[k]!));
    const englishTexts = headingTexts(renderRunReport(transactions)).filter((t) =>
      all.some((re) => re.test(t)),
    );
    expect(englishTexts.length).toBeGreaterThan(30);
    for (const lang of ['es', 'pt'] as const) {
      const table = MESSAGES[lang] as Record<string, string>;
      const english = keys.filter((k) => en[k] !== table[k]).map((k) => ({ k, re: englishPattern(en[k]!) }));
      for (const r of [transactions, telco, { ...transactions, churn: telco.churn }]) {
        const texts = headingTexts(renderRunReport(withLang(r, lang)));
        expect(texts.length).toBeGreaterThan(20);
        for (const text of texts) {
          const hit = english.find(({ re }) => re.test(text));
          expect(hit, `${lang}: "${text}" is English (${hit?.k})`).toBeUndefined();
        }
      }
    }
  });

  it('formats numbers per language (en-US, es-ES, pt-BR)', () => {
    const en = renderRunReport(transactions);
    const es = renderRunReport(withLang(transactions, 'es'));
    const pt = renderRunReport(withLang(transactions, 'pt'));
    expect(en).toContain('541,909');
    expect(es).toContain('541.909');
    expect(pt).toContain('541.909');
    expect(en).toContain('10.8%');
    expect(es).toContain('10,8\u00a0%');
    expect(pt).toContain('10,8%');
    expect(es).toContain('5268'.replace(/(\d)(\d{3})$/, '$1.$2')); // grouped even with four digits
  });
});

describe('renderRunReport in headless Chromium', () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'clientele-run-report-'));
  const keep = process.env['CLIENTELE_KEEP_REPORTS'] === '1';

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (!keep) rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, report] of [
    ['transactions', transactions],
    ['telco', telco],
    ['transactions-pt', withLang(transactions, 'pt')],
  ] as const) {
    it(`opens ${name} offline with no console message or error, every section visible; screenshot and PDF`, async () => {
      const file = join(dir, `${name}.html`);
      writeFileSync(file, renderRunReport(report));
      const { page, problems } = await watchedPage(browser);
      try {
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        for (const id of runReportSectionIds(report)) {
          expect(await page.locator(`section#${id}`).isVisible(), id).toBe(true);
        }
        const svgs = await page.locator('svg').count();
        expect(svgs).toBeGreaterThanOrEqual(5);

        const png = join(dir, `${name}.png`);
        await page.screenshot({ path: png, fullPage: true });
        const shot = readFileSync(png);
        expect(isPng(shot)).toBe(true);
        expect(statSync(png).size).toBeGreaterThan(10_000);

        const pdf = await page.pdf({ path: join(dir, `${name}.pdf`), format: 'A4', printBackground: true });
        expect(pdfPageCount(pdf)).toBeGreaterThan(1);
        expect(problems).toEqual([]);
      } finally {
        await page.close();
      }
    });
  }
});
