import { NON_PRODUCT_STOCK_CODES } from '../transactionCodes.ts';
import { MOJIBAKE_SQL_PATTERN, repairMojibake } from './mojibake.ts';
import type { ColumnProfile, CorrelationMatrix, ProfileWarning } from './profileTypes.ts';
import type { TransactionFindings } from './transactionChecks.ts';

export interface ColumnContext {
  nRows: number;
  mojibake: number;
  numericText: number;
  blank: number;
  /** Distinct values of the column matching a regex, most frequent first. */
  examples: (pattern: string) => Promise<string[]>;
}

const fmt = (n: number): string => n.toLocaleString('en-US');
const pct = (share: number): string => `${(100 * share).toFixed(share < 0.001 ? 3 : 1)}%`;
const g = (n: number): string => (Number.isInteger(n) ? fmt(n) : String(Number(n.toPrecision(6))));

/** Warnings about one column, each with the cleaning step that would fix it (or null). */
export async function columnWarnings(c: ColumnProfile, ctx: ColumnContext): Promise<ProfileWarning[]> {
  const w: ProfileWarning[] = [];
  const add = (code: string, message: string, suggestion: ProfileWarning['suggestion']): void => {
    w.push({ code, column: c.name, message, suggestion });
  };
  const present = ctx.nRows - c.missing;

  if (present === 0) {
    add('EMPTY_COLUMN', `"${c.name}" has no values at all`, { op: 'drop_columns', columns: [c.name] });
    return w;
  }
  if (c.nearUniqueKey && c.role === 'id') {
    add(
      'KEY_COLUMN',
      `"${c.name}" is unique in ${pct(c.distinctShare)} of rows: an identifier (like an IMEI), not something customers have in common`,
      { op: 'drop_columns', columns: [c.name] },
    );
  }
  if (c.distinct === 1) {
    add(
      'CONSTANT',
      `"${c.name}" holds one value only (${String(c.topValues[0]?.value)}): it tells customers apart in nothing`,
      {
        op: 'drop_columns',
        columns: [c.name],
      },
    );
  }
  if (c.sentinel) {
    const s = c.sentinel;
    add(
      'SENTINEL',
      `${s.value} holds ${pct(s.share)} of "${c.name}" (${fmt(s.count)} rows) and lies ${g(Math.round(s.distanceInIqr))} IQRs beyond the other values: a code for "none", not a quantity`,
      { op: 'sentinel_to_missing', column: c.name, values: [s.value] },
    );
  }
  if (ctx.mojibake > 0) {
    const broken = await ctx.examples(MOJIBAKE_SQL_PATTERN);
    const values: Record<string, string> = {};
    for (const b of broken) {
      const fixed = repairMojibake(b);
      if (fixed !== null) values[b] = fixed;
    }
    const first = broken[0] ?? '';
    const repaired = values[first];
    add(
      'BROKEN_ENCODING',
      `${fmt(ctx.mojibake)} values of "${c.name}" have a broken encoding, e.g. "${first}"${repaired ? ` (meant "${repaired}")` : ''}`,
      Object.keys(values).length > 0 ? { op: 'replace', column: c.name, values } : null,
    );
  }
  const nonBlank = present - ctx.blank;
  if (
    c.type === 'VARCHAR' &&
    c.role !== 'id' &&
    ctx.numericText > 0 &&
    nonBlank - ctx.numericText <= 0.001 * present
  ) {
    const other = present - ctx.numericText;
    add(
      'NUMERIC_AS_TEXT',
      `"${c.name}" was read as text, yet ${fmt(ctx.numericText)} of its ${fmt(present)} values are numbers; ${
        ctx.blank > 0 ? `${fmt(ctx.blank)} are blank` : `${fmt(other)} are not`
      }`,
      { op: 'cast', column: c.name, to: 'DOUBLE', invalid_to_null: true },
    );
  }
  if (c.missing > 0) w.push(missingWarning(c, ctx.nRows));
  const n = c.numeric;
  if (n && c.role === 'continuous' && !c.sentinel && n.iqrOutliers.share >= 0.01) {
    add(
      'OUTLIERS',
      `${fmt(n.iqrOutliers.count)} values of "${c.name}" (${pct(n.iqrOutliers.share)}) lie outside the IQR fences [${g(n.iqrOutliers.lower ?? 0)}, ${g(n.iqrOutliers.upper ?? 0)}]`,
      { op: 'iqr_filter', columns: [c.name], factor: 1.5, action: 'clip' },
    );
  }
  return w;
}

function missingWarning(c: ColumnProfile, nRows: number): ProfileWarning {
  const base = `"${c.name}" is missing in ${fmt(c.missing)} of ${fmt(nRows)} rows (${pct(c.missingShare)})`;
  const warn = (message: string, suggestion: ProfileWarning['suggestion']): ProfileWarning => ({
    code: 'MISSING',
    column: c.name,
    message,
    suggestion,
  });
  if (c.missingShare > 0.5)
    return warn(`${base}: too few values to fill in`, { op: 'drop_columns', columns: [c.name] });
  if (c.role === 'id' || c.role === 'target') {
    return warn(`${base}: rows without it cannot be used`, { op: 'drop_missing', columns: [c.name] });
  }
  if (c.role === 'geo') {
    return warn(
      `${base}: fill it from a table (an impute step with method "lookup", keyed by e.g. the store), or drop those rows`,
      null,
    );
  }
  if (c.numeric) return warn(base, { op: 'impute', column: c.name, method: 'median' });
  return warn(base, { op: 'impute', column: c.name, method: 'mode' });
}

/** Warnings about the whole table: duplicates, near-duplicate columns, and transaction-log rules. */
export function datasetWarnings(d: {
  nRows: number;
  duplicateRows: number;
  correlation: CorrelationMatrix;
  transactions: TransactionFindings | null;
}): ProfileWarning[] {
  const w: ProfileWarning[] = [];
  if (d.duplicateRows > 0) {
    w.push({
      code: 'DUPLICATE_ROWS',
      column: null,
      message: `${fmt(d.duplicateRows)} rows (${pct(d.duplicateRows / d.nRows)}) are exact copies of another row`,
      suggestion: { op: 'drop_duplicates' },
    });
  }
  const { columns, pearson } = d.correlation;
  for (let i = 0; i < columns.length; i++) {
    for (let j = i + 1; j < columns.length; j++) {
      const r = pearson[i]![j];
      if (r !== null && r !== undefined && Math.abs(r) >= 0.95) {
        w.push({
          code: 'HIGH_CORRELATION',
          column: columns[j]!,
          message: `"${columns[i]}" and "${columns[j]}" move together (Pearson ${r.toFixed(3)}): one of them may be enough`,
          suggestion: null,
        });
      }
    }
  }
  const t = d.transactions;
  if (t) {
    const { invoice, product, quantity, customer } = t.columns;
    if (t.adjustments > 0 && invoice) {
      w.push({
        code: 'ADJUSTMENTS',
        column: invoice,
        message: `${fmt(t.adjustments)} rows are bad-debt adjustments (invoice starting with "A"), not sales`,
        suggestion: { op: 'drop_adjustments', invoice },
      });
    }
    if (t.nonProductRows > 0 && product) {
      w.push({
        code: 'NON_PRODUCT_CODES',
        column: product,
        message: `${fmt(t.nonProductRows)} rows carry stock codes that are not products (${t.nonProductCodes
          .map((c) => `${c.code} ${fmt(c.count)}`)
          .join(', ')}): postage, fees, samples, adjustments`,
        suggestion: { op: 'drop_stock_codes', column: product, codes: NON_PRODUCT_STOCK_CODES },
      });
    }
    if (t.missingCustomer > 0 && customer) {
      w.push({
        code: 'MISSING_CUSTOMER',
        column: customer,
        message: `${fmt(t.missingCustomer)} rows (${pct(t.missingCustomer / d.nRows)}) have no customer id: they cannot be given to a customer`,
        suggestion: { op: 'drop_missing', columns: [customer] },
      });
    }
    if ((t.cancellations > 0 || t.negativeQuantity > 0) && invoice) {
      w.push({
        code: 'CANCELLATIONS',
        column: invoice,
        message: `${fmt(t.cancellations)} rows are cancellations (invoice starting with "C") and ${fmt(t.negativeQuantity)} have a negative quantity: returns, to be netted from what a customer bought`,
        suggestion: { op: 'mark_returns', invoice, ...(quantity ? { quantity } : {}) },
      });
    }
  }
  return w;
}
