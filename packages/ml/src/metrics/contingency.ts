import { MlError } from '../errors.ts';
import { assertFinite, type Matrix } from '../matrix.ts';

/**
 * Labels re-coded as 0..k-1 in ascending order of their original values (scikit-learn's
 * `LabelEncoder`). `-1` (noise) is an ordinary value here: it becomes cluster 0 when it is the smallest.
 */
export interface EncodedLabels {
  /** Per row, the code in [0, k). Length n. */
  codes: Int32Array;
  /** The distinct original values, ascending. Length k. */
  classes: Float64Array;
  /** Rows per code. Length k. */
  counts: Int32Array;
}

/**
 * Encodes integer labels as dense codes 0..k-1 (sorted by value).
 *
 * O(n) when the labels span a range of at most ~4n values, otherwise O(n log n).
 * Throws `MlError` NON_FINITE for NaN/infinite labels and BAD_OPTION for non-integers.
 *
 * @example
 * encodeLabels([5, -1, 5, 2], 'demo'); // codes [2, 0, 2, 1], classes [-1, 2, 5], counts [1, 1, 2]
 */
export function encodeLabels(labels: ArrayLike<number>, who: string): EncodedLabels {
  const n = labels.length;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = labels[i]!;
    if (!Number.isFinite(v)) {
      throw new MlError('NON_FINITE', `${who}: label at row ${i} is ${v}; labels must be integers`, {
        row: i,
      });
    }
    if (!Number.isInteger(v)) {
      throw new MlError('BAD_OPTION', `${who}: label at row ${i} is ${v}; labels must be integers`, {
        row: i,
      });
    }
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const codes = new Int32Array(n);
  if (n === 0) return { codes, classes: new Float64Array(0), counts: new Int32Array(0) };

  const span = hi - lo + 1;
  if (span <= 4 * n + 1024) {
    // Dense lookup table: the common case (0..k-1, maybe with -1) needs no sort.
    const map = new Int32Array(span);
    for (let i = 0; i < n; i++) map[labels[i]! - lo] = 1;
    let k = 0;
    for (let t = 0; t < span; t++) if (map[t] === 1) map[t] = ++k;
    const classes = new Float64Array(k);
    for (let t = 0; t < span; t++) if (map[t]! > 0) classes[map[t]! - 1] = t + lo;
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      const c = map[labels[i]! - lo]! - 1;
      codes[i] = c;
      counts[c]++;
    }
    return { codes, classes, counts };
  }

  const sorted = Float64Array.from(labels as ArrayLike<number>).sort();
  let k = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[k++] = sorted[i]!;
  const classes = sorted.slice(0, k);
  const index = new Map<number, number>();
  for (let c = 0; c < k; c++) index.set(classes[c]!, c);
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const c = index.get(labels[i]!)!;
    codes[i] = c;
    counts[c]++;
  }
  return { codes, classes, counts };
}

/**
 * Sparse contingency table of two labelings of the same rows: only the non-zero cells.
 * `rowSums[i]` = rows with code i in `a`, `colSums[j]` = rows with code j in `b`.
 */
export interface Contingency {
  /** Total rows n. */
  n: number;
  /** Code in `a` of each non-zero cell. */
  cellRow: Int32Array;
  /** Code in `b` of each non-zero cell. */
  cellCol: Int32Array;
  /** Rows in each non-zero cell (> 0). */
  cellCount: Float64Array;
  /** Length k_a. */
  rowSums: Float64Array;
  /** Length k_b. */
  colSums: Float64Array;
}

/**
 * Builds the contingency table of two labelings without a dense k_a x k_b array, so it stays
 * O(n) in memory even when both labelings have ~n clusters. O(n log n) time.
 *
 * @example
 * const t = contingency(encodeLabels([0, 0, 1], 'x'), encodeLabels([1, 1, 1], 'x'));
 * // t.cellCount = [2, 1], t.rowSums = [2, 1], t.colSums = [3]
 */
export function contingency(a: EncodedLabels, b: EncodedLabels): Contingency {
  const n = a.codes.length;
  const kb = b.classes.length;
  // k_a * k_b <= n^2 < 2^53 for any array that fits in memory, so the key is exact.
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = a.codes[i]! * kb + b.codes[i]!;
  keys.sort();
  let cells = 0;
  for (let i = 0; i < n; i++) if (i === 0 || keys[i] !== keys[i - 1]) cells++;
  const cellRow = new Int32Array(cells);
  const cellCol = new Int32Array(cells);
  const cellCount = new Float64Array(cells);
  let c = -1;
  for (let i = 0; i < n; i++) {
    if (i === 0 || keys[i] !== keys[i - 1]) {
      c++;
      const key = keys[i]!;
      cellRow[c] = Math.floor(key / kb);
      cellCol[c] = key - cellRow[c]! * kb;
    }
    cellCount[c]++;
  }
  return {
    n,
    cellRow,
    cellCol,
    cellCount,
    rowSums: Float64Array.from(a.counts),
    colSums: Float64Array.from(b.counts),
  };
}

/** Throws unless the two labelings have the same length. */
export function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>, who: string): void {
  if (a.length !== b.length) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `${who}: the two labelings have ${a.length} and ${b.length} rows; pass labels for the same rows`,
    );
  }
}

/**
 * scikit-learn's `check_number_of_labels`: internal cluster indices need 2 <= k <= n - 1.
 * Throws `MlError` EMPTY_INPUT for n = 0, otherwise BAD_OPTION with an actionable message.
 */
export function checkNumberOfLabels(k: number, n: number, who: string): void {
  if (n === 0) throw new MlError('EMPTY_INPUT', `${who}: no rows; pass at least 3 labelled rows`);
  if (k >= 2 && k < n) return;
  const fix =
    k < 2
      ? 'it needs at least 2 different clusters'
      : `it needs fewer clusters than rows (at most ${n - 1}); every row is its own cluster`;
  throw new MlError(
    'BAD_OPTION',
    `${who}: the labels hold ${k} distinct cluster${k === 1 ? '' : 's'} for ${n} row${n === 1 ? '' : 's'}; ${fix}`,
    { clusters: k, rows: n },
  );
}

/** Throws unless `labels` has one entry per row of a matrix with `rows` rows. */
export function checkLabelsMatchRows(labels: ArrayLike<number>, rows: number, who: string): void {
  if (labels.length !== rows) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `${who}: ${labels.length} labels for ${rows} rows; pass one label per row`,
      { labels: labels.length, rows },
    );
  }
}

/**
 * The checks a cluster-validity index runs on its input, in order: one label per row, finite x,
 * integer labels, 2 <= k <= n - 1 clusters. Returns the encoded labels.
 */
export function encodeClusterLabels(x: Matrix, labels: ArrayLike<number>, who: string): EncodedLabels {
  checkLabelsMatchRows(labels, x.rows, who);
  assertFinite(x, who);
  const encoded = encodeLabels(labels, who);
  checkNumberOfLabels(encoded.counts.length, x.rows, who);
  return encoded;
}
