import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/random.ts';
import { stratifiedKFold, stratifiedSplit, type TrainTestSplit } from '../src/validation/stratifiedKFold.ts';
import { expectMlError } from './helpers.ts';

/** Labels with the given class sizes, rows in a seeded random order. */
function labelsWithCounts(counts: number[], seed: number, values?: number[]): Int32Array {
  const y: number[] = [];
  counts.forEach((c, k) => {
    for (let i = 0; i < c; i++) y.push(values ? values[k]! : k);
  });
  return new Rng(seed).shuffle(Int32Array.from(y));
}

function countsOf(y: ArrayLike<number>, idx: Int32Array): Map<number, number> {
  const m = new Map<number, number>();
  for (const i of idx) m.set(y[i]!, (m.get(y[i]!) ?? 0) + 1);
  return m;
}

function expectPartition(split: TrainTestSplit, n: number): void {
  const seen = new Uint8Array(n);
  for (const idx of [split.train, split.test]) {
    for (let j = 0; j < idx.length; j++) {
      if (j > 0) expect(idx[j]!).toBeGreaterThan(idx[j - 1]!); // ascending
      seen[idx[j]!]++;
    }
  }
  expect(seen.every((v) => v === 1)).toBe(true);
}

const fixture: { stratifiedKFold: { counts: number[]; k: number; perFold: number[][] }[] } = JSON.parse(
  readFileSync(new URL('./fixtures/classification_metrics.json', import.meta.url), 'utf8'),
);
const NAMES = [
  'balanced',
  'churn-like 27%',
  'rare positives',
  'three classes, odd sizes',
  'many folds',
  'class smaller than k (empty in some folds)',
];
const CASES = fixture.stratifiedKFold.map((c, i) => [NAMES[i]!, c.counts, c.k, c.perFold] as const);

describe('stratifiedKFold', () => {
  for (const [name, counts, k, skPerFold] of CASES) {
    it(name, () => {
      const y = labelsWithCounts(counts, 3);
      const n = y.length;
      const folds = stratifiedKFold(y, k, 7);
      expect(folds).toHaveLength(k);
      // The test parts partition the rows; each train part is the rest.
      const inTest = new Int32Array(n);
      for (const f of folds) {
        expectPartition(f, n);
        for (const i of f.test) inTest[i]++;
        expect(Math.abs(f.test.length - n / k)).toBeLessThan(1);
      }
      expect(inTest.every((v) => v === 1)).toBe(true);
      // Every class spread evenly: within one row of its even share total / k in each fold, and
      // the same rows per class per fold as scikit-learn's StratifiedKFold (the rows differ).
      const perFold = folds.map((f) => {
        const c = countsOf(y, f.test);
        return counts.map((total, cls) => {
          const got = c.get(cls) ?? 0;
          expect(Math.abs(got - total / k), `class ${cls}`).toBeLessThan(1);
          return got;
        });
      });
      expect(perFold).toEqual(skPerFold);
    });
  }

  it('a class with fewer rows than folds is missing from some test folds, and present in every train part', () => {
    const y = labelsWithCounts([30, 2], 1);
    const folds = stratifiedKFold(y, 5, 0);
    const withRare = folds.filter((f) => (countsOf(y, f.test).get(1) ?? 0) > 0);
    expect(withRare).toHaveLength(2);
    for (const f of folds) expect(countsOf(y, f.train).get(1) ?? 0).toBeGreaterThanOrEqual(1);
  });

  it('is deterministic by seed, and the seed shuffles', () => {
    const y = labelsWithCounts([60, 40], 2);
    const a = stratifiedKFold(y, 5, 42);
    const b = stratifiedKFold(y, 5, 42);
    expect(a.map((f) => Array.from(f.test))).toEqual(b.map((f) => Array.from(f.test)));
    const c = stratifiedKFold(y, 5, 43);
    expect(c.map((f) => Array.from(f.test))).not.toEqual(a.map((f) => Array.from(f.test)));
  });

  it('accepts any integer labels (negative, sparse, Float64Array)', () => {
    const y = Float64Array.from(labelsWithCounts([12, 8], 4, [-1, 1000]));
    const folds = stratifiedKFold(y, 4, 0);
    for (const f of folds) expect(countsOf(y, f.test).get(1000)).toBe(2);
  });

  it('rejects bad k and labels', () => {
    const y = Int32Array.of(0, 1, 0, 1);
    expectMlError(() => stratifiedKFold(y, 1, 0), 'BAD_OPTION');
    expectMlError(() => stratifiedKFold(y, 5, 0), 'BAD_OPTION');
    expectMlError(() => stratifiedKFold(y, 2.5, 0), 'BAD_OPTION');
    expectMlError(() => stratifiedKFold(Float64Array.of(0, 0.5, 1, 1), 2, 0), 'BAD_OPTION');
    expectMlError(() => stratifiedKFold(Float64Array.of(0, Number.NaN, 1, 1), 2, 0), 'NON_FINITE');
  });

  it('many random class mixes: the balance holds', () => {
    const rng = new Rng(9);
    for (let trial = 0; trial < 300; trial++) {
      const classes = 2 + rng.int(4);
      const counts = Array.from({ length: classes }, () => 1 + rng.int(60));
      const y = labelsWithCounts(counts, trial);
      const k = 2 + rng.int(Math.min(9, y.length - 1));
      for (const f of stratifiedKFold(y, k, trial)) {
        const c = countsOf(y, f.test);
        counts.forEach((total, cls) => {
          expect(Math.abs((c.get(cls) ?? 0) - total / k)).toBeLessThan(1);
        });
      }
    }
  });
});

describe('stratifiedSplit', () => {
  for (const [name, counts] of CASES) {
    for (const testSize of [0.25, 0.5, 0.1]) {
      it(`${name}, testSize ${testSize}`, () => {
        const y = labelsWithCounts(counts, 5);
        const n = y.length;
        const nTest = Math.ceil(testSize * n);
        if (nTest < counts.length) {
          expectMlError(() => stratifiedSplit(y, testSize, 1), 'BAD_OPTION');
          return;
        }
        const s = stratifiedSplit(y, testSize, 1);
        expectPartition(s, n);
        expect(s.test.length).toBe(nTest);
        const c = countsOf(y, s.test);
        counts.forEach((total, cls) => {
          expect(Math.abs((c.get(cls) ?? 0) - (total * nTest) / n)).toBeLessThan(1);
        });
      });
    }
  }

  it('an integer testSize is a row count; deterministic by seed', () => {
    const y = labelsWithCounts([70, 30], 6);
    const s = stratifiedSplit(y, 10, 3);
    expect(s.test.length).toBe(10);
    expect(countsOf(y, s.test).get(1)).toBe(3);
    expect(Array.from(stratifiedSplit(y, 10, 3).test)).toEqual(Array.from(s.test));
    expect(Array.from(stratifiedSplit(y, 10, 4).test)).not.toEqual(Array.from(s.test));
  });

  it('rejects a bad testSize or too few rows', () => {
    const y = Int32Array.of(0, 1, 0, 1, 0, 1);
    for (const t of [0, 1, -0.2, 6, 2.5, Number.NaN])
      expectMlError(() => stratifiedSplit(y, t, 0), 'BAD_OPTION');
    expectMlError(() => stratifiedSplit(y, 1, 0), 'BAD_OPTION'); // one test row cannot hold two classes
    expectMlError(() => stratifiedSplit(Int32Array.of(1), 0.5, 0), 'TOO_FEW_ROWS');
  });
});
