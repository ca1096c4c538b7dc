import { matrix, Rng } from '@clientele/ml';
import { describe, expect, it } from 'vitest';
import { defaultRunConfig } from '../src/pipeline/runConfig.ts';
import { findSegments } from '../src/pipeline/segmentStep.ts';

/** Three round clusters of 200 points in 4 dimensions, centres 10 apart. */
function blobs(seed: number) {
  const rng = new Rng(seed);
  const centres = [
    [0, 0, 0, 0],
    [10, 0, 10, 0],
    [0, 10, 0, 10],
  ];
  const data = new Float64Array(600 * 4);
  for (let i = 0; i < 600; i++) {
    for (let j = 0; j < 4; j++) data[i * 4 + j] = 50 + centres[i % 3]![j]! + rng.normal();
  }
  return matrix(600, 4, data);
}

describe('findSegments: how k is chosen', () => {
  const config = () => {
    const c = defaultRunConfig().segmentation;
    c.transform = 'none';
    c.scale = 'standard';
    return c;
  };

  it('finds three clusters by the elbow and by the silhouette, and keeps the inertia curve', () => {
    const byElbow = findSegments(blobs(1), { ...config(), choose: 'elbow' }, 0);
    expect(byElbow.chosenBy).toBe('elbow');
    expect(byElbow.k).toBe(3);
    const curve = byElbow.elbowCurve;
    expect(curve.map((c) => c.k)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (let i = 1; i < curve.length; i++) expect(curve[i]!.inertia).toBeLessThan(curve[i - 1]!.inertia);
    // k = 1: the total sum of squares of the 600 scaled rows, 4 columns of unit variance.
    expect(curve[0]!.inertia).toBeCloseTo(600 * 4, 6);
    const bySilhouette = findSegments(blobs(1), config(), 0);
    expect(bySilhouette.chosenBy).toBe('silhouette');
    expect(bySilhouette.k).toBe(3);
  });

  it('takes the configured algorithm and k as given', () => {
    const fixed = findSegments(blobs(2), { ...config(), algorithm: 'kmeans', k: 5 }, 0);
    expect(fixed.chosenBy).toBe('config');
    expect(fixed.k).toBe(5);
    expect(new Set(fixed.labels).size).toBe(5);
  });
});
