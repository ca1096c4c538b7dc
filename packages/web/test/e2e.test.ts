/**
 * The web app end to end: `clientele serve --demo` as a child process serving the built app
 * (npm run build:web), driven in headless Chromium. Screenshots of every page go to a temporary
 * folder (kept when CLIENTELE_SCREENSHOTS names one).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { isPng, type WatchedPage, watchedPage } from './browser.ts';
import { demoBrowser } from './demoBrowser.ts';
import { apiSession, PASSWORD, waitForDemoRuns } from './serveDemo.ts';

describe('the web app in a browser, against clientele serve --demo', () => {
  const pages: WatchedPage[] = [];

  const demo = demoBrowser();

  async function open(): Promise<WatchedPage> {
    const watched = await watchedPage(demo.browser, demo.url);
    pages.push(watched);
    await watched.page.goto(demo.url);
    return watched;
  }

  async function signIn(page: Page, email: string) {
    await page.locator('input[name=email]').fill(email);
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').waitFor();
  }

  async function shot(page: Page, name: string) {
    const file = join(demo.shots, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    expect(isPng(readFileSync(file)), name).toBe(true);
  }

  // Exact: "Data" is also part of "Ask the data".
  const nav = (page: Page, name: string) =>
    page.getByRole('navigation').getByRole('link', { name, exact: true }).click();

  it('signs in, shows every page, renames a segment, looks a customer up, refuses support the Manager page, speaks Spanish', async () => {
    // The demo runs must be published before the pages have results to show.
    const session = await apiSession(demo.url, 'data@demo.clientele');
    await waitForDemoRuns(session);
    const get = session.get;
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
    // The campaign pages: history and outbox for everyone, a new campaign for those who may send.
    await page.getByRole('navigation').getByRole('link', { name: 'History' }).waitFor();
    await expect(
      page.getByRole('navigation').getByRole('link', { name: 'New campaign' }).count(),
    ).resolves.toBe(0);
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
