import type { EChartsCoreOption } from 'echarts/core';

/** GET /api/datasets/:id/churn/places */
export interface PlaceRow {
  value: string;
  customers: number;
  meanProbability: number;
  highOrCritical: number;
  observedRate: number | null;
  latitude: number | null;
  longitude: number | null;
}
export interface PlaceGroup {
  kind: 'store' | 'location';
  column: string;
  places: number;
  rows: PlaceRow[];
}
export interface ChurnByPlace {
  runId: string;
  groups: PlaceGroup[];
  coordinates: { latitude: string; longitude: string } | null;
}

/** Places shown in one bar chart (the highest risk first; the server sends up to 50). */
export const PLACES_SHOWN = 25;

const round = (x: number) => Number(x.toFixed(3));

/**
 * Churn per place as horizontal bars, highest expected churn on top: the mean churn probability
 * (what the model expects) and, where the file says who churned, the observed rate beside it.
 */
export function placeBarsOption(
  group: PlaceGroup,
  labels: { expected: string; observed: string },
): EChartsCoreOption {
  const rows = group.rows.slice(0, PLACES_SHOWN);
  const observed = rows.some((r) => r.observedRate !== null);
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 10, right: 30, top: 30, bottom: 20, containLabel: true },
    xAxis: { type: 'value', min: 0, max: 1 },
    yAxis: { type: 'category', data: rows.map((r) => r.value), inverse: true },
    series: [
      { name: labels.expected, type: 'bar', data: rows.map((r) => round(r.meanProbability)) },
      ...(observed
        ? [
            {
              name: labels.observed,
              type: 'bar',
              data: rows.map((r) => (r.observedRate === null ? null : round(r.observedRate))),
            },
          ]
        : []),
    ],
  };
}

/**
 * The places on their coordinates (mean latitude and longitude of their customers): a point per
 * place, its area by customers, its colour by expected churn. Plain axes, no base map: the app
 * draws offline and ships no map tiles or borders. Null when no place has coordinates.
 */
export function placeMapOption(
  group: PlaceGroup,
  labels: { longitude: string; latitude: string; expected: string },
): EChartsCoreOption | null {
  const located = group.rows.filter((r) => r.latitude !== null && r.longitude !== null);
  if (located.length === 0) return null;
  const most = Math.max(...located.map((r) => r.customers));
  // The colours span the places' own range: stores differ by a few points of churn, and on a
  // fixed 0-1 scale they all looked alike. A single value gets a band of 0.05 around it.
  const risks = located.map((r) => r.meanProbability);
  let lo = Math.floor(Math.min(...risks) * 100) / 100;
  let hi = Math.ceil(Math.max(...risks) * 100) / 100;
  if (hi - lo < 0.01) {
    lo = Math.max(0, lo - 0.05);
    hi = Math.min(1, hi + 0.05);
  }
  return {
    tooltip: { trigger: 'item' },
    grid: { left: 60, right: 90, top: 20, bottom: 40 },
    xAxis: { type: 'value', scale: true, name: labels.longitude, nameLocation: 'middle', nameGap: 26 },
    yAxis: { type: 'value', scale: true, name: labels.latitude },
    visualMap: {
      dimension: 2,
      min: lo,
      max: hi,
      right: 0,
      top: 'middle',
      calculable: true,
      text: [labels.expected, ''],
      inRange: { color: ['#40c057', '#fab005', '#fa5252'] },
    },
    series: [
      {
        type: 'scatter',
        name: group.column,
        symbolSize: (v: number[]) => 8 + 22 * Math.sqrt((v[3] ?? 0) / most),
        data: located.map((r) => ({
          name: r.value,
          value: [r.longitude, r.latitude, round(r.meanProbability), r.customers],
        })),
      },
    ],
  };
}
