import { readFile, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DuplicateDatasetError, importDataset } from '../../datasets/importDataset.ts';
import { UploadRejectedError } from '../../datasets/ingestUpload.ts';
import { customerFieldsFile, datasetDir, profileFile } from '../../datasets/paths.ts';
import { formatBytes, UploadAbortedError, UploadTooLargeError } from '../../datasets/receiveUpload.ts';
import { sweepDatasetFolders } from '../../datasets/sweepFolders.ts';
import { runDir } from '../../runs/runPaths.ts';
import {
  DATASET_KINDS,
  type Dataset,
  listDatasets,
  recordAudit,
  type Store,
  softDeleteDataset,
} from '../../store/index.ts';
import { principalOf } from '../auth/principal.ts';
import { errorBodySchema, HttpError } from '../errors.ts';
import { liveDataset } from '../liveDataset.ts';

/** Media types an upload may be sent as (the body is the CSV file itself, not a form). */
export const UPLOAD_MEDIA_TYPES = ['text/csv', 'application/octet-stream'] as const;

export const MAX_DATASET_NAME = 200;

const columnSchema = z.object({ name: z.string(), type: z.string(), role: z.string() });

export const datasetSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(DATASET_KINDS),
    rows: z.number().describe('data rows in the file'),
    bytes: z.number(),
    sha256: z.string(),
    columns: z.array(columnSchema).describe("the file's columns: name, type read, role (profile)"),
    customers: z.number().describe('customers loaded for Lookout (distinct ids)'),
    createdAt: z.string(),
    createdBy: z.string().nullable(),
  })
  .meta({ id: 'Dataset' });

const fieldsSchema = z
  .object({
    id: z.string(),
    name: z.array(z.string()),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    location: z.array(z.string()),
    store: z.string().nullable(),
    attributes: z.array(z.string()),
  })
  .describe("which of the file's columns filled each customer field (attributes: the rest)");

function datasetJson(d: Dataset): z.infer<typeof datasetSchema> {
  return {
    id: d.id,
    name: d.name,
    kind: d.kind,
    rows: d.rows,
    bytes: d.bytes,
    sha256: d.sha256,
    columns: d.columns,
    customers: d.customers,
    createdAt: d.created_at.toISOString(),
    createdBy: d.created_by,
  };
}

export interface DatasetRouteOptions {
  /** Folder for files: datasets live in `<dataDir>/datasets/<orgId>/<datasetId>/`. */
  dataDir: string;
  /** Largest upload in bytes. */
  uploadLimit: number;
}

/**
 * POST /api/datasets (streamed CSV upload), GET /api/datasets, GET /api/datasets/:id,
 * DELETE /api/datasets/:id.
 */
export function datasetRoutes(store: Store, options: DatasetRouteOptions): FastifyPluginAsyncZod {
  return async (app) => {
    // In this plugin only: every body stays a stream (the JSON parser included), so the upload
    // route reads it itself, with its own limit, and answers a wrong type with its own message.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

    // What a server stopped mid-upload or mid-delete left behind (see sweepDatasetFolders).
    // Housekeeping only: a failure is logged and does not stop the server from starting.
    app.addHook('onReady', async () => {
      try {
        const removed = await sweepDatasetFolders(store, options.dataDir);
        if (removed.length > 0) app.log.info({ removed }, 'removed leftover dataset folders');
      } catch (err) {
        app.log.warn({ err }, 'could not sweep leftover dataset folders');
      }
    });

    const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };
    const limitText = formatBytes(options.uploadLimit);

    app.post(
      '/api/datasets',
      {
        config: { access: 'upload_data' },
        schema: {
          summary: 'Upload a customer file (CSV) as a dataset: profiled, its customers loaded for Lookout',
          description:
            `The body is the CSV file itself (Content-Type text/csv or application/octet-stream), at most ${limitText}. ` +
            'It is read by the analytics ingestion (any common encoding; a malformed row refuses the file, naming its line), ' +
            'profiled, and its customers loaded. kind is detected when not given. The same file twice is 409 unless allowDuplicate=true.',
          tags: ['datasets'],
          consumes: [...UPLOAD_MEDIA_TYPES],
          // Documents the body; the route reads the stream itself (this validates nothing).
          body: z.any().meta({
            type: 'string',
            format: 'binary',
            description: 'the CSV file itself, streamed: a header line, then one line per row',
          }),
          querystring: z.strictObject({
            name: z.string().trim().min(1).max(MAX_DATASET_NAME).describe('a name for people'),
            kind: z
              .enum(DATASET_KINDS)
              .optional()
              .describe('snapshot: one row per customer; transactions: one row per invoice line'),
            allowDuplicate: z.enum(['true', 'false']).optional().describe('accept a file uploaded before'),
          }),
          response: {
            201: datasetSchema.extend({ customerFields: fieldsSchema }),
            ...errors,
            409: errorBodySchema,
            413: errorBodySchema,
            415: errorBodySchema,
          },
        },
      },
      async (request, reply) => {
        const who = principalOf(request);
        const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (!(UPLOAD_MEDIA_TYPES as readonly string[]).includes(type)) {
          throw new HttpError(
            'UNSUPPORTED_MEDIA_TYPE',
            `send the CSV file itself as the body, with Content-Type ${UPLOAD_MEDIA_TYPES.join(' or ')}` +
              (type ? ` (got ${type})` : ' (none was given)'),
            'header.content-type',
          );
        }
        const declared = Number(request.headers['content-length']);
        if (Number.isFinite(declared) && declared > options.uploadLimit) {
          reply.header('connection', 'close');
          throw new HttpError(
            'PAYLOAD_TOO_LARGE',
            `the upload is ${formatBytes(declared)}, larger than the limit of ${limitText}`,
            'body',
          );
        }
        const body = request.body instanceof Readable ? request.body : Readable.from([]);
        try {
          const { dataset, fields } = await importDataset(store, options.dataDir, {
            orgId: who.orgId,
            userId: who.userId,
            name: request.query.name,
            kind: request.query.kind,
            allowDuplicate: request.query.allowDuplicate === 'true',
            body,
            limit: options.uploadLimit,
          });
          reply.code(201);
          return { ...datasetJson(dataset), customerFields: fields };
        } catch (err) {
          if (err instanceof UploadTooLargeError) {
            reply.header('connection', 'close');
            throw new HttpError('PAYLOAD_TOO_LARGE', `${err.message}; nothing was stored`, 'body');
          }
          if (err instanceof UploadAbortedError) throw new HttpError('BAD_REQUEST', err.message, 'body');
          if (err instanceof DuplicateDatasetError) throw new HttpError('CONFLICT', err.message, 'body');
          if (err instanceof UploadRejectedError) {
            throw new HttpError(
              err.reason === 'unsupported' ? 'UNSUPPORTED_MEDIA_TYPE' : 'INVALID_INPUT',
              err.message,
              'body',
            );
          }
          throw err;
        }
      },
    );

    app.get(
      '/api/datasets',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary: "The organisation's datasets, newest first",
          tags: ['datasets'],
          response: { 200: z.object({ datasets: z.array(datasetSchema) }), ...errors },
        },
      },
      async (request) => {
        const { orgId } = principalOf(request);
        return { datasets: (await listDatasets(store.db, orgId)).map(datasetJson) };
      },
    );

    const params = z.strictObject({ id: z.string().max(100) });

    /** A live dataset of the caller's organisation, or 404 (another organisation's reads as missing). */
    async function live(orgId: string, id: string): Promise<Dataset> {
      return liveDataset(store.db, orgId, id, 'path.id');
    }

    app.get(
      '/api/datasets/:id',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary:
            'One dataset with its profile (types and roles, missing values, keys, sentinels, warnings)',
          tags: ['datasets'],
          params,
          response: {
            200: datasetSchema.extend({
              customerFields: fieldsSchema.nullable(),
              profile: z
                .record(z.string(), z.unknown())
                .nullable()
                .describe('DatasetProfile of @clientele/analytics'),
            }),
            ...errors,
            404: errorBodySchema,
          },
        },
      },
      async (request) => {
        const { orgId } = principalOf(request);
        const dataset = await live(orgId, request.params.id);
        return {
          ...datasetJson(dataset),
          customerFields: await readJson(customerFieldsFile(options.dataDir, orgId, dataset.id)),
          profile: await readJson(profileFile(options.dataDir, orgId, dataset.id)),
        };
      },
    );

    app.delete(
      '/api/datasets/:id',
      {
        config: { access: 'upload_data' },
        schema: {
          summary:
            'Delete a dataset: its file, customers, runs and their results, published results, segment names',
          description:
            'The row stays as a tombstone (name, size, hash, deleted at) for the audit log; everything derived from the file is removed.',
          tags: ['datasets'],
          params,
          response: {
            200: z.object({
              id: z.string(),
              deleted: z.object({
                customers: z.number(),
                runs: z.number(),
                publishedResults: z.number(),
                schedules: z.number(),
              }),
            }),
            ...errors,
            404: errorBodySchema,
          },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const { id } = request.params;
        const dataset = await live(who.orgId, id);
        const deleted = await store.db.transaction().execute(async (tx) => {
          const counts = await softDeleteDataset(tx, who.orgId, id);
          if (!counts) return undefined;
          await recordAudit(tx, {
            orgId: who.orgId,
            userId: who.userId,
            action: 'dataset_deleted',
            subject: `dataset:${id}`,
            detail: {
              name: dataset.name,
              sha256: dataset.sha256,
              customers: counts.customers,
              runs: counts.runs,
              publishedResults: counts.publishedResults,
              schedules: counts.schedules,
            },
          });
          return counts;
        });
        if (!deleted) throw new HttpError('NOT_FOUND', 'no such dataset', 'path.id');
        await rm(datasetDir(options.dataDir, who.orgId, id), { recursive: true, force: true });
        // The run folders too (a run still going fails at publishing and removes its own).
        for (const runId of deleted.runIds) {
          await rm(runDir(options.dataDir, who.orgId, runId), { recursive: true, force: true });
        }
        const { runIds: _gone, ...counts } = deleted;
        return { id, deleted: counts };
      },
    );
  };
}

async function readJson(path: string): Promise<never | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as never;
  } catch {
    return null;
  }
}
