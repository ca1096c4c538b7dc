import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** Stable error codes of the API, each with its HTTP status: the one place they are mapped. */
export const ERROR_STATUS = {
  INVALID_JSON: 400,
  INVALID_INPUT: 400,
  UNKNOWN_FIELD: 400,
  TOO_LONG: 400,
  BAD_REQUEST: 400,
  /** A statement the SQL console will not run (a write, a file, another table): audited. */
  SQL_REFUSED: 400,
  /** A read-only statement DuckDB could not run (a wrong column, the time limit). */
  SQL_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
  STORE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Every error the API answers with: `{ error: { code, message, field? } }`. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().describe('stable, machine-readable: INVALID_INPUT, UNKNOWN_FIELD, NOT_FOUND, ...'),
      message: z.string().describe('for a person: what is wrong and what to do'),
      field: z
        .string()
        .optional()
        .describe('the input field at fault, as a dotted path (body.name, query.limit)'),
    }),
  })
  .meta({ id: 'Error' });

export type ErrorBody = z.infer<typeof errorBodySchema>;

/** An expected failure a route reports: thrown, and turned into the error body by the handler below. */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly code: ErrorCode;
  readonly field: string | undefined;
  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function errorBody(code: string, message: string, field?: string): ErrorBody {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

const LOCATION: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'header',
};

/** A schema validation failure -> the first problem, naming its field. */
function fromValidation(
  err: FastifyError & {
    validation: {
      keyword: string;
      instancePath: string;
      message?: string;
      params: Record<string, unknown>;
    }[];
  },
): {
  status: number;
  body: ErrorBody;
} {
  const where = LOCATION[err.validationContext ?? 'body'] ?? 'body';
  const issue = err.validation[0]!;
  const path = issue.instancePath.split('/').filter((p) => p !== '');
  if (issue.keyword === 'unrecognized_keys') {
    const keys = (issue.params['keys'] as string[] | undefined) ?? [];
    const field = [where, ...path, keys[0] ?? ''].join('.');
    const list = keys.map((k) => `"${k}"`).join(', ');
    return {
      status: 400,
      body: errorBody(
        'UNKNOWN_FIELD',
        `unknown field${keys.length > 1 ? 's' : ''} ${list} in the ${where}`,
        field,
      ),
    };
  }
  const field = [where, ...path].join('.');
  if (issue.keyword === 'too_big' && issue.params['origin'] === 'string') {
    return {
      status: 400,
      body: errorBody(
        'TOO_LONG',
        `${field} is longer than ${String(issue.params['maximum'])} characters`,
        field,
      ),
    };
  }
  return { status: 400, body: errorBody('INVALID_INPUT', `${field}: ${issue.message ?? 'invalid'}`, field) };
}

/** Fastify's own request errors, by their code. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
};

/** Maps any error to a status and the uniform body; unexpected ones are logged and not described. */
export function describeHttpError(err: FastifyError | Error): { status: number; body: ErrorBody } {
  if (err instanceof HttpError)
    return { status: err.status, body: errorBody(err.code, err.message, err.field) };
  if (hasZodFastifySchemaValidationErrors(err)) return fromValidation(err as never);
  const e = err as FastifyError;
  const code = e.code ? FASTIFY_CODES[e.code] : undefined;
  if (code === 'INVALID_JSON') {
    const detail =
      e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'it is empty' : 'check its quotes, commas and braces';
    return { status: 400, body: errorBody(code, `the body is not valid JSON (${detail})`) };
  }
  if (code === 'PAYLOAD_TOO_LARGE') {
    return { status: 413, body: errorBody(code, 'the body is larger than this endpoint accepts') };
  }
  if (code) return { status: ERROR_STATUS[code], body: errorBody(code, e.message) };
  // A SyntaxError from the JSON parser, or another 4xx Fastify raised while reading the request.
  const status = e.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const what = err instanceof SyntaxError ? 'INVALID_JSON' : 'BAD_REQUEST';
    return { status, body: errorBody(what, e.message) };
  }
  return { status: 500, body: errorBody('INTERNAL', 'unexpected error on the server; it has been logged') };
}

export function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = describeHttpError(err);
  if (status >= 500) request.log.error({ err }, 'request failed');
  reply.code(status).type('application/json').send(body);
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  reply
    .code(404)
    .type('application/json')
    .send(errorBody('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));
}
