import { describe, expect, it } from 'vitest';
import { minimizeBfgs } from '../src/optimize/bfgs.ts';
import { minimizeNelderMead } from '../src/optimize/nelderMead.ts';
import { numericalHessian } from '../src/optimize/numericalHessian.ts';
import { expectMlError } from './helpers.ts';

const rosenbrock = (x: Float64Array): number => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;
const rosenbrockGradient = (x: Float64Array, out: Float64Array): void => {
  out[0] = -400 * x[0]! * (x[1]! - x[0]! ** 2) - 2 * (1 - x[0]!);
  out[1] = 200 * (x[1]! - x[0]! ** 2);
};

// f(x) = 1/2 (x - m)' A (x - m) + 7 with a known positive-definite A.
const A = Float64Array.of(4, 1, 0.5, 1, 3, -0.2, 0.5, -0.2, 2);
const M = Float64Array.of(1, -2, 0.5);
const quadratic = (x: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) s += (x[i]! - M[i]!) * A[i * 3 + j]! * (x[j]! - M[j]!);
  return 0.5 * s + 7;
};

// Defined only on the positive quadrant (NaN elsewhere), minimum at (2, 3).
const partial = (x: Float64Array): number =>
  x[0]! <= 0 || x[1]! <= 0 ? Number.NaN : (Math.log(x[0]!) - Math.log(2)) ** 2 + (x[1]! - 3) ** 2;

describe('minimizeBfgs', () => {
  it('finds the Rosenbrock minimum from (-1.2, 1) with numerical gradients', () => {
    const r = minimizeBfgs(rosenbrock, Float64Array.of(-1.2, 1));
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.x[1]).toBeCloseTo(1, 5);
    expect(r.value).toBeLessThan(1e-10);
    expect(r.iterations).toBeLessThan(100);
  });

  it('uses an analytic gradient when given', () => {
    let calls = 0;
    const f = (x: Float64Array) => {
      calls++;
      return rosenbrock(x);
    };
    const r = minimizeBfgs(f, Float64Array.of(-1.2, 1), { gradient: rosenbrockGradient });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.evaluations).toBe(calls);
    expect(calls).toBeLessThan(3 * r.iterations + 10);
  });

  it('minimises a quadratic exactly', () => {
    const r = minimizeBfgs(quadratic, Float64Array.of(0, 0, 0));
    expect(r.converged).toBe(true);
    for (let i = 0; i < 3; i++) expect(r.x[i]).toBeCloseTo(M[i]!, 6);
    expect(r.value).toBeCloseTo(7, 10);
  });

  it('backs away from NaN regions', () => {
    const r = minimizeBfgs(partial, Float64Array.of(0.1, 0.1), { initialStep: 10 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(2, 5);
    expect(r.x[1]).toBeCloseTo(3, 5);
  });

  it('reports a start where f is not finite instead of throwing', () => {
    const r = minimizeBfgs(partial, Float64Array.of(-1, 1));
    expect(r.converged).toBe(false);
    expect(r.message).toMatch(/not finite at the starting point/);
  });

  it('reports running out of iterations', () => {
    const r = minimizeBfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIterations: 3 });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(3);
    expect(r.message).toMatch(/maxIterations/);
  });

  it('rejects bad input', () => {
    expectMlError(() => minimizeBfgs(rosenbrock, new Float64Array(0)), 'EMPTY_INPUT');
    expectMlError(() => minimizeBfgs(rosenbrock, Float64Array.of(Number.NaN, 1)), 'NON_FINITE');
    expectMlError(() => minimizeBfgs(rosenbrock, Float64Array.of(0, 1), { tolerance: 0 }), 'BAD_OPTION');
  });
});

describe('minimizeNelderMead', () => {
  it('finds the Rosenbrock minimum', () => {
    const r = minimizeNelderMead(rosenbrock, Float64Array.of(-1.2, 1), { maxIterations: 2000 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 4);
    expect(r.x[1]).toBeCloseTo(1, 4);
  });

  it('minimises a quadratic', () => {
    const r = minimizeNelderMead(quadratic, Float64Array.of(0, 0, 0), { initialStep: 0.5 });
    expect(r.converged).toBe(true);
    for (let i = 0; i < 3; i++) expect(r.x[i]).toBeCloseTo(M[i]!, 4);
  });

  it('backs away from NaN regions', () => {
    const r = minimizeNelderMead(partial, Float64Array.of(0.5, 0.5), { initialStep: 1, maxIterations: 1000 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(2, 3);
    expect(r.x[1]).toBeCloseTo(3, 3);
  });

  it('says so when f is nowhere finite on the simplex', () => {
    const r = minimizeNelderMead(() => Number.NaN, Float64Array.of(1, 1));
    expect(r.converged).toBe(false);
    expect(r.message).toMatch(/not finite/);
  });

  it('rejects bad input', () => {
    expectMlError(() => minimizeNelderMead(rosenbrock, new Float64Array(0)), 'EMPTY_INPUT');
    expectMlError(
      () => minimizeNelderMead(rosenbrock, Float64Array.of(1, Number.POSITIVE_INFINITY)),
      'NON_FINITE',
    );
  });
});

describe('numericalHessian', () => {
  it('recovers the matrix of a quadratic', () => {
    const h = numericalHessian(quadratic, Float64Array.of(0.3, -1, 2));
    for (let i = 0; i < 9; i++) expect(h[i]).toBeCloseTo(A[i]!, 6);
  });

  it('matches the analytic Hessian of Rosenbrock at (1, 1) and is symmetric', () => {
    const h = numericalHessian(rosenbrock, Float64Array.of(1, 1));
    const exact = [802, -400, -400, 200];
    for (let i = 0; i < 4; i++) expect(Math.abs(h[i]! - exact[i]!) / Math.abs(exact[i]!)).toBeLessThan(1e-6);
    expect(h[1]).toBe(h[2]);
  });

  it('rejects a non-positive step', () => {
    expectMlError(() => numericalHessian(quadratic, Float64Array.of(0, 0, 0), 0), 'BAD_OPTION');
  });
});
