import { existsSync } from 'node:fs';
import {
  DEFAULT_SQL_LIMIT,
  describeSchema,
  InputError,
  type LlmEndpoint,
  llmFromEnv,
  MAX_SQL_LENGTH,
  noLlmMessage,
  openRunSql,
  type RunSql,
} from '@clientele/analytics';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { runDir } from '../../runs/runPaths.ts';
import { recordAudit, SecretKeyError, type Store } from '../../store/index.ts';
import { getChannelSettings } from '../../store/repos/channelSettings.ts';
import { getRun } from '../../store/repos/runs.ts';
import { principalOf } from '../auth/principal.ts';
import { errorBodySchema, HttpError } from '../errors.ts';

const idParam = z.string().min(1).max(100);

const columnSchema = z.object({
  name: z.string(),
  type: z.string().describe('DuckDB type: VARCHAR, DOUBLE, BIGINT, ...'),
});

const rowsSchema = z
  .array(z.array(z.unknown()))
  .describe('rows as arrays in column order: numbers, text, booleans, null; dates as text');

const tableSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    rows: z.number(),
    columns: z.array(z.object({ name: z.string(), type: z.string(), description: z.string().nullable() })),
  })
  .meta({ id: 'RunTable' });

const querySchema = z
  .object({
    sql: z.string(),
    ok: z.boolean(),
    refused: z
      .boolean()
      .describe('the statement tried what is never allowed (a write, a file, another table); audited'),
    error: z.string().optional().describe('why it did not run, when ok is false'),
    code: z
      .string()
      .optional()
      .describe('NOT_A_SELECT, SEVERAL_STATEMENTS, READS_FILES, UNKNOWN_TABLE, SYNTAX, FAILED, TIMEOUT, ...'),
    columns: z.array(columnSchema),
    rows: rowsSchema,
    truncated: z.boolean(),
  })
  .meta({ id: 'AskQuery' });

/** Where a person sets the endpoint the server uses. */
const SETUP =
  "A manager sets the endpoint under Campaigns > Channels (or the server's CLIENTELE_LLM_URL and CLIENTELE_LLM_MODEL).";

/**
 * Ask the data (E10) over one run of the organisation: GET /api/runs/:runId/schema (the tables,
 * their columns and meanings, and whether a model is set up), POST /api/runs/:runId/sql (one
 * read-only SELECT, row and time limits) and POST /api/runs/:runId/ask (a question in plain words
 * to the organisation's OpenAI-compatible model, which queries the tables through the same
 * checker). Everyone who may look up customers may use them; a refused statement is in the audit
 * log (`sql_refused`).
 */
/** Questions to the model per organisation per minute, unless the app is told otherwise. */
export const DEFAULT_ASKS_PER_MINUTE = 20;

export function askRoutes(
  store: Store,
  dataDir: string,
  options: { perMinute?: number } = {},
): FastifyPluginAsyncZod {
  return async (app) => {
    const perMinute = options.perMinute ?? DEFAULT_ASKS_PER_MINUTE;
    // When each organisation's recent questions were asked (this process: a sliding minute).
    const asked = new Map<string, number[]>();
    /** Counts a question, or says in how many seconds the organisation may ask again. */
    const admit = (orgId: string): number | null => {
      const now = Date.now();
      const recent = (asked.get(orgId) ?? []).filter((t) => now - t < 60_000);
      if (recent.length >= perMinute) {
        asked.set(orgId, recent);
        return Math.max(1, Math.ceil((recent[0]! + 60_000 - now) / 1000));
      }
      recent.push(now);
      asked.set(orgId, recent);
      return null;
    };
    const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };

    /** The run's SQL session: the organisation's own run only, once its folder is complete. */
    const openRun = async (orgId: string, runId: string): Promise<RunSql> => {
      const run = await getRun(store.db, orgId, runId);
      if (!run) throw new HttpError('NOT_FOUND', 'no such run', 'path.runId');
      const dir = runDir(dataDir, orgId, runId);
      // The folder appears, complete, when the run succeeds (it is renamed into place).
      if (!existsSync(dir)) {
        throw new HttpError(
          'NOT_FOUND',
          `this run has no tables (it is ${run.status}): they are there once it succeeds`,
          'path.runId',
        );
      }
      try {
        return await openRunSql(dir);
      } catch (err) {
        if (err instanceof InputError)
          throw new HttpError('NOT_FOUND', `this run's tables cannot be read: ${err.message}`, 'path.runId');
        throw err;
      }
    };

    /**
     * The organisation's model, else the environment's; an API key encrypted with another key is
     * `keyError` instead, saying what to do.
     */
    const llmOf = async (
      orgId: string,
    ): Promise<{ llm: LlmEndpoint | null; keyError: { model: string; message: string } | null }> => {
      const { llm } = await getChannelSettings(store.db, orgId);
      if (llm?.baseUrl?.trim() && llm.model?.trim()) {
        try {
          const apiKey = store.secrets.open(llm.apiKey) ?? null;
          return { llm: { baseUrl: llm.baseUrl, model: llm.model, apiKey }, keyError: null };
        } catch (err) {
          if (!(err instanceof SecretKeyError)) throw err;
          const message = `the LLM API key cannot be read: ${err.message}`;
          return { llm: null, keyError: { model: llm.model, message } };
        }
      }
      return { llm: llmFromEnv(), keyError: null };
    };

    const auditRefusal = async (
      who: { orgId: string; userId: string | null },
      runId: string,
      via: 'sql' | 'ask',
      q: { sql: string; code?: string; error?: string },
    ): Promise<void> => {
      await recordAudit(store.db, {
        orgId: who.orgId,
        userId: who.userId,
        action: 'sql_refused',
        subject: `run:${runId}`,
        detail: { via, code: q.code ?? null, sql: q.sql.slice(0, 2000), message: q.error ?? null },
      });
    };

    app.get(
      '/api/runs/:runId/schema',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary:
            "A run's tables for SQL and questions: columns, types, meanings; whether a model is set up",
          tags: ['ask'],
          params: z.strictObject({ runId: idParam }),
          response: {
            200: z.object({
              runId: z.string(),
              tables: z.array(tableSchema),
              text: z.string().describe('the same tables as text, as the model reads them'),
              llm: z.object({ configured: z.boolean(), model: z.string().nullable() }),
              message: z
                .string()
                .nullable()
                .describe('with no model: what one would add, and where to set it'),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const sql = await openRun(who.orgId, request.params.runId);
        try {
          const { llm, keyError } = await llmOf(who.orgId);
          return {
            runId: request.params.runId,
            tables: sql.tables,
            text: describeSchema(sql.tables),
            llm: {
              configured: llm !== null || keyError !== null,
              model: llm?.model ?? keyError?.model ?? null,
            },
            message: keyError?.message ?? (llm ? null : noLlmMessage(SETUP)),
          };
        } finally {
          sql.close();
        }
      },
    );

    app.post(
      '/api/runs/:runId/sql',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary: "Run one read-only SELECT over a run's tables (row and time limits)",
          description:
            'Anything but a single SELECT over the tables of GET /api/runs/:runId/schema is refused (400 SQL_REFUSED, and recorded in the audit log): writes, several statements, PRAGMA, ATTACH, COPY, INSTALL, LOAD, files and URLs. A query DuckDB cannot run answers 400 SQL_FAILED with its message.',
          tags: ['ask'],
          params: z.strictObject({ runId: idParam }),
          body: z.strictObject({
            sql: z.string().min(1).max(MAX_SQL_LENGTH).describe('one SELECT in DuckDB SQL'),
            limit: z
              .number()
              .int()
              .min(0)
              .max(10_000)
              .default(DEFAULT_SQL_LIMIT)
              .describe('rows returned at most'),
          }),
          response: {
            200: z.object({
              columns: z.array(columnSchema),
              rows: rowsSchema,
              truncated: z.boolean().describe('there were more rows than limit'),
              ms: z.number(),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const sql = await openRun(who.orgId, request.params.runId);
        let r: Awaited<ReturnType<RunSql['query']>>;
        try {
          r = await sql.query(request.body.sql, { limit: request.body.limit });
        } finally {
          sql.close();
        }
        if (r.ok) return { columns: r.columns, rows: r.rows, truncated: r.truncated, ms: r.ms };
        if (r.refused) {
          await auditRefusal(who, request.params.runId, 'sql', {
            sql: r.sql,
            code: r.code,
            error: r.message,
          });
          throw new HttpError('SQL_REFUSED', `refused: ${r.message}`, 'body.sql');
        }
        throw new HttpError('SQL_FAILED', `the query did not run: ${r.message}`, 'body.sql');
      },
    );

    app.post(
      '/api/runs/:runId/ask',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary:
            "Ask a question in plain words about a run: the organisation's model answers by querying its tables",
          description:
            "The model gets the tables' schema and one tool, run_sql; each query goes through the same checker and limits as POST /sql, refusals are sent back to the model and recorded in the audit log. status: answered | not_configured (no model; message says what one would add) | llm_failed (message says what to fix) | no_answer.",
          tags: ['ask'],
          params: z.strictObject({ runId: idParam }),
          body: z.strictObject({ question: z.string().trim().min(1).max(2000) }),
          response: {
            200: z.object({
              status: z.enum(['answered', 'not_configured', 'llm_failed', 'no_answer']),
              answer: z.string().nullable(),
              message: z.string().nullable(),
              queries: z
                .array(querySchema)
                .describe('every query the model asked for, in order, with its result'),
              model: z.string().nullable(),
              rounds: z.number(),
            }),
            ...errors,
            429: errorBodySchema,
          },
        },
      },
      async (request, reply) => {
        const who = principalOf(request);
        const sql = await openRun(who.orgId, request.params.runId);
        try {
          const { llm, keyError } = await llmOf(who.orgId);
          if (keyError) {
            return {
              status: 'llm_failed' as const,
              answer: null,
              message: keyError.message,
              queries: [],
              model: keyError.model,
              rounds: 0,
            };
          }
          // Each question costs model calls: a limit per organisation (a question with no model
          // or an unreadable key costs nothing and is not counted).
          if (llm) {
            const wait = admit(who.orgId);
            if (wait !== null) {
              reply.header('retry-after', String(wait));
              throw new HttpError(
                'TOO_MANY_REQUESTS',
                `your organisation asked ${perMinute} questions in the last minute, the most allowed; ask again in ${wait} s (the SQL console has no such limit)`,
              );
            }
          }
          // Loaded on first use: the SDK costs a few tenths of a second.
          const { askData } = await import('@clientele/analytics/ask');
          const result = await askData(sql, request.body.question, { llm, setup: SETUP });
          for (const q of result.queries.filter((x) => x.refused)) {
            await auditRefusal(who, request.params.runId, 'ask', q);
          }
          return result;
        } finally {
          sql.close();
        }
      },
    );
  };
}
