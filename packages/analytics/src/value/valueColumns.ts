import { isDateType, isNumericType } from '../duckdbTypes.ts';
import { InputError } from '../errors.ts';
import {
  type ColumnInfo,
  findColumn,
  listColumns,
  normaliseColumnName,
  ROLE_NAMES,
} from '../features/mapColumns.ts';

/** The roles a value analysis (CLV, revenue forecast) reads. */
export const VALUE_ROLES = ['customer', 'date', 'amount', 'quantity', 'price'] as const;
export type ValueRole = (typeof VALUE_ROLES)[number];

/**
 * Which column plays each role. Spend per row is `amount` when there is one, else
 * quantity x price; exactly one of the two ways is set.
 */
export interface ValueMapping {
  customer: string;
  date: string;
  amount: string | null;
  quantity: string | null;
  price: string | null;
}

/** Names an amount column is recognised by (compared lower-cased, letters and digits only). */
const AMOUNT_NAMES = [
  'amount',
  'spent',
  'spend',
  'sales',
  'revenue',
  'total',
  'totalprice',
  'totalamount',
  'value',
  'dollarvalue',
  'monetaryvalue',
  'ordervalue',
];

const ALIASES: Record<string, ValueRole> = {
  customerid: 'customer',
  spent: 'amount',
  spend: 'amount',
  revenue: 'amount',
  unitprice: 'price',
  qty: 'quantity',
};

function roleOf(key: string): ValueRole {
  const k = normaliseColumnName(key);
  const role = (VALUE_ROLES as readonly string[]).includes(k) ? (k as ValueRole) : ALIASES[k];
  if (!role) {
    throw new InputError(
      'BAD_MAPPING',
      `--map: "${key}" is not a role here; the roles are ${VALUE_ROLES.join(', ')} ` +
        '(an amount column, or quantity and price), e.g. --map customer=CustomerID,amount=Spent',
      { role: key },
    );
  }
  return role;
}

function fits(role: ValueRole, type: string): boolean {
  if (role === 'amount' || role === 'quantity' || role === 'price') return isNumericType(type);
  if (role === 'date') return isDateType(type) || isNumericType(type) || type === 'VARCHAR';
  return true;
}

/**
 * Finds the customer, date and spend columns of a transaction log for value analyses. `overrides`
 * (role -> column, from --map) come first; other roles are recognised by name. Spend is an amount
 * column when one is mapped or recognised and neither quantity nor price is mapped; otherwise
 * quantity x price. Dates are read later by resolveDateColumn (text, YYYYMMDD integers or dates).
 *
 * Throws InputError UNKNOWN_COLUMN, BAD_MAPPING or NOT_NUMERIC with the file's columns listed.
 */
export function mapValueColumns(columns: ColumnInfo[], overrides: Record<string, string> = {}): ValueMapping {
  const chosen = new Map<ValueRole, ColumnInfo>();
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
    if (!fits(role, col.type)) {
      throw new InputError(
        'NOT_NUMERIC',
        `column "${col.name}" (${col.type}) cannot be the ${role}: it must be numeric; name the right column with --map ${role}=COLUMN`,
        { role, column: col.name, type: col.type },
      );
    }
    if ([...chosen.values()].some((c) => c.name === col.name) || chosen.has(role)) {
      throw new InputError('BAD_MAPPING', `--map: each role takes one column and each column one role`, {
        role,
        column: col.name,
      });
    }
    chosen.set(role, col);
  }
  const used = (): Set<string> => new Set([...chosen.values()].map((c) => c.name));
  const recognise = (role: ValueRole, names: string[]): void => {
    if (chosen.has(role)) return;
    const taken = used();
    const found = names
      .map((n) =>
        columns.find((c) => !taken.has(c.name) && normaliseColumnName(c.name) === n && fits(role, c.type)),
      )
      .find((c) => c !== undefined);
    if (found) chosen.set(role, found);
  };
  recognise('customer', ROLE_NAMES.customer);
  recognise('date', ROLE_NAMES.date);
  if (!chosen.has('date')) {
    const temporal = columns.filter((c) => !used().has(c.name) && isDateType(c.type));
    if (temporal.length === 1) chosen.set('date', temporal[0]!);
  }
  const byParts = chosen.has('quantity') || chosen.has('price');
  if (!byParts) recognise('amount', AMOUNT_NAMES);
  if (!chosen.has('amount')) {
    recognise('quantity', ROLE_NAMES.quantity);
    recognise('price', ROLE_NAMES.price);
  }
  for (const role of ['customer', 'date'] as const) {
    if (!chosen.has(role)) {
      throw new InputError(
        'BAD_MAPPING',
        `no ${role} column found; the file's columns are ${listColumns(columns)}. Name it with --map ${role}=COLUMN`,
        { role, columns: columns.map((c) => c.name) },
      );
    }
  }
  if (!chosen.has('amount') && !(chosen.has('quantity') && chosen.has('price'))) {
    throw new InputError(
      'BAD_MAPPING',
      `no spend found: name an amount column (--map amount=COLUMN) or both quantity and unit price ` +
        `(--map quantity=COLUMN,price=COLUMN); the file's columns are ${listColumns(columns)}`,
      { columns: columns.map((c) => c.name) },
    );
  }
  const name = (role: ValueRole): string | null => chosen.get(role)?.name ?? null;
  const amount = name('amount');
  return {
    customer: name('customer')!,
    date: name('date')!,
    amount,
    quantity: amount === null ? name('quantity') : null,
    price: amount === null ? name('price') : null,
  };
}
