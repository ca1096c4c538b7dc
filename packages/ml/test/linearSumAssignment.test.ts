import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { linearSumAssignment } from '../src/assignment/linearSumAssignment.ts';
import { fromRows, type Matrix, matrix } from '../src/matrix.ts';
import { Rng } from '../src/random.ts';
import { expectMlError } from './helpers.ts';

interface Case {
  name: string;
  rows: number;
  cols: number;
  cost: (number | null)[];
  maximize: boolean;
  rowInd: number[];
  colInd: number[];
  total: number;
  unique: boolean;
}

const fx: { scipy: string; cases: Case[] } = JSON.parse(
  readFileSync(new URL('./fixtures/linear_sum_assignment.json', import.meta.url), 'utf8'),
);

const costOf = (c: Case): Matrix =>
  matrix(
    c.rows,
    c.cols,
    Float64Array.from(c.cost, (v) => (v === null ? Number.POSITIVE_INFINITY : v)),
  );

/** Rows distinct and ascending, columns distinct, min(rows, cols) pairs, all in range. */
function expectValid(m: Matrix, rows: Int32Array, cols: Int32Array): void {
  const k = Math.min(m.rows, m.cols);
  expect(rows.length).toBe(k);
  expect(cols.length).toBe(k);
  for (let t = 1; t < k; t++) expect(rows[t]!).toBeGreaterThan(rows[t - 1]!);
  expect(new Set(cols).size).toBe(k);
  for (let t = 0; t < k; t++) {
    expect(rows[t]! >= 0 && rows[t]! < m.rows).toBe(true);
    expect(cols[t]! >= 0 && cols[t]! < m.cols).toBe(true);
  }
}

/** Best total over every injective map of the shorter side into the longer (small matrices). */
function bruteForce(m: Matrix, maximize: boolean): number {
  const t = m.rows <= m.cols;
  const a = t ? m.rows : m.cols;
  const b = t ? m.cols : m.rows;
  const at = (i: number, j: number): number => (t ? m.data[i * m.cols + j]! : m.data[j * m.cols + i]!);
  const used = new Uint8Array(b);
  let best = maximize ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  const go = (i: number, sum: number): void => {
    if (i === a) {
      best = maximize ? Math.max(best, sum) : Math.min(best, sum);
      return;
    }
    for (let j = 0; j < b; j++) {
      if (used[j]) continue;
      used[j] = 1;
      go(i + 1, sum + at(i, j));
      used[j] = 0;
    }
  };
  go(0, 0);
  return best;
}

describe('linearSumAssignment against scipy.optimize.linear_sum_assignment', () => {
  it(`has the fixture (scipy ${fx.scipy}, ${fx.cases.length} cases)`, () => {
    expect(fx.cases.length).toBeGreaterThan(50);
    expect(fx.cases.some((c) => !c.unique)).toBe(true);
    expect(fx.cases.some((c) => c.rows > c.cols)).toBe(true);
  });

  for (const c of fx.cases) {
    it(`${c.name}: scipy's optimal total${c.unique ? ' and its (unique) assignment' : ''}`, () => {
      const m = costOf(c);
      const got = linearSumAssignment(m, { maximize: c.maximize });
      expectValid(m, got.rows, got.cols);
      expect(Math.abs(got.total - c.total)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(c.total)));
      let sum = 0;
      for (let t = 0; t < got.rows.length; t++) sum += m.data[got.rows[t]! * m.cols + got.cols[t]!]!;
      expect(got.total).toBe(sum);
      if (c.unique) {
        expect(Array.from(got.rows)).toEqual(c.rowInd);
        expect(Array.from(got.cols)).toEqual(c.colInd);
      }
    });
  }

  it("follows scipy's search order, so it picks scipy's assignment under ties too", () => {
    for (const c of fx.cases.filter((x) => !x.unique)) {
      const got = linearSumAssignment(costOf(c), { maximize: c.maximize });
      expect(Array.from(got.rows), c.name).toEqual(c.rowInd);
      expect(Array.from(got.cols), c.name).toEqual(c.colInd);
    }
  });
});

describe('linearSumAssignment', () => {
  it('solves the small textbook example', () => {
    const got = linearSumAssignment(
      fromRows([
        [4, 1, 3],
        [2, 0, 5],
        [3, 2, 2],
      ]),
    );
    expect(Array.from(got.rows)).toEqual([0, 1, 2]);
    expect(Array.from(got.cols)).toEqual([1, 0, 2]);
    expect(got.total).toBe(5);
    const max = linearSumAssignment(
      fromRows([
        [4, 1, 3],
        [2, 0, 5],
        [3, 2, 2],
      ]),
      { maximize: true },
    );
    expect(max.total).toBe(11);
  });

  it('matches a brute force over all assignments on seeded random matrices, square and rectangular', () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 200; trial++) {
      const r = 1 + rng.int(6);
      const k = 1 + rng.int(6);
      const ties = trial % 3 === 0;
      const m = matrix(
        r,
        k,
        Float64Array.from({ length: r * k }, () => (ties ? rng.int(3) : rng.uniform(-10, 10))),
      );
      for (const maximize of [false, true]) {
        const got = linearSumAssignment(m, { maximize });
        expectValid(m, got.rows, got.cols);
        expect(got.total).toBeCloseTo(bruteForce(m, maximize), 9);
      }
    }
  });

  it('returns no pairs for an empty matrix', () => {
    for (const [r, k] of [
      [0, 0],
      [0, 3],
      [3, 0],
    ] as const) {
      const got = linearSumAssignment(matrix(r, k));
      expect(got.rows.length).toBe(0);
      expect(got.cols.length).toBe(0);
      expect(got.total).toBe(0);
    }
  });

  it('avoids +Infinity pairs (forbidden) and -Infinity pairs when maximizing', () => {
    const inf = Number.POSITIVE_INFINITY;
    const got = linearSumAssignment(
      fromRows([
        [inf, 1],
        [1, inf],
      ]),
    );
    expect(Array.from(got.cols)).toEqual([1, 0]);
    const max = linearSumAssignment(
      fromRows([
        [-inf, 1, 5],
        [1, -inf, 0],
      ]),
      { maximize: true },
    );
    expect(max.total).toBe(6);
    expect(Array.from(max.cols)).toEqual([2, 0]);
  });

  it('rejects NaN, -Infinity (+Infinity when maximizing), infeasible matrices and bad shapes with MlError', () => {
    const inf = Number.POSITIVE_INFINITY;
    expectMlError(() => linearSumAssignment(fromRows([[1, Number.NaN]])), 'NON_FINITE');
    expectMlError(() => linearSumAssignment(fromRows([[1, -inf]])), 'NON_FINITE');
    expectMlError(() => linearSumAssignment(fromRows([[1, inf]]), { maximize: true }), 'NON_FINITE');
    expectMlError(
      () =>
        linearSumAssignment(
          fromRows([
            [inf, inf],
            [1, 2],
          ]),
        ),
      'NON_FINITE',
    );
    expectMlError(
      () => linearSumAssignment({ data: new Float64Array(5), rows: 2, cols: 3 }),
      'SHAPE_MISMATCH',
    );
  });

  it('does not modify the cost matrix', () => {
    const m = fromRows([
      [3, 1],
      [2, 7],
      [5, 0],
    ]);
    const before = Float64Array.from(m.data);
    const got = linearSumAssignment(m, { maximize: true });
    expect(m.data).toEqual(before);
    expect(Array.from(got.rows)).toEqual([1, 2]);
    expect(Array.from(got.cols)).toEqual([1, 0]);
  });

  it('solves 400 x 400 quickly (O(n^3))', () => {
    const rng = new Rng(5);
    const n = 400;
    const m = matrix(
      n,
      n,
      Float64Array.from({ length: n * n }, () => rng.next()),
    );
    const t0 = performance.now();
    const got = linearSumAssignment(m);
    expect(performance.now() - t0).toBeLessThan(2000);
    expectValid(m, got.rows, got.cols);
  });
});
