import type { Matrix } from '@clientele/ml';
import type { DuckDBConnection, DuckDBDoubleVector } from '@duckdb/node-api';

export interface StreamMatrixOptions {
  /** The query's first column is a row id (a number), read apart from the matrix. */
  idColumn?: boolean;
  /**
   * Sees each row's values (a missing one as NaN) and its 0-based position among the query's rows;
   * false leaves the row out. It may throw to stop the read.
   */
  keep?: (row: Float64Array, position: number) => boolean;
}

export interface StreamedMatrix {
  /** The kept rows, in query order, as a rows x cols matrix. */
  x: Matrix;
  /** For each kept row, its 0-based position among the query's rows. */
  position: Int32Array;
  /** For each kept row, its id (with `idColumn`), else null. */
  ids: Float64Array | null;
  /** Rows the query returned, kept or not. */
  seen: number;
}

/**
 * Streams a DuckDB query into a row-major matrix chunk by chunk (no row objects): its columns are
 * an optional id column, then `cols` DOUBLE columns (CAST them in the query).
 */
export async function readMatrixStream(
  db: DuckDBConnection,
  sql: string,
  cols: number,
  opts: StreamMatrixOptions = {},
): Promise<StreamedMatrix> {
  const result = await db.stream(sql);
  const first = opts.idColumn ? 1 : 0;
  let data = new Float64Array(1024 * cols);
  let position = new Int32Array(1024);
  let ids = opts.idColumn ? new Float64Array(1024) : null;
  const row = new Float64Array(cols);
  let n = 0;
  let seen = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const idVector = opts.idColumn ? chunk.getColumnVector(0) : null;
    const vectors = Array.from(
      { length: cols },
      (_, j) => chunk.getColumnVector(first + j) as DuckDBDoubleVector,
    );
    for (let i = 0; i < chunk.rowCount; i++, seen++) {
      for (let j = 0; j < cols; j++) row[j] = vectors[j]!.getItem(i) ?? Number.NaN;
      if (opts.keep && !opts.keep(row, seen)) continue;
      if (n === position.length) {
        data = grown(data, data.length * 2);
        position = grown(position, position.length * 2);
        if (ids) ids = grown(ids, ids.length * 2);
      }
      data.set(row, n * cols);
      position[n] = seen;
      if (ids) ids[n] = Number(idVector!.getItem(i));
      n++;
    }
  }
  return {
    x: { data: data.slice(0, n * cols), rows: n, cols },
    position: position.slice(0, n),
    ids: ids ? ids.slice(0, n) : null,
    seen,
  };
}

function grown<A extends Float64Array | Int32Array>(a: A, length: number): A {
  const b = (a instanceof Int32Array ? new Int32Array(length) : new Float64Array(length)) as A;
  b.set(a);
  return b;
}
