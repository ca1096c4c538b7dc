import { z } from 'zod';
import { filterSchema } from '../http/routes/campaigns.ts';

/**
 * A field of the published run's customers: a built-in one (churn_probability, segment,
 * risk_tier, store, location, insider) or, any other name, a column of the customer file kept in
 * customers.attributes.
 */
const fieldSchema = z
  .string()
  .min(1)
  .max(200)
  .describe('churn_probability, segment, risk_tier, store, location, insider, or a column of the file');

const binsSchema = z.number().int().min(2).max(100);

/** One axis of a heat map: a category, or a numeric field cut into bins. */
const axisSchema = z.strictObject({
  field: fieldSchema,
  bins: binsSchema.optional().describe('cut a numeric field into this many equal-width bins'),
});

const common = {
  segments: z
    .array(z.number().int().min(0).max(10_000))
    .max(1000)
    .optional()
    .describe('only these segments (all when absent)'),
  filter: filterSchema.optional().describe('the customers to chart, as an audience filter'),
};

export const chartSpecSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('histogram'),
      field: fieldSchema.describe('a numeric field'),
      bins: binsSchema.default(20),
      ...common,
    }),
    z.strictObject({ kind: z.literal('box'), field: fieldSchema.describe('a numeric field'), ...common }),
    z.strictObject({
      kind: z.literal('bar'),
      category: fieldSchema.describe('segment, risk_tier, store, location, insider or a column of the file'),
      measure: z.enum(['count', 'mean', 'churn_rate']).default('count'),
      field: fieldSchema.optional().describe('the numeric field to average (measure mean)'),
      ...common,
    }),
    z.strictObject({
      kind: z.literal('scatter'),
      x: fieldSchema,
      y: fieldSchema,
      sample: z.number().int().min(1).max(2000).default(2000).describe('points drawn at most'),
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1)
        .default(1)
        .describe('which customers the sample draws'),
      ...common,
    }),
    z.strictObject({ kind: z.literal('heatmap'), x: axisSchema, y: axisSchema, ...common }),
    z.strictObject({
      kind: z.literal('line'),
      date: fieldSchema.describe('a date column of the file (YYYY-MM-DD...)'),
      measure: z.enum(['count', 'mean']).default('count'),
      field: fieldSchema.optional().describe('the numeric field to average (measure mean)'),
      ...common,
    }),
  ])
  .meta({ id: 'ChartSpec' });

export type ChartSpec = z.infer<typeof chartSpecSchema>;
export type ChartKind = ChartSpec['kind'];
export const CHART_KINDS = ['histogram', 'box', 'bar', 'scatter', 'heatmap', 'line'] as const;
