import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PCA } from '../src/embed/pca.ts';
import { MlError } from '../src/errors.ts';
import { fromRows, matrix, takeRows } from '../src/matrix.ts';
import { Rng } from '../src/random.ts';
import { maxRelErr, mlErrorCode, toMatrix } from './helpers.ts';

interface Data {
  rows: number;
  cols: number;
  x: number[];
}
interface PcaRef {
  nComponents: number;
  mean: number[];
  components: number[];
  explainedVariance: number[];
  explainedVarianceRatio: number[];
  singularValues: number[];
  nRows: number;
  scores: number[];
  inverse: number[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/embed.json', import.meta.url), 'utf8')) as Record<
  string,
  Data
> & { pca: Record<string, PcaRef> };

describe('PCA against scikit-learn PCA(svd_solver="full")', () => {
  for (const name of ['blobs', 'digits', 'small', 'few']) {
    it(`${name}: components (signs included), variances, scores and inverse`, () => {
      const ref = fixture.pca[name]!;
      const x = toMatrix(fixture[name]!);
      const pca = new PCA({ nComponents: ref.nComponents }).fit(x);
      expect(maxRelErr(pca.mean, ref.mean)).toBeLessThan(1e-12);
      expect(maxRelErr(pca.components.data, ref.components)).toBeLessThan(1e-8);
      expect(maxRelErr(pca.explainedVariance, ref.explainedVariance)).toBeLessThan(1e-9);
      expect(maxRelErr(pca.explainedVarianceRatio, ref.explainedVarianceRatio)).toBeLessThan(1e-12);
      expect(maxRelErr(pca.singularValues, ref.singularValues)).toBeLessThan(1e-9);
      const head = takeRows(
        x,
        Array.from({ length: ref.nRows }, (_, i) => i),
      );
      const scores = pca.transform(head);
      expect(scores.rows).toBe(ref.nRows);
      expect(scores.cols).toBe(ref.nComponents);
      expect(maxRelErr(scores.data, ref.scores)).toBeLessThan(1e-8);
      expect(maxRelErr(pca.inverseTransform(scores).data, ref.inverse)).toBeLessThan(1e-8);
    });
  }

  it('keeps every component when nComponents = p: inverse(transform(x)) = x', () => {
    const x = toMatrix(fixture['small']!);
    const pca = new PCA({ nComponents: 6 }).fit(x);
    expect(maxRelErr(pca.inverseTransform(pca.transform(x)).data, x.data)).toBeLessThan(1e-10);
    let sum = 0;
    for (const r of pca.explainedVarianceRatio) sum += r;
    expect(sum).toBeCloseTo(1, 12);
    // Column 3 is constant: its direction carries no variance and every component ignores it
    // except the last (the null direction).
    expect(pca.explainedVariance[5]).toBeLessThan(1e-12);
  });
});

describe('PCA properties', () => {
  const x = toMatrix(fixture['blobs']!);

  it('components are orthonormal and variances non-increasing', () => {
    const pca = new PCA({ nComponents: 5 }).fit(x);
    const c = pca.components;
    for (let a = 0; a < 5; a++) {
      for (let b = 0; b < 5; b++) {
        let s = 0;
        for (let j = 0; j < c.cols; j++) s += c.data[a * c.cols + j]! * c.data[b * c.cols + j]!;
        expect(s).toBeCloseTo(a === b ? 1 : 0, 12);
      }
      if (a > 0) expect(pca.explainedVariance[a]).toBeLessThanOrEqual(pca.explainedVariance[a - 1]!);
    }
  });

  it('shuffling rows leaves the fit unchanged and permutes the scores', () => {
    const perm = new Rng(3).shuffle(Int32Array.from({ length: x.rows }, (_, i) => i));
    const shuffled = takeRows(x, perm);
    const a = new PCA({ nComponents: 3 }).fit(x);
    const b = new PCA({ nComponents: 3 }).fit(shuffled);
    expect(maxRelErr(b.components.data, a.components.data)).toBeLessThan(1e-10);
    expect(maxRelErr(b.transform(shuffled).data, takeRows(a.transform(x), perm).data)).toBeLessThan(1e-9);
  });

  it('scores have the explained variance as their variance and zero mean', () => {
    const pca = new PCA({ nComponents: 2 }).fit(x);
    const z = pca.transform(x);
    for (let c = 0; c < 2; c++) {
      let s = 0;
      let ss = 0;
      for (let i = 0; i < z.rows; i++) s += z.data[i * 2 + c]!;
      for (let i = 0; i < z.rows; i++) ss += (z.data[i * 2 + c]! - s / z.rows) ** 2;
      expect(Math.abs(s / z.rows)).toBeLessThan(1e-10);
      expect(ss / (z.rows - 1)).toBeCloseTo(pca.explainedVariance[c]!, 9);
    }
  });

  it('center: false decomposes X^T X / (n - 1) with a zero mean', () => {
    const pca = new PCA({ nComponents: 1, center: false }).fit(
      fromRows([
        [3, 4],
        [6, 8],
        [-3, -4],
      ]),
    );
    expect(Array.from(pca.mean)).toEqual([0, 0]);
    expect(pca.components.data[0]).toBeCloseTo(0.6, 12);
    expect(pca.components.data[1]).toBeCloseTo(0.8, 12);
    expect(pca.explainedVariance[0]).toBeCloseTo((25 + 100 + 25) / 2, 10);
  });

  it('round-trips through JSON', () => {
    const pca = new PCA({ nComponents: 3 }).fit(x);
    const json = JSON.parse(JSON.stringify(pca.toJSON()));
    expect(json.version).toBe(1);
    const back = PCA.fromJSON(json);
    expect(Array.from(back.transform(x).data)).toEqual(Array.from(pca.transform(x).data));
    expect(Array.from(back.explainedVarianceRatio)).toEqual(Array.from(pca.explainedVarianceRatio));
    expect(() => PCA.fromJSON({ ...json, version: 2 })).toThrow(MlError);
    expect(() => PCA.fromJSON({ ...json, mean: [1] })).toThrow(/mean has 1 values/);
  });
});

describe('PCA edge cases', () => {
  it('rejects empty input, NaN, bad nComponents, wrong shapes, use before fit', () => {
    expect(mlErrorCode(() => new PCA().fit(matrix(0, 3)))).toBe('EMPTY_INPUT');
    expect(
      mlErrorCode(() =>
        new PCA().fit(
          fromRows([
            [1, 2],
            [Number.NaN, 1],
          ]),
        ),
      ),
    ).toBe('NON_FINITE');
    expect(mlErrorCode(() => new PCA({ nComponents: 0 }))).toBe('BAD_OPTION');
    expect(mlErrorCode(() => new PCA({ nComponents: 1.5 }))).toBe('BAD_OPTION');
    expect(mlErrorCode(() => new PCA({ nComponents: 3 }).fit(fromRows([[1, 2]])))).toBe('BAD_OPTION');
    expect(mlErrorCode(() => new PCA().transform(fromRows([[1, 2]])))).toBe('NOT_FITTED');
    const pca = new PCA().fit(
      fromRows([
        [1, 2, 3],
        [2, 1, 0],
        [0, 0, 1],
      ]),
    );
    expect(mlErrorCode(() => pca.transform(fromRows([[1, 2]])))).toBe('SHAPE_MISMATCH');
    expect(mlErrorCode(() => pca.inverseTransform(fromRows([[1, 2, 3]])))).toBe('SHAPE_MISMATCH');
  });

  it('one row: zero variance, zero scores, no NaN', () => {
    const pca = new PCA({ nComponents: 2 }).fit(fromRows([[1, 2, 3]]));
    expect(Array.from(pca.explainedVariance)).toEqual([0, 0]);
    expect(Array.from(pca.explainedVarianceRatio)).toEqual([0, 0]);
    expect(Array.from(pca.transform(fromRows([[1, 2, 3]])).data)).toEqual([0, 0]);
  });

  it('all columns constant or duplicate rows: finite output', () => {
    const pca = new PCA({ nComponents: 2 }).fit(
      fromRows([
        [5, 1],
        [5, 1],
        [5, 1],
      ]),
    );
    expect(Array.from(pca.explainedVarianceRatio)).toEqual([0, 0]);
    const dup = new PCA({ nComponents: 1 }).fit(
      fromRows([
        [0, 0],
        [0, 0],
        [2, 2],
        [2, 2],
      ]),
    );
    expect(dup.explainedVarianceRatio[0]).toBeCloseTo(1, 12);
    expect(Math.abs(dup.components.data[0]!)).toBeCloseTo(Math.SQRT1_2, 12);
  });
});
