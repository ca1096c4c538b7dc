import { MlError } from '../errors.ts';
import type { Matrix } from '../matrix.ts';

/** The optimal pairs: row `rows[t]` goes with column `cols[t]`; rows ascending. */
export interface LinearSumAssignment {
  rows: Int32Array;
  cols: Int32Array;
  /** Sum of the chosen costs (of the original matrix, also when maximizing). */
  total: number;
}

/**
 * Solves the linear sum assignment problem (the Hungarian problem): pair each row with a distinct
 * column so the sum of the chosen costs is smallest (largest with `maximize`). A rectangular
 * matrix gets min(rows, cols) pairs: every row when rows <= cols, else every column.
 *
 * The algorithm is scipy's `linear_sum_assignment` (Crouse 2016, "On implementing 2D
 * rectangular assignment algorithms"): Jonker-Volgenant style shortest augmenting paths with
 * dual potentials, one Dijkstra-like search per row, O(n^2 m) for n <= m. It follows scipy's
 * order of operations and tie rule (among equal reduced costs, an unassigned column first), so it
 * gives scipy's assignment, ties included, and the same optimal total.
 *
 * `+Infinity` marks a forbidden pair (`-Infinity` with `maximize`). NaN, and an infinity that
 * would be the best possible cost, throw `MlError('NON_FINITE')`, as does a matrix whose every
 * complete assignment uses a forbidden pair.
 *
 * @example
 * const { rows, cols, total } = linearSumAssignment(fromRows([[4, 1, 3], [2, 0, 5], [3, 2, 2]]));
 * // rows [0, 1, 2], cols [1, 0, 2], total 5
 */
export function linearSumAssignment(cost: Matrix, options: { maximize?: boolean } = {}): LinearSumAssignment {
  const maximize = options.maximize ?? false;
  const { rows: nr0, cols: nc0, data } = cost;
  if (data.length !== nr0 * nc0) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `linearSumAssignment: data has ${data.length} values, expected ${nr0} x ${nc0}`,
    );
  }
  if (nr0 === 0 || nc0 === 0) return { rows: new Int32Array(0), cols: new Int32Array(0), total: 0 };

  // Work on an nr x nc matrix with nr <= nc (transposed when there are more rows), minimising.
  const transpose = nc0 < nr0;
  const nr = transpose ? nc0 : nr0;
  const nc = transpose ? nr0 : nc0;
  const c = new Float64Array(nr * nc);
  const bad = maximize ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  for (let i = 0; i < nr0; i++) {
    for (let j = 0; j < nc0; j++) {
      const v = data[i * nc0 + j]!;
      if (Number.isNaN(v) || v === bad) {
        throw new MlError(
          'NON_FINITE',
          `linearSumAssignment: cost at row ${i}, column ${j} is ${v}; costs must be numbers, and only ${
            maximize ? '-Infinity' : '+Infinity'
          } (a forbidden pair) may be infinite`,
          { row: i, column: j },
        );
      }
      c[transpose ? j * nc + i : i * nc + j] = maximize ? -v : v;
    }
  }

  const u = new Float64Array(nr);
  const v = new Float64Array(nc);
  const shortest = new Float64Array(nc);
  const path = new Int32Array(nc).fill(-1);
  const col4row = new Int32Array(nr).fill(-1);
  const row4col = new Int32Array(nc).fill(-1);
  const sr = new Uint8Array(nr);
  const sc = new Uint8Array(nc);
  const remaining = new Int32Array(nc);

  for (let curRow = 0; curRow < nr; curRow++) {
    // Shortest augmenting path from curRow to a free column over reduced costs c - u - v.
    let minVal = 0;
    let numRemaining = nc;
    for (let it = 0; it < nc; it++) remaining[it] = nc - it - 1;
    sr.fill(0);
    sc.fill(0);
    shortest.fill(Number.POSITIVE_INFINITY);
    let sink = -1;
    let i = curRow;
    while (sink === -1) {
      let index = -1;
      let lowest = Number.POSITIVE_INFINITY;
      sr[i] = 1;
      const ui = u[i]!;
      const o = i * nc;
      for (let it = 0; it < numRemaining; it++) {
        const j = remaining[it]!;
        const r = minVal + c[o + j]! - ui - v[j]!;
        if (r < shortest[j]!) {
          path[j] = i;
          shortest[j] = r;
        }
        const s = shortest[j]!;
        if (s < lowest || (s === lowest && row4col[j] === -1)) {
          lowest = s;
          index = it;
        }
      }
      minVal = lowest;
      if (minVal === Number.POSITIVE_INFINITY) {
        throw new MlError(
          'NON_FINITE',
          'linearSumAssignment: the cost matrix is infeasible: every complete assignment uses a forbidden (infinite) pair',
        );
      }
      const j = remaining[index]!;
      if (row4col[j] === -1) sink = j;
      else i = row4col[j]!;
      sc[j] = 1;
      remaining[index] = remaining[--numRemaining]!;
    }

    // Update the dual potentials, then augment along the path.
    u[curRow]! += minVal;
    for (let r = 0; r < nr; r++) {
      if (sr[r] === 1 && r !== curRow) u[r]! += minVal - shortest[col4row[r]!]!;
    }
    for (let j = 0; j < nc; j++) {
      if (sc[j] === 1) v[j]! -= minVal - shortest[j]!;
    }
    let j = sink;
    for (;;) {
      const r = path[j]!;
      row4col[j] = r;
      const t = col4row[r]!;
      col4row[r] = j;
      j = t;
      if (r === curRow) break;
    }
  }

  const rows = new Int32Array(nr);
  const cols = new Int32Array(nr);
  if (transpose) {
    // Pairs (original row col4row[k], original column k), ordered by the original row.
    const order = Int32Array.from({ length: nr }, (_, k) => k).sort((a, b) => col4row[a]! - col4row[b]!);
    for (let t = 0; t < nr; t++) {
      rows[t] = col4row[order[t]!]!;
      cols[t] = order[t]!;
    }
  } else {
    for (let t = 0; t < nr; t++) {
      rows[t] = t;
      cols[t] = col4row[t]!;
    }
  }
  let total = 0;
  for (let t = 0; t < nr; t++) total += data[rows[t]! * nc0 + cols[t]!]!;
  return { rows, cols, total };
}
