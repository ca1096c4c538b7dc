/**
 * Cholesky factorisation of a symmetric positive-definite matrix, A = L L^T with L lower
 * triangular. Only the lower triangle of `a` is read, so a matrix whose upper triangle is
 * stale or rounded differently still factors.
 *
 * Shapes: `a` and `out` are p x p, flat row-major; `out` may be `a` itself (in place). The
 * strict upper triangle of `out` is set to 0. Cost O(p^3 / 3), no allocation.
 *
 * Returns false, leaving `out` partly written, when a pivot is not strictly positive (the
 * matrix is not positive definite to working precision); callers turn that into an error
 * they can word for their context.
 *
 * @example
 * const l = new Float64Array(4);
 * cholesky(Float64Array.of(4, 2, 2, 3), 2, l); // true; l = [2, 0, 1, 1.414...]
 */
export function cholesky(a: Float64Array, p: number, out: Float64Array): boolean {
  for (let j = 0; j < p; j++) {
    const jo = j * p;
    let d = a[jo + j]!;
    for (let t = 0; t < j; t++) d -= out[jo + t]! * out[jo + t]!;
    // `!(d > 0)` also rejects NaN, which a plain `d <= 0` would let through.
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    out[jo + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      const io = i * p;
      let s = a[io + j]!;
      for (let t = 0; t < j; t++) s -= out[io + t]! * out[jo + t]!;
      out[io + j] = s / ljj;
    }
    for (let t = j + 1; t < p; t++) out[jo + t] = 0;
  }
  return true;
}

/**
 * Inverse of a lower-triangular matrix with a non-zero diagonal, by forward substitution
 * column by column. The inverse is lower triangular too; its strict upper triangle is set to 0.
 *
 * Shapes: `l` and `out` are p x p, flat row-major, and must be different arrays.
 * Cost O(p^3 / 6), no allocation.
 *
 * @example
 * const w = new Float64Array(4);
 * invertLowerTriangular(Float64Array.of(2, 0, 1, 1), 2, w); // w = [0.5, 0, -0.5, 1]
 */
export function invertLowerTriangular(l: Float64Array, p: number, out: Float64Array): void {
  out.fill(0);
  for (let c = 0; c < p; c++) {
    out[c * p + c] = 1 / l[c * p + c]!;
    for (let i = c + 1; i < p; i++) {
      const io = i * p;
      let s = 0;
      for (let t = c; t < i; t++) s -= l[io + t]! * out[t * p + c]!;
      out[io + c] = s / l[io + i]!;
    }
  }
}
