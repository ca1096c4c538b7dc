/**
 * The audience builder's form state and the filter it sends (`filter` in the campaigns API).
 * Empty parts are left out, so an untouched form is "every customer of the published run".
 */
import type { AudienceFilter, FieldFilter, FieldOp } from '../../api/campaigns.ts';
import type { Dataset, RiskTier } from '../../api/types.ts';

export type InsidersChoice = 'any' | 'only' | 'none';

export interface FieldRow {
  field: string;
  op: FieldOp;
  value: string;
}

export interface AudienceForm {
  segments: string[];
  riskTiers: RiskTier[];
  stores: string[];
  locations: string[];
  insiders: InsidersChoice;
  fields: FieldRow[];
}

export const EMPTY_AUDIENCE: AudienceForm = {
  segments: [],
  riskTiers: [],
  stores: [],
  locations: [],
  insiders: 'any',
  fields: [],
};

const NUMERIC = /INT|DOUBLE|FLOAT|DECIMAL|REAL|NUMERIC/i;

/** Whether a dataset column holds numbers (DuckDB's type names, as the profile reads them). */
export function isNumericColumn(dataset: Pick<Dataset, 'columns'>, field: string): boolean {
  const column = dataset.columns.find((c) => c.name === field);
  return column !== undefined && NUMERIC.test(column.type);
}

function fieldValue(raw: string, op: FieldOp, numeric: boolean): FieldFilter['value'] | null {
  const one = (s: string): string | number | null => {
    const text = s.trim();
    if (text === '') return null;
    if (!numeric) return text;
    const n = Number(text);
    return Number.isFinite(n) ? n : null;
  };
  if (op === 'in') {
    const values = raw
      .split(',')
      .map(one)
      .filter((v): v is string | number => v !== null);
    return values.length > 0 ? values : null;
  }
  return one(raw);
}

/** The filter for the API; field rows with no usable value are left out until they have one. */
export function toFilter(form: AudienceForm, dataset: Pick<Dataset, 'columns'>): AudienceFilter {
  const filter: AudienceFilter = {};
  if (form.segments.length > 0) filter.segments = form.segments.map(Number);
  if (form.riskTiers.length > 0) filter.riskTiers = [...form.riskTiers];
  if (form.stores.length > 0) filter.stores = [...form.stores];
  if (form.locations.length > 0) filter.locations = [...form.locations];
  if (form.insiders !== 'any') filter.insiders = form.insiders === 'only';
  const fields: FieldFilter[] = [];
  for (const row of form.fields) {
    if (!row.field) continue;
    const value = fieldValue(row.value, row.op, isNumericColumn(dataset, row.field));
    if (value !== null) fields.push({ field: row.field, op: row.op, value });
  }
  if (fields.length > 0) filter.fields = fields;
  return filter;
}
