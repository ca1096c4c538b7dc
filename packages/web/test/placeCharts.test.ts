import { describe, expect, it } from 'vitest';
import { type PlaceGroup, placeBarsOption, placeMapOption } from '../src/features/charts/placeOptions.ts';

const row = (value: string, p: number, over: Partial<PlaceGroup['rows'][number]> = {}) => ({
  value,
  customers: 10,
  meanProbability: p,
  highOrCritical: 2,
  observedRate: null,
  latitude: null,
  longitude: null,
  ...over,
});

const labels = { expected: 'expected', observed: 'observed', longitude: 'LONGITUD', latitude: 'LATITUD' };

interface Bars {
  yAxis: { data: string[]; inverse: boolean };
  series: { name: string; type: string; data: (number | null)[] }[];
}

describe('churn by store and region', () => {
  it('draws a bar per place in the order given (highest risk first), with the observed rate where known', () => {
    const group: PlaceGroup = {
      kind: 'store',
      column: 'TIENDA',
      places: 3,
      rows: [
        row('Centro', 0.61234, { observedRate: 0.5 }),
        row('Puerto', 0.3, { observedRate: null }),
        row('(missing)', 0.1, { observedRate: 0.25 }),
      ],
    };
    const option = placeBarsOption(group, labels) as unknown as Bars;
    expect(option.yAxis).toMatchObject({ data: ['Centro', 'Puerto', '(missing)'], inverse: true });
    expect(option.series.map((s) => s.name)).toEqual(['expected', 'observed']);
    expect(option.series[0]!.data).toEqual([0.612, 0.3, 0.1]);
    expect(option.series[1]!.data).toEqual([0.5, null, 0.25]);
  });

  it('leaves the observed series out when the file has no target, and shows at most 25 places', () => {
    const rows = Array.from({ length: 40 }, (_, i) => row(`store ${i}`, 1 - i / 40));
    const option = placeBarsOption(
      { kind: 'location', column: 'REGION', places: 60, rows },
      labels,
    ) as unknown as Bars;
    expect(option.series).toHaveLength(1);
    expect(option.yAxis.data).toHaveLength(25);
    expect(option.yAxis.data[0]).toBe('store 0');
  });

  it('maps places only when they have coordinates: longitude across, latitude up, size by customers', () => {
    const none: PlaceGroup = {
      kind: 'store',
      column: 'TIENDA',
      places: 2,
      rows: [row('A', 0.2), row('B', 0.4)],
    };
    expect(placeMapOption(none, labels)).toBeNull();
    const located: PlaceGroup = {
      kind: 'store',
      column: 'TIENDA',
      places: 3,
      rows: [
        row('Centro', 0.5, { latitude: -33.45, longitude: -70.66, customers: 400 }),
        row('Puerto', 0.3, { latitude: -33.04, longitude: -71.62, customers: 100 }),
        row('(missing)', 0.8),
      ],
    };
    const option = placeMapOption(located, labels) as {
      xAxis: { name: string };
      yAxis: { name: string };
      visualMap: { dimension: number; min: number; max: number };
      series: {
        type: string;
        symbolSize: (v: number[]) => number;
        data: { name: string; value: number[] }[];
      }[];
    };
    expect(option.xAxis.name).toBe('LONGITUD');
    expect(option.yAxis.name).toBe('LATITUD');
    // The colour scale spans the located places' risks (0.3 and 0.5), not 0-1.
    expect(option.visualMap).toMatchObject({ dimension: 2, min: 0.3, max: 0.5 });
    const single = placeMapOption({ ...located, rows: [located.rows[0]!] }, labels) as typeof option;
    expect(single.visualMap).toMatchObject({ min: 0.45, max: 0.55 });
    const [points] = option.series;
    expect(points!.type).toBe('scatter');
    // The place without coordinates is left out, not put at (0, 0).
    expect(points!.data).toEqual([
      { name: 'Centro', value: [-70.66, -33.45, 0.5, 400] },
      { name: 'Puerto', value: [-71.62, -33.04, 0.3, 100] },
    ]);
    expect(points!.symbolSize([0, 0, 0, 400])).toBe(30);
    expect(points!.symbolSize([0, 0, 0, 100])).toBe(19);
  });
});
