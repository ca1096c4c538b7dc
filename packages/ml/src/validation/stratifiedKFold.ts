import { MlError } from '../errors.ts';
import { encodeLabels } from '../metrics/contingency.ts';
import { Rng } from '../random.ts';

/** Row indices of one split, each ascending; train and test are disjoint. */
export interface TrainTestSplit {
  train: Int32Array;
  test: Int32Array;
}

/**
 * Stratified k-fold cross-validation: k splits whose test parts partition the rows, each class
 * spread as evenly as possible over the folds (every class's count in a fold is floor or ceil of
 * its total / k, and fold sizes differ by at most one row), rows shuffled within their class by
 * `seed`. Fold f's train part is every row not in its test part.
 *
 * How: the rows of each class (classes in ascending label order) are shuffled with one `Rng(seed)`,
 * laid end to end, and dealt round-robin to folds 0, 1, ..., k-1, 0, 1, ... . That is scikit-learn
 * 1.2's `StratifiedKFold` allocation, so each fold holds the same number of rows of each class as
 * scikit-learn's (checked by the fixtures); which rows differs (another RNG). A class with fewer than
 * k rows is absent from some test folds (scikit-learn warns then; here it is allowed). Same seed and
 * labels, same folds. Note the guarantee is per class against total / k: against the fold's own size
 * (total * foldSize / n) a count can be off by a little more than one row.
 *
 * Labels are any integers (classes, or 0/1). Time O(n), memory O(k n) for the returned indices.
 * Throws `MlError` BAD_OPTION unless k is an integer with 2 <= k <= n, or for non-integer labels;
 * NON_FINITE for NaN labels.
 *
 * @example
 * const pick = (idx: Int32Array) => Int32Array.from(idx, (i) => y[i]!);
 * for (const { train, test } of stratifiedKFold(y, 5, 0)) {
 *   const model = fitModel(takeRows(x, train), pick(train));
 *   aucs.push(rocAuc(pick(test), model.predict(takeRows(x, test))));
 * }
 */
export function stratifiedKFold(y: ArrayLike<number>, k: number, seed = 0): TrainTestSplit[] {
  const who = 'stratifiedKFold';
  const n = y.length;
  if (!Number.isInteger(k) || k < 2 || k > n) {
    throw new MlError(
      'BAD_OPTION',
      `${who}: k = ${k} folds for ${n} rows; k must be an integer with 2 <= k <= ${Math.max(n, 2)}` +
        (n < 2 ? ' (at least 2 rows are needed)' : ''),
      { k, rows: n },
    );
  }
  const order = shuffledByClass(y, seed, who).rows;
  const fold = new Int32Array(n);
  const sizes = new Int32Array(k);
  for (let j = 0; j < n; j++) {
    fold[order[j]!] = j % k;
    sizes[j % k]++;
  }
  const splits: TrainTestSplit[] = [];
  for (let f = 0; f < k; f++) {
    const test = new Int32Array(sizes[f]!);
    const train = new Int32Array(n - sizes[f]!);
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      if (fold[i] === f) test[a++] = i;
      else train[b++] = i;
    }
    splits.push({ train, test });
  }
  return splits;
}

/**
 * One stratified train / test split (the churn command's hold-out): ceil(testSize n) test rows
 * when testSize is a share in (0, 1), or exactly testSize rows when it is an integer >= 1 (as
 * scikit-learn's `train_test_split`). Each class gets its share of the test rows rounded by the
 * largest-remainder rule (so within one row of n_class * nTest / n; equal remainders go to the
 * larger class, then the lower label), its rows shuffled by `seed`.
 *
 * Labels are any integers. Time O(n). Throws `MlError` BAD_OPTION for a testSize outside (0, 1) that
 * is not an integer in [1, n - 1], or when the test or train part would have fewer rows than there
 * are classes (scikit-learn raises there too); TOO_FEW_ROWS for fewer than 2 rows.
 *
 * @example
 * const { train, test } = stratifiedSplit(churn, 0.25, 42);
 */
export function stratifiedSplit(y: ArrayLike<number>, testSize: number, seed = 0): TrainTestSplit {
  const who = 'stratifiedSplit';
  const n = y.length;
  if (n < 2) throw new MlError('TOO_FEW_ROWS', `${who}: ${n} rows; a split needs at least 2`, { rows: n });
  let nTest: number;
  if (testSize > 0 && testSize < 1) nTest = Math.ceil(testSize * n);
  else if (Number.isInteger(testSize) && testSize >= 1 && testSize < n) nTest = testSize;
  else {
    throw new MlError(
      'BAD_OPTION',
      `${who}: testSize = ${testSize}; use a share in (0, 1) such as 0.25, or a row count from 1 to ${n - 1}`,
    );
  }
  const { rows, counts } = shuffledByClass(y, seed, who);
  const k = counts.length;
  if (nTest < k || n - nTest < k) {
    throw new MlError(
      'BAD_OPTION',
      `${who}: ${nTest} test and ${n - nTest} train rows cannot both hold all ${k} classes; change testSize or use more rows`,
      { test: nTest, train: n - nTest, classes: k },
    );
  }
  // Largest remainder: floor of each quota, then one more row to the largest remainders.
  const take = new Int32Array(k);
  const rest: number[] = [];
  let given = 0;
  for (let c = 0; c < k; c++) {
    const quota = (counts[c]! * nTest) / n;
    take[c] = Math.floor(quota);
    given += take[c]!;
    rest.push(c);
  }
  const remainder = (c: number) => (counts[c]! * nTest) % n; // quota's fractional part times n, exact
  rest.sort((a, b) => remainder(b) - remainder(a) || counts[b]! - counts[a]! || a - b);
  for (let j = 0; j < nTest - given; j++) take[rest[j]!]++;

  const inTest = new Uint8Array(n);
  let start = 0;
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < take[c]!; j++) inTest[rows[start + j]!] = 1;
    start += counts[c]!;
  }
  const test = new Int32Array(nTest);
  const train = new Int32Array(n - nTest);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    if (inTest[i] === 1) test[a++] = i;
    else train[b++] = i;
  }
  return { train, test };
}

/** Row indices grouped by class (ascending label), each group shuffled; and the group sizes. */
function shuffledByClass(
  y: ArrayLike<number>,
  seed: number,
  who: string,
): { rows: Int32Array; counts: Int32Array } {
  const { codes, counts } = encodeLabels(y, who);
  const k = counts.length;
  const start = new Int32Array(k + 1);
  for (let c = 0; c < k; c++) start[c + 1] = start[c]! + counts[c]!;
  const fill = start.slice(0, k);
  const rows = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) rows[fill[codes[i]!]!++] = i;
  const rng = new Rng(seed);
  for (let c = 0; c < k; c++) rng.shuffle(rows.subarray(start[c]!, start[c + 1]!));
  return { rows, counts };
}
