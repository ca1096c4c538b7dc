import type { EChartsCoreOption } from 'echarts/core';
import type { Segment } from '../../api/types.ts';

/** Colours of a driver whose values are higher / lower in the segment than in the whole base. */
export const DIRECTION_COLOURS = { higher: '#12b886', lower: '#ae3ec9' } as const;

/**
 * A segment's drivers as a horizontal bar chart: mean |SHAP| of the segment model per feature
 * (the log-odds of being in this segment), largest on top, coloured by whether the feature is
 * higher or lower in the segment. Two stacked series, one per direction, so the legend names them.
 */
export function driversOption(
  drivers: Segment['drivers'],
  labels: { importance: string; higher: string; lower: string },
  top = 8,
): EChartsCoreOption {
  const shown = [...drivers].sort((a, b) => b.importance - a.importance).slice(0, top);
  const value = (d: Segment['drivers'][number], direction: string) =>
    d.direction === direction ? Number(d.importance.toPrecision(3)) : null;
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 10, right: 30, top: 30, bottom: 30, containLabel: true },
    xAxis: { type: 'value', name: labels.importance, nameLocation: 'middle', nameGap: 24 },
    yAxis: { type: 'category', data: shown.map((d) => d.feature), inverse: true },
    series: (['higher', 'lower'] as const).map((direction) => ({
      name: labels[direction],
      type: 'bar',
      stack: 'drivers',
      itemStyle: { color: DIRECTION_COLOURS[direction] },
      data: shown.map((d) => value(d, direction)),
    })),
  };
}
