/**
 * Shared pieces of the self-contained HTML reports (the profile and the run report): one
 * ECharts chart rendered on the server to an inline SVG string, and a key-value table.
 * Charts are drawn without a browser, so the reports carry no script and fetch nothing.
 */
import { type EChartsCoreOption, init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { escapeHtml } from '../profile/reportFormat.ts';

use([SVGRenderer]);

/**
 * One chart as an SVG string; the instance is always disposed (it holds timers otherwise).
 * The caller registers (echarts `use`) the chart types and components its option needs.
 */
export function renderChart(option: EChartsCoreOption, width: number, height: number, label: string): string {
  const chart = init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, ...option });
    return tidySvg(chart.renderToSVGString(), label);
  } finally {
    chart.dispose();
  }
}

/**
 * Drops what only serves interaction in a browser (hover styles, event metadata) to keep the
 * document small, and labels the chart for screen readers. Text from the data reaches the SVG
 * escaped by ECharts (quotes included), so these patterns only meet markup.
 */
export function tidySvg(svg: string, label: string): string {
  return svg
    .replace(/<style\s*>[\s\S]*?<\/style>/g, '')
    .replace(/ ecmeta_[a-z_]+="[^"]*"/g, '')
    .replace(/ class="zr\d+-cls-\d+"/g, '')
    .replace(/ pointer-events="visible"/g, '')
    .replace(/\n+/g, '\n')
    .replace(/^<svg /, `<svg role="img" aria-label="${escapeHtml(label)}" `)
    .trim();
}

/** A two-column table of label and value; both are HTML already (escape data before). */
export function keyValueTable(rows: [string, string][]): string {
  return `<table class="kv">\n${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('\n')}\n</table>`;
}
