import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromRows, matrix, takeRows } from '../src/matrix.ts';
import { trustworthiness } from '../src/metrics/trustworthiness.ts';
import { Rng } from '../src/random.ts';
import { mlErrorCode, toMatrix } from './helpers.ts';

interface Data {
  rows: number;
  cols: number;
  x: number[];
}
interface Case {
  name: string;
  embedding: number[];
  values: Record<string, number>;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/embed.json', import.meta.url), 'utf8')) as {
  blobs: Data;
  trustworthiness: { blobs: Case[]; tiny: { x: Data; embedding: number[]; values: Record<string, number> } };
};
describe('trustworthiness against sklearn.manifold.trustworthiness', () => {
  const x = toMatrix(fixture.blobs);
  for (const c of fixture.trustworthiness.blobs) {
    it(`blobs 500 x 10, ${c.name} embedding, k = ${Object.keys(c.values).join(', ')}`, () => {
      const e = matrix(x.rows, 2, Float64Array.from(c.embedding));
      for (const [k, want] of Object.entries(c.values)) {
        expect(Math.abs(trustworthiness(x, e, Number(k)) - want)).toBeLessThan(1e-9);
      }
    });
  }

  it('30 x 4 points, k up to the limit n / 2 - 1', () => {
    const t = fixture.trustworthiness.tiny;
    const x30 = toMatrix(t.x);
    const e = matrix(30, 2, Float64Array.from(t.embedding));
    for (const [k, want] of Object.entries(t.values)) {
      expect(Math.abs(trustworthiness(x30, e, Number(k)) - want)).toBeLessThan(1e-9);
    }
  });
});

describe('trustworthiness properties and edge cases', () => {
  const rng = new Rng(7);
  const x = matrix(
    60,
    3,
    Float64Array.from({ length: 180 }, () => rng.normal()),
  );

  it('is 1 for the identity embedding and for a scaled, rotated copy', () => {
    expect(trustworthiness(x, x, 5)).toBe(1);
    const r = new Float64Array(180);
    for (let i = 0; i < 60; i++) {
      const [a, b, c] = [x.data[i * 3]!, x.data[i * 3 + 1]!, x.data[i * 3 + 2]!];
      r[i * 3] = 3 * (0.6 * a - 0.8 * b);
      r[i * 3 + 1] = 3 * (0.8 * a + 0.6 * b);
      r[i * 3 + 2] = 3 * c + 10;
    }
    expect(trustworthiness(x, matrix(60, 3, r), 7)).toBeCloseTo(1, 12);
  });

  it('is unchanged when rows are shuffled in both spaces alike', () => {
    const e = matrix(
      60,
      2,
      Float64Array.from({ length: 120 }, () => rng.normal()),
    );
    const perm = new Rng(1).shuffle(Int32Array.from({ length: 60 }, (_, i) => i));
    const a = trustworthiness(x, e, 5);
    expect(trustworthiness(takeRows(x, perm), takeRows(e, perm), 5)).toBeCloseTo(a, 14);
    expect(a).toBeLessThan(0.8);
  });

  it('handles duplicate points and a constant column without NaN', () => {
    const d = fromRows([
      [0, 1],
      [0, 1],
      [1, 1],
      [2, 1],
      [3, 1],
      [3, 1],
      [5, 1],
      [6, 1],
    ]);
    const t = trustworthiness(d, d, 3);
    expect(t).toBe(1);
    const flipped = fromRows([[6], [5], [3], [3], [2], [1], [0], [0]]);
    expect(Number.isFinite(trustworthiness(d, flipped, 2))).toBe(true);
  });

  it('rejects bad nNeighbors, mismatched rows and NaN with MlError', () => {
    expect(mlErrorCode(() => trustworthiness(x, x, 30))).toBe('BAD_OPTION');
    expect(mlErrorCode(() => trustworthiness(x, x, 0))).toBe('BAD_OPTION');
    expect(mlErrorCode(() => trustworthiness(matrix(0, 2), matrix(0, 2), 1))).toBe('BAD_OPTION');
    expect(mlErrorCode(() => trustworthiness(x, takeRows(x, [0, 1, 2]), 1))).toBe('SHAPE_MISMATCH');
    expect(
      mlErrorCode(() =>
        trustworthiness(fromRows([[1], [2], [Number.NaN], [4]]), fromRows([[1], [2], [3], [4]]), 1),
      ),
    ).toBe('NON_FINITE');
  });
});
