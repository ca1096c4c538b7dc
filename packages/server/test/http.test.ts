import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type App, buildApp, HttpError, SERVER_VERSION } from '../src/http/index.ts';
import { createOrganisation, getOrganisation, MIGRATIONS, type Store } from '../src/store/index.ts';
import { STORE_KINDS, type StoreTarget, storeTarget } from './stores.ts';

/** A route the skeleton itself lacks: a strict body that writes to the store and reads it back. */
function addProbeRoutes(app: App, store: Store): void {
  app.post(
    '/api/probe',
    {
      config: { access: 'public' },
      schema: {
        body: z.strictObject({
          name: z.string().min(1).max(50),
          tags: z.array(z.string().max(20)).max(5).optional(),
          nested: z.strictObject({ level: z.number().int() }).optional(),
        }),
        response: { 200: z.object({ id: z.string(), name: z.string() }) },
      },
    },
    async (request) => {
      const org = await createOrganisation(store.db, { name: request.body.name });
      const back = await getOrganisation(store.db, org.id);
      return { id: org.id, name: back!.name };
    },
  );
  app.get('/api/probe/fail', { config: { access: 'public' } }, async () => {
    throw new Error('secret internals');
  });
  app.get('/api/probe/conflict', { config: { access: 'public' } }, async () => {
    throw new HttpError('CONFLICT', 'already there', 'body.name');
  });
}

for (const kind of STORE_KINDS) {
  describe(`HTTP skeleton on ${kind}`, () => {
    let target: StoreTarget;
    let store: Store;
    let app: App;

    beforeAll(async () => {
      target = storeTarget(kind);
      store = await target.open();
      app = await buildApp({ store });
      addProbeRoutes(app, store);
      await app.ready();
    });
    afterAll(async () => {
      await app?.close();
      await target?.dispose();
    });

    const post = (payload: string, contentType = 'application/json') =>
      app.inject({ method: 'POST', url: '/api/probe', payload, headers: { 'content-type': contentType } });

    /** After every bad request the server still answers. */
    async function expectStillServing(): Promise<void> {
      const res = await app.inject({ method: 'GET', url: '/api/health' });
      expect(res.statusCode).toBe(200);
    }

    it('GET /api/health: ok, version, store kind, applied migrations', async () => {
      const res = await app.inject({ method: 'GET', url: '/api/health' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toEqual({
        ok: true,
        version: SERVER_VERSION,
        store: kind,
        migrations: Object.keys(MIGRATIONS),
      });
    });

    it('GET /api/openapi.json: generated from the route schemas', async () => {
      const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
      expect(res.statusCode).toBe(200);
      const doc = res.json();
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.info.version).toBe(SERVER_VERSION);
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/probe']));
      expect(doc.paths['/api/openapi.json']).toBeUndefined();
      expect(doc.paths['/api/health'].get.responses['200'].content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/Health',
      });
      expect(doc.components.schemas.Health.properties.store.enum).toEqual(['pglite', 'postgres']);
      expect(doc.components.schemas.Error.properties.error.properties).toHaveProperty('field');
      const body = doc.paths['/api/probe'].post.requestBody.content['application/json'].schema;
      expect(body.additionalProperties).toBe(false);
      expect(body.properties.name.maxLength).toBe(50);
    });

    it('answers a valid body, storing SQL-looking text verbatim', async () => {
      const name = "x'); DROP TABLE organisations; --";
      const res = await post(JSON.stringify({ name, tags: ['a'], nested: { level: 2 } }));
      expect(res.statusCode).toBe(200);
      expect(res.json().name).toBe(name);
      await expectStillServing();
    });

    it('malformed JSON -> 400 INVALID_JSON', async () => {
      for (const payload of ['{"name": "a",', '{name: a}', 'nul']) {
        const res = await post(payload);
        expect(res.statusCode).toBe(400);
        expect(res.json().error.code).toBe('INVALID_JSON');
        expect(res.json().error.message).toMatch(/not valid JSON/);
      }
      const empty = await post('');
      expect(empty.statusCode).toBe(400);
      expect(empty.json().error.code).toBe('INVALID_JSON');
      await expectStillServing();
    });

    it('unknown fields -> 400 UNKNOWN_FIELD naming the field, at any depth', async () => {
      const top = await post(JSON.stringify({ name: 'a', admin: true }));
      expect(top.statusCode).toBe(400);
      expect(top.json()).toEqual({
        error: { code: 'UNKNOWN_FIELD', message: 'unknown field "admin" in the body', field: 'body.admin' },
      });
      const deep = await post(JSON.stringify({ name: 'a', nested: { level: 1, sneaky: 2 } }));
      expect(deep.statusCode).toBe(400);
      expect(deep.json().error).toMatchObject({ code: 'UNKNOWN_FIELD', field: 'body.nested.sneaky' });
      await expectStillServing();
    });

    it('over-long strings -> 400 TOO_LONG naming the field', async () => {
      const res = await post(JSON.stringify({ name: 'n'.repeat(51) }));
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        error: { code: 'TOO_LONG', message: 'body.name is longer than 50 characters', field: 'body.name' },
      });
      const inArray = await post(JSON.stringify({ name: 'a', tags: ['ok', 't'.repeat(21)] }));
      expect(inArray.json().error).toMatchObject({ code: 'TOO_LONG', field: 'body.tags.1' });
      await expectStillServing();
    });

    it('wrong types and missing fields -> 400 INVALID_INPUT naming the field', async () => {
      const wrong = await post(JSON.stringify({ name: 42 }));
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().error).toMatchObject({ code: 'INVALID_INPUT', field: 'body.name' });
      const missing = await post(JSON.stringify({}));
      expect(missing.json().error).toMatchObject({ code: 'INVALID_INPUT', field: 'body.name' });
      const notObject = await post(JSON.stringify([1, 2]));
      expect(notObject.json().error).toMatchObject({ code: 'INVALID_INPUT', field: 'body' });
      await expectStillServing();
    });

    it('a body over the size limit -> 413 PAYLOAD_TOO_LARGE', async () => {
      const res = await post(JSON.stringify({ name: 'a', pad: 'p'.repeat(1024 * 1024 + 10) }));
      expect(res.statusCode).toBe(413);
      expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
      await expectStillServing();
    });

    it('a body of another media type -> 415', async () => {
      const res = await post('name=a', 'text/plain');
      expect(res.statusCode).toBe(415);
      expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      await expectStillServing();
    });

    it('unknown route -> 404 JSON', async () => {
      for (const [method, url] of [
        ['GET', '/api/nope?x=1'],
        ['DELETE', '/api/health'],
        ['GET', '/api'],
      ] as const) {
        const res = await app.inject({ method, url });
        expect(res.statusCode).toBe(404);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.json()).toEqual({
          error: { code: 'NOT_FOUND', message: `no route ${method} ${url.split('?')[0]}` },
        });
      }
      const withBadBody = await app.inject({
        method: 'POST',
        url: '/api/nope',
        payload: '{bad',
        headers: { 'content-type': 'application/json' },
      });
      expect(withBadBody.statusCode).toBe(404);
      expect(withBadBody.json().error.code).toBe('NOT_FOUND');
      await expectStillServing();
    });

    it('a coded error keeps its code; an unexpected one is a 500 that tells nothing of its insides', async () => {
      const conflict = await app.inject({ method: 'GET', url: '/api/probe/conflict' });
      expect(conflict.statusCode).toBe(409);
      expect(conflict.json()).toEqual({
        error: { code: 'CONFLICT', message: 'already there', field: 'body.name' },
      });
      const fail = await app.inject({ method: 'GET', url: '/api/probe/fail' });
      expect(fail.statusCode).toBe(500);
      expect(fail.json().error.code).toBe('INTERNAL');
      expect(fail.body).not.toMatch(/secret/);
      await expectStillServing();
    });
  });
}

describe('GET /api/health when the store is gone', () => {
  it('answers 503 STORE_UNAVAILABLE', async () => {
    const target = storeTarget('postgres');
    const store = await target.open();
    const app = await buildApp({ store });
    await target.dispose(); // drops the schema and closes the pool
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('STORE_UNAVAILABLE');
    await app.close();
  });
});
