import type { EChartsCoreOption } from 'echarts/core';
import type { ChartResult, ChartSpec } from './types.ts';

/** What the chart's labels need from the page: names in the person's language, numbers in the locale. */
export interface OptionLabels {
  customers: string;
  missing: string;
  format: (n: number) => string;
  /** The measure's name for bars and lines (count, mean of x, churn rate). */
  value: string;
}

const round = (n: number) => Number(n.toPrecision(4));

/** The segment's name as the run (or the person's team) gives it. */
function segmentNamer(result: ChartResult): (id: number) => string {
  const names = new Map(result.segments.map((s) => [s.id, s.name]));
  return (id) => names.get(id) ?? `Segment ${id}`;
}

/**
 * An echarts option for any chart the builder computes. Knows the shapes of ChartData and
 * nothing of the page: the caller passes labels.
 */
export function builderOption(result: ChartResult, spec: ChartSpec, labels: OptionLabels): EChartsCoreOption {
  const name = segmentNamer(result);
  // A segment category arrives as the segment's number: shown by its name.
  const category = (field: string | undefined) => (l: string | null) =>
    l === null ? labels.missing : field === 'segment' && /^\d+$/.test(l) ? name(Number(l)) : l;
  const data = result.data;
  switch (data.kind) {
    case 'histogram':
      return {
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        grid: { left: 60, right: 20, top: 40, bottom: 60 },
        xAxis: {
          type: 'category',
          data: data.bins.map((b) => `${labels.format(b.from)} – ${labels.format(b.to)}`),
          axisLabel: { rotate: 30 },
        },
        yAxis: { type: 'value', name: labels.customers },
        series: data.series.map((s) => ({
          name: name(s.segment),
          type: 'bar',
          stack: 'segments',
          barCategoryGap: '5%',
          data: s.counts,
        })),
      };
    case 'box':
      return {
        tooltip: { trigger: 'item' },
        grid: { left: 10, right: 20, top: 20, bottom: 10, containLabel: true },
        xAxis: {
          type: 'category',
          data: data.boxes.map((b) => name(b.segment)),
          axisLabel: { interval: 0, width: 140, overflow: 'truncate' },
        },
        yAxis: { type: 'value', scale: true },
        series: [
          {
            type: 'boxplot',
            data: data.boxes.map((b) => [b.min, b.q1, b.median, b.q3, b.max].map(round)),
          },
        ],
      };
    case 'bar': {
      const label = category(spec.kind === 'bar' ? spec.category : undefined);
      return {
        tooltip: { trigger: 'axis' },
        // Labels fit in the grid, cut at 160 px: segment names run long.
        grid: { left: 10, right: 30, top: 20, bottom: 40, containLabel: true },
        xAxis: { type: 'value', name: labels.value, nameLocation: 'middle', nameGap: 28 },
        yAxis: {
          type: 'category',
          data: data.bars.map((b) => label(b.label)),
          inverse: true,
          axisLabel: { width: 160, overflow: 'truncate' },
        },
        series: [
          {
            name: labels.value,
            type: 'bar',
            data: data.bars.map((b) => (b.value === null ? null : round(b.value))),
          },
        ],
      };
    }
    case 'scatter': {
      const bySegment = new Map<number, [number, number][]>();
      for (const p of data.points) {
        let list = bySegment.get(p.segment);
        if (!list) {
          list = [];
          bySegment.set(p.segment, list);
        }
        list.push([p.x, p.y]);
      }
      return {
        tooltip: { trigger: 'item' },
        legend: { top: 0 },
        grid: { left: 60, right: 20, top: 40, bottom: 40 },
        xAxis: { type: 'value', scale: true },
        yAxis: { type: 'value', scale: true },
        series: [...bySegment]
          .sort((a, b) => a[0] - b[0])
          .map(([segment, points]) => ({
            name: name(segment),
            type: 'scatter',
            symbolSize: 5,
            data: points,
          })),
      };
    }
    case 'heatmap': {
      const max = data.cells.reduce((m, c) => Math.max(m, c.count), 0);
      const xLabel = category(spec.kind === 'heatmap' ? spec.x.field : undefined);
      const yLabel = category(spec.kind === 'heatmap' ? spec.y.field : undefined);
      return {
        tooltip: { position: 'top' },
        grid: { left: 10, right: 30, top: 10, bottom: 60, containLabel: true },
        xAxis: {
          type: 'category',
          data: data.x.map(xLabel),
          axisLabel: { rotate: 30, width: 120, overflow: 'truncate' },
        },
        yAxis: {
          type: 'category',
          data: data.y.map(yLabel),
          axisLabel: { width: 160, overflow: 'truncate' },
        },
        visualMap: {
          min: 0,
          max: Math.max(1, max),
          calculable: true,
          orient: 'horizontal',
          left: 'center',
          bottom: 0,
        },
        series: [
          { type: 'heatmap', name: labels.customers, data: data.cells.map((c) => [c.x, c.y, c.count]) },
        ],
      };
    }
    case 'line':
      return {
        tooltip: { trigger: 'axis' },
        grid: { left: 60, right: 20, top: 20, bottom: 40 },
        xAxis: { type: 'category', data: data.points.map((p) => p.month) },
        yAxis: { type: 'value', name: labels.value, scale: true },
        series: [
          {
            name: labels.value,
            type: 'line',
            data: data.points.map((p) => (p.value === null ? null : round(p.value))),
          },
        ],
      };
  }
}
