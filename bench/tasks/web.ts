import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH } from '../../packages/web/test/browser.ts';
import { apiSession, PASSWORD, serveDemo, waitForDemoRuns } from '../../packages/web/test/serveDemo.ts';
import { REPO_DIR, type RunContext } from '../lib/contestants.ts';
import { textTable } from '../lib/table.ts';
import type { SectionResult, Task } from '../lib/task.ts';

const DIST = join(REPO_DIR, 'packages', 'web', 'dist');
/** ECharts whole, as a page that imports `echarts` rather than `echarts/core` by part would carry it. */
const ECHARTS_WHOLE = join(REPO_DIR, 'node_modules', 'echarts', 'dist', 'echarts.min.js');
const RENDERS = 5;

interface Asset {
  file: string;
  bytes: number;
  gzip: number;
  /** Loaded by index.html (the first screen) rather than on demand (a lazy page). */
  initial: boolean;
}

function assets(): Asset[] {
  const index = readFileSync(join(DIST, 'index.html'), 'utf8');
  const dir = join(DIST, 'assets');
  return readdirSync(dir)
    .filter((f) => /\.(js|css)$/.test(f))
    .map((file) => {
      const body = readFileSync(join(dir, file));
      return {
        file,
        bytes: statSync(join(dir, file)).size,
        gzip: gzipSync(body).length,
        initial: index.includes(file),
      };
    })
    .sort((a, b) => b.bytes - a.bytes);
}

/**
 * Milliseconds from navigation start to the Segments table's first row in the page, signed in as
 * the demo's marketing user: the first load (empty cache) and `RENDERS` loads after it.
 */
async function segmentsFirstRender(url: string): Promise<{ cold: number; warm: number[] }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const signIn = await context.request.post(`${url}/api/auth/sign-in`, {
      data: { email: 'marketing@demo.clientele', password: PASSWORD },
    });
    if (!signIn.ok()) throw new Error(`web: sign-in answered ${signIn.status()}`);
    const page = await context.newPage();
    const once = async (): Promise<number> => {
      await page.goto(`${url}/segments`, { waitUntil: 'commit' });
      await page.waitForFunction(
        () => document.querySelector('[data-testid="segment-table"] tbody tr') !== null,
        null,
        {
          polling: 'raf',
          timeout: 60_000,
        },
      );
      return page.evaluate(() => performance.now());
    };
    const cold = await once();
    const warm: number[] = [];
    for (let i = 0; i < RENDERS; i++) warm.push(await once());
    return { cold, warm };
  } finally {
    await browser.close();
  }
}

const kb = (b: number): string => (b / 1024).toFixed(1);
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

/**
 * The web app: its bundle (each file, raw and gzip; what the first screen loads) beside ECharts
 * whole, and the time to the Segments page's first rendered row against `clientele serve --demo`.
 */
export const webTask: Task = {
  name: 'web',
  async run(ctx: RunContext): Promise<SectionResult> {
    const files = assets();
    if (files.length === 0)
      throw new Error('web: packages/web/dist has no assets: run `npm run build:web` first');
    const echarts = readFileSync(ECHARTS_WHOLE);
    const initial = files.filter((f) => f.initial);
    const sum = (list: Asset[], k: 'bytes' | 'gzip') => list.reduce((a, f) => a + f[k], 0);
    ctx.log('[web] starting clientele serve --demo');
    const server = await serveDemo();
    let render: { cold: number; warm: number[] };
    try {
      await waitForDemoRuns(await apiSession(server.url, 'manager@demo.clientele'));
      render = await segmentsFirstRender(server.url);
    } finally {
      await server.stop();
    }
    ctx.log(
      `  Segments first row: cold ${render.cold.toFixed(0)} ms, warm ${render.warm.map((v) => v.toFixed(0)).join(', ')} ms`,
    );
    const rows = [
      ...files.map((f) => [f.file, f.initial ? 'first screen' : 'on demand', kb(f.bytes), kb(f.gzip)]),
      ['total, first screen', '', kb(sum(initial, 'bytes')), kb(sum(initial, 'gzip'))],
      ['total', '', kb(sum(files, 'bytes')), kb(sum(files, 'gzip'))],
      ['echarts.min.js whole (reference)', 'not shipped', kb(echarts.length), kb(gzipSync(echarts).length)],
    ];
    const table = [
      ...textTable(['file', 'loaded', 'KiB', 'gzip KiB'], rows),
      '',
      `Segments page, navigation start to the table's first row (headless Chromium, demo server, ${RENDERS} loads after the first):`,
      `  first load ${render.cold.toFixed(0)} ms; then median ${median(render.warm).toFixed(0)} ms (${render.warm.map((v) => v.toFixed(0)).join(', ')})`,
    ].join('\n');
    return {
      task: 'web',
      section: true,
      heading: "the web app: bundle size (echarts imported by part) and the Segments page's first render",
      table,
      files: [],
      report: {
        title: 'web: bundle and Segments first render',
        assets: files,
        echartsWhole: { bytes: echarts.length, gzip: gzipSync(echarts).length },
        segmentsFirstRowMs: render,
      },
    };
  },
};
