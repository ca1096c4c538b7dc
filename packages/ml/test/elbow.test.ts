import { describe, expect, it } from 'vitest';
import { elbow } from '../src/metrics/elbow.ts';
import { expectMlError } from './helpers.ts';

describe('elbow (Kneedle, offline, no smoothing)', () => {
  it('finds the bend of a hand-computed curve', () => {
    // x' = 0, .2, .4, .6, .8, 1; y' = (y - 10) / 90; distance (1 - x') - y':
    // 0, .46667, .48889, .34444, .17778, 0: the elbow is the third point (k = 3).
    const e = elbow([1, 2, 3, 4, 5, 6], [100, 40, 20, 15, 12, 10]);
    expect(e.index).toBe(2);
    const expected = [0, 0.8 - 30 / 90, 0.6 - 10 / 90, 0.4 - 5 / 90, 0.2 - 2 / 90, 0];
    for (let i = 0; i < 6; i++) expect(e.distances[i]).toBeCloseTo(expected[i]!, 12);
  });

  it('does not depend on the units of either axis', () => {
    const y = [9.5, 7.1, 4.0, 3.6, 3.3, 3.1, 3.0];
    const base = elbow([2, 3, 4, 5, 6, 7, 8], y).index;
    expect(
      elbow(
        [20, 30, 40, 50, 60, 70, 80],
        y.map((v) => 1000 * v + 7),
      ).index,
    ).toBe(base);
    expect(base).toBe(2);
  });

  it('puts the elbow at the first point of a straight line, and takes the first of ties', () => {
    expect(elbow([1, 2, 3, 4], [4, 3, 2, 1]).index).toBe(0);
    // distances 0, .25, .25, .125, 0: two equal bends
    expect(elbow([0, 1, 2, 3, 4], [8, 4, 2, 1, 0]).index).toBe(1);
  });

  it('refuses what is not a decreasing curve', () => {
    expectMlError(() => elbow([1, 2], [2, 1]), 'EMPTY_INPUT');
    expectMlError(() => elbow([1, 2, 3], [3, 2]), 'SHAPE_MISMATCH');
    expectMlError(() => elbow([1, 3, 2], [3, 2, 1]), 'BAD_OPTION');
    expectMlError(() => elbow([1, 2, 3], [1, 2, 3]), 'BAD_OPTION');
    expectMlError(() => elbow([1, 2, 3], [3, Number.NaN, 1]), 'NON_FINITE');
  });
});
