import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { lookoutRecords } from '../../runs/customerAnalysis.ts';
import { type Store, searchCustomers } from '../../store/index.ts';
import { principalOf } from '../auth/principal.ts';
import { errorBodySchema, HttpError } from '../errors.ts';

export const MAX_CUSTOMER_ID = 200;

const hitSchema = z.object({
  customerId: z.string(),
  datasetId: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  location: z.string().nullable(),
  store: z.string().nullable(),
});

const customerSchema = z
  .object({
    id: z.string(),
    datasetId: z
      .string()
      .describe('the dataset this record comes from (the newest holding the id, unless asked)'),
    datasetName: z.string(),
    name: z.string().nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    location: z.string().nullable(),
    store: z.string().nullable(),
    attributes: z.record(z.string(), z.unknown()).describe("the file's other columns for this customer"),
  })
  .meta({ id: 'Customer' });

const analysisSchema = z
  .object({
    runId: z.string(),
    version: z.number().describe('the published version of the dataset these results come from'),
    segment: z.object({
      id: z.number(),
      name: z.string(),
      description: z.string(),
      namedBy: z
        .enum(['team', 'suggested'])
        .describe("your team's name for the segment, or the run's suggestion"),
      segmentation: z
        .string()
        .describe("the segmentation the segment is in: your team's choice, else 'main'"),
      segmentationName: z.string().describe('its name, as the Segments page lists it'),
    }),
    churn: z
      .object({ probability: z.number(), retention: z.number(), tier: z.string() })
      .nullable()
      .describe('null when the dataset has no churn label'),
    reasons: z.array(
      z.object({ feature: z.string(), value: z.string(), contribution: z.number(), text: z.string() }),
    ),
    insider: z.boolean(),
    recommendation: z.string(),
  })
  .meta({ id: 'CustomerAnalysis' });

/** GET /api/customers (search), GET /api/customers/:customerId (Lookout). */
export function customerRoutes(store: Store): FastifyPluginAsyncZod {
  return async (app) => {
    const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

    app.get(
      '/api/customers',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary: 'Find customers by id prefix, or by the start of their name or e-mail (case-insensitive)',
          tags: ['customers'],
          querystring: z.strictObject({
            q: z.string().trim().min(1).max(MAX_CUSTOMER_ID),
            limit: z.coerce.number().int().min(1).max(100).default(20),
          }),
          response: { 200: z.object({ customers: z.array(hitSchema) }), ...errors },
        },
      },
      async (request) => {
        const { orgId } = principalOf(request);
        return { customers: await searchCustomers(store.db, orgId, request.query.q, request.query.limit) };
      },
    );

    app.get(
      '/api/customers/:customerId',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary:
            "Lookout: one customer's profile, segment, churn probability and tier, reasons in words and a recommendation",
          tags: ['customers'],
          params: z.strictObject({ customerId: z.string().min(1).max(MAX_CUSTOMER_ID) }),
          querystring: z.strictObject({
            datasetId: z.string().max(100).optional().describe('read the record of this dataset'),
          }),
          response: {
            200: z.object({
              customer: customerSchema,
              analysis: analysisSchema
                .nullable()
                .describe("what the dataset's published run says of the customer; null before any run"),
              messages: z
                .array(
                  z.object({
                    campaignId: z.string(),
                    campaign: z.string(),
                    channel: z.string(),
                    subject: z.string().nullable(),
                    body: z.string(),
                    status: z.enum(['sent', 'delivered', 'failed']),
                    at: z.string().describe('when it was delivered, sent, or last tried (ISO 8601)'),
                  }),
                )
                .describe(
                  "the messages this dataset's campaigns sent the customer, newest first (at most 20)",
                ),
              datasets: z
                .array(z.object({ id: z.string(), name: z.string() }))
                .describe('every live dataset holding this customer id, newest first'),
            }),
            ...errors,
            404: errorBodySchema,
          },
        },
      },
      async (request) => {
        const { orgId, teamIds } = principalOf(request);
        const { customerId } = request.params;
        const records = await lookoutRecords(store, { orgId, customerId, teamIds });
        const { datasetId } = request.query;
        const record = datasetId === undefined ? records[0] : records.find((r) => r.dataset_id === datasetId);
        if (!record) {
          throw new HttpError(
            'NOT_FOUND',
            datasetId === undefined ? 'no customer with this id' : 'no customer with this id in that dataset',
            'path.customerId',
          );
        }
        return {
          analysis: record.analysis,
          messages: record.messages,
          customer: {
            id: record.customer_id,
            datasetId: record.dataset_id,
            datasetName: record.dataset_name,
            name: record.name,
            phone: record.phone,
            email: record.email,
            location: record.location,
            store: record.store,
            attributes: record.attributes,
          },
          datasets: records.map((r) => ({ id: r.dataset_id, name: r.dataset_name })),
        };
      },
    );
  };
}
