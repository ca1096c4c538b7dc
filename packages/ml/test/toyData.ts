// Seeded two-class toy problems for the classifier tests: none is linearly separable.
import { type Matrix, matrix } from '../src/matrix.ts';
import { Rng } from '../src/random.ts';

export interface ToySet {
  x: Matrix;
  y: Int32Array;
}

/** XOR-like: x uniform in [-1, 1]^2, y = 1 when x0 and x1 have the same sign; rows within `gap` of an axis are redrawn. */
export function xorData(n: number, seed: number, gap = 0.05): ToySet {
  const rng = new Rng(seed);
  const d = new Float64Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let a: number;
    let b: number;
    do {
      a = rng.uniform(-1, 1);
      b = rng.uniform(-1, 1);
    } while (Math.abs(a) < gap || Math.abs(b) < gap);
    d[2 * i] = a;
    d[2 * i + 1] = b;
    y[i] = a * b > 0 ? 1 : 0;
  }
  return { x: matrix(n, 2, d), y };
}

/** scikit-learn's make_moons: two interleaved half circles, Gaussian noise of sd `noise`; alternate rows per class. */
export function twoMoons(n: number, seed: number, noise = 0.1): ToySet {
  const rng = new Rng(seed);
  const d = new Float64Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const t = Math.PI * rng.next();
    const c = i % 2;
    y[i] = c;
    d[2 * i] = (c === 0 ? Math.cos(t) : 1 - Math.cos(t)) + noise * rng.normal();
    d[2 * i + 1] = (c === 0 ? Math.sin(t) : 0.5 - Math.sin(t)) + noise * rng.normal();
  }
  return { x: matrix(n, 2, d), y };
}

/** scikit-learn's make_circles: class 0 on the unit circle, class 1 on radius `factor`, noise sd `noise`. */
export function circles(n: number, seed: number, factor = 0.5, noise = 0.05): ToySet {
  const rng = new Rng(seed);
  const d = new Float64Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const t = 2 * Math.PI * rng.next();
    const c = i % 2;
    const r = c === 0 ? 1 : factor;
    y[i] = c;
    d[2 * i] = r * Math.cos(t) + noise * rng.normal();
    d[2 * i + 1] = r * Math.sin(t) + noise * rng.normal();
  }
  return { x: matrix(n, 2, d), y };
}

/** Share of rows where P(y = 1) > 0.5 agrees with y. */
export function accuracy(prob: ArrayLike<number>, y: ArrayLike<number>): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if ((prob[i]! > 0.5 ? 1 : 0) === y[i]) ok++;
  return ok / y.length;
}
