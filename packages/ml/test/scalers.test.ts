import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromRows, type Matrix, matrix } from '../src/matrix.ts';
import { IdentityScaler } from '../src/preprocess/identityScaler.ts';
import { makeScaler, type ScalerJSON, scalerFromJSON } from '../src/preprocess/makeScaler.ts';
import { MinMaxScaler } from '../src/preprocess/minMaxScaler.ts';
import { quantileSorted } from '../src/preprocess/quantile.ts';
import { RobustScaler } from '../src/preprocess/robustScaler.ts';
import type { Scaler, ScalerKind } from '../src/preprocess/scaler.ts';
import { StandardScaler } from '../src/preprocess/standardScaler.ts';
import { expectMlError, maxRelErr } from './helpers.ts';

type Ref = Record<string, number[]>;
const fx: {
  rows: number;
  cols: number;
  x: number[];
  testRows: number;
  xt: number[];
  minmax: Ref;
  minmaxSymmetric: Ref;
  standard: Ref;
  robust: Ref;
  robustEven: Ref;
} = JSON.parse(readFileSync(new URL('./fixtures/scalers.json', import.meta.url), 'utf8'));

const x = matrix(fx.rows, fx.cols, Float64Array.from(fx.x));
const xt = matrix(fx.testRows, fx.cols, Float64Array.from(fx.xt));
const firstRows = (m: Matrix, n: number): Matrix => matrix(n, m.cols, m.data.slice(0, n * m.cols));

const cases: [string, () => Scaler, Matrix, Ref, Record<string, string>][] = [
  [
    'MinMaxScaler',
    () => new MinMaxScaler(),
    x,
    fx.minmax,
    { dataMin: 'dataMin', dataMax: 'dataMax', scale: 'scale', min: 'min' },
  ],
  [
    'MinMaxScaler [-1, 1]',
    () => new MinMaxScaler({ featureRange: [-1, 1] }),
    x,
    fx.minmaxSymmetric,
    { dataMin: 'dataMin', dataMax: 'dataMax', scale: 'scale', min: 'min' },
  ],
  [
    'StandardScaler',
    () => new StandardScaler(),
    x,
    fx.standard,
    { mean: 'mean', variance: 'variance', scale: 'scale' },
  ],
  ['RobustScaler (odd n)', () => new RobustScaler(), x, fx.robust, { center: 'center', scale: 'scale' }],
  [
    'RobustScaler (even n)',
    () => new RobustScaler(),
    firstRows(x, 202),
    fx.robustEven,
    { center: 'center', scale: 'scale' },
  ],
];

describe('scalers match scikit-learn 1.2', () => {
  for (const [name, make, fitX, ref, params] of cases) {
    it(`${name}: parameters, transform and inverse to 1e-12`, () => {
      const s = make().fit(fitX);
      for (const [ours, theirs] of Object.entries(params)) {
        expect(maxRelErr((s as unknown as Record<string, Float64Array>)[ours]!, ref[theirs]!)).toBeLessThan(
          1e-12,
        );
      }
      // Same operations as scikit-learn, so the outputs are bit-identical today; the margin only
      // allows another summation order. Column 5 (MinMax scale ~1.8e9) would expose a real slip.
      expect(maxRelErr(s.transform(fitX).data, ref['transformX']!)).toBeLessThan(1e-12);
      expect(maxRelErr(s.transform(xt).data, ref['transformXt']!)).toBeLessThan(1e-12);
      expect(maxRelErr(s.inverseTransform(xt).data, ref['inverseXt']!)).toBeLessThan(1e-12);
    });
  }

  it('near-constant and constant columns: scale 1 exactly where scikit-learn sets it', () => {
    const mm = new MinMaxScaler().fit(x);
    const st = new StandardScaler().fit(x);
    const rb = new RobustScaler().fit(x);
    expect(mm.scale[2]).toBe(1); // constant 3.7
    expect(st.scale[2]).toBe(1);
    expect(rb.scale[2]).toBe(1);
    expect(st.scale[5]).toBe(1); // variance within round-off of 0: constant for StandardScaler ...
    expect(mm.scale[5]).toBeGreaterThan(1e8); // ... but a real (tiny) range for MinMaxScaler
    const t = mm.transform(x);
    for (let i = 0; i < x.rows; i++) expect(t.data[i * x.cols + 2]).toBe(0);
  });
});

describe('scaler properties', () => {
  const kinds: ScalerKind[] = ['none', 'minmax', 'robust', 'standard'];

  it('inverseTransform(transform(x)) == x within 1e-12 relative', () => {
    for (const k of kinds) {
      const s = makeScaler(k).fit(x);
      expect(s.kind).toBe(k);
      expect(maxRelErr(s.inverseTransform(s.transform(xt)).data, xt.data)).toBeLessThan(1e-12);
      expect(maxRelErr(s.inverseTransform(s.fitTransform(x)).data, x.data)).toBeLessThan(1e-12);
    }
  });

  it('writes into out (also in place) and never modifies its input otherwise', () => {
    for (const k of kinds) {
      const s = makeScaler(k).fit(x);
      const copy = x.data.slice();
      const fresh = s.transform(x);
      expect(x.data).toEqual(copy);
      const out = matrix(x.rows, x.cols);
      expect(s.transform(x, out)).toBe(out);
      expect(out.data).toEqual(fresh.data);
      const inPlace = matrix(x.rows, x.cols, x.data.slice());
      s.transform(inPlace, inPlace);
      expect(inPlace.data).toEqual(fresh.data);
      expectMlError(() => s.transform(x, matrix(1, x.cols)), 'SHAPE_MISMATCH');
    }
  });

  it('toJSON / fromJSON round-trips through JSON text', () => {
    for (const k of kinds) {
      const s = makeScaler(k).fit(x);
      const json = JSON.parse(JSON.stringify(s.toJSON())) as ScalerJSON;
      expect(json.version).toBe(1);
      const again = scalerFromJSON(json);
      expect(again.kind).toBe(k);
      expect(again.transform(xt).data).toEqual(s.transform(xt).data);
      expect(again.inverseTransform(xt).data).toEqual(s.inverseTransform(xt).data);
    }
    expect(
      MinMaxScaler.fromJSON(new MinMaxScaler({ featureRange: [-2, 5] }).fit(x).toJSON()).featureRange,
    ).toEqual([-2, 5]);
    expectMlError(
      () => scalerFromJSON({ version: 2, kind: 'robust' } as unknown as ScalerJSON),
      'BAD_OPTION',
    );
    expectMlError(() => scalerFromJSON({ kind: 'log' } as unknown as ScalerJSON), 'BAD_OPTION');
    const broken = new StandardScaler().fit(x).toJSON();
    broken.scale.pop();
    expectMlError(() => StandardScaler.fromJSON(broken), 'SHAPE_MISMATCH');
  });

  it('one row: every scaler maps it to the bottom of its range / zero', () => {
    const one = fromRows([[3, -7]]);
    expect(Array.from(new MinMaxScaler().fitTransform(one).data)).toEqual([0, 0]);
    expect(Array.from(new MinMaxScaler({ featureRange: [-1, 1] }).fitTransform(one).data)).toEqual([-1, -1]);
    expect(Array.from(new StandardScaler().fitTransform(one).data)).toEqual([0, 0]);
    expect(Array.from(new RobustScaler().fitTransform(one).data)).toEqual([0, 0]);
    expect(Array.from(new IdentityScaler().fitTransform(one).data)).toEqual([3, -7]);
  });

  it('errors: empty, NaN, wrong width, not fitted, bad options', () => {
    for (const k of ['none', 'minmax', 'robust', 'standard'] as const) {
      expectMlError(() => makeScaler(k).fit(matrix(0, 3)), 'EMPTY_INPUT');
      expectMlError(() => makeScaler(k).fit(fromRows([[1, Number.NaN]])), 'NON_FINITE');
      expectMlError(() => makeScaler(k).transform(x), 'NOT_FITTED');
      expectMlError(() => makeScaler(k).toJSON(), 'NOT_FITTED');
      const s = makeScaler(k).fit(x);
      expectMlError(() => s.transform(fromRows([[1, 2]])), 'SHAPE_MISMATCH');
      expectMlError(
        () => s.inverseTransform(fromRows([[1, 2, 3, 4, 5, Number.POSITIVE_INFINITY]])),
        'NON_FINITE',
      );
    }
    expectMlError(() => new MinMaxScaler({ featureRange: [1, 1] }), 'BAD_OPTION');
    expectMlError(() => makeScaler('log' as ScalerKind), 'BAD_OPTION');
  });

  it("quantileSorted follows numpy's linear method", () => {
    const v = Float64Array.from([1, 2, 3, 4]);
    expect(quantileSorted(v, 0.25)).toBe(1.75);
    expect(quantileSorted(v, 0.75)).toBe(3.25);
    expect(quantileSorted(v, 0)).toBe(1);
    expect(quantileSorted(v, 1)).toBe(4);
    expect(quantileSorted(Float64Array.from([5]), 0.25)).toBe(5);
  });
});
