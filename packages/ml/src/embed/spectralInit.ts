import { symmetricEigen } from '../linalg/symmetricEigen.ts';
import type { Matrix } from '../matrix.ts';
import type { Rng } from '../random.ts';
import type { SparseGraph } from './fuzzySimplicialSet.ts';

/**
 * Spectral layout of a fuzzy graph, as umap-learn's spectral_layout / multi_component_layout:
 * each connected component is laid out by the eigenvectors of its normalised Laplacian
 * I - D^-1/2 W D^-1/2 with the smallest non-trivial eigenvalues, scaled to half the distance to
 * the nearest other component's anchor. Anchors: the origin for one component; +-unit axes for
 * up to 2 dim components; otherwise the leading principal axes of the components' centroids in
 * `data` (random anchors when `data` is null, e.g. for the hamming metric).
 * Components smaller than 2 dim points, and any whose Krylov space is too small, get random
 * positions around their anchor.
 *
 * Eigenvectors come from a block Krylov method with full reorthogonalisation (at most 100 basis
 * vectors, stopping at residual 1e-4, deflating the trivial eigenvector sqrt(degree)), started
 * from a seeded random block: deterministic. If the cap comes first (large graphs with clustered
 * eigenvalues) the best Ritz vectors so far are used: smooth over the graph, which is all an
 * initialisation needs.
 *
 * Returns n x dim coordinates, row-major, not yet scaled to UMAP's [0, 10] box.
 * Complexity: O(K (nnz + n K)) time and O(n K) memory for K <= 100 basis vectors.
 *
 * @example
 * const init = spectralLayout(fuzzySimplicialSet(knn), 2, new Rng(0), x);
 */
export function spectralLayout(graph: SparseGraph, dim: number, rng: Rng, data: Matrix | null): Float64Array {
  const n = graph.n;
  const { labels, count } = connectedComponents(graph);
  const members = groupByLabel(labels, count);
  const anchors = componentAnchors(members, count, dim, rng, data);
  const out = new Float64Array(n * dim);
  const local = new Int32Array(n);
  for (let c = 0; c < count; c++) {
    const idx = members[c];
    const range = anchorRange(anchors, count, dim, c);
    const size = idx.length;
    let layout: Float64Array | null = null;
    if (size >= 2 * dim && size > dim + 1) {
      for (let t = 0; t < size; t++) local[idx[t]] = t;
      layout = componentEigenvectors(graph, idx, local, dim, rng);
    }
    if (layout === null) {
      for (let t = 0; t < size; t++) {
        for (let d = 0; d < dim; d++)
          out[idx[t] * dim + d] = anchors[c * dim + d] + rng.uniform(-range, range);
      }
      continue;
    }
    let maxAbs = 0;
    for (let t = 0; t < layout.length; t++) maxAbs = Math.max(maxAbs, Math.abs(layout[t]));
    const expansion = maxAbs > 0 ? range / maxAbs : 0;
    for (let t = 0; t < size; t++) {
      for (let d = 0; d < dim; d++)
        out[idx[t] * dim + d] = anchors[c * dim + d] + layout[t * dim + d] * expansion;
    }
  }
  return out;
}

/** Labels each vertex with its connected component, numbered by smallest member. O(n + nnz). */
export function connectedComponents(graph: SparseGraph): { labels: Int32Array; count: number } {
  const n = graph.n;
  const labels = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let count = 0;
  for (let s = 0; s < n; s++) {
    if (labels[s] >= 0) continue;
    let head = 0;
    let tail = 0;
    queue[tail++] = s;
    labels[s] = count;
    while (head < tail) {
      const v = queue[head++];
      for (let e = graph.indptr[v]; e < graph.indptr[v + 1]; e++) {
        const w = graph.indices[e];
        if (labels[w] < 0) {
          labels[w] = count;
          queue[tail++] = w;
        }
      }
    }
    count++;
  }
  return { labels, count };
}

function groupByLabel(labels: Int32Array, count: number): Int32Array[] {
  const sizes = new Int32Array(count);
  for (let i = 0; i < labels.length; i++) sizes[labels[i]]++;
  const groups = Array.from({ length: count }, (_, c) => new Int32Array(sizes[c]));
  const fill = new Int32Array(count);
  for (let i = 0; i < labels.length; i++) groups[labels[i]][fill[labels[i]]++] = i;
  return groups;
}

/** count x dim anchor points, one per component. */
function componentAnchors(
  members: Int32Array[],
  count: number,
  dim: number,
  rng: Rng,
  data: Matrix | null,
): Float64Array {
  const anchors = new Float64Array(count * dim);
  if (count === 1) return anchors;
  if (count <= 2 * dim) {
    const half = Math.ceil(count / 2);
    for (let c = 0; c < count; c++) {
      if (c < half) anchors[c * dim + c] = 1;
      else anchors[c * dim + (c - half)] = -1;
    }
    return anchors;
  }
  if (data !== null && centroidPrincipalScores(members, data, dim, rng, anchors)) return anchors;
  for (let t = 0; t < anchors.length; t++) anchors[t] = rng.uniform(-1, 1);
  return anchors;
}

/** Half the distance from anchor c to its nearest distinct anchor (1 when there is none). */
function anchorRange(anchors: Float64Array, count: number, dim: number, c: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let o = 0; o < count; o++) {
    let s = 0;
    for (let d = 0; d < dim; d++) {
      const diff = anchors[o * dim + d] - anchors[c * dim + d];
      s += diff * diff;
    }
    if (s > 0 && s < best) best = s;
  }
  return best === Number.POSITIVE_INFINITY ? 1 : Math.sqrt(best) / 2;
}

/**
 * Writes the centroids' scores on their top `dim` principal axes (orthogonal iteration),
 * divided by the largest absolute score, into `out`. Returns false when the centroids coincide.
 */
function centroidPrincipalScores(
  members: Int32Array[],
  x: Matrix,
  dim: number,
  rng: Rng,
  out: Float64Array,
): boolean {
  const count = members.length;
  const p = x.cols;
  const c = new Float64Array(count * p);
  const mean = new Float64Array(p);
  for (let g = 0; g < count; g++) {
    const idx = members[g];
    for (const i of idx) for (let j = 0; j < p; j++) c[g * p + j] += x.data[i * p + j];
    for (let j = 0; j < p; j++) {
      c[g * p + j] /= idx.length;
      mean[j] += c[g * p + j] / count;
    }
  }
  for (let g = 0; g < count; g++) for (let j = 0; j < p; j++) c[g * p + j] -= mean[j];
  const q = new Float64Array(p * dim);
  for (let t = 0; t < q.length; t++) q[t] = rng.normal();
  const scores = new Float64Array(count * dim);
  for (let iter = 0; iter < 100; iter++) {
    // scores = C Q, then Q = C^T scores, orthonormalised column by column.
    scores.fill(0);
    for (let g = 0; g < count; g++) {
      for (let d = 0; d < dim; d++) {
        let s = 0;
        for (let j = 0; j < p; j++) s += c[g * p + j] * q[j * dim + d];
        scores[g * dim + d] = s;
      }
    }
    q.fill(0);
    for (let g = 0; g < count; g++) {
      for (let j = 0; j < p; j++) {
        const cg = c[g * p + j];
        for (let d = 0; d < dim; d++) q[j * dim + d] += cg * scores[g * dim + d];
      }
    }
    if (!orthonormalizeColumns(q, p, dim)) return false;
  }
  let maxAbs = 0;
  for (let g = 0; g < count; g++) {
    for (let d = 0; d < dim; d++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += c[g * p + j] * q[j * dim + d];
      out[g * dim + d] = s;
      maxAbs = Math.max(maxAbs, Math.abs(s));
    }
  }
  if (!(maxAbs > 0)) return false;
  for (let t = 0; t < out.length; t++) out[t] /= maxAbs;
  return true;
}

/** Modified Gram-Schmidt on the columns of a rows x cols matrix; false if a column vanishes. */
function orthonormalizeColumns(q: Float64Array, rows: number, cols: number): boolean {
  for (let d = 0; d < cols; d++) {
    for (let e = 0; e < d; e++) {
      let dot = 0;
      for (let j = 0; j < rows; j++) dot += q[j * cols + d] * q[j * cols + e];
      for (let j = 0; j < rows; j++) q[j * cols + d] -= dot * q[j * cols + e];
    }
    let norm = 0;
    for (let j = 0; j < rows; j++) norm += q[j * cols + d] * q[j * cols + d];
    norm = Math.sqrt(norm);
    if (!(norm > 1e-300)) return false;
    for (let j = 0; j < rows; j++) q[j * cols + d] /= norm;
  }
  return true;
}

/**
 * The `dim` eigenvectors of D^-1/2 W D^-1/2 on one component with the largest eigenvalues below
 * the trivial one (= smallest non-trivial of the normalised Laplacian), size x dim row-major;
 * null when the Krylov space has fewer than `dim` directions.
 *
 * Block Krylov (block size dim + 1, so repeated eigenvalues such as a ring's cos / sin pair are
 * both found, which single-vector Lanczos cannot do) with full reorthogonalisation and
 * Rayleigh-Ritz; stops when the wanted Ritz residuals are below 1e-4 or the basis has 100 vectors.
 */
function componentEigenvectors(
  graph: SparseGraph,
  idx: Int32Array,
  local: Int32Array,
  dim: number,
  rng: Rng,
): Float64Array | null {
  const m = idx.length;
  const invSqrtDeg = new Float64Array(m);
  const trivial = new Float64Array(m);
  let norm = 0;
  for (let t = 0; t < m; t++) {
    const v = idx[t];
    let deg = 0;
    for (let e = graph.indptr[v]; e < graph.indptr[v + 1]; e++) deg += graph.values[e];
    invSqrtDeg[t] = deg > 0 ? 1 / Math.sqrt(deg) : 0;
    trivial[t] = Math.sqrt(deg);
    norm += deg;
  }
  norm = Math.sqrt(norm);
  for (let t = 0; t < m; t++) trivial[t] /= norm;

  // The component's normalised adjacency D^-1/2 W D^-1/2 as its own CSR, in local indices.
  const ptr = new Int32Array(m + 1);
  for (let t = 0; t < m; t++) ptr[t + 1] = ptr[t] + graph.indptr[idx[t] + 1] - graph.indptr[idx[t]];
  const cols = new Int32Array(ptr[m]);
  const vals = new Float64Array(ptr[m]);
  for (let t = 0; t < m; t++) {
    let o = ptr[t];
    for (let e = graph.indptr[idx[t]]; e < graph.indptr[idx[t] + 1]; e++) {
      const u = local[graph.indices[e]];
      cols[o] = u;
      vals[o++] = graph.values[e] * invSqrtDeg[t] * invSqrtDeg[u];
    }
  }
  const matvec = (x: Float64Array, y: Float64Array): void => {
    for (let t = 0; t < m; t++) {
      let s = 0;
      for (let e = ptr[t]; e < ptr[t + 1]; e++) s += vals[e] * x[cols[e]];
      y[t] = s;
    }
  };

  const cap = Math.min(m - 1, 100);
  const block = dim + 1;
  const basis = new Float64Array(cap * m); // V, one vector per row
  const images = new Float64Array(cap * m); // N V
  const h = new Float64Array(cap * cap); // V^T N V, filled as images arrive
  const vec = (a: Float64Array, i: number): Float64Array => a.subarray(i * m, (i + 1) * m);
  const z = new Float64Array(m);

  // Appends z to the basis if anything is left after orthogonalising; returns whether it was kept.
  // z arrives already free of the first `known` basis vectors (coefficients from h); a second
  // Gram-Schmidt pass runs only when the first cancelled much of z (Kahan-Parlett "twice is
  // enough"): that is when rounding can leave z visibly non-orthogonal.
  const append = (count: number, known: number, before: number): boolean => {
    let start = before;
    let after = 0;
    for (let pass = 0; pass < 2; pass++) {
      projectOut(z, trivial);
      for (let i = pass === 0 ? known : 0; i < count; i++) projectOut(z, vec(basis, i));
      after = Math.sqrt(dot(z, z));
      if (after > 0.7 * start) break;
      start = after;
    }
    if (!(after > 1e-8 * before) || !(after > 1e-300)) return false;
    const row = vec(basis, count);
    for (let t = 0; t < m; t++) row[t] = z[t] / after;
    return true;
  };

  let count = 0;
  for (let b = 0; b < block && count < cap; b++) {
    for (let t = 0; t < m; t++) z[t] = rng.normal();
    if (append(count, 0, Math.sqrt(dot(z, z)))) count++;
  }
  // h[i][f] is known for i below knownAtImage[f] when image f becomes a new basis vector.
  const knownAtImage = new Int32Array(cap);
  let done = 0; // basis vectors whose image is computed
  let nextCheck = 2 * block;
  let ritz: Float64Array | null = null;
  while (done < count) {
    const frontierStart = done;
    const frontierEnd = count;
    for (let f = frontierStart; f < frontierEnd; f++) {
      const img = vec(images, f);
      matvec(vec(basis, f), img);
      for (let i = 0; i < count; i++) {
        const v = dot(vec(basis, i), img);
        h[i * cap + f] = v;
        h[f * cap + i] = v;
      }
      knownAtImage[f] = count;
    }
    done = frontierEnd;
    if (done >= nextCheck || count === cap) {
      nextCheck = done + 20;
      const r = ritzVectors(basis, images, h, cap, done, m, dim);
      if (r.worstResidual < 1e-4 || count === cap) {
        ritz = r.y;
        break;
      }
    }
    // Grow the Krylov space with the new images.
    for (let f = frontierStart; f < frontierEnd && count < cap; f++) {
      // Classical Gram-Schmidt against the vectors whose coefficients V_i . N v_f are already in h.
      const img = vec(images, f);
      z.set(img);
      const known = knownAtImage[f];
      for (let i = 0; i < known; i++) {
        const c = h[i * cap + f];
        const bi = vec(basis, i);
        for (let t = 0; t < m; t++) z[t] -= c * bi[t];
      }
      if (append(count, known, Math.sqrt(dot(img, img)))) count++;
    }
  }
  if (ritz === null) {
    if (done < dim) return null;
    ritz = ritzVectors(basis, images, h, cap, done, m, dim).y;
  }
  return ritz;
}

/**
 * Rayleigh-Ritz on the first k basis vectors: the top `dim` eigenvectors of V^T N V lifted back,
 * size x dim row-major, and the largest residual ||N y - theta y|| among them.
 */
function ritzVectors(
  basis: Float64Array,
  images: Float64Array,
  h: Float64Array,
  cap: number,
  k: number,
  m: number,
  dim: number,
): { y: Float64Array; worstResidual: number } {
  const small = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) small[i * k + j] = (h[i * cap + j] + h[j * cap + i]) / 2;
  }
  const { values, vectors } = symmetricEigen(small, k);
  const y = new Float64Array(m * dim);
  const ny = new Float64Array(m);
  let worst = 0;
  for (let d = 0; d < Math.min(dim, k); d++) {
    ny.fill(0);
    for (let j = 0; j < k; j++) {
      const s = vectors[j * k + d];
      if (s === 0) continue;
      const bj = basis.subarray(j * m, (j + 1) * m);
      const ij = images.subarray(j * m, (j + 1) * m);
      for (let t = 0; t < m; t++) {
        y[t * dim + d] += s * bj[t];
        ny[t] += s * ij[t];
      }
    }
    let r = 0;
    for (let t = 0; t < m; t++) {
      const diff = ny[t] - values[d] * y[t * dim + d];
      r += diff * diff;
    }
    worst = Math.max(worst, Math.sqrt(r));
  }
  return { y, worstResidual: worst };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let t = 0; t < a.length; t++) s += a[t] * b[t];
  return s;
}

function projectOut(w: Float64Array, unit: Float64Array): void {
  const c = dot(w, unit);
  for (let t = 0; t < w.length; t++) w[t] -= c * unit[t];
}
