/**
 * The profile of a dataset: what `clientele profile --json` prints and the HTML report draws.
 * The schema is documented in packages/analytics/README.md; change both together.
 * Every number is finite or null (JSON has no NaN); counts are plain numbers, never BigInt.
 */

export const COLUMN_ROLES = [
  'id',
  'target',
  'ordinal',
  'categorical',
  'continuous',
  'datetime',
  'geo',
  'text',
] as const;
/** id, target, ordinal, categorical, continuous, datetime, geo (address / coordinates / place), text. */
export type ColumnRole = (typeof COLUMN_ROLES)[number];

/** A suggested cleaning step, in the plan format of cleaning/planTypes.ts (kept loose here). */
export type SuggestedStep = { op: string } & Record<string, unknown>;

export interface ProfileWarning {
  /** Stable code, e.g. KEY_COLUMN, SENTINEL, DUPLICATE_ROWS, MISSING, BROKEN_ENCODING. */
  code: string;
  /** The column it is about; null for dataset-wide warnings. */
  column: string | null;
  /** One sentence for a person: what was found, with the figure. */
  message: string;
  /** The step that would fix it; null when nothing should be done automatically. */
  suggestion: SuggestedStep | null;
}

export interface TopValue {
  value: string | number | null;
  count: number;
  share: number;
}

export interface HistogramBin {
  /** Lower and upper edge; the last bin includes its upper edge. */
  lo: number;
  hi: number;
  count: number;
}

export interface NumericSummary {
  min: number | null;
  max: number | null;
  mean: number | null;
  median: number | null;
  std: number | null;
  /** std / |mean|; null when the mean is 0. */
  cv: number | null;
  /** Quantiles at 0.05, 0.25, 0.5, 0.75, 0.95. */
  quantiles: { p: number; value: number | null }[];
  histogram: HistogramBin[];
  /** Values outside [q1 - 1.5 IQR, q3 + 1.5 IQR]: count and the fences. */
  iqrOutliers: { count: number; share: number; lower: number | null; upper: number | null };
  zeros: number;
  negatives: number;
}

export interface SentinelCandidate {
  value: number;
  count: number;
  share: number;
  /** How far the value is from the rest, in IQRs of the other values. */
  distanceInIqr: number;
}

export interface ColumnProfile {
  name: string;
  /** The DuckDB type it was read as (BIGINT, DOUBLE, VARCHAR, DATE, TIMESTAMP, ...). */
  type: string;
  role: ColumnRole;
  missing: number;
  missingShare: number;
  distinct: number;
  distinctShare: number;
  topValues: TopValue[];
  /** Present for numeric columns. */
  numeric: NumericSummary | null;
  /** Present for text columns: length range and the count of blank (whitespace-only) values. */
  text: {
    minLength: number | null;
    maxLength: number | null;
    meanLength: number | null;
    blank: number;
  } | null;
  /** Present for date / timestamp columns: ISO strings. */
  datetime: { min: string | null; max: string | null } | null;
  sentinel: SentinelCandidate | null;
  /** Distinct non-missing values cover (almost) every row: an id such as IMEI. */
  nearUniqueKey: boolean;
  warnings: ProfileWarning[];
}

export interface CorrelationMatrix {
  columns: string[];
  /** Row-major, columns.length squared; null where a column is constant. */
  pearson: (number | null)[][];
  spearman: (number | null)[][];
}

export interface DatasetProfile {
  /** Schema version of this object. */
  version: 1;
  /** 'transactions' when the table looks like an invoice-line log (invoice and product or quantity columns), else 'snapshot'. */
  kind: 'snapshot' | 'transactions';
  source: { path: string; format: string; encoding: string | null; delimiter: string | null; bytes: number };
  nRows: number;
  nColumns: number;
  /** 'exact' (numpy's linear rule) up to 2,000,000 rows; 'approximate' (a t-digest) above, to bound memory. */
  quantiles: 'exact' | 'approximate';
  duplicateRows: number;
  /** Rows skipped as malformed at load time (policy 'skip'); 0 with policy 'stop'. */
  rejectedRows: number;
  columns: ColumnProfile[];
  correlation: CorrelationMatrix;
  /** Every warning: dataset-wide ones and each column's, in column order. */
  warnings: ProfileWarning[];
  seconds: number;
}
