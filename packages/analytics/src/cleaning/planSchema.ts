import { z } from 'zod';
import { InputError } from '../errors.ts';

/**
 * A cleaning plan: a JSON file of ordered steps, applied by `applyPlan`. The schema is the
 * documentation (packages/analytics/README.md lists each op with an example); a plan that does
 * not fit it is refused before anything runs, with the step and field named.
 */
const column = z.string().min(1);
const columns = z.array(column).min(1);
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const note = { note: z.string().optional() };

export const STEP_SCHEMAS = [
  z.object({ op: z.literal('drop_duplicates'), columns: columns.optional(), ...note }),
  z.object({ op: z.literal('drop_columns'), columns, ...note }),
  z.object({
    op: z.literal('cast'),
    column,
    to: z.string().min(1),
    /** Values that do not convert (blank strings, typos) become missing instead of stopping the plan. */
    invalid_to_null: z.boolean().default(false),
    ...note,
  }),
  z.object({ op: z.literal('replace'), column, values: z.record(z.string(), scalar), ...note }),
  z.object({
    op: z.literal('sentinel_to_missing'),
    column,
    values: z.array(z.union([z.number(), z.string()])).min(1),
    ...note,
  }),
  z.object({
    op: z.literal('impute'),
    column,
    method: z.enum(['median', 'mode', 'constant', 'lookup']),
    /** method constant: the value. */
    value: scalar.optional(),
    /** method lookup: the column whose value picks the fill (e.g. the store), and value per key. */
    key: column.optional(),
    values: z.record(z.string(), scalar).optional(),
    ...note,
  }),
  z.object({ op: z.literal('drop_missing'), columns, ...note }),
  z.object({
    op: z.literal('iqr_filter'),
    columns,
    factor: z.number().positive().default(1.5),
    action: z.enum(['drop', 'clip']),
    ...note,
  }),
  z.object({
    op: z.literal('isolation_forest'),
    columns: columns.optional(),
    contamination: z.number().gt(0).max(0.5).default(0.01),
    trees: z.number().int().min(1).default(100),
    seed: z.number().int().default(0),
    ...note,
  }),
  z.object({ op: z.literal('filter'), where: z.string().min(1), ...note }),
  z.object({
    op: z.literal('mark_returns'),
    invoice: column,
    quantity: column.optional(),
    as: column.default('is_return'),
    ...note,
  }),
  z.object({ op: z.literal('drop_adjustments'), invoice: column, ...note }),
  z.object({ op: z.literal('drop_stock_codes'), column, codes: z.array(z.string()).min(1), ...note }),
] as const;

export const stepSchema = z.discriminatedUnion('op', STEP_SCHEMAS);
export const planSchema = z.object({
  version: z.literal(1).default(1),
  description: z.string().optional(),
  steps: z.array(stepSchema),
});

export type PlanStep = z.infer<typeof stepSchema>;
export type CleaningPlan = z.infer<typeof planSchema>;
export const STEP_OPS = STEP_SCHEMAS.map((s) => s.shape.op.value);

/** Parses and checks a plan (JSON text or a parsed value); `where` names it in errors. */
export function parsePlan(input: string | unknown, where = 'the plan'): CleaningPlan {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (err) {
      throw new InputError('BAD_PLAN', `${where} is not valid JSON: ${(err as Error).message}`);
    }
  }
  const result = planSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const [first, index, ...rest] = issue.path;
  let place = issue.path.join('.');
  if (first === 'steps' && typeof index === 'number') {
    const op = (value as { steps?: { op?: unknown }[] }).steps?.[index]?.op;
    place = `step ${index + 1}${typeof op === 'string' ? ` (${op})` : ''}${rest.length ? `, field "${rest.join('.')}"` : ''}`;
  }
  const badOp =
    first === 'steps' && rest.length <= 1 && (rest[0] ?? 'op') === 'op' && issue.code !== 'invalid_type';
  if (badOp) place = place.replace(/, field "op"$/, '');
  const hint = badOp ? `: "op" must be one of ${STEP_OPS.join(', ')}` : `: ${issue.message}`;
  throw new InputError('BAD_PLAN', `${where}, ${place || 'top level'}${hint}`, { path: issue.path });
}
