import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { notFoundHandler } from './errors.ts';

/** Where `npm run build:web` puts the web app (packages/web/dist). */
export const WEB_DIST = resolve(import.meta.dirname, '..', '..', '..', 'web', 'dist');

/**
 * The built web app at `/`: its files as they are (hashed assets cached for a year), and
 * index.html for every other GET outside /api so the app's own routes (/segments, /lookout?id=)
 * load on a reload or a shared link. A GET under /api with no route still answers the API's
 * 404 body. Nothing is registered when the folder has no index.html (the web app not built).
 */
export function webApp(options: { root?: string } = {}): FastifyPluginAsync {
  const root = options.root ?? WEB_DIST;
  return async (app) => {
    if (!existsSync(join(root, 'index.html'))) return;
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      cacheControl: false,
      setHeaders: (reply, path) => {
        const hashed = path.startsWith(join(root, 'assets'));
        reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    app.get('/*', { schema: { hide: true } }, (request, reply) => {
      const path = request.url.split('?')[0]!;
      if (path === '/api' || path.startsWith('/api/') || path.startsWith('/assets/')) {
        notFoundHandler(request, reply);
        return reply;
      }
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    });
  };
}
