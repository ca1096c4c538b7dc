/**
 * The web app end to end: `clientele serve --demo` as a child process serving the built app
 * (npm run build:web), driven in headless Chromium. Screenshots of every page go to a temporary
 * folder (kept when CLIENTELE_SCREENSHOTS names one).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPng, launchChromium, type WatchedPage, watchedPage } from './browser.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const bin = join(root, 'packages', 'cli', 'bin', 'clientele.js');
const dist = join(import.meta.dirname, '..', 'dist', 'index.html');
const PASSWORD = 'clientele-demo';

function serve(dataDir: string, cwd: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [bin, 'serve', '--port', '0', '--data-dir', dataDir, '--demo', '--demo-telco-rows', '3000'],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve --demo did not start; stderr:\n${err}`)), 120_000);
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const url = /http:\/\/[\d.]+:\d+/.exec(out)?.[0];
      if (url && out.includes('support@demo.clientele')) {
        clearTimeout(timer);
        resolve({ child, url });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}); stderr:\n${err}`));
    });
  });
}

async function apiSession(url: string, email: string) {
  const res = await fetch(`${url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('clientele_session='))!
    .split(';')[0]!;
  return async <T>(path: string): Promise<T> => {
    const r = await fetch(`${url}${path}`, { headers: { cookie } });
    expect(r.status, path).toBe(200);
    return (await r.json()) as T;
  };
}

describe('the web app in a browser, against clientele serve --demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clientele-web-e2e-'));
  const shots = process.env['CLIENTELE_SCREENSHOTS'] ?? join(dir, 'screenshots');
  mkdirSync(shots, { recursive: true });
  let child: ChildProcess | undefined;
  let browser: Browser | undefined;
  let url = '';
  const pages: WatchedPage[] = [];

  beforeAll(async () => {
    if (!existsSync(dist)) throw new Error('packages/web/dist is missing: run `npm run build:web` first');
    // CLIENTELE_E2E_URL: use a demo server already running (while developing the app).
    const running = process.env['CLIENTELE_E2E_URL'];
    if (running) url = running;
    else {
      const server = await serve(join(dir, 'data'), dir);
      child = server.child;
      url = server.url;
    }
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((res) => child!.once('exit', res));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child!.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(): Promise<WatchedPage> {
    const watched = await watchedPage(browser!, url);
    pages.push(watched);
    await watched.page.goto(url);
    return watched;
  }

  async function signIn(page: Page, email: string) {
    await page.locator('input[name=email]').fill(email);
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').waitFor();
  }

  async function shot(page: Page, name: string) {
    const file = join(shots, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    expect(isPng(readFileSync(file)), name).toBe(true);
  }

  const nav = (page: Page, name: string) => page.getByRole('navigation').getByRole('link', { name }).click();

  it('signs in, shows every page, renames a segment, looks a customer up, refuses support the Manager page, speaks Spanish', async () => {
    // The demo runs must be published before the pages have results to show.
    const get = await apiSession(url, 'data@demo.clientele');
    for (let i = 0; ; i++) {
      const { runs } = await get<{ runs: { status: string }[] }>('/api/runs');
      if (runs.length === 2 && runs.every((r) => r.status === 'succeeded')) break;
      if (i > 1200) throw new Error(`the demo runs did not finish: ${JSON.stringify(runs)}`);
      await new Promise((res) => setTimeout(res, 250));
    }
    const { datasets } = await get<{ datasets: { id: string; name: string }[] }>('/api/datasets');
    const telco = datasets.find((d) => d.name.startsWith('Telco'))!;
    let customerId = '';
    for (const q of '123456789') {
      const { customers } = await get<{ customers: { customerId: string; datasetId: string }[] }>(
        `/api/customers?q=${q}&limit=50`,
      );
      const hit = customers.find((c) => c.datasetId === telco.id);
      if (hit) {
        customerId = hit.customerId;
        break;
      }
    }
    expect(customerId).not.toBe('');
    const view = await get<{ analysis: { segment: { id: number }; churn: { tier: string } } }>(
      `/api/customers/${customerId}`,
    );
    const segmentId = view.analysis.segment.id;

    // Sign in through the form.
    const data = await open();
    const page = data.page;
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await shot(page, 'sign-in');
    await signIn(page, 'data@demo.clientele');
    await page.getByRole('heading', { name: /Welcome/ }).waitFor();
    await expect(page.getByTestId('nav-campaigns').getAttribute('data-disabled')).resolves.toBe('true');
    await shot(page, 'home');

    await nav(page, 'Data');
    await page.getByTestId('dataset-table').waitFor();
    await page.getByTestId('run-table').getByText('Succeeded').first().waitFor();
    await shot(page, 'data');
    await page.getByTestId('dataset-table').getByRole('button', { name: 'Profile' }).last().click();
    await page.getByTestId('dataset-profile').getByText('Warnings').waitFor();
    await shot(page, 'data-profile');
    await page.keyboard.press('Escape');
    await page.getByTestId('dataset-profile').waitFor({ state: 'detached' });

    await nav(page, 'Charts');
    await page.getByRole('heading', { name: 'Charts' }).waitFor();
    await page.getByRole('heading', { name: 'Model selection' }).waitFor();
    await page.getByRole('heading', { name: 'Distributions' }).waitFor();
    await page.getByTestId('chart').first().locator('svg').waitFor();
    expect(await page.getByTestId('chart').count()).toBeGreaterThanOrEqual(2);
    await shot(page, 'charts');

    await nav(page, 'Insiders');
    await page.getByRole('heading', { name: 'Insiders' }).waitFor();
    await page.getByText('Who is an Insider').waitFor();
    await page.getByText('Expected revenue by month').waitFor();
    const firstInsider = (await page
      .getByTestId('insider-table')
      .locator('tbody tr a')
      .first()
      .textContent())!;
    await page.getByTestId('insider-search').fill(firstInsider);
    await expect(page.getByTestId('insider-table').locator('tbody tr').count()).resolves.toBe(1);
    await shot(page, 'insiders');

    // Segments of the telco: rename the looked-up customer's segment.
    await nav(page, 'Segments');
    await page.getByTestId('segment-table').waitFor();
    await page.getByTestId('dataset-picker').click();
    await page.getByRole('option', { name: telco.name }).click();
    const row = page.locator(`tr[data-segment-id="${segmentId}"]`);
    await page.getByRole('columnheader', { name: 'Critical' }).waitFor();
    await shot(page, 'segments');
    await row.getByRole('button', { name: 'Rename' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('E2E roaming fans');
    await dialog.getByLabel('Description').fill('Named in the browser test');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect(row.getByTestId('segment-name').textContent()).resolves.toBe('E2E roaming fans');
    // Its report: the team's name, what sets it apart, the feature statistics.
    await row.getByTestId('segment-name').click();
    const report = page.getByTestId('segment-report');
    await report.getByText('What sets it apart').waitFor();
    await report.getByRole('columnheader', { name: 'Median' }).waitFor();
    await shot(page, 'segment-report');
    await page.keyboard.press('Escape');
    await report.waitFor({ state: 'detached' });

    // Charts of the telco (the dataset picked on Segments is kept): churn histogram, risk by segment named by the team.
    await nav(page, 'Charts');
    await page.getByRole('heading', { name: 'Churn probability, by risk tier' }).waitFor();
    await page.getByRole('heading', { name: 'Churn risk by segment' }).waitFor();
    await page.getByText('E2E roaming fans').first().waitFor();
    await shot(page, 'charts-telco');

    // Lookout: type the id, pick the suggestion, see the card with the new segment name.
    await nav(page, 'Lookout');
    await page.getByRole('heading', { name: 'Lookout' }).waitFor();
    await page.getByRole('combobox', { name: 'Customer id, name or e-mail' }).fill(customerId.slice(0, 6));
    await page
      .getByRole('option', { name: new RegExp(customerId) })
      .first()
      .click();
    await page.getByTestId('customer-card').waitFor();
    await expect(page.getByTestId('customer-segment').textContent()).resolves.toBe('E2E roaming fans');
    await page.getByText(customerId).first().waitFor();
    await page.getByText('Recommendation').waitFor();
    expect(await page.getByTestId('customer-reasons').locator('li').count()).toBeGreaterThan(0);
    await shot(page, 'lookout');

    // A data scientist is not a manager: the Manager page says so.
    await nav(page, 'Manager');
    await page.getByTestId('not-allowed').waitFor();

    // Spanish, remembered across a reload.
    await page.getByTestId('language-switcher').getByText('ES').click();
    await page.getByRole('navigation').getByRole('link', { name: 'Segmentos' }).waitFor();
    await page.reload();
    await page.getByRole('navigation').getByRole('link', { name: 'Inicio' }).waitFor();
    await nav(page, 'Segmentos');
    await page.getByRole('columnheader', { name: 'Crítico' }).waitFor();
    await shot(page, 'segments-es');
    await page.getByRole('button', { name: 'Cerrar sesión' }).click();
    await page.getByRole('button', { name: 'Iniciar sesión' }).waitFor();

    // A manager sees the members and invites someone.
    const invited = `invited.${Date.now()}@demo.clientele`;
    const manager = await open();
    await signIn(manager.page, 'manager@demo.clientele');
    await nav(manager.page, 'Manager');
    await manager.page.getByTestId('member-table').getByText('support@demo.clientele').waitFor();
    await manager.page.getByRole('textbox', { name: 'E-mail' }).fill(invited);
    await manager.page.getByRole('button', { name: 'Invite' }).click();
    await manager.page.getByTestId('invitation-created').waitFor();
    await shot(manager.page, 'manager');
    const link = (await manager.page.getByTestId('invitation-created').locator('pre').textContent())!.trim();
    expect(link).toMatch(/\/invitation\?token=/);

    // The invitee follows the link, creates an account and is signed in.
    const invitee = await open();
    await invitee.page.goto(link);
    await invitee.page.getByRole('heading', { name: 'Accept an invitation' }).waitFor();
    await invitee.page.getByRole('textbox', { name: 'E-mail' }).fill(invited);
    await invitee.page.getByRole('textbox', { name: 'Your name' }).fill('Invited Person');
    await invitee.page.locator('input[type=password]').fill('a-long-password-1');
    await shot(invitee.page, 'invitation');
    await invitee.page.getByRole('button', { name: 'Create my account' }).click();
    await invitee.page.getByTestId('signed-in-as').getByText('Invited Person').waitFor();

    // Support: the Manager page is refused; renaming is not offered.
    const support = await open();
    await signIn(support.page, 'support@demo.clientele');
    await nav(support.page, 'Manager');
    await support.page.getByTestId('not-allowed').waitFor();
    await shot(support.page, 'manager-support');
    await nav(support.page, 'Segments');
    await support.page.getByTestId('segment-table').waitFor();
    await expect(support.page.getByRole('button', { name: 'Rename' }).first().isDisabled()).resolves.toBe(
      true,
    );

    for (const w of pages) expect(w.problems).toEqual([]);
    // The only failed answers: "who am I" before signing in, and the refused member list.
    const failures = new Set(pages.flatMap((w) => w.failures));
    expect([...failures].sort()).toEqual(['401 GET /api/me', '403 GET /api/members']);
  }, 400_000);
});
