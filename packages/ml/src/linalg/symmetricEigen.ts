/** Eigenvalues and eigenvectors of a real symmetric matrix. */
export interface SymmetricEigen {
  /** The p eigenvalues, largest first. */
  values: Float64Array;
  /** p x p row-major; column k (`vectors[i * p + k]`) is the unit eigenvector of `values[k]`. */
  vectors: Float64Array;
}

/**
 * Eigen-decomposition A = V diag(values) V^T of a symmetric p x p matrix: Householder reduction
 * to tridiagonal form, then the implicit QL algorithm with Wilkinson-style shifts (the
 * EISPACK tred2 / tql2 pair, as ported in JAMA). Backward stable: eigenvalues are accurate to
 * about 1e-16 * max|eigenvalue|, eigenvectors orthonormal to the same order.
 *
 * Only the lower triangle of `a` is read (rows below the diagonal), so a matrix built by
 * filling one triangle is fine. `a` is not modified. Cost O(p^3) time (about 9 p^3 flops),
 * O(p^2) memory. Eigenvector signs are whatever the algorithm gives; callers that need a
 * convention (PCA) fix them afterwards.
 *
 * @example
 * const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
 * // values = [3, 1]; column 0 of vectors is +-[0.7071, 0.7071]
 */
export function symmetricEigen(a: Float64Array, p: number): SymmetricEigen {
  if (a.length !== p * p) throw new RangeError(`symmetricEigen: expected ${p * p} values, got ${a.length}`);
  const v = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      v[i * p + j] = a[i * p + j]!;
      v[j * p + i] = a[i * p + j]!;
    }
  }
  const d = new Float64Array(p);
  const e = new Float64Array(p);
  if (p > 0) {
    tridiagonalise(v, d, e, p);
    diagonalise(v, d, e, p);
  }
  // QL leaves the eigenvalues ascending; selection-sort them descending, carrying the columns.
  for (let i = 0; i < p - 1; i++) {
    let k = i;
    for (let j = i + 1; j < p; j++) if (d[j]! > d[k]!) k = j;
    if (k !== i) {
      const t = d[i]!;
      d[i] = d[k]!;
      d[k] = t;
      for (let r = 0; r < p; r++) {
        const o = r * p;
        const s = v[o + i]!;
        v[o + i] = v[o + k]!;
        v[o + k] = s;
      }
    }
  }
  return { values: d, vectors: v };
}

/** Householder reduction of the symmetric matrix in `v` (overwritten by the accumulated transform). */
function tridiagonalise(v: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  const last = (n - 1) * n;
  for (let j = 0; j < n; j++) d[j] = v[last + j]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = v[(i - 1) * n + j]!;
        v[i * n + j] = 0;
        v[j * n + i] = 0;
      }
    } else {
      // Scaling by the row's 1-norm keeps h = |x|^2 from over- or underflowing.
      for (let k = 0; k < i; k++) {
        d[k] = d[k]! / scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        v[j * n + i] = f;
        g = e[j]! + v[j * n + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += v[k * n + j]! * d[k]!;
          e[k] = e[k]! + v[k * n + j]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = e[j]! / h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = e[j]! - hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) v[k * n + j] = v[k * n + j]! - (f * e[k]! + g * d[k]!);
        d[j] = v[(i - 1) * n + j]!;
        v[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    v[last + i] = v[i * n + i]!;
    v[i * n + i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = v[k * n + i + 1]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += v[k * n + i + 1]! * v[k * n + j]!;
        for (let k = 0; k <= i; k++) v[k * n + j] = v[k * n + j]! - g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) v[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = v[last + j]!;
    v[last + j] = 0;
  }
  v[last + n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL on the tridiagonal (d, e), rotating the columns of `v` along. */
function diagonalise(v: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]!) > eps * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        // Convergence is cubic in practice (two or three sweeps); a runaway loop means NaN got in.
        if (++iter > 100) throw new Error('symmetricEigen: QL iteration did not converge');
        let g = d[l]!;
        let q = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(q, 1);
        if (q < 0) r = -r;
        d[l] = e[l]! / (q + r);
        d[l + 1] = e[l]! * (q + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] = d[i]! - h;
        f += h;
        q = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * q;
          r = Math.hypot(q, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = q / r;
          q = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          for (let k = 0; k < n; k++) {
            const o = k * n;
            h = v[o + i + 1]!;
            v[o + i + 1] = s * v[o + i]! + c * h;
            v[o + i] = c * v[o + i]! - s * h;
          }
        }
        q = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * q;
        d[l] = c * q;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}
