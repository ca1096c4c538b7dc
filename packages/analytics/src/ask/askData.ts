import OpenAI from 'openai';
import type {
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { askSystemPrompt, RUN_SQL_TOOL } from './askPrompt.ts';
import { describeLlmFailure } from './describeLlmFailure.ts';
import { type LlmEndpoint, noLlmMessage, normaliseLlmUrl } from './llmEndpoint.ts';
import type { RunSql, SqlCell, SqlResult } from './openRunSql.ts';

/** One query the model asked for, and what came of it. */
export interface AskQuery {
  sql: string;
  ok: boolean;
  /** The checker refused it (a write, several statements, a file, another table): audited by the server. */
  refused: boolean;
  /** Why it did not run (refusal or DuckDB's error), when `ok` is false. */
  error?: string;
  code?: string;
  columns: { name: string; type: string }[];
  rows: SqlCell[][];
  truncated: boolean;
}

/**
 * - `answered`: the model answered (`answer`).
 * - `not_configured`: no endpoint; `message` says what one would add.
 * - `llm_failed`: the endpoint failed; `message` says what to fix; `queries` holds what ran before.
 * - `no_answer`: the model kept asking for queries past the rounds allowed.
 */
export type AskStatus = 'answered' | 'not_configured' | 'llm_failed' | 'no_answer';

export interface AskResult {
  status: AskStatus;
  answer: string | null;
  message: string | null;
  queries: AskQuery[];
  model: string | null;
  /** Chat completions made. */
  rounds: number;
}

export interface AskOptions {
  /** The endpoint; null: the answer is `not_configured`. */
  llm: LlmEndpoint | null;
  /** Where this surface takes the endpoint, for messages ("The endpoint comes from --llm-url ..."). */
  setup: string;
  /** Chat completions at most (default 6); the last one may not call the tool. */
  maxRounds?: number;
  /** Queries run per model turn at most (default 4); more are answered "not run". */
  maxQueriesPerTurn?: number;
  /** Rows kept per query for the person (default 200) and shown to the model (default 50). */
  rowLimit?: number;
  shownRows?: number;
  /** Per query (default 10 s) and per model request (default 90 s: a local model on a CPU is slow). */
  queryTimeoutMs?: number;
  requestTimeoutMs?: number;
}

/**
 * Asks a question of one run's tables: the question goes to an OpenAI-compatible model with the
 * tables' schema and the `run_sql` tool; each tool call goes through the checker and runs within
 * the row and time limits (`RunSql.query`); the rows (the first `shownRows`) or the refusal go
 * back to the model; after at most `maxRounds` completions the model's answer is returned with
 * every query it ran. Endpoint failures and a missing endpoint are values, not throws.
 *
 * ```ts
 * const sql = await openRunSql('runs/2026-11');
 * const r = await askData(sql, 'average churn probability per segment?', {
 *   llm: { baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen2.5:7b' }, setup: 'Set CLIENTELE_LLM_URL.',
 * });
 * // r.status === 'answered', r.answer = 'Segment 0 ... 0.51 ...', r.queries = [{ sql: 'SELECT ...', ok: true, rows: [...] }]
 * ```
 */
export async function askData(sql: RunSql, question: string, options: AskOptions): Promise<AskResult> {
  const queries: AskQuery[] = [];
  const { llm } = options;
  if (!llm) {
    return {
      status: 'not_configured',
      answer: null,
      message: noLlmMessage(options.setup),
      queries,
      model: null,
      rounds: 0,
    };
  }
  const maxRounds = Math.max(1, options.maxRounds ?? 6);
  const perTurn = options.maxQueriesPerTurn ?? 4;
  const rowLimit = options.rowLimit ?? 200;
  const shownRows = Math.min(options.shownRows ?? 50, rowLimit);
  const client = new OpenAI({
    baseURL: normaliseLlmUrl(llm.baseUrl),
    // The SDK insists on a key; local servers ignore the header.
    apiKey: llm.apiKey || 'no-key',
    organization: null,
    project: null,
    timeout: options.requestTimeoutMs ?? 90_000,
    // A person is waiting: a server that is down should say so at once, not after retries.
    maxRetries: 0,
  });
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: askSystemPrompt(sql.tables, shownRows) },
    { role: 'user', content: question },
  ];
  let rounds = 0;
  while (rounds < maxRounds) {
    rounds++;
    const last = rounds === maxRounds;
    let message: OpenAI.Chat.Completions.ChatCompletionMessage | undefined;
    try {
      const completion = await client.chat.completions.create({
        model: llm.model,
        messages,
        tools: [RUN_SQL_TOOL],
        // The last round must answer with what it has.
        tool_choice: last ? 'none' : 'auto',
        temperature: 0,
      });
      message = completion.choices[0]?.message;
    } catch (err) {
      return {
        status: 'llm_failed',
        answer: null,
        message: describeLlmFailure(err, llm, options.setup),
        queries,
        model: llm.model,
        rounds,
      };
    }
    const calls = (message?.tool_calls ?? []).filter(
      (c): c is ChatCompletionMessageFunctionToolCall => c.type === 'function',
    );
    if (calls.length === 0) {
      const answer = (message?.content ?? '').trim();
      return {
        status: answer ? 'answered' : 'no_answer',
        answer: answer || null,
        message: answer ? null : 'The model returned an empty answer; ask again, or rephrase the question.',
        queries,
        model: llm.model,
        rounds,
      };
    }
    messages.push({ role: 'assistant', content: message?.content ?? null, tool_calls: calls });
    for (const [i, call] of calls.entries()) {
      const content =
        i >= perTurn
          ? JSON.stringify({
              error: `not run: at most ${perTurn} queries per turn; ask for it again if it is still needed`,
            })
          : await runCall(sql, call, queries, { rowLimit, shownRows, timeoutMs: options.queryTimeoutMs });
      messages.push({ role: 'tool', tool_call_id: call.id, content });
    }
  }
  return {
    status: 'no_answer',
    answer: null,
    message: `The model kept asking for queries through ${maxRounds} rounds without answering; the queries it ran are below. Ask a narrower question.`,
    queries,
    model: llm.model,
    rounds,
  };
}

/** Runs one tool call; records it; returns what the model reads back (JSON text). */
async function runCall(
  sql: RunSql,
  call: ChatCompletionMessageFunctionToolCall,
  queries: AskQuery[],
  limits: { rowLimit: number; shownRows: number; timeoutMs: number | undefined },
): Promise<string> {
  if (call.function.name !== RUN_SQL_TOOL.function.name) {
    return JSON.stringify({
      error: `there is no tool "${call.function.name}"; the one tool is run_sql(query)`,
    });
  }
  let query: unknown;
  try {
    query = (JSON.parse(call.function.arguments || '{}') as { query?: unknown }).query;
  } catch {
    return JSON.stringify({
      error: 'the arguments were not JSON: call run_sql with {"query": "SELECT ..."}',
    });
  }
  if (typeof query !== 'string') {
    return JSON.stringify({ error: 'run_sql needs {"query": "SELECT ..."} with the statement as text' });
  }
  const r = await sql.query(query, { limit: limits.rowLimit, timeoutMs: limits.timeoutMs });
  queries.push(asQuery(r));
  if (!r.ok) {
    return JSON.stringify({
      error: r.refused ? `REFUSED: ${r.message}` : r.message,
      hint: 'write one read-only SELECT over the tables listed in the instructions',
    });
  }
  const shown = r.rows.slice(0, limits.shownRows);
  return JSON.stringify({
    columns: r.columns.map((c) => c.name),
    rows: shown,
    ...(shown.length < r.rows.length || r.truncated
      ? { note: `only the first ${shown.length} rows are shown; aggregate or add a LIMIT for the rest` }
      : {}),
  });
}

function asQuery(r: SqlResult): AskQuery {
  if (r.ok)
    return { sql: r.sql, ok: true, refused: false, columns: r.columns, rows: r.rows, truncated: r.truncated };
  return {
    sql: r.sql,
    ok: false,
    refused: r.refused,
    error: r.message,
    code: r.code,
    columns: [],
    rows: [],
    truncated: false,
  };
}
