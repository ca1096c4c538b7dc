import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './browser.ts';
import { type DemoServer, serveDemo } from './serveDemo.ts';

/** What a browser test file works against: the demo server, Chromium, and where screenshots go. */
export interface DemoBrowser {
  readonly server: DemoServer;
  readonly browser: Browser;
  /** The server's address. */
  readonly url: string;
  /** CLIENTELE_SCREENSHOTS, else a folder in the server's temporary folder. */
  readonly shots: string;
}

/**
 * Called at the top of a browser test file's `describe`: starts `clientele serve --demo`
 * (serveDemo.ts) and Chromium before its tests and stops both after them. The returned object
 * reads them inside the tests (reading it before they started is an error saying so).
 */
export function demoBrowser(options: { telcoRows?: number } = {}): DemoBrowser {
  let started: { server: DemoServer; browser: Browser; shots: string } | undefined;
  let server: DemoServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await serveDemo(options);
    const shots = process.env['CLIENTELE_SCREENSHOTS'] ?? join(server.dir, 'screenshots');
    mkdirSync(shots, { recursive: true });
    browser = await launchChromium();
    started = { server, browser, shots };
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  const get = () => {
    if (!started) throw new Error('the demo server and browser start in beforeAll: read them inside a test');
    return started;
  };
  return {
    get server() {
      return get().server;
    },
    get browser() {
      return get().browser;
    },
    get url() {
      return get().server.url;
    },
    get shots() {
      return get().shots;
    },
  };
}
