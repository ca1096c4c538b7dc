import { describe, expect, it } from 'vitest';
import { QuadTree } from '../src/embed/quadTree.ts';
import { Rng } from '../src/random.ts';
import { maxAbsDiff } from './helpers.ts';

/** sum_{j != i} q_ij^2 (y_i - y_j) and Z by the O(n^2) definition. */
function bruteForce(y: Float64Array, n: number): { forces: Float64Array; z: number } {
  const forces = new Float64Array(2 * n);
  let z = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const dx = y[2 * i]! - y[2 * j]!;
      const dy = y[2 * i + 1]! - y[2 * j + 1]!;
      const q = 1 / (1 + dx * dx + dy * dy);
      z += q;
      forces[2 * i] = forces[2 * i]! + q * q * dx;
      forces[2 * i + 1] = forces[2 * i + 1]! + q * q * dy;
    }
  }
  return { forces, z };
}

function clustered(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const y = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = i % 4;
    y[2 * i] = 10 * (c % 2) + rng.normal();
    y[2 * i + 1] = 10 * (c >> 1) + 0.3 * rng.normal();
  }
  return y;
}

describe('QuadTree repulsion', () => {
  it('theta = 0 is the exact O(n^2) sum', () => {
    const n = 300;
    const y = clustered(n, 1);
    const tree = new QuadTree();
    tree.build(y, n);
    const out = new Float64Array(2 * n);
    const z = tree.repulsion(y, n, 0, out);
    const ref = bruteForce(y, n);
    expect(Math.abs(z - ref.z) / ref.z).toBeLessThan(1e-12);
    expect(maxAbsDiff(out, ref.forces)).toBeLessThan(1e-12);
  });

  it('theta = 0.5 approximates it to a few per cent and visits far fewer cells', () => {
    const n = 2000;
    const y = clustered(n, 2);
    const tree = new QuadTree();
    tree.build(y, n);
    const out = new Float64Array(2 * n);
    const z = tree.repulsion(y, n, 0.5, out);
    const ref = bruteForce(y, n);
    expect(Math.abs(z - ref.z) / ref.z).toBeLessThan(0.01);
    let err = 0;
    let norm = 0;
    for (let t = 0; t < 2 * n; t++) {
      err += (out[t]! - ref.forces[t]!) ** 2;
      norm += ref.forces[t]! ** 2;
    }
    expect(Math.sqrt(err / norm)).toBeLessThan(0.05);
    expect(tree.size).toBeLessThan(6 * n);
  });

  it('leaves duplicates in one leaf: exact forces, self excluded, Z counts the copies', () => {
    // Three copies of (0, 0), two of (1, 1), one (5, -2), and a rebuild reusing the arrays.
    const y = Float64Array.of(0, 0, 1, 1, 0, 0, 5, -2, 1, 1, 0, 0);
    const n = 6;
    const tree = new QuadTree();
    tree.build(Float64Array.of(9, 9, 8, 8), 2);
    tree.build(y, n);
    const out = new Float64Array(2 * n);
    const z = tree.repulsion(y, n, 0, out);
    const ref = bruteForce(y, n);
    expect(z).toBeCloseTo(ref.z, 12);
    expect(maxAbsDiff(out, ref.forces)).toBeLessThan(1e-12);
  });

  it('survives all points identical, points on a line and near-coincident points', () => {
    const tree = new QuadTree();
    const same = new Float64Array(20).fill(3);
    tree.build(same, 10);
    const out = new Float64Array(20);
    expect(tree.repulsion(same, 10, 0.5, out)).toBeCloseTo(90, 12);
    expect(Array.from(out).every((v) => v === 0)).toBe(true);

    const line = Float64Array.from({ length: 40 }, (_, t) => (t % 2 === 0 ? t : 0));
    tree.build(line, 20);
    const lineOut = new Float64Array(40);
    const ref = bruteForce(line, 20);
    expect(tree.repulsion(line, 20, 0, lineOut)).toBeCloseTo(ref.z, 12);
    expect(maxAbsDiff(lineOut, ref.forces)).toBeLessThan(1e-12);

    // 1e-300 apart: deeper than the depth limit, so merged rather than split forever.
    const near = Float64Array.of(0, 0, 1e-300, 0, 1, 1);
    tree.build(near, 3);
    const nearOut = new Float64Array(6);
    const nearZ = tree.repulsion(near, 3, 0.5, nearOut);
    expect(Number.isFinite(nearZ)).toBe(true);
    expect(nearZ).toBeCloseTo(bruteForce(near, 3).z, 12);
  });
});
