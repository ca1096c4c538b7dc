import { MlError } from '../errors.ts';
import type { Matrix } from '../matrix.ts';
import { assertFinite } from '../matrix.ts';

/**
 * Trustworthiness of an embedding (Venna & Kaski 2001), as scikit-learn's
 * `sklearn.manifold.trustworthiness` with the Euclidean metric:
 *
 *   T(k) = 1 - 2 / (n k (2n - 3k - 1)) * sum_i sum_{j in N_k(i)} max(0, r(i, j) - k)
 *
 * where N_k(i) are the k nearest neighbours of row i in the embedding and r(i, j) is the rank
 * (1 = nearest) of j among the other rows by distance in the input space. 1 means every
 * embedded neighbourhood is a true neighbourhood; random embeddings score about 0.5.
 *
 * Shapes: x n x p, embedding n x q, same n. Needs 1 <= nNeighbors < n / 2 (throws
 * `BAD_OPTION` otherwise, as scikit-learn does), finite values (`NON_FINITE`), matching rows
 * (`SHAPE_MISMATCH`). Ties in distance are broken by row index, lower first (scikit-learn's
 * argsort order for ties is unspecified, so with tied distances the two can differ).
 *
 * Cost O(n^2 (p + q + k)) time but only O(n) extra memory (scikit-learn holds n x n ranks),
 * so 10,000 rows take seconds, not gigabytes.
 *
 * @example
 * const t = trustworthiness(x, tsne.embedding, 5); // e.g. 0.98
 */
export function trustworthiness(x: Matrix, embedding: Matrix, nNeighbors = 5): number {
  const n = x.rows;
  const k = nNeighbors;
  if (embedding.rows !== n) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `trustworthiness: input has ${n} rows but the embedding has ${embedding.rows}; they must describe the same rows`,
    );
  }
  if (!Number.isInteger(k) || k < 1 || k >= n / 2) {
    throw new MlError(
      'BAD_OPTION',
      `trustworthiness: nNeighbors = ${k} must be an integer with 1 <= nNeighbors < n / 2 = ${n / 2}` +
        (n < 3 ? '; at least 3 rows are needed' : ''),
    );
  }
  assertFinite(x, 'trustworthiness');
  assertFinite(embedding, 'trustworthiness');

  const dIn = new Float64Array(n);
  const nbIdx = new Int32Array(k);
  const nbDist = new Float64Array(k);
  let penalty = 0;
  for (let i = 0; i < n; i++) {
    sqDistancesFrom(x, i, dIn);
    nearestInEmbedding(embedding, i, k, nbIdx, nbDist);
    for (let t = 0; t < k; t++) {
      const j = nbIdx[t]!;
      const dj = dIn[j]!;
      // Rank of j among the other rows in input space: how many come strictly before it.
      let before = 0;
      for (let m = 0; m < n; m++) {
        const dm = dIn[m]!;
        if (dm < dj || (dm === dj && m < j)) before++;
      }
      if (dIn[i]! < dj || (dIn[i]! === dj && i < j)) before--; // i itself is not a candidate
      const rank = before + 1;
      if (rank > k) penalty += rank - k;
    }
  }
  return 1 - penalty * (2 / (n * k * (2 * n - 3 * k - 1)));
}

/** out[j] = squared distance between rows i and j of m. */
function sqDistancesFrom(m: Matrix, i: number, out: Float64Array): void {
  const { data, rows: n, cols: p } = m;
  const io = i * p;
  for (let j = 0; j < n; j++) {
    const jo = j * p;
    let s = 0;
    for (let a = 0; a < p; a++) {
      const d = data[io + a]! - data[jo + a]!;
      s += d * d;
    }
    out[j] = s;
  }
}

/** The k nearest rows to row i (excluding i), ascending, ties to the lower index: insertion into a sorted list. */
function nearestInEmbedding(e: Matrix, i: number, k: number, idx: Int32Array, dist: Float64Array): void {
  const { data, rows: n, cols: q } = e;
  const io = i * q;
  let size = 0;
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    const jo = j * q;
    let s = 0;
    for (let a = 0; a < q; a++) {
      const d = data[io + a]! - data[jo + a]!;
      s += d * d;
    }
    if (size === k && s >= dist[k - 1]!) continue;
    // Scanning j upwards and shifting only past strictly larger distances keeps ties in index order.
    let pos = size < k ? size++ : k - 1;
    while (pos > 0 && dist[pos - 1]! > s) {
      dist[pos] = dist[pos - 1]!;
      idx[pos] = idx[pos - 1]!;
      pos--;
    }
    dist[pos] = s;
    idx[pos] = j;
  }
}
