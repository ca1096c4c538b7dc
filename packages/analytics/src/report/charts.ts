/**
 * The run report's charts: ECharts rendered on the server to inline SVG (renderChart), and the
 * 2-D scatter views drawn by hand, because ECharts writes one element per point and a view of
 * a few thousand points would weigh hundreds of kilobytes; here a point costs ~10 bytes.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent } from 'echarts/components';
import { use } from 'echarts/core';
import { escapeHtml, truncate } from '../profile/reportFormat.ts';
import type { Formats } from './format.ts';
import { renderChart as renderEChart } from './html.ts';

use([BarChart, LineChart, GridComponent, LegendComponent]);

/** Categorical colours for segments (ECharts' palette, readable on white and in print). */
export const SEGMENT_COLORS = [
  '#5470c6',
  '#91cc75',
  '#fac858',
  '#ee6666',
  '#73c0de',
  '#3ba272',
  '#fc8452',
  '#9a60b4',
  '#ea7ccc',
  '#8d6e63',
  '#2f4554',
  '#c4ccd3',
];
/** Points outside every segment (DBSCAN noise, id < 0). */
export const NOISE_COLOR = '#9ca3af';
export const BAR_COLOR = '#4a72c4';
export const CHART_WIDTH = 680;

export function segmentColor(id: number): string {
  return id < 0 ? NOISE_COLOR : SEGMENT_COLORS[id % SEGMENT_COLORS.length]!;
}

const AXIS_FONT = 11;

/**
 * renderChart without the SVG namespace declarations: inline SVG in HTML needs none, and so
 * the document holds no address at all (not even the namespace URIs).
 */
function renderChart(...args: Parameters<typeof renderEChart>): string {
  return renderEChart(...args)
    .replace(/ xmlns(:\w+)?="[^"]*"/g, '')
    .replace(/ version="1\.1"/, '');
}

/** One line per algorithm: y against k; gaps where y is null. The chosen point is ringed. */
export function selectionChart(
  rows: { algorithm: string; k: number; y: number | null }[],
  chosen: { algorithm: string; k: number },
  fmt: Formats,
  yName: string,
  xName: string,
  label: string,
): string {
  const algorithms = [...new Set(rows.map((r) => r.algorithm))];
  const series: object[] = algorithms.map((a, i) => ({
    type: 'line',
    name: a,
    data: rows
      .filter((r) => r.algorithm === a)
      .sort((p, q) => p.k - q.k)
      .map((r) => [r.k, r.y]),
    connectNulls: false,
    symbolSize: 5,
    lineStyle: { width: 2 },
    itemStyle: { color: SEGMENT_COLORS[i % SEGMENT_COLORS.length] },
    silent: true,
  }));
  const best = rows.find((r) => r.algorithm === chosen.algorithm && r.k === chosen.k);
  if (best && best.y !== null) {
    series.push({
      type: 'line',
      data: [[best.k, best.y]],
      symbol: 'circle',
      symbolSize: 14,
      itemStyle: { color: 'transparent', borderColor: '#1d2330', borderWidth: 2 },
      lineStyle: { opacity: 0 },
      silent: true,
    });
  }
  return renderChart(
    {
      legend: { data: algorithms, top: 0, textStyle: { fontSize: AXIS_FONT } },
      grid: { left: 56, right: 16, top: 36, bottom: 40 },
      xAxis: {
        type: 'value',
        name: xName,
        nameLocation: 'middle',
        nameGap: 26,
        min: 'dataMin',
        max: 'dataMax',
        minInterval: 1,
        axisLabel: { fontSize: AXIS_FONT },
      },
      yAxis: {
        type: 'value',
        name: yName,
        scale: true,
        axisLabel: { fontSize: AXIS_FONT, formatter: (v: number) => fmt.number(v, 2) },
      },
      series,
    },
    CHART_WIDTH,
    300,
    label,
  );
}

/** Horizontal bars, one per label, largest first as given; values labelled at the bar ends. */
export function barChart(
  labels: string[],
  values: number[],
  format: (v: number) => string,
  label: string,
  colors?: string[],
): string {
  const height = 24 + labels.length * 26;
  return renderChart(
    {
      grid: { left: 190, right: 72, top: 8, bottom: 12 },
      xAxis: { type: 'value', show: false },
      yAxis: {
        type: 'category',
        inverse: true,
        data: labels.map((l) => truncate(l, 30)),
        axisTick: { show: false },
        axisLabel: { fontSize: AXIS_FONT, width: 180, overflow: 'truncate' },
      },
      series: [
        {
          type: 'bar',
          data: values.map((v, i) => ({ value: v, itemStyle: { color: colors?.[i] ?? BAR_COLOR } })),
          barCategoryGap: '25%',
          label: {
            show: true,
            position: 'right',
            fontSize: AXIS_FONT - 1,
            formatter: (p: { value: unknown }) => format(Number(p.value)),
          },
          silent: true,
        },
      ],
    },
    CHART_WIDTH,
    height,
    label,
  );
}

/** Expected revenue per month with its interval as a shaded band. */
export function forecastChart(
  points: { month: string; mean: number; lower: number; upper: number }[],
  fmt: Formats,
  names: { expected: string; interval: string },
  label: string,
): string {
  const months = points.map((p) => fmt.month(p.month));
  return renderChart(
    {
      legend: { data: [names.expected, names.interval], top: 0, textStyle: { fontSize: AXIS_FONT } },
      grid: { left: 64, right: 20, top: 36, bottom: 32 },
      xAxis: {
        type: 'category',
        data: months,
        boundaryGap: false,
        axisLabel: { fontSize: AXIS_FONT, hideOverlap: true },
      },
      yAxis: { type: 'value', axisLabel: { fontSize: AXIS_FONT, formatter: (v: number) => fmt.compact(v) } },
      series: [
        // The band: the lower bound (invisible) with the width of the interval stacked on it.
        {
          type: 'line',
          data: points.map((p) => p.lower),
          stack: 'band',
          symbol: 'none',
          lineStyle: { opacity: 0 },
          silent: true,
        },
        {
          type: 'line',
          name: names.interval,
          data: points.map((p) => p.upper - p.lower),
          stack: 'band',
          symbol: 'none',
          lineStyle: { opacity: 0 },
          areaStyle: { color: '#c9d6f2' },
          itemStyle: { color: '#c9d6f2' },
          silent: true,
        },
        {
          type: 'line',
          name: names.expected,
          data: points.map((p) => p.mean),
          symbolSize: 6,
          lineStyle: { width: 2, color: BAR_COLOR },
          itemStyle: { color: BAR_COLOR },
          silent: true,
        },
      ],
    },
    CHART_WIDTH,
    280,
    label,
  );
}

/**
 * A 2-D view as a small SVG: one path per segment whose zero-length round-capped strokes are
 * the dots, coordinates scaled to whole pixels. At most `maxPoints` points (evenly strided).
 */
export function scatterSvg(
  view: { x: number[]; y: number[]; segment: number[] },
  label: string,
  size = 320,
  maxPoints = 3000,
): string {
  const n = Math.min(view.x.length, view.y.length, view.segment.length);
  const stride = Math.max(1, Math.ceil(n / maxPoints));
  let x0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i += stride) {
    const x = view.x[i]!;
    const y = view.y[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  const pad = 8;
  const span = size - 2 * pad;
  const sx = x1 > x0 ? span / (x1 - x0) : 0;
  const sy = y1 > y0 ? span / (y1 - y0) : 0;
  const paths = new Map<number, string[]>();
  for (let i = 0; i < n; i += stride) {
    const x = view.x[i]!;
    const y = view.y[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const px = Math.round(pad + (x - x0) * sx);
    const py = Math.round(size - pad - (y - y0) * sy);
    const s = view.segment[i]!;
    let d = paths.get(s);
    if (!d) {
      d = [];
      paths.set(s, d);
    }
    d.push(`M${px} ${py}h0`);
  }
  const groups = [...paths.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([s, d]) => `<path stroke="${segmentColor(s)}" d="${d.join('')}"/>`);
  return [
    `<svg role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 ${size} ${size}" width="${size}" height="${size}" class="scatter">`,
    `<rect x="0.5" y="0.5" width="${size - 1}" height="${size - 1}" fill="#fff" stroke="#e3e6ec"/>`,
    `<g fill="none" stroke-width="4" stroke-linecap="round" stroke-opacity="0.75">`,
    ...groups,
    '</g>',
    '</svg>',
  ].join('\n');
}
