import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromRows, matrix, takeRows } from '../src/matrix.ts';
import { iqrBounds, iqrOutlierMask } from '../src/preprocess/iqrMask.ts';
import { Rng } from '../src/random.ts';
import { expectMlError } from './helpers.ts';

interface FactorRef {
  lower: number[];
  upper: number[];
  mask: number[];
  maskColumns13: number[];
}
const fx: {
  rows: number;
  cols: number;
  x: number[];
  iqr: { q1: number[]; q3: number[]; '1.5': FactorRef; '3.0': FactorRef };
} = JSON.parse(readFileSync(new URL('./fixtures/scalers.json', import.meta.url), 'utf8'));
const x = matrix(fx.rows, fx.cols, Float64Array.from(fx.x));

describe('IQR outlier mask matches numpy percentiles', () => {
  for (const [key, factor] of [
    ['1.5', 1.5],
    ['3.0', 3],
  ] as const) {
    it(`factor ${factor}: quartiles, bounds and mask`, () => {
      const ref = fx.iqr[key];
      const b = iqrBounds(x, factor);
      // Quartiles at 0.25 / 0.75 are exact in binary, so numpy's interpolation is reproduced bit for bit.
      expect(Array.from(b.q1)).toEqual(fx.iqr.q1);
      expect(Array.from(b.q3)).toEqual(fx.iqr.q3);
      expect(Array.from(b.lower)).toEqual(ref.lower);
      expect(Array.from(b.upper)).toEqual(ref.upper);
      expect(Array.from(iqrOutlierMask(x, { factor }))).toEqual(ref.mask);
      expect(Array.from(iqrOutlierMask(x, { factor, columns: [1, 3] }))).toEqual(ref.maskColumns13);
    });
  }

  it('default factor is 1.5; the mask is a Uint8Array of 0/1 and does not depend on row order', () => {
    const m = iqrOutlierMask(x);
    expect(m).toBeInstanceOf(Uint8Array);
    expect(Array.from(m)).toEqual(fx.iqr['1.5'].mask);
    const perm = new Rng(1).shuffle(Int32Array.from({ length: x.rows }, (_, i) => i));
    const shuffled = iqrOutlierMask(takeRows(x, perm));
    for (let k = 0; k < perm.length; k++) expect(shuffled[k]).toBe(m[perm[k]!]);
  });

  it('edge cases: constant column, one row, empty, unchecked NaN column', () => {
    const c = fromRows([[5], [5], [5], [6]]);
    expect(Array.from(iqrOutlierMask(c))).toEqual([0, 0, 0, 1]); // q1 = q3 = 5: zero-width fences
    expect(Array.from(iqrOutlierMask(fromRows([[1, 2]])))).toEqual([0]);
    expect(iqrOutlierMask(matrix(0, 2)).length).toBe(0);
    expectMlError(() => iqrBounds(matrix(0, 2)), 'EMPTY_INPUT');
    const withNaN = fromRows([
      [1, Number.NaN],
      [2, 0],
      [3, 0],
      [100, 0],
    ]);
    expect(Array.from(iqrOutlierMask(withNaN, { columns: [0] }))).toEqual([0, 0, 0, 1]);
    expectMlError(() => iqrOutlierMask(withNaN), 'NON_FINITE');
  });

  it('rejects bad options', () => {
    expectMlError(() => iqrOutlierMask(x, { factor: -1 }), 'BAD_OPTION');
    expectMlError(() => iqrOutlierMask(x, { factor: Number.NaN }), 'BAD_OPTION');
    expectMlError(() => iqrOutlierMask(x, { columns: [6] }), 'BAD_OPTION');
    expectMlError(() => iqrBounds(x, 1.5, [0.5]), 'BAD_OPTION');
  });
});
