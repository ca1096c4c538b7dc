import type { EChartsCoreOption } from 'echarts/core';
import type { Report } from '../results/types.ts';

/** echarts options built from a run's report: pure functions, tested without a browser. */

const TIER_COLOURS: Record<string, string> = {
  Low: '#40c057',
  Moderate: '#fab005',
  High: '#fd7e14',
  Critical: '#fa5252',
};

/**
 * Model selection per k: the chosen algorithm's silhouette, the k-means inertia (the elbow) and,
 * when Gaussian mixtures were tried, their BIC (lower is better), each on an axis of its own.
 */
export function selectionOption(
  report: Report,
  labels: { silhouette: string; inertia: string; bic?: string },
): EChartsCoreOption {
  const sil = report.segmentation.selection.filter((s) => s.algorithm === report.segmentation.algorithm);
  const bic = report.segmentation.selection
    .filter((s) => s.bic !== null)
    .sort((a, b) => a.k - b.k)
    .map((s) => [s.k, s.bic]);
  const withBic = bic.length > 0 && labels.bic !== undefined;
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 50, right: withBic ? 110 : 50, top: 40, bottom: 30 },
    xAxis: { type: 'value', name: 'k', minInterval: 1 },
    yAxis: [
      { type: 'value', name: labels.silhouette },
      { type: 'value', name: labels.inertia, splitLine: { show: false } },
      ...(withBic
        ? [{ type: 'value', name: labels.bic, offset: 60, scale: true, splitLine: { show: false } }]
        : []),
    ],
    series: [
      { name: labels.silhouette, type: 'line', data: sil.map((s) => [s.k, s.silhouette]) },
      {
        name: labels.inertia,
        type: 'line',
        yAxisIndex: 1,
        data: report.segmentation.elbowCurve.map((e) => [e.k, e.inertia]),
      },
      ...(withBic ? [{ name: labels.bic, type: 'line', yAxisIndex: 2, data: bic }] : []),
    ],
  };
}

export function viewOption(
  view: Report['segmentation']['views'][number],
  names: Map<number, string>,
): EChartsCoreOption {
  const ids = [...new Set(view.segment)].sort((a, b) => a - b);
  return {
    tooltip: { trigger: 'item' },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 40, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'value', scale: true },
    yAxis: { type: 'value', scale: true },
    series: ids.map((id) => ({
      name: names.get(id) ?? String(id),
      type: 'scatter',
      symbolSize: 4,
      data: view.x.flatMap((x, i) => (view.segment[i] === id ? [[x, view.y[i]]] : [])),
    })),
  };
}

export function riskBySegmentOption(
  report: Report,
  names: Map<number, string>,
  tierLabel: (tier: string) => string,
): EChartsCoreOption | null {
  if (!report.churn) return null;
  const rows = report.churn.bySegment;
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 160, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'value' },
    yAxis: { type: 'category', data: rows.map((r) => names.get(r.segment) ?? String(r.segment)) },
    series: ['Low', 'Moderate', 'High', 'Critical'].map((tier) => ({
      name: tierLabel(tier),
      type: 'bar',
      stack: 'tiers',
      itemStyle: { color: TIER_COLOURS[tier] },
      data: rows.map((r) => r.tiers[tier] ?? 0),
    })),
  };
}

export function churnByGroupOption(
  group: NonNullable<Report['churn']>['byGroup'][number],
  label: string,
): EChartsCoreOption {
  const rows = [...group.rows].sort((a, b) => b.meanProbability - a.meanProbability).slice(0, 25);
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 180, right: 20, top: 20, bottom: 30 },
    xAxis: { type: 'value', max: 1, name: label },
    yAxis: { type: 'category', data: rows.map((r) => r.value), inverse: true },
    series: [{ name: label, type: 'bar', data: rows.map((r) => Number(r.meanProbability.toFixed(3))) }],
  };
}

export interface Histogram {
  lo: number;
  hi: number;
  count: number;
}

export function histogramOption(
  bins: Histogram[],
  format: (n: number) => string,
  label: string,
): EChartsCoreOption {
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 50, right: 20, top: 20, bottom: 50 },
    xAxis: {
      type: 'category',
      data: bins.map((b) => `${format(b.lo)} – ${format(b.hi)}`),
      axisLabel: { rotate: 30 },
    },
    yAxis: { type: 'value', name: label },
    series: [{ name: label, type: 'bar', barCategoryGap: '5%', data: bins.map((b) => b.count) }],
  };
}

/** A correlation matrix as a heatmap from -1 (blue) to 1 (red); missing cells stay empty. */
export function correlationOption(columns: string[], matrix: (number | null)[][]): EChartsCoreOption {
  const data: [number, number, number][] = [];
  matrix.forEach((row, i) => {
    row.forEach((v, j) => {
      if (v !== null && Number.isFinite(v)) data.push([j, i, Number(v.toFixed(2))]);
    });
  });
  return {
    tooltip: { position: 'top' },
    grid: { left: 200, right: 30, top: 10, bottom: 160 },
    xAxis: { type: 'category', data: columns, axisLabel: { rotate: 60, fontSize: 10 } },
    yAxis: { type: 'category', data: columns, axisLabel: { fontSize: 10 } },
    visualMap: {
      min: -1,
      max: 1,
      calculable: true,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      inRange: { color: ['#1c7ed6', '#f8f9fa', '#e03131'] },
    },
    series: [{ type: 'heatmap', data }],
  };
}

/**
 * The churn probability histogram: `bins` equal bins over [0, 1], each bar stacked by the
 * customers' risk tier, so the tier bands show whatever thresholds the run used.
 */
export function churnHistogramOption(
  scores: { probability: number; tier: string }[],
  tierLabel: (tier: string) => string,
  bins = 20,
): EChartsCoreOption {
  const tiers = ['Low', 'Moderate', 'High', 'Critical'];
  const counts = tiers.map(() => new Array<number>(bins).fill(0));
  for (const s of scores) {
    const t = tiers.indexOf(s.tier);
    if (t < 0 || !Number.isFinite(s.probability)) continue;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(s.probability * bins)));
    counts[t]![b]!++;
  }
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 50, right: 20, top: 40, bottom: 30 },
    xAxis: {
      type: 'category',
      data: Array.from({ length: bins }, (_, i) => `${Math.round((i * 100) / bins)}%`),
    },
    yAxis: { type: 'value' },
    series: tiers.map((tier, t) => ({
      name: tierLabel(tier),
      type: 'bar',
      stack: 'tiers',
      barCategoryGap: '5%',
      itemStyle: { color: TIER_COLOURS[tier] },
      data: counts[t],
    })),
  };
}
