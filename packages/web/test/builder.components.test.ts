import { describe, expect, it } from 'vitest';
import {
  type BuilderForm,
  defaultTitle,
  fieldChoices,
  initialForm,
  toSpec,
} from '../src/features/builder/builderForm.ts';
import { builderOption } from '../src/features/builder/builderOption.ts';
import type { ChartFields, ChartResult } from '../src/features/builder/types.ts';

const fields: ChartFields = {
  builtIn: {
    numeric: ['churn_probability'],
    categories: ['segment', 'risk_tier', 'store', 'location', 'insider'],
  },
  attributes: [
    { name: 'age', numeric: true, date: false, distinct: 60 },
    { name: 'joined', numeric: false, date: true, distinct: 200 },
    { name: 'plan', numeric: false, date: false, distinct: 3 },
    { name: 'email_text', numeric: false, date: false, distinct: 5000 },
  ],
};
const labels = {
  customers: 'Customers',
  missing: '(missing)',
  format: (n: number) => String(n),
  value: 'Customers',
};

describe('chart builder, form to spec', () => {
  const choices = fieldChoices(fields);

  it('offers numbers, categories with few values and dates', () => {
    expect(choices).toEqual({
      numeric: ['churn_probability', 'age'],
      categories: ['segment', 'risk_tier', 'store', 'location', 'insider', 'plan'],
      dates: ['joined'],
    });
  });

  it('each kind makes its spec; segments and filters ride along; missing fields make none', () => {
    const form: BuilderForm = initialForm(choices);
    expect(toSpec(form, {}, choices.numeric)).toEqual({ kind: 'box', field: 'churn_probability' });
    expect(
      toSpec(
        { ...form, kind: 'histogram', field: 'age', bins: 8 },
        { segments: [1, 2], riskTiers: ['High'] },
        choices.numeric,
      ),
    ).toEqual({
      kind: 'histogram',
      field: 'age',
      bins: 8,
      segments: [1, 2],
      filter: { riskTiers: ['High'] },
    });
    expect(
      toSpec({ ...form, kind: 'bar', category: 'plan', measure: 'mean', field: 'age' }, {}, choices.numeric),
    ).toEqual({
      kind: 'bar',
      category: 'plan',
      measure: 'mean',
      field: 'age',
    });
    expect(toSpec({ ...form, kind: 'bar', category: 'plan', measure: 'count' }, {}, choices.numeric)).toEqual(
      {
        kind: 'bar',
        category: 'plan',
        measure: 'count',
      },
    );
    expect(toSpec({ ...form, kind: 'heatmap', x: 'plan', y: 'age', yBins: 0 }, {}, choices.numeric)).toEqual({
      kind: 'heatmap',
      x: { field: 'plan' },
      y: { field: 'age', bins: 10 },
    });
    expect(
      toSpec({ ...form, kind: 'line', date: 'joined', measure: 'churn_rate' }, {}, choices.numeric),
    ).toEqual({
      kind: 'line',
      date: 'joined',
      measure: 'count',
    });
    expect(toSpec({ ...form, kind: 'line', date: null }, {}, choices.numeric)).toBeNull();
    expect(toSpec({ ...form, kind: 'bar', measure: 'mean', field: null }, {}, choices.numeric)).toBeNull();
    expect(defaultTitle({ kind: 'scatter', x: 'age', y: 'churn_probability' })).toBe(
      'churn_probability against age',
    );
  });
});

describe('chart builder, data to echarts', () => {
  const segments = [
    { id: 0, name: 'Cautious rechargers' },
    { id: 1, name: 'Insiders' },
  ];

  it('bars over segments show their names; a missing category its own label', () => {
    const result: ChartResult = {
      datasetId: 'd',
      runId: 'r',
      segments,
      data: {
        kind: 'bar',
        bars: [
          { label: '0', value: 10, count: 10 },
          { label: '1', value: 5, count: 5 },
          { label: null, value: 1, count: 1 },
        ],
        truncated: false,
      },
    };
    const option = builderOption(result, { kind: 'bar', category: 'segment' }, labels) as {
      yAxis: { data: string[] };
      series: { data: number[] }[];
    };
    expect(option.yAxis.data).toEqual(['Cautious rechargers', 'Insiders', '(missing)']);
    expect(option.series[0]!.data).toEqual([10, 5, 1]);
    // The same digits under another category stay as they are.
    const plain = builderOption(result, { kind: 'bar', category: 'plan' }, labels) as {
      yAxis: { data: string[] };
    };
    expect(plain.yAxis.data).toEqual(['0', '1', '(missing)']);
  });

  it('a box per segment, a scatter series per segment, a heat map of counts', () => {
    const box = builderOption(
      {
        datasetId: 'd',
        runId: 'r',
        segments,
        data: {
          kind: 'box',
          boxes: [{ segment: 1, count: 4, min: 0, q1: 0.25, median: 0.5, q3: 0.75, max: 1 }],
        },
      },
      { kind: 'box', field: 'churn_probability' },
      labels,
    ) as { xAxis: { data: string[] }; series: { type: string; data: number[][] }[] };
    expect(box.xAxis.data).toEqual(['Insiders']);
    expect(box.series[0]).toMatchObject({ type: 'boxplot', data: [[0, 0.25, 0.5, 0.75, 1]] });

    const scatter = builderOption(
      {
        datasetId: 'd',
        runId: 'r',
        segments,
        data: {
          kind: 'scatter',
          total: 3,
          points: [
            { x: 1, y: 2, segment: 1 },
            { x: 3, y: 4, segment: 0 },
            { x: 5, y: 6, segment: 1 },
          ],
        },
      },
      { kind: 'scatter', x: 'a', y: 'b' },
      labels,
    ) as { series: { name: string; data: number[][] }[] };
    expect(scatter.series.map((s) => [s.name, s.data])).toEqual([
      ['Cautious rechargers', [[3, 4]]],
      [
        'Insiders',
        [
          [1, 2],
          [5, 6],
        ],
      ],
    ]);

    const heat = builderOption(
      {
        datasetId: 'd',
        runId: 'r',
        segments,
        data: {
          kind: 'heatmap',
          x: ['0', '1'],
          y: ['basic'],
          cells: [{ x: 1, y: 0, count: 7 }],
          truncated: false,
        },
      },
      { kind: 'heatmap', x: { field: 'segment' }, y: { field: 'plan' } },
      labels,
    ) as { xAxis: { data: string[] }; visualMap: { max: number }; series: { data: number[][] }[] };
    expect(heat.xAxis.data).toEqual(['Cautious rechargers', 'Insiders']);
    expect(heat.visualMap.max).toBe(7);
    expect(heat.series[0]!.data).toEqual([[1, 0, 7]]);
  });
});
