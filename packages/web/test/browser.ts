/**
 * Headless Chromium for the web app's end-to-end test: Debian's /usr/bin/chromium driven by
 * playwright-core (never `playwright install`), as packages/analytics/test/browser.ts does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. The browser tests do not skip: install it with ` +
        '"apt-get update && apt-get install -y chromium" (.ci/run does this on CI), or set CHROMIUM_PATH.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors (other than the browser's own line for an HTTP error status) and page errors. */
  problems: string[];
  /** Every answer with status >= 400: "401 GET /api/me". */
  failures: string[];
}

/** A page in a fresh context (own cookies and storage) that records problems and HTTP failures. */
export async function watchedPage(browser: Browser, base: string): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  const page = await context.newPage();
  const problems: string[] = [];
  const failures: string[] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // Chromium logs every 4xx/5xx answer as "Failed to load resource"; those are checked in `failures`.
    if (/^Failed to load resource: the server responded with a status of \d+/.test(m.text())) return;
    problems.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400)
      failures.push(`${r.status()} ${r.request().method()} ${r.url().replace(base, '').split('?')[0]}`);
  });
  return { context, page, problems, failures };
}

/** Whether the bytes start with the PNG signature. */
export function isPng(bytes: Buffer): boolean {
  return bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
}

/** A watched page signed in through the app's sign-in form. */
export async function signedInPage(
  browser: Browser,
  base: string,
  email: string,
  password: string,
): Promise<WatchedPage> {
  const watched = await watchedPage(browser, base);
  const { page } = watched;
  await page.goto(base);
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signed-in-as').waitFor();
  return watched;
}

/** Saves a full-page screenshot as `<dir>/<name>.png`; false when what was written is not a PNG. */
export async function savedScreenshot(page: Page, dir: string, name: string): Promise<boolean> {
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return isPng(readFileSync(file));
}

/** A link of the app's navigation, by its exact name ("Data" is also part of "Ask the data"). */
export const navLink = (page: Page, name: string) =>
  page.getByRole('navigation').getByRole('link', { name, exact: true });
