import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { SendJobs, type SendJobsOptions } from '../campaigns/sendJobs.ts';
import { type AnalyzeFn, RunJobs } from '../runs/runJobs.ts';
import type { Store } from '../store/index.ts';
import { type AuthOptions, resolveAuthOptions } from './auth/options.ts';
import { guard } from './auth/principal.ts';
import { errorHandler, notFoundHandler } from './errors.ts';
import type { Access } from './permissions.ts';
import { askRoutes } from './routes/ask.ts';
import { auditRoutes } from './routes/audit.ts';
import { authRoutes } from './routes/auth.ts';
import { campaignAttachmentRoutes } from './routes/campaignAttachments.ts';
import { campaignRoutes } from './routes/campaigns.ts';
import { campaignWebhookRoutes } from './routes/campaignWebhooks.ts';
import { channelSettingsRoutes } from './routes/channelSettings.ts';
import { chartRoutes } from './routes/charts.ts';
import { churnByPlaceRoutes } from './routes/churnByPlace.ts';
import { customerRoutes } from './routes/customers.ts';
import { datasetRoutes } from './routes/datasets.ts';
import { healthRoutes } from './routes/health.ts';
import { memberRoutes } from './routes/members.ts';
import { outboxRoutes } from './routes/outbox.ts';
import { planRoutes } from './routes/plans.ts';
import { runCompareRoutes } from './routes/runCompare.ts';
import { runRoutes } from './routes/runs.ts';
import { segmentationRoutes } from './routes/segmentations.ts';
import { segmentRoutes } from './routes/segments.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { SERVER_VERSION } from './version.ts';
import { webApp } from './webApp.ts';

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
  /** Sessions, cookies, the sign-in rate limit. */
  auth?: AuthOptions;
  /** Trust X-Forwarded-* from a reverse proxy (client IP for the rate limit, https for Secure cookies). */
  trustProxy?: boolean;
  /**
   * Folder for files: uploaded datasets live in `<dataDir>/datasets/<orgId>/<datasetId>/`
   * (`datasetFile()`). Default: a temporary folder, removed when the app closes (tests).
   */
  dataDir?: string;
  /** Largest dataset upload in bytes (default 512 MiB: DEFAULT_UPLOAD_LIMIT). */
  uploadLimit?: number;
  /**
   * The run jobs (`runs/runJobs.ts`): started when the app is ready, stopped when it closes.
   * `start: false` leaves queued runs waiting (tests of the queue itself); `analyze` replaces
   * the analysis (tests); `pollMs` is how often the queue and the schedules are read.
   */
  runs?: { start?: boolean; pollMs?: number; analyze?: AnalyzeFn };
  /**
   * The campaign send job (`campaigns/sendJobs.ts`), started and stopped with the app like the
   * runs. `publicUrl` is where providers and recipients reach the server (Twilio status
   * callbacks, unsubscribe links); without it, the address a request came to.
   */
  campaigns?: Omit<SendJobsOptions, 'store'> & { start?: boolean };
  /** Questions to the organisation's model per organisation per minute (default 20): each costs model calls. */
  ask?: { perMinute?: number };
}

/** A route of the API and who may call it. */
export interface RouteAccess {
  method: string;
  url: string;
  access: Access;
}

const routeTables = new WeakMap<object, RouteAccess[]>();

/** Every /api route of an app built by buildApp, with its access (HEAD twins left out). */
export function routeAccess(app: App): RouteAccess[] {
  return [...(routeTables.get(app) ?? [])];
}

const runJobsOf = new WeakMap<object, RunJobs>();
const sendJobsOf = new WeakMap<object, SendJobs>();

/** The campaign send job of an app built by buildApp. */
export function sendJobs(app: App): SendJobs {
  return sendJobsOf.get(app)!;
}

/** The run jobs of an app built by buildApp (to start them by hand when built with `runs.start: false`). */
export function runJobs(app: App): RunJobs {
  return runJobsOf.get(app)!;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
export const DEFAULT_UPLOAD_LIMIT = 512 * 1024 * 1024;

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
    trustProxy: options.trustProxy ?? false,
  }).withTypeProvider<ZodTypeProvider>();
  const auth = resolveAuthOptions(options.auth);
  const routes: RouteAccess[] = [];
  routeTables.set(app, routes);
  // Every /api route says who may call it, and gets the guard for that as its first preHandler.
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    const access = route.config?.access;
    if (access === undefined) {
      throw new Error(`route ${String(route.method)} ${route.url} has no config.access (see permissions.ts)`);
    }
    const existing = route.preHandler === undefined ? [] : [route.preHandler].flat();
    route.preHandler = [guard(options.store, access), ...existing];
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: route.url, access });
    }
  });
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

  await app.register(cookie);
  await app.register(healthRoutes(options.store));
  await app.register(authRoutes(options.store, auth));
  await app.register(tokenRoutes(options.store));
  await app.register(memberRoutes(options.store, auth));
  let dataDir = options.dataDir;
  if (dataDir === undefined) {
    const temporary = mkdtempSync(join(tmpdir(), 'clientele-files-'));
    app.addHook('onClose', async () => rmSync(temporary, { recursive: true, force: true }));
    dataDir = temporary;
  }
  await app.register(
    datasetRoutes(options.store, { dataDir, uploadLimit: options.uploadLimit ?? DEFAULT_UPLOAD_LIMIT }),
  );
  await app.register(customerRoutes(options.store));
  const jobs = new RunJobs({
    store: options.store,
    dataDir,
    pollMs: options.runs?.pollMs,
    analyze: options.runs?.analyze,
  });
  runJobsOf.set(app, jobs);
  if (options.runs?.start !== false) app.addHook('onReady', async () => jobs.start());
  app.addHook('onClose', async () => jobs.stop());
  await app.register(runRoutes(options.store, jobs, dataDir));
  await app.register(askRoutes(options.store, dataDir, options.ask));
  await app.register(planRoutes(options.store, dataDir));
  await app.register(runCompareRoutes(options.store));
  await app.register(churnByPlaceRoutes(options.store, dataDir));
  await app.register(segmentRoutes(options.store));
  await app.register(segmentationRoutes(options.store));
  await app.register(chartRoutes(options.store));
  await app.register(auditRoutes(options.store));
  const { start: startSending, ...sendOptions } = options.campaigns ?? {};
  const sender = new SendJobs({ store: options.store, filesDir: dataDir, ...sendOptions });
  sendJobsOf.set(app, sender);
  if (startSending !== false) app.addHook('onReady', async () => sender.start());
  app.addHook('onClose', async () => sender.stop());
  const campaignOptions = options.campaigns?.publicUrl ? { publicUrl: options.campaigns.publicUrl } : {};
  await app.register(campaignRoutes(options.store, sender, campaignOptions));
  await app.register(campaignAttachmentRoutes(options.store, { dataDir }));
  await app.register(channelSettingsRoutes(options.store));
  await app.register(outboxRoutes(options.store));
  await app.register(campaignWebhookRoutes(options.store, sender, campaignOptions));
  app.get('/api/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, async () =>
    app.swagger(),
  );
  await app.register(webApp());
  return app;
}
