import { describe, expect, it } from 'vitest';
import {
  churnByGroupOption,
  churnHistogramOption,
  correlationOption,
  histogramOption,
  riskBySegmentOption,
  selectionOption,
  viewOption,
} from '../src/features/charts/chartOptions.ts';
import type { Report } from '../src/features/results/types.ts';

const report: Report = {
  kind: 'snapshot',
  segmentation: {
    k: 2,
    algorithm: 'kmeans',
    chosenBy: 'silhouette',
    silhouette: 0.5,
    segments: [],
    views: [{ method: 'pca', x: [0, 1, 2], y: [3, 4, 5], segment: [1, 0, 1] }],
    selection: [
      { k: 2, algorithm: 'kmeans', silhouette: 0.5, bic: null },
      { k: 3, algorithm: 'kmeans', silhouette: 0.4, bic: null },
      { k: 2, algorithm: 'gmm', silhouette: 0.1, bic: 10 },
    ],
    elbowCurve: [
      { k: 1, inertia: 100 },
      { k: 2, inertia: 40 },
    ],
  },
  churn: {
    auc: 0.8,
    accuracy: 0.8,
    tiers: {},
    bySegment: [
      { segment: 0, customers: 3, meanProbability: 0.2, tiers: { Low: 2, Critical: 1 } },
      { segment: 1, customers: 1, meanProbability: 0.9, tiers: { High: 1 } },
    ],
    byGroup: [
      {
        column: 'store',
        rows: [
          { value: 'A', customers: 2, highOrCritical: 0, meanProbability: 0.1 },
          { value: 'B', customers: 2, highOrCritical: 2, meanProbability: 0.7 },
        ],
      },
    ],
    importance: [],
  },
  value: null,
};

const names = new Map([
  [0, 'Travellers'],
  [1, 'Chatters'],
]);

describe('chart options from a run report', () => {
  it("model selection: the Gaussian mixtures' BIC per k on a third axis, when they were tried", () => {
    const o = selectionOption(report, { silhouette: 'S', inertia: 'I', bic: 'B' }) as {
      series: { name: string; data: unknown; yAxisIndex?: number }[];
      yAxis: unknown[];
    };
    expect(o.series[2]).toMatchObject({ name: 'B', yAxisIndex: 2, data: [[2, 10]] });
    expect(o.yAxis).toHaveLength(3);
    const none = selectionOption(
      {
        ...report,
        segmentation: {
          ...report.segmentation,
          selection: report.segmentation.selection.map((s) => ({ ...s, bic: null })),
        },
      },
      { silhouette: 'S', inertia: 'I', bic: 'B' },
    ) as { series: unknown[] };
    expect(none.series).toHaveLength(2);
  });

  it('model selection: the chosen algorithm’s silhouette per k and the elbow on a second axis', () => {
    const o = selectionOption(report, { silhouette: 'S', inertia: 'I' }) as { series: { data: unknown }[] };
    expect(o.series[0]!.data).toEqual([
      [2, 0.5],
      [3, 0.4],
    ]);
    expect(o.series[1]!.data).toEqual([
      [1, 100],
      [2, 40],
    ]);
  });

  it('a view: one scatter series per segment, named by the team', () => {
    const o = viewOption(report.segmentation.views[0]!, names) as {
      series: { name: string; data: unknown }[];
    };
    expect(o.series.map((s) => s.name)).toEqual(['Travellers', 'Chatters']);
    expect(o.series[1]!.data).toEqual([
      [0, 3],
      [2, 5],
    ]);
  });

  it('risk by segment: a stacked bar per tier, in tier order; none without churn', () => {
    const o = riskBySegmentOption(report, names, (t) => t.toUpperCase()) as {
      yAxis: { data: string[] };
      series: { name: string; data: number[] }[];
    };
    expect(o.yAxis.data).toEqual(['Travellers', 'Chatters']);
    expect(o.series.map((s) => s.name)).toEqual(['LOW', 'MODERATE', 'HIGH', 'CRITICAL']);
    expect(o.series[3]!.data).toEqual([1, 0]);
    expect(riskBySegmentOption({ ...report, churn: null }, names, (t) => t)).toBeNull();
  });

  it('churn by store: riskiest first', () => {
    const o = churnByGroupOption(report.churn!.byGroup[0]!, 'p') as { yAxis: { data: string[] } };
    expect(o.yAxis.data).toEqual(['B', 'A']);
  });

  it('a histogram labels each bin with its range; the correlation heatmap skips missing cells', () => {
    const h = histogramOption(
      [
        { lo: 0, hi: 1.5, count: 3 },
        { lo: 1.5, hi: 3, count: 1 },
      ],
      (n) => n.toFixed(1),
      'rows',
    ) as { xAxis: { data: string[] }; series: { data: number[] }[] };
    expect(h.xAxis.data).toEqual(['0.0 – 1.5', '1.5 – 3.0']);
    expect(h.series[0]!.data).toEqual([3, 1]);
    const c = correlationOption(
      ['a', 'b'],
      [
        [1, 0.123],
        [null, 1],
      ],
    ) as { series: { data: number[][] }[] };
    expect(c.series[0]!.data).toEqual([
      [0, 0, 1],
      [1, 0, 0.12],
      [1, 1, 1],
    ]);
  });

  it('the churn histogram: each customer in the bin of their probability, stacked by tier', () => {
    const o = churnHistogramOption(
      [
        { probability: 0.01, tier: 'Low' },
        { probability: 0.12, tier: 'Low' },
        { probability: 0.2, tier: 'Moderate' },
        { probability: 1, tier: 'Critical' },
        { probability: 0.4, tier: 'Unknown' },
      ],
      (t) => t,
      5,
    ) as { xAxis: { data: string[] }; series: { name: string; data: number[] }[] };
    expect(o.xAxis.data).toEqual(['0%', '20%', '40%', '60%', '80%']);
    expect(o.series.map((s) => [s.name, s.data])).toEqual([
      ['Low', [2, 0, 0, 0, 0]],
      ['Moderate', [0, 1, 0, 0, 0]],
      ['High', [0, 0, 0, 0, 0]],
      ['Critical', [0, 0, 0, 0, 1]],
    ]);
  });
});
