import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { notFoundHandler } from '../src/http/errors.ts';
import { webApp } from '../src/http/webApp.ts';

const dir = mkdtempSync(join(tmpdir(), 'clientele-webapp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function appFor(root: string) {
  const app = Fastify();
  app.setNotFoundHandler(notFoundHandler);
  app.get('/api/health', async () => ({ ok: true }));
  await app.register(webApp({ root }));
  return app;
}

describe('webApp: the built web app at /', () => {
  it('serves its files, index.html for the app routes, and the API 404 for unknown /api and /assets paths', async () => {
    const root = join(dir, 'dist');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
    const app = await appFor(root);
    for (const url of ['/', '/segments', '/lookout?id=42', '/invitation?token=x']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<title>app</title>');
    }
    const asset = await app.inject({ url: '/assets/index-abc.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const url of ['/api/nope', '/api', '/assets/missing.js']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
    expect((await app.inject({ url: '/api/health' })).json()).toEqual({ ok: true });
    expect((await app.inject({ method: 'POST', url: '/segments' })).statusCode).toBe(404);
    await app.close();
  });

  it('registers nothing when the app is not built', async () => {
    const app = await appFor(join(dir, 'not-built'));
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
    await app.close();
  });
});
