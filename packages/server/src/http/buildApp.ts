import type { IncomingMessage, ServerResponse } from 'node:http';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Store } from '../store/index.ts';
import { errorHandler, notFoundHandler } from './errors.ts';
import { healthRoutes } from './routes/health.ts';
import { SERVER_VERSION } from './version.ts';

export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface AppOptions {
  store: Store;
  /** Largest JSON body in bytes (default 1 MiB); uploads stream through their own limit. */
  bodyLimit?: number;
  /** Fastify's logger: false (default) or pino options. */
  logger?: boolean | { level: string };
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * The HTTP API over a store: zod schemas validate every input (unknown fields refused) and
 * describe every route in the OpenAPI document at /api/openapi.json; every error answers
 * `{ error: { code, message, field? } }`. Call `await app.ready()` (or listen / inject).
 */
export async function buildApp(options: AppOptions): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  // No route: answer 404 before the body is read, so a bad or huge body there is not a 400 / 413.
  app.addHook('onRequest', async (request, reply) => {
    if (!request.is404) return;
    notFoundHandler(request, reply);
    return reply;
  });
  // JSON only; an upload route adds the parser for its own media type.
  app.removeContentTypeParser('text/plain');

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Clientele API',
        version: SERVER_VERSION,
        description:
          'Customer segments, churn risk, value and campaigns. Errors: { error: { code, message, field? } }.',
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  await app.register(healthRoutes(options.store));
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
