import { isNumericType, isTemporalType } from '../duckdbTypes.ts';
import type { ColumnRole } from './profileTypes.ts';

// profileTable.ts imports the type predicates from here.
export { isNumericType, isTemporalType };

/** What the role decision looks at: a column's name, type and a few counts. */
export interface RoleEvidence {
  name: string;
  type: string;
  nRows: number;
  missing: number;
  distinct: number;
  /** Numeric columns: every value a whole number. */
  integral: boolean;
  min: number | null;
  max: number | null;
  meanLength: number | null;
  /** Text columns: values that read as numbers, and blank ones (" " in IBM Telco's TotalCharges). */
  numericText?: number;
  blank?: number;
}

/** Lower-case letters and digits only: "Customer ID", "customer_id" and "CustomerID" all become "customerid". */
export function normaliseName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const TARGET_NAMES = new Set([
  'churn',
  'churned',
  'ischurn',
  'churnlabel',
  'target',
  'label',
  'class',
  'exited',
  'attrition',
  'fuga',
  'abandono',
  'baja',
  'y',
]);
const GEO_WORDS =
  /latitud|longitud|address|direccion|endereco|street|calle|city|ciudad|cidade|comuna|region|regiao|country|pais|provinc|zipcode|postal|postcode/;
const GEO_SHORT = /^(lat|lon|lng|zip|cep|geo|state)|(lat|lon|lng|zip|cep|geo|state)$/;
const ID_SUFFIX = /(id|imei|imsi|msisdn|uuid|guid|key|code|codigo|no|number|numero|nro)$/;

function isGeoName(n: string): boolean {
  return GEO_WORDS.test(n) || GEO_SHORT.test(n);
}

/**
 * A column's role, from its name first (a person named it for what it is) and its values second.
 * Order matters: a unique text column named *_id is an id, not text; a 0/1 column named CHURN
 * is the target, not a category.
 */
export function columnRole(e: RoleEvidence): { role: ColumnRole; nearUniqueKey: boolean } {
  const n = normaliseName(e.name);
  const present = e.nRows - e.missing;
  // Numbers stored as text because a few cells are blank are numbers all the same.
  const numeric =
    isNumericType(e.type) ||
    (e.type === 'VARCHAR' &&
      (e.numericText ?? 0) > 0 &&
      present - (e.blank ?? 0) - (e.numericText ?? 0) <= 0.001 * present);
  const nearUniqueKey =
    e.nRows >= 20 &&
    present >= 0.95 * e.nRows &&
    e.distinct >= 0.99 * present &&
    (!numeric || e.integral) &&
    !isTemporalType(e.type);

  if (isTemporalType(e.type)) return { role: 'datetime', nearUniqueKey };
  if (TARGET_NAMES.has(n) && e.distinct <= 10) return { role: 'target', nearUniqueKey: false };
  if (nearUniqueKey) return { role: 'id', nearUniqueKey };
  if (ID_SUFFIX.test(n) && !isGeoName(n) && (!numeric || e.integral) && e.distinct > 50) {
    return { role: 'id', nearUniqueKey };
  }
  if (isGeoName(n)) return { role: 'geo', nearUniqueKey };
  if (e.type === 'BOOLEAN') return { role: 'categorical', nearUniqueKey };
  if (numeric) {
    if (e.distinct <= 2) return { role: 'categorical', nearUniqueKey };
    const range = e.min !== null && e.max !== null ? e.max - e.min : Number.POSITIVE_INFINITY;
    if (e.integral && e.distinct <= 12 && range <= 12) return { role: 'ordinal', nearUniqueKey };
    return { role: 'continuous', nearUniqueKey };
  }
  // Text: a few values repeated is a category; many long values is free text.
  if (e.distinct <= 50 || e.distinct <= 0.05 * present) {
    return { role: (e.meanLength ?? 0) > 60 ? 'text' : 'categorical', nearUniqueKey };
  }
  return { role: 'text', nearUniqueKey };
}
