import { BarChart, HeatmapChart } from 'echarts/charts';
import { GridComponent, VisualMapComponent } from 'echarts/components';
import { use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { keyValueTable, renderChart } from '../report/html.ts';
import type {
  ColumnProfile,
  CorrelationMatrix,
  DatasetProfile,
  NumericSummary,
  ProfileWarning,
  TopValue,
} from './profileTypes.ts';
import {
  DASH,
  escapeHtml,
  fileNameOf,
  formatBytes,
  formatCompact,
  formatCount,
  formatCountShare,
  formatNumber,
  formatSeconds,
  formatShare,
  truncate,
} from './reportFormat.ts';

use([BarChart, HeatmapChart, GridComponent, VisualMapComponent, SVGRenderer]);

/** Most top values drawn and listed per column. */
const MAX_TOP_VALUES = 10;
/** Diverging scale for correlations, -1 .. 0 .. 1 (blue, near white, red). */
const DIVERGING = ['#2166ac', '#f7f7f7', '#b2182b'];
const BAR_COLOR = '#4a72c4';
const CHART_WIDTH = 460;

/**
 * The profile as one self-contained HTML5 document: inline CSS and inline SVG charts drawn by
 * ECharts on the server, no script and no address to fetch, so it opens offline and reads
 * without JavaScript. Every text that comes from the data is escaped.
 */
export function renderProfileHtml(profile: DatasetProfile): string {
  const name = fileNameOf(profile.source.path);
  const parts = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Profile of ${escapeHtml(name)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>Profile of <span class="name">${escapeHtml(name)}</span></h1>`,
    overviewSection(profile),
    warningsSection(profile.warnings, profile.columns),
    columnIndexSection(profile.columns),
    ...profile.columns.map((c, i) => columnSection(c, i)),
    correlationSection(profile.correlation),
    '</main>',
    '</body>',
    '</html>',
    '',
  ];
  return parts.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Sections

function overviewSection(p: DatasetProfile): string {
  const s = p.source;
  const rows: [string, string][] = [
    ['Rows', formatCount(p.nRows)],
    ['Columns', formatCount(p.nColumns)],
    ['Duplicate rows', formatCountShare(p.duplicateRows, p.nRows > 0 ? p.duplicateRows / p.nRows : null)],
    ['Rejected rows (malformed)', formatCount(p.rejectedRows)],
    ['Kind', escapeHtml(p.kind)],
    ['File', `<code>${escapeHtml(s.path)}</code>`],
    ['Format', escapeHtml(s.format)],
    ['Encoding', s.encoding === null ? DASH : escapeHtml(s.encoding)],
    ['Delimiter', s.delimiter === null ? DASH : `<code>${escapeHtml(showDelimiter(s.delimiter))}</code>`],
    ['Size', `${formatBytes(s.bytes)} (${formatCount(s.bytes)} bytes)`],
    ['Profiled in', formatSeconds(p.seconds)],
  ];
  return `<section id="overview">\n<h2>Overview</h2>\n${keyValueTable(rows)}\n</section>`;
}

function showDelimiter(d: string): string {
  if (d === '\t') return '\\t (tab)';
  if (d === ' ') return '(space)';
  return d;
}

function warningsSection(warnings: ProfileWarning[], columns: ColumnProfile[]): string {
  const head = `<h2>Warnings <span class="count">(${formatCount(warnings.length)})</span></h2>`;
  if (warnings.length === 0) return `<section id="warnings">\n${head}\n<p>No warnings.</p>\n</section>`;
  const index = new Map(columns.map((c, i) => [c.name, i]));
  const rows = warnings.map((w) => {
    const i = w.column === null ? undefined : index.get(w.column);
    const column =
      w.column === null
        ? '<span class="muted">(dataset)</span>'
        : i === undefined
          ? escapeHtml(w.column)
          : `<a href="#col-${i}">${escapeHtml(w.column)}</a>`;
    const step =
      w.suggestion === null
        ? `<span class="muted">${DASH}</span>`
        : `<code class="json">${escapeHtml(JSON.stringify(w.suggestion))}</code>`;
    return `<tr><td>${column}</td><td><code>${escapeHtml(w.code)}</code></td><td>${escapeHtml(w.message)}</td><td>${step}</td></tr>`;
  });
  return [
    '<section id="warnings">',
    head,
    '<table class="grid warnings">',
    '<thead><tr><th>Column</th><th>Code</th><th>Message</th><th>Suggested step</th></tr></thead>',
    `<tbody>\n${rows.join('\n')}\n</tbody>`,
    '</table>',
    '</section>',
  ].join('\n');
}

function columnIndexSection(columns: ColumnProfile[]): string {
  const rows = columns.map(
    (c, i) =>
      `<tr><td class="num">${i + 1}</td><td><a href="#col-${i}">${escapeHtml(c.name)}</a></td>` +
      `<td><code>${escapeHtml(c.type)}</code></td><td>${escapeHtml(c.role)}${c.nearUniqueKey ? ' <span class="tag">key</span>' : ''}</td>` +
      `<td class="num">${formatShare(c.missingShare)}</td><td class="num">${formatCount(c.distinct)}</td>` +
      `<td class="num">${c.warnings.length > 0 ? formatCount(c.warnings.length) : ''}</td></tr>`,
  );
  return [
    '<section id="columns">',
    '<h2>Columns</h2>',
    '<table class="grid index">',
    '<thead><tr><th>#</th><th>Name</th><th>Type</th><th>Role</th><th>Missing</th><th>Distinct</th><th>Warnings</th></tr></thead>',
    `<tbody>\n${rows.join('\n')}\n</tbody>`,
    '</table>',
    '</section>',
  ].join('\n');
}

function columnSection(c: ColumnProfile, i: number): string {
  const facts: [string, string][] = [
    ['Type', `<code>${escapeHtml(c.type)}</code>`],
    ['Role', escapeHtml(c.role)],
    ['Missing', formatCountShare(c.missing, c.missingShare)],
    ['Distinct', formatCountShare(c.distinct, c.distinctShare)],
    ['Key (near-unique)', c.nearUniqueKey ? 'yes' : 'no'],
    ['Sentinel candidate', sentinelText(c)],
  ];
  if (c.numeric) {
    facts.push(['Zeros', formatCount(c.numeric.zeros)], ['Negatives', formatCount(c.numeric.negatives)]);
  }
  if (c.text) {
    facts.push(
      [
        'Length (min / mean / max)',
        `${formatNumber(c.text.minLength)} / ${formatNumber(c.text.meanLength, 3)} / ${formatNumber(c.text.maxLength)}`,
      ],
      ['Blank values', formatCount(c.text.blank)],
    );
  }
  if (c.datetime) {
    facts.push(['Range', `${escapeHtml(c.datetime.min ?? DASH)} – ${escapeHtml(c.datetime.max ?? DASH)}`]);
  }

  const tables = [`<div class="block"><h4>Facts</h4>\n${keyValueTable(facts)}</div>`];
  if (c.numeric) tables.push(`<div class="block"><h4>Summary</h4>\n${statsTable(c.numeric)}</div>`);
  if (c.topValues.length > 0)
    tables.push(`<div class="block"><h4>Top values</h4>\n${topValuesTable(c.topValues)}</div>`);

  const charts: string[] = [];
  const hist = wantsHistogram(c) ? histogramChart(c) : null;
  if (hist) charts.push(`<figure><figcaption>Histogram</figcaption>\n${hist}</figure>`);
  const bars = wantsTopValuesChart(c, hist !== null) ? topValuesChart(c) : null;
  if (bars) charts.push(`<figure><figcaption>Top values</figcaption>\n${bars}</figure>`);

  const warnings =
    c.warnings.length === 0
      ? ''
      : `<ul class="col-warnings">\n${c.warnings.map((w) => `<li><code>${escapeHtml(w.code)}</code> ${escapeHtml(w.message)}</li>`).join('\n')}\n</ul>`;

  return [
    `<section class="column" id="col-${i}">`,
    `<h3><span class="name">${escapeHtml(c.name)}</span> <span class="tag">${escapeHtml(c.role)}</span>` +
      ` <span class="tag type">${escapeHtml(c.type)}</span>${c.nearUniqueKey ? ' <span class="tag key">key</span>' : ''}</h3>`,
    warnings,
    `<div class="row">\n${tables.join('\n')}\n</div>`,
    charts.length > 0 ? `<div class="row charts">\n${charts.join('\n')}\n</div>` : '',
    '<p class="top"><a href="#columns">back to the column index</a></p>',
    '</section>',
  ]
    .filter((s) => s !== '')
    .join('\n');
}

function sentinelText(c: ColumnProfile): string {
  const s = c.sentinel;
  if (!s) return 'none';
  return `<strong>${formatNumber(s.value, 6)}</strong>: ${formatCountShare(s.count, s.share)}, ${formatNumber(s.distanceInIqr, 3)} IQR from the rest`;
}

function statsTable(n: NumericSummary): string {
  const rows: [string, string][] = [
    ['Min', formatNumber(n.min)],
    ['Max', formatNumber(n.max)],
    ['Mean', formatNumber(n.mean)],
    ['Median', formatNumber(n.median)],
    ['Std', formatNumber(n.std)],
    ['CV', formatNumber(n.cv, 3)],
  ];
  for (const q of n.quantiles) rows.push([`P${formatNumber(q.p * 100, 3)}`, formatNumber(q.value)]);
  const o = n.iqrOutliers;
  rows.push([
    'IQR outliers',
    `${formatCountShare(o.count, o.share)}, outside [${formatNumber(o.lower)}, ${formatNumber(o.upper)}]`,
  ]);
  return keyValueTable(rows);
}

function topValuesTable(values: TopValue[]): string {
  const rows = values
    .slice(0, MAX_TOP_VALUES)
    .map(
      (v) =>
        `<tr><td class="value">${valueHtml(v.value)}</td><td class="num">${formatCount(v.count)}</td><td class="num">${formatShare(v.share)}</td></tr>`,
    );
  return `<table class="grid">\n<thead><tr><th>Value</th><th>Count</th><th>Share</th></tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}

function valueHtml(v: TopValue['value']): string {
  if (v === null) return '<span class="muted">(missing)</span>';
  if (typeof v === 'number') return formatNumber(v, 6);
  if (v.trim() === '') return `<span class="muted">(${v === '' ? 'empty' : 'blank'})</span>`;
  return escapeHtml(truncate(v, 80));
}

function valueLabel(v: TopValue['value']): string {
  if (v === null) return '(missing)';
  if (typeof v === 'number') return formatNumber(v, 6);
  if (v.trim() === '') return v === '' ? '(empty)' : '(blank)';
  return truncate(v, 22);
}

function correlationSection(m: CorrelationMatrix): string {
  const n = m.columns.length;
  if (n < 2) return '';
  const legend =
    '<div class="legend"><span>−1</span><span class="ramp"></span><span>+1</span>' +
    '<span class="muted">blank: not defined (a constant column)</span></div>';
  return [
    '<section id="correlation">',
    '<h2>Correlation</h2>',
    `<p>Between the ${formatCount(n)} numeric columns. ${n <= 12 ? 'Values in the cells.' : 'Strongest pairs below.'}</p>`,
    legend,
    '<div class="row charts">',
    `<figure><figcaption>Pearson</figcaption>\n${heatmapChart(m.columns, m.pearson, 'Pearson correlation')}</figure>`,
    `<figure><figcaption>Spearman</figcaption>\n${heatmapChart(m.columns, m.spearman, 'Spearman correlation')}</figure>`,
    '</div>',
    strongestPairs(m),
    '</section>',
  ].join('\n');
}

/** The 10 pairs with the largest |Pearson| or |Spearman|, whichever is larger. */
function strongestPairs(m: CorrelationMatrix): string {
  const pairs: { a: string; b: string; p: number | null; s: number | null; key: number }[] = [];
  for (let i = 0; i < m.columns.length; i++) {
    for (let j = i + 1; j < m.columns.length; j++) {
      const p = m.pearson[i]?.[j] ?? null;
      const s = m.spearman[i]?.[j] ?? null;
      const key = Math.max(Math.abs(p ?? 0), Math.abs(s ?? 0));
      if (p !== null || s !== null) pairs.push({ a: m.columns[i]!, b: m.columns[j]!, p, s, key });
    }
  }
  if (pairs.length === 0) return '';
  pairs.sort((x, y) => y.key - x.key);
  const rows = pairs
    .slice(0, 10)
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.a)}</td><td>${escapeHtml(r.b)}</td><td class="num">${formatCorrelation(r.p)}</td><td class="num">${formatCorrelation(r.s)}</td></tr>`,
    );
  return `<h4>Strongest pairs</h4>\n<table class="grid">\n<thead><tr><th>Column</th><th>Column</th><th>Pearson</th><th>Spearman</th></tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}

function formatCorrelation(r: number | null): string {
  return r === null || !Number.isFinite(r) ? DASH : r.toFixed(2);
}

// ---------------------------------------------------------------------------------------------
// Charts

const HISTOGRAM_ROLES = new Set(['id', 'categorical']);
const TOP_VALUES_ROLES = new Set(['categorical', 'text', 'id']);

/** A histogram for numeric columns, except ids and numeric codes (categorical), which get bars. */
function wantsHistogram(c: ColumnProfile): boolean {
  return c.numeric !== null && !HISTOGRAM_ROLES.has(c.role);
}

/** Top-value bars for categorical, text and id columns, and for any other without a histogram. */
function wantsTopValuesChart(c: ColumnProfile, hasHistogram: boolean): boolean {
  return TOP_VALUES_ROLES.has(c.role) || !hasHistogram;
}

function histogramChart(c: ColumnProfile): string | null {
  const bins = c.numeric?.histogram ?? [];
  if (!bins.some((b) => b.count > 0)) return null;
  const labels = bins.map((b) =>
    b.lo === b.hi ? formatCompact(b.lo) : `${formatCompact(b.lo)}–${formatCompact(b.hi)}`,
  );
  return renderChart(
    {
      grid: { left: 56, right: 12, top: 12, bottom: 44 },
      xAxis: {
        type: 'category',
        data: labels,
        axisTick: { show: false },
        axisLabel: { hideOverlap: true, fontSize: 10 },
      },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatCompact(v), fontSize: 10 } },
      series: [
        {
          type: 'bar',
          data: bins.map((b) => b.count),
          barCategoryGap: '4%',
          itemStyle: { color: BAR_COLOR },
          silent: true,
        },
      ],
    },
    CHART_WIDTH,
    220,
    `Histogram of ${c.name}`,
  );
}

function topValuesChart(c: ColumnProfile): string | null {
  const values = c.topValues.filter((v) => v.value !== null && v.count > 0).slice(0, MAX_TOP_VALUES);
  if (values.length === 0) return null;
  const height = 24 + values.length * 24;
  return renderChart(
    {
      grid: { left: 150, right: 56, top: 8, bottom: 16 },
      xAxis: { type: 'value', show: false },
      yAxis: {
        type: 'category',
        inverse: true,
        data: values.map((v) => valueLabel(v.value)),
        axisTick: { show: false },
        axisLabel: { fontSize: 11, width: 140, overflow: 'truncate' },
      },
      series: [
        {
          type: 'bar',
          data: values.map((v) => v.count),
          barCategoryGap: '25%',
          itemStyle: { color: BAR_COLOR },
          label: {
            show: true,
            position: 'right',
            fontSize: 10,
            formatter: (p: { value: unknown }) => formatCount(Number(p.value)),
          },
          silent: true,
        },
      ],
    },
    CHART_WIDTH,
    height,
    `Top values of ${c.name}`,
  );
}

function heatmapChart(columns: string[], matrix: (number | null)[][], title: string): string {
  const n = columns.length;
  // About 380 px of cells, so the two maps sit side by side up to ~30 columns.
  const cell = Math.max(8, Math.min(44, Math.floor(380 / n)));
  const labelSpace = 130;
  const data: [number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = matrix[i]?.[j];
      if (typeof v === 'number' && Number.isFinite(v)) data.push([j, i, v]);
    }
  }
  const labels = columns.map((c) => truncate(c, 20));
  const fontSize = cell >= 16 ? 11 : 9;
  // Every label while they fit; below that ECharts skips some.
  const interval = cell >= 11 ? 0 : 'auto';
  return renderChart(
    {
      grid: { left: labelSpace, right: 8, top: 8, bottom: labelSpace - 30 },
      xAxis: {
        type: 'category',
        data: labels,
        axisTick: { show: false },
        axisLine: { show: false },
        axisLabel: { rotate: 50, interval, fontSize },
      },
      yAxis: {
        type: 'category',
        data: labels,
        inverse: true,
        axisTick: { show: false },
        axisLine: { show: false },
        axisLabel: { interval, fontSize },
      },
      visualMap: { show: false, min: -1, max: 1, dimension: 2, inRange: { color: DIVERGING } },
      series: [
        {
          type: 'heatmap',
          data,
          silent: true,
          label: {
            show: n <= 12,
            fontSize: 10,
            formatter: (p: { value: unknown }) => formatCorrelation((p.value as number[])[2] ?? null),
          },
        },
      ],
    },
    labelSpace + n * cell + 8,
    8 + n * cell + labelSpace - 30,
    title,
  );
}

const CSS = `
:root { color-scheme: light; --fg: #1d2330; --muted: #6b7280; --line: #e3e6ec; --bg-alt: #f6f7f9; --accent: #4a72c4; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 20px 64px; }
h1 { font-size: 24px; margin: 0 0 16px; }
h2 { font-size: 19px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 0 0 8px; }
h4 { font-size: 13px; margin: 0 0 6px; color: var(--muted); font-weight: 600; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code.json { word-break: break-all; }
.name { overflow-wrap: anywhere; }
.muted, .count { color: var(--muted); font-weight: normal; }
.tag { display: inline-block; font-size: 11px; font-weight: 600; padding: 1px 7px; border-radius: 9px; background: #e8edf7; color: #33508f; vertical-align: middle; }
.tag.type { background: #eef0f3; color: #4b5563; }
.tag.key { background: #fdf0d5; color: #8a5a00; }
table { border-collapse: collapse; }
table.kv th { text-align: left; font-weight: 500; color: var(--muted); padding: 2px 14px 2px 0; white-space: nowrap; vertical-align: top; }
table.kv td { padding: 2px 0; font-variant-numeric: tabular-nums; }
table.grid { width: auto; }
table.grid th, table.grid td { border-bottom: 1px solid var(--line); padding: 4px 10px 4px 0; text-align: left; vertical-align: top; }
table.grid thead th { font-weight: 600; font-size: 12px; color: var(--muted); }
table.grid td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.grid td.value { max-width: 320px; overflow-wrap: anywhere; }
table.warnings td:nth-child(3) { min-width: 260px; }
table.warnings td:nth-child(4) { max-width: 360px; }
table.index { width: 100%; }
section.column { margin-top: 18px; padding: 16px; border: 1px solid var(--line); border-radius: 8px; }
.col-warnings { margin: 0 0 10px; padding-left: 18px; color: #8a3b12; }
.row { display: flex; flex-wrap: wrap; gap: 16px 32px; align-items: flex-start; }
.row.charts { margin-top: 12px; }
figure { margin: 0; }
figcaption { font-size: 12px; color: var(--muted); margin-bottom: 2px; }
svg { display: block; max-width: 100%; height: auto; }
.legend { display: flex; gap: 8px; align-items: center; font-size: 12px; margin: 4px 0 8px; }
.legend .ramp { display: inline-block; width: 160px; height: 10px; border-radius: 2px; background: linear-gradient(to right, ${DIVERGING.join(', ')}); }
.top { margin: 10px 0 0; font-size: 12px; }
@media print { section.column { break-inside: avoid; } }
`
  .trim()
  .replace(/\n\s*/g, '\n');
