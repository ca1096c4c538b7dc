import { isDateType, isNumericType } from '../duckdbTypes.ts';
import { InputError } from '../errors.ts';

/** The columns a transaction log needs (all but `country`, which is carried when present). */
export const TRANSACTION_ROLES = [
  'customer',
  'invoice',
  'date',
  'quantity',
  'price',
  'product',
  'country',
] as const;
export type TransactionRole = (typeof TRANSACTION_ROLES)[number];

/** Which column of the table plays each role; `country` is null when the log has none. */
export type TransactionMapping = Record<Exclude<TransactionRole, 'country'>, string> & {
  country: string | null;
};

export interface ColumnInfo {
  name: string;
  /** The DuckDB type, e.g. VARCHAR, BIGINT, DOUBLE, DECIMAL(10,2), TIMESTAMP, DATE. */
  type: string;
}

/**
 * Column names each role is recognised by, compared after lower-casing and dropping everything
 * but letters and digits ("Customer ID", "customer_id" and "CustomerID" all read "customerid").
 * Earlier names win.
 */
export const ROLE_NAMES: Record<TransactionRole, string[]> = {
  customer: [
    'customerid',
    'customer',
    'customerno',
    'customernumber',
    'customercode',
    'custid',
    'clientid',
    'client',
    'userid',
    'memberid',
    'accountid',
  ],
  invoice: [
    'invoiceno',
    'invoice',
    'invoiceid',
    'invoicenumber',
    'orderid',
    'orderno',
    'ordernumber',
    'order',
    'transactionid',
    'receiptid',
    'basketid',
  ],
  date: [
    'invoicedate',
    'date',
    'orderdate',
    'transactiondate',
    'purchasedate',
    'datetime',
    'timestamp',
    'time',
  ],
  quantity: ['quantity', 'qty', 'quantityordered', 'units', 'unitssold'],
  price: ['unitprice', 'price', 'priceeach', 'itemprice', 'saleprice', 'unitcost'],
  product: ['stockcode', 'product', 'productid', 'productcode', 'sku', 'itemid', 'item', 'article'],
  country: ['country', 'countryname', 'countrycode'],
};

/** Names accepted on the left of `--map role=column` besides the role itself. */
const ROLE_ALIASES: Record<string, TransactionRole> = {
  customerid: 'customer',
  invoiceno: 'invoice',
  unitprice: 'price',
  qty: 'quantity',
  stockcode: 'product',
  sku: 'product',
};

/** A column name as compared with ROLE_NAMES: lower case, letters and digits only. */
export function normaliseColumnName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Whether a column of this type can play the role (text dates are parsed later, and checked). */
function fits(role: TransactionRole, type: string): boolean {
  if (role === 'quantity' || role === 'price') return isNumericType(type);
  if (role === 'date') return isDateType(type) || type === 'VARCHAR';
  return true;
}

export function listColumns(columns: ColumnInfo[]): string {
  return columns.map((c) => `${c.name} (${c.type})`).join(', ');
}

function roleOf(key: string): TransactionRole {
  const k = normaliseColumnName(key);
  const role = (TRANSACTION_ROLES as readonly string[]).includes(k)
    ? (k as TransactionRole)
    : ROLE_ALIASES[k];
  if (!role) {
    throw new InputError(
      'BAD_MAPPING',
      `--map: "${key}" is not a role; the roles are ${TRANSACTION_ROLES.join(', ')} (e.g. --map customer=CustomerID)`,
      { role: key },
    );
  }
  return role;
}

/** The column named `name`, or the only one named so up to case. */
export function findColumn(columns: ColumnInfo[], name: string): ColumnInfo | undefined {
  const exact = columns.find((c) => c.name === name);
  if (exact) return exact;
  const folded = columns.filter((c) => c.name.toLowerCase() === name.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}

function wrongType(role: TransactionRole, col: ColumnInfo): InputError {
  const want = role === 'date' ? 'a date or timestamp' : 'numeric';
  return new InputError(
    role === 'date' ? 'BAD_MAPPING' : 'NOT_NUMERIC',
    `column "${col.name}" (${col.type}) cannot be the ${role}: it must be ${want}; name the right column with --map ${role}=COLUMN`,
    { role, column: col.name, type: col.type },
  );
}

/**
 * Finds the customer, invoice, date, quantity, price, product and country columns of a
 * transaction log. `overrides` (role -> column, from `--map`) come first; every other role is
 * recognised by its name (see NAMES) among columns of a fitting type (quantity and price numeric,
 * date a DATE/TIMESTAMP or text), and a date with no recognised name is the only DATE/TIMESTAMP
 * column if there is exactly one. A column plays one role at most.
 *
 * Throws InputError: UNKNOWN_COLUMN (an override names a column the file lacks), BAD_MAPPING
 * (an unknown role, a required role not found, a date column of the wrong type), NOT_NUMERIC
 * (quantity or price mapped to a text column). Each message lists the file's columns.
 *
 * @example mapTransactionColumns([{ name: 'CustomerID', type: 'DOUBLE' }, ...], { product: 'SKU' })
 */
export function mapTransactionColumns(
  columns: ColumnInfo[],
  overrides: Record<string, string> = {},
): TransactionMapping {
  const chosen = new Map<TransactionRole, ColumnInfo>();
  const used = new Set<string>();
  for (const [key, name] of Object.entries(overrides)) {
    const role = roleOf(key);
    const col = findColumn(columns, name);
    if (!col) {
      throw new InputError(
        'UNKNOWN_COLUMN',
        `--map ${key}=${name}: the file has no column "${name}"; its columns are ${listColumns(columns)}`,
        { role, column: name, columns: columns.map((c) => c.name) },
      );
    }
    if (!fits(role, col.type)) throw wrongType(role, col);
    if (chosen.has(role) || used.has(col.name)) {
      throw new InputError(
        'BAD_MAPPING',
        `--map: each role takes one column and each column one role ("${key}=${name}" repeats one)`,
        { role, column: col.name },
      );
    }
    chosen.set(role, col);
    used.add(col.name);
  }
  for (const role of TRANSACTION_ROLES) {
    if (chosen.has(role)) continue;
    const byName = ROLE_NAMES[role]
      .map((n) =>
        columns.find((c) => !used.has(c.name) && normaliseColumnName(c.name) === n && fits(role, c.type)),
      )
      .find((c) => c !== undefined);
    const temporal = columns.filter((c) => !used.has(c.name) && isDateType(c.type));
    const found = byName ?? (role === 'date' && temporal.length === 1 ? temporal[0] : undefined);
    if (found) {
      chosen.set(role, found);
      used.add(found.name);
    } else if (role !== 'country') {
      throw new InputError(
        'BAD_MAPPING',
        `no ${role} column found in the transaction log; its columns are ${listColumns(columns)}. ` +
          `Name it with --map ${role}=COLUMN`,
        { role, columns: columns.map((c) => c.name) },
      );
    }
  }
  const name = (role: TransactionRole): string => chosen.get(role)!.name;
  return {
    customer: name('customer'),
    invoice: name('invoice'),
    date: name('date'),
    quantity: name('quantity'),
    price: name('price'),
    product: name('product'),
    country: chosen.get('country')?.name ?? null,
  };
}
