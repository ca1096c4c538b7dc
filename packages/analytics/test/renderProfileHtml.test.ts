import { describe, expect, it } from 'vitest';
import type { ColumnProfile, DatasetProfile, NumericSummary } from '../src/profile/profileTypes.ts';
import { renderProfileHtml } from '../src/profile/renderProfileHtml.ts';
import {
  escapeHtml,
  fileNameOf,
  formatBytes,
  formatCompact,
  formatNumber,
  formatSeconds,
  formatShare,
} from '../src/profile/reportFormat.ts';

const HOSTILE = '<script>alert(1)</script>';

function numeric(over: Partial<NumericSummary> = {}): NumericSummary {
  return {
    min: 0,
    max: 9999,
    mean: 1234.5678,
    median: 812.25,
    std: 2048.125,
    cv: 1.659,
    quantiles: [
      { p: 0.05, value: 3 },
      { p: 0.25, value: 120.5 },
      { p: 0.5, value: 812.25 },
      { p: 0.75, value: 1500 },
      { p: 0.95, value: 9999 },
    ],
    histogram: [
      { lo: 0, hi: 2500, count: 11_000 },
      { lo: 2500, hi: 5000, count: 4_000 },
      { lo: 5000, hi: 7500, count: 500 },
      { lo: 7500, hi: 9999, count: 4_500 },
    ],
    iqrOutliers: { count: 4_500, share: 0.225, lower: -2949.25, upper: 3569.75 },
    zeros: 12,
    negatives: 0,
    ...over,
  };
}

function column(over: Partial<ColumnProfile> & Pick<ColumnProfile, 'name'>): ColumnProfile {
  return {
    type: 'VARCHAR',
    role: 'categorical',
    missing: 0,
    missingShare: 0,
    distinct: 3,
    distinctShare: 0.00015,
    topValues: [],
    numeric: null,
    text: null,
    datetime: null,
    sentinel: null,
    nearUniqueKey: false,
    warnings: [],
    ...over,
  };
}

const sentinelWarning = {
  code: 'SENTINEL',
  column: 'days_between_recharges',
  message: 'The value 9999 holds 22.5% of the rows, 12.4 IQRs from the rest: a code for "never".',
  suggestion: { op: 'replace_value', column: 'days_between_recharges', value: 9999, with: null },
};
const hostileWarning = {
  code: 'MISSING',
  column: HOSTILE,
  message: `Column ${HOSTILE} is missing in 40% of the rows.`,
  suggestion: null,
};

function fixture(): DatasetProfile {
  const columns: ColumnProfile[] = [
    column({
      name: 'days_between_recharges',
      type: 'DOUBLE',
      role: 'continuous',
      distinct: 1_873,
      distinctShare: 0.09365,
      topValues: [
        { value: 9999, count: 4_500, share: 0.225 },
        { value: 30, count: 800, share: 0.04 },
      ],
      numeric: numeric(),
      sentinel: { value: 9999, count: 4_500, share: 0.225, distanceInIqr: 12.4321 },
      warnings: [sentinelWarning],
    }),
    column({
      name: 'plan',
      role: 'categorical',
      topValues: [
        { value: 'prepaid', count: 12_000, share: 0.6 },
        { value: 'postpaid', count: 7_000, share: 0.35 },
        { value: 'business & co', count: 1_000, share: 0.05 },
      ],
      text: { minLength: 7, maxLength: 13, meanLength: 7.45, blank: 0 },
    }),
    column({
      name: 'imei',
      type: 'BIGINT',
      role: 'id',
      distinct: 20_000,
      distinctShare: 1,
      nearUniqueKey: true,
      topValues: [
        { value: 356938035643809, count: 1, share: 0.00005 },
        { value: 356938035643810, count: 1, share: 0.00005 },
      ],
      numeric: numeric({ min: 356938035643809, max: 356938035663808 }),
    }),
    column({
      name: HOSTILE,
      role: 'text',
      missing: 8_000,
      missingShare: 0.4,
      distinct: 11_950,
      distinctShare: 0.5975,
      topValues: [
        { value: '<img src=x onerror=alert(2)>', count: 3, share: 0.00015 },
        { value: 'hello "world"', count: 2, share: 0.0001 },
      ],
      text: { minLength: 1, maxLength: 250, meanLength: 42.5, blank: 7 },
      warnings: [hostileWarning],
    }),
    column({
      name: 'always_empty',
      type: 'DOUBLE',
      role: 'continuous',
      missing: 20_000,
      missingShare: 1,
      distinct: 0,
      distinctShare: 0,
      numeric: {
        min: null,
        max: null,
        mean: null,
        median: null,
        std: null,
        cv: null,
        quantiles: [0.05, 0.25, 0.5, 0.75, 0.95].map((p) => ({ p, value: null })),
        histogram: [],
        iqrOutliers: { count: 0, share: 0, lower: null, upper: null },
        zeros: 0,
        negatives: 0,
      },
    }),
  ];
  return {
    version: 1,
    kind: 'snapshot',
    quantiles: 'exact',
    source: {
      path: '/data/in/telco_snapshot.csv',
      format: 'csv',
      encoding: 'utf-8',
      delimiter: ',',
      bytes: 1_234_567,
    },
    nRows: 20_000,
    nColumns: columns.length,
    duplicateRows: 25,
    rejectedRows: 3,
    columns,
    correlation: {
      columns: ['days_between_recharges', HOSTILE],
      pearson: [
        [1, -0.4321],
        [-0.4321, null],
      ],
      spearman: [
        [1, 0.25],
        [0.25, 1],
      ],
    },
    warnings: [
      {
        code: 'DUPLICATE_ROWS',
        column: null,
        message: '25 rows are exact copies of another row.',
        suggestion: { op: 'drop_duplicates' },
      },
      sentinelWarning,
      hostileWarning,
    ],
    seconds: 1.23456,
  };
}

/** Text of the section whose opening tag has this id, up to the next section. */
function section(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  expect(start, `section ${id}`).toBeGreaterThan(-1);
  const end = html.indexOf('</section>', start);
  return html.slice(start, end);
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('renderProfileHtml', () => {
  const html = renderProfileHtml(fixture());

  it('is one HTML5 document titled with the file name', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toContain('<title>Profile of telco_snapshot.csv</title>');
    expect(count(html, '<html')).toBe(1);
  });

  it('draws one histogram per numeric column with data, bars per categorical/text/id column, two heat maps', () => {
    // histogram: days_between_recharges only (the id gets bars, the all-null column nothing)
    // top-value bars: plan, imei, the hostile text column; heat maps: Pearson and Spearman
    expect(count(html, '<svg')).toBe(1 + 3 + 2);
    expect(count(html, 'aria-label="Histogram of ')).toBe(1);
    expect(count(html, 'aria-label="Top values of ')).toBe(3);
    expect(count(html, 'aria-label="Pearson correlation"')).toBe(1);
    expect(count(html, 'aria-label="Spearman correlation"')).toBe(1);
    expect(section(html, 'col-0')).toContain('aria-label="Histogram of days_between_recharges"');
    expect(section(html, 'col-4')).not.toContain('<svg');
    expect(section(html, 'col-4')).toContain('always_empty');
    // browser-only leftovers of ECharts (hover styles, event metadata) are dropped
    expect(html).not.toContain('ecmeta_');
    expect(html).not.toMatch(/zr\d+-cls/);
  });

  it('fetches nothing and runs nothing: no address but the SVG namespaces, no script', () => {
    const withoutNamespaces = html
      .replaceAll(' xmlns="http://www.w3.org/2000/svg"', '')
      .replaceAll(' xmlns:xlink="http://www.w3.org/1999/xlink"', '');
    expect(withoutNamespaces).not.toMatch(/https?:\/\//i);
    expect(withoutNamespaces).not.toMatch(/url\(\s*['"]?(?!#)/i);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/<(link|iframe|object|embed|img)\b/i);
  });

  it('escapes every text from the data', () => {
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('hello &quot;world&quot;');
    expect(html).toContain('business &amp; co');
    expect(html).not.toContain('<img');
    // the hostile column's section, its index link, its warning and the heat-map labels
    expect(count(html, '&lt;script&gt;alert(1)')).toBeGreaterThanOrEqual(4);
  });

  it('shows the overview with formatted numbers', () => {
    const o = section(html, 'overview');
    expect(o).toContain('<th>Rows</th><td>20,000</td>');
    expect(o).toContain('<th>Columns</th><td>5</td>');
    expect(o).toContain('<th>Duplicate rows</th><td>25 (0.1%)</td>');
    expect(o).toContain('<th>Rejected rows (malformed)</th><td>3</td>');
    expect(o).toContain('1.23 MB (1,234,567 bytes)');
    expect(o).toContain('<th>Encoding</th><td>utf-8</td>');
    expect(o).toContain('<th>Profiled in</th><td>1.23 s</td>');
  });

  it('lists the warnings with their suggested step as compact JSON', () => {
    const w = section(html, 'warnings');
    expect(count(w, '<tr>')).toBe(1 + 3);
    expect(w).toContain('(dataset)');
    expect(w).toContain(escapeHtml('{"op":"drop_duplicates"}'));
    expect(w).toContain(
      escapeHtml('{"op":"replace_value","column":"days_between_recharges","value":9999,"with":null}'),
    );
    expect(w).toContain('a code for &quot;never&quot;.');
    expect(w).toContain('<a href="#col-0">days_between_recharges</a>');
    expect(w).toContain('<a href="#col-3">&lt;script&gt;alert(1)&lt;/script&gt;</a>');
  });

  it('indexes every column with a link to its section', () => {
    const idx = section(html, 'columns');
    for (let i = 0; i < 5; i++) {
      expect(idx).toContain(`href="#col-${i}"`);
      expect(html).toContain(`<section class="column" id="col-${i}">`);
    }
  });

  it('shows each column: summary figures, missing, key flag, sentinel, top values', () => {
    const num = section(html, 'col-0');
    expect(num).toContain('<th>Mean</th><td>1,234.6</td>');
    expect(num).toContain('<th>Median</th><td>812.3</td>');
    expect(num).toContain('<th>Max</th><td>9,999</td>');
    expect(num).toContain('<th>CV</th><td>1.66</td>');
    expect(num).toContain('<th>P5</th><td>3</td>');
    expect(num).toContain('<th>P95</th><td>9,999</td>');
    expect(num).toContain('4,500 (22.5%), outside [-2,949.3, 3,569.8]');
    expect(num).toContain('<strong>9,999</strong>: 4,500 (22.5%), 12.4 IQR from the rest');

    const id = section(html, 'col-2');
    expect(id).toContain('<th>Key (near-unique)</th><td>yes</td>');
    expect(id).toContain('356,938,035,643,809');
    expect(id).toContain('<th>Distinct</th><td>20,000 (100%)</td>');

    const hostile = section(html, 'col-3');
    expect(hostile).toContain('<th>Missing</th><td>8,000 (40%)</td>');
    expect(hostile).toContain('<th>Blank values</th><td>7</td>');

    const empty = section(html, 'col-4');
    expect(empty).toContain('<th>Mean</th><td>–</td>');
    expect(empty).toContain('0 (0%), outside [–, –]');
    expect(empty).toContain('<th>Missing</th><td>20,000 (100%)</td>');
  });

  it('caps the top values at 10', () => {
    const p = fixture();
    p.columns[1]!.topValues = Array.from({ length: 25 }, (_, i) => ({
      value: `v${i}`,
      count: 100 - i,
      share: (100 - i) / 20_000,
    }));
    const out = section(renderProfileHtml(p), 'col-1');
    expect(out).toContain('v9');
    expect(out).not.toContain('v10');
  });

  it('draws the correlation heat maps with a blank null cell', () => {
    const c = section(html, 'correlation');
    expect(c).toContain('-0.43');
    expect(c).toContain('0.25');
    const pearson = c.slice(c.indexOf('aria-label="Pearson'), c.indexOf('aria-label="Spearman'));
    const spearman = c.slice(c.indexOf('aria-label="Spearman'));
    // one label per defined cell: Pearson has 3 (the null cell stays blank), Spearman 4
    const cellLabels = (svg: string) => svg.match(/>-?\d\.\d\d<\/text>/g) ?? [];
    expect(cellLabels(pearson).sort()).toEqual(['>-0.43</text>', '>-0.43</text>', '>1.00</text>']);
    expect(cellLabels(spearman).sort()).toEqual([
      '>0.25</text>',
      '>0.25</text>',
      '>1.00</text>',
      '>1.00</text>',
    ]);
  });

  it('leaves the correlation out with fewer than 2 columns', () => {
    const p = fixture();
    p.correlation = { columns: ['x'], pearson: [[1]], spearman: [[1]] };
    const out = renderProfileHtml(p);
    expect(out).not.toContain('id="correlation"');
    expect(count(out, '<svg')).toBe(4);
  });
});

describe('report number formatting', () => {
  it('formats numbers for people', () => {
    expect(formatNumber(null)).toBe('–');
    expect(formatNumber(Number.NaN)).toBe('–');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(-1234567)).toBe('-1,234,567');
    expect(formatNumber(12345.678)).toBe('12,345.7');
    expect(formatNumber(123.456)).toBe('123.5');
    expect(formatNumber(0.012345)).toBe('0.01235');
    expect(formatNumber(0.00000123)).toBe('1.23e-6');
    expect(formatNumber(2e20)).toBe('2e+20');
  });

  it('formats shares, sizes, durations and axis labels', () => {
    expect(formatShare(0)).toBe('0%');
    expect(formatShare(0.1234)).toBe('12.3%');
    expect(formatShare(0.5)).toBe('50%');
    expect(formatShare(0.0001)).toBe('<0.1%');
    expect(formatShare(0.99999)).toBe('>99.9%');
    expect(formatShare(1)).toBe('100%');
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(1_234_567)).toBe('1.23 MB');
    expect(formatSeconds(0.0421)).toBe('0.0421 s');
    expect(formatSeconds(125)).toBe('2 min 5 s');
    expect(formatCompact(1250)).toBe('1.25k');
    expect(formatCompact(-3_400_000)).toBe('-3.4M');
    expect(formatCompact(0.5)).toBe('0.5');
  });

  it('escapes HTML and finds the file name', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    expect(fileNameOf('/a/b/c.csv')).toBe('c.csv');
    expect(fileNameOf('C:\\data\\d.tsv')).toBe('d.tsv');
  });
});
