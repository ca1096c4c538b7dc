import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP server on 127.0.0.1 speaking the part of the OpenAI API that OpenAI-compatible servers
 * share: POST /v1/chat/completions (plain or streamed) and GET /v1/models. It records every
 * request and answers with scripted replies, in order: text, tool calls (issue 10's assistant
 * uses them), an HTTP error, or a function of the request. With the script empty it answers 500,
 * so a test that forgot a reply fails loudly.
 *
 * ```ts
 * const llm = await startFakeOpenAi({ models: ['tiny'], apiKey: 'k' });
 * llm.reply('{"subject": null, "body": "Hi {first_name}! Reply STOP to opt out."}');
 * new OpenAI({ baseURL: llm.baseUrl, apiKey: 'k' });   // llm.requests[0].body.messages ...
 * await llm.close();
 * ```
 */

export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: string | null; tool_calls?: unknown[]; tool_call_id?: string }[];
  tools?: unknown[];
  stream?: boolean;
  [key: string]: unknown;
}

export interface RecordedChatRequest {
  path: string;
  authorization: string | undefined;
  body: ChatRequestBody;
}

export interface ScriptedToolCall {
  name: string;
  /** An object is sent JSON-encoded, as the API does. */
  arguments: Record<string, unknown> | string;
  id?: string;
}

export type ScriptedReply =
  | string
  | { content: string }
  | { toolCalls: ScriptedToolCall[]; content?: string }
  | { status: number; message: string; type?: string; code?: string }
  /** Close the connection without answering (a server that died mid-request). */
  | { hangUp: true }
  /** Never answer (a server stuck loading a model); the connection ends at close(). */
  | { stall: true }
  | ((request: RecordedChatRequest) => ScriptedReply);

export interface FakeOpenAiOptions {
  /** Models served; a request for another answers 404 model_not_found. Default: any model. */
  models?: string[];
  /** When set, requests without `Authorization: Bearer <apiKey>` answer 401. */
  apiKey?: string;
}

export interface FakeOpenAi {
  /** e.g. http://127.0.0.1:41234/v1 */
  readonly baseUrl: string;
  readonly requests: RecordedChatRequest[];
  /** Queues replies, answered in order. */
  reply(...replies: ScriptedReply[]): void;
  /** Replies still queued. */
  pending(): number;
  close(): Promise<void>;
}

export async function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
  const requests: RecordedChatRequest[] = [];
  const script: ScriptedReply[] = [];
  let served = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      sendJson(res, 500, { error: { message: String(err), type: 'server_error' } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendJson(res, 401, {
        error: {
          message: 'Incorrect API key provided.',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
          param: null,
        },
      });
    }
    if (req.method === 'GET' && url.pathname === '/v1/models') {
      const ids = options.models ?? ['fake-model'];
      return sendJson(res, 200, {
        object: 'list',
        data: ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })),
      });
    }
    if (req.method !== 'POST' || url.pathname !== '/v1/chat/completions') {
      return sendJson(res, 404, {
        error: { message: `No route ${req.method} ${url.pathname}`, type: 'not_found' },
      });
    }
    const body = JSON.parse(await readBody(req)) as ChatRequestBody;
    const recorded: RecordedChatRequest = {
      path: url.pathname,
      authorization: req.headers.authorization,
      body,
    };
    requests.push(recorded);
    if (options.models && !options.models.includes(body.model)) {
      return sendJson(res, 404, {
        error: {
          message: `The model \`${body.model}\` does not exist or you do not have access to it.`,
          type: 'invalid_request_error',
          code: 'model_not_found',
          param: null,
        },
      });
    }
    let next = script.shift();
    if (next === undefined) {
      return sendJson(res, 500, {
        error: { message: 'fakeOpenAi: no scripted reply left', type: 'server_error' },
      });
    }
    while (typeof next === 'function') next = next(recorded);
    served++;
    if (typeof next === 'object' && 'hangUp' in next) {
      req.socket.destroy();
      return;
    }
    if (typeof next === 'object' && 'stall' in next) return;
    if (typeof next === 'object' && 'status' in next) {
      return sendJson(res, next.status, {
        error: {
          message: next.message,
          type: next.type ?? 'api_error',
          code: next.code ?? null,
          param: null,
        },
      });
    }
    const content = typeof next === 'string' ? next : (next.content ?? null);
    const toolCalls =
      typeof next === 'object' && 'toolCalls' in next
        ? next.toolCalls.map((c, i) => ({
            id: c.id ?? `call_${served}_${i}`,
            type: 'function' as const,
            function: {
              name: c.name,
              arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
            },
          }))
        : undefined;
    const id = `chatcmpl-fake-${served}`;
    if (body.stream) return stream(res, id, body.model, content, toolCalls);
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created: 1_700_000_000 + served,
      model: body.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content,
            ...(toolCalls ? { tool_calls: toolCalls } : {}),
            refusal: null,
          },
          finish_reason: toolCalls ? 'tool_calls' : 'stop',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    reply: (...replies) => {
      script.push(...replies);
    },
    pending: () => script.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Server-sent events as the API streams them: a role chunk, the content in pieces, tool calls, [DONE]. */
function stream(
  res: ServerResponse,
  id: string,
  model: string,
  content: string | null,
  toolCalls: { id: string; type: 'function'; function: { name: string; arguments: string } }[] | undefined,
): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    res.write(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`,
    );
  chunk({ role: 'assistant', content: '' });
  for (const piece of (content ?? '').match(/[\s\S]{1,16}/g) ?? []) chunk({ content: piece });
  toolCalls?.forEach((c, index) => {
    chunk({
      tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.function.name, arguments: '' } }],
    });
    chunk({ tool_calls: [{ index, function: { arguments: c.function.arguments } }] });
  });
  chunk({}, toolCalls ? 'tool_calls' : 'stop');
  res.end('data: [DONE]\n\n');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
