import { describe, expect, it } from 'vitest';
import { segmentationView } from '../src/features/results/segmentationView.ts';
import type { Report } from '../src/features/results/types.ts';

const segmentation = (k: number, algorithm: string): Report['segmentation'] => ({
  k,
  algorithm,
  chosenBy: 'config',
  silhouette: 0.5,
  segments: [],
  views: [{ method: 'pca', x: [0, 1], y: [0, 1], segment: [0, k - 1] }],
  selection: [],
  elbowCurve: [],
});

const report: Report = {
  kind: 'snapshot',
  segmentation: segmentation(4, 'kmeans'),
  alternatives: [
    {
      ...segmentation(3, 'gmm'),
      id: 'pca-gmm',
      name: 'Mixture',
      churnBySegment: [{ segment: 0, customers: 2, meanProbability: 0.3, tiers: { Low: 2 } }],
    },
  ],
  churn: { auc: 0.8, accuracy: 0.7, tiers: {}, bySegment: [], byGroup: [], importance: [] },
  value: null,
};

describe('segmentationView', () => {
  it("shows the chosen segmentation's segments, views and churn per segment, the rest unchanged", () => {
    const v = segmentationView(report, 'pca-gmm');
    expect(v.segmentation.algorithm).toBe('gmm');
    expect(v.segmentation.views[0]!.segment).toEqual([0, 2]);
    expect(v.churn!.bySegment).toEqual(report.alternatives![0]!.churnBySegment);
    expect(v.churn!.auc).toBe(0.8);
  });

  it('gives the main segmentation for "main", for none, and for an id the run lacks', () => {
    for (const id of ['main', undefined, 'gone']) expect(segmentationView(report, id)).toBe(report);
  });
});
