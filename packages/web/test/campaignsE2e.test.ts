/**
 * The campaign screens end to end, in headless Chromium against `clientele serve --demo` (see
 * serveDemo.ts): a customer file with e-mail addresses is uploaded and analysed through the API
 * (the demo's own files carry no contact details), then someone in marketing builds an audience,
 * has the offline writer draft the copy, creates and sends the campaign (no SMTP configured: the
 * outbox), imports outcomes and sees the results, the history, the outbox and Home's
 * contributions. Screenshots of each page go to CLIENTELE_SCREENSHOTS or a temporary folder.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { navLink, savedScreenshot, signedInPage, type WatchedPage } from './browser.ts';
import { demoBrowser } from './demoBrowser.ts';
import { type ApiSession, apiSession, PASSWORD, waitForDemoRuns } from './serveDemo.ts';

const STORES = ['Centro', 'Norte', 'Sur'] as const;
const CUSTOMERS = 600;

interface PlantedCustomer {
  id: string;
  store: string;
  email: string | null;
}

/**
 * A customer file: ids, names, e-mail (every seventh customer has none), phone, store, city, four
 * behaviour columns and a churn label that depends on support calls and tenure. Seeded, so the
 * same file every run.
 */
function customerFile(): { csv: string; customers: PlantedCustomer[] } {
  let state = 20_261_127;
  const next = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
  const cities = ['Lima', 'Cusco', 'Arequipa', 'Trujillo'];
  const lines = [
    'customer_id,name,email,phone,store,city,tenure_months,monthly_spend,support_calls,data_gb,churn',
  ];
  const customers: PlantedCustomer[] = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const id = `C${String(i + 1).padStart(4, '0')}`;
    const store = STORES[i % STORES.length]!;
    const email = i % 7 === 3 ? null : `customer${i + 1}@example.test`;
    const tenure = Math.round(1 + next() * 70);
    const calls = Math.floor(next() * next() * 12);
    const spend = (15 + next() * 60 + (i % 4) * 10).toFixed(2);
    const data = (next() * 30).toFixed(1);
    const p = 1 / (1 + Math.exp(-(-1.2 + 0.45 * calls - 0.04 * tenure)));
    const churn = next() < p ? 1 : 0;
    lines.push(
      [
        id,
        `Person ${i + 1}`,
        email ?? '',
        `+5198${String(1_000_000 + i)}`,
        store,
        cities[i % cities.length],
        tenure,
        spend,
        calls,
        data,
        churn,
      ].join(','),
    );
    customers.push({ id, store, email });
  }
  return { csv: `${lines.join('\n')}\n`, customers };
}

async function analysedDataset(data: ApiSession, name: string, csv: string): Promise<string> {
  const dataset = await data.upload<{ id: string }>(`/api/datasets?name=${encodeURIComponent(name)}`, csv);
  const run = await data.send<{ id: string }>('POST', `/api/datasets/${dataset.id}/runs`, {});
  for (let i = 0; ; i++) {
    const { runs } = await data.get<{ runs: { id: string; status: string; error: string | null }[] }>(
      '/api/runs',
    );
    const mine = runs.find((r) => r.id === run.id);
    if (mine?.status === 'succeeded') return dataset.id;
    if (mine && (mine.status === 'failed' || mine.status === 'cancelled'))
      throw new Error(`the analysis of the campaign test file ${mine.status}: ${mine.error}`);
    if (i > 1200)
      throw new Error(`the analysis of the campaign test file did not finish: ${JSON.stringify(mine)}`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

describe('campaigns in a browser, against clientele serve --demo', () => {
  const pages: WatchedPage[] = [];

  const demo = demoBrowser();

  async function open(email: string): Promise<Page> {
    const watched = await signedInPage(demo.browser, demo.url, email, PASSWORD);
    pages.push(watched);
    return watched.page;
  }

  const shot = async (page: Page, name: string) =>
    expect(await savedScreenshot(page, demo.shots, `campaigns-${name}`), name).toBe(true);
  const nav = (page: Page, name: string) => navLink(page, name).click();
  const textOf = async (page: Page, testId: string) =>
    ((await page.getByTestId(testId).textContent()) ?? '').trim();

  it('builds an audience, drafts the copy offline, creates and sends to the outbox, imports outcomes, shows history, outbox and contributions', async () => {
    const data = await apiSession(demo.url, 'data@demo.clientele');
    await waitForDemoRuns(data);
    const file = customerFile();
    const datasetName = 'Campaign test customers';
    await analysedDataset(data, datasetName, file.csv);
    const centro = file.customers.filter((c) => c.store === 'Centro');
    const reachable = centro.filter((c) => c.email !== null).length;
    const heldOut = Math.round(reachable * 0.1);

    // Home before any campaign: the contributions are empty.
    const page = await open('marketing@demo.clientele');
    await page.getByRole('heading', { name: /Welcome/ }).waitFor();
    await page.getByText('No contributions yet').waitFor();

    // The distribution screen: the dataset, e-mail, then the audience narrowed to one store.
    await nav(page, 'New campaign');
    await page.getByRole('heading', { name: 'New campaign' }).waitFor();
    await page.getByTestId('dataset-picker').click();
    await page.getByRole('option', { name: datasetName }).click();
    await page.getByTestId('audience-builder').waitFor();
    await page.getByText('Where no E-mail provider is configured').waitFor();
    const everyone = file.customers.filter((c) => c.email !== null).length;
    await expect
      .poll(() => textOf(page, 'audience-count'), { timeout: 30_000 })
      .toBe(everyone.toLocaleString('en-GB'));
    await page.getByRole('combobox', { name: 'Stores', exact: true }).fill('Centro');
    await page.getByRole('combobox', { name: 'Stores', exact: true }).press('Enter');
    await expect.poll(() => textOf(page, 'audience-count'), { timeout: 30_000 }).toBe(String(reachable));
    await expect(textOf(page, 'audience-missing-contact')).resolves.toBe(String(centro.length - reachable));
    await expect(textOf(page, 'audience-opted-out')).resolves.toBe('0');
    expect(await page.getByTestId('audience-preview').locator('tbody tr').count()).toBe(20);
    await expect(page.getByTestId('audience-preview').locator('tbody').textContent()).resolves.not.toMatch(
      /Norte|Sur/,
    );

    // The copy: an instruction, a draft from the offline templates, checked without problems.
    await page
      .getByRole('textbox', { name: 'What should the message say?' })
      .fill('Customers who call support a lot: offer a free plan review');
    await page.getByRole('button', { name: 'Write a draft' }).click();
    await page.getByTestId('copy-writer').getByText('offline templates').waitFor();
    expect(
      (await page.getByRole('textbox', { name: 'Message', exact: true }).inputValue()).length,
    ).toBeGreaterThan(40);
    expect(
      (await page.getByRole('textbox', { name: 'Subject', exact: true }).inputValue()).length,
    ).toBeGreaterThan(3);
    await page.getByTestId('copy-problems').getByText('Ready to send').waitFor();
    // A variable the server does not know is named as a problem while typing, and fixed.
    const body = await page.getByRole('textbox', { name: 'Message', exact: true }).inputValue();
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill(`${body}\n{nickname}`);
    await page
      .getByTestId('copy-problems')
      .getByText(/problem/)
      .waitFor();
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill(body);
    await page.getByTestId('copy-problems').getByText('Ready to send').waitFor();

    // Create, then send after the confirmation that gives the count.
    await page.getByRole('textbox', { name: 'Campaign name' }).fill('Plan review, Centro');
    await shot(page, 'new');
    await page.getByRole('button', { name: 'Create the campaign' }).click();
    await page.getByTestId('campaign-created').waitFor();
    await page.getByRole('button', { name: 'Send…' }).click();
    const confirm = page.getByTestId('confirm-send');
    await expect(confirm.getByTestId('confirm-count').textContent()).resolves.toBe(
      `${reachable - heldOut} customers will receive this message by E-mail.`,
    );
    await shot(page, 'confirm');
    await confirm.getByRole('button', { name: `Send to ${reachable - heldOut}` }).click();

    // The campaign page: sent through the outbox, its counts, deliveries and the empty results.
    await page.getByTestId('campaign-page').waitFor();
    await page.getByTestId('campaign-status').getByText('Sent').waitFor({ timeout: 60_000 });
    await expect(textOf(page, 'count-audience')).resolves.toBe(String(reachable));
    await expect(textOf(page, 'count-heldOut')).resolves.toBe(String(heldOut));
    await expect
      .poll(() => textOf(page, 'count-sent'), { timeout: 30_000 })
      .toBe(String(reachable - heldOut));
    await page.getByTestId('campaign-provider').getByText('the outbox').waitFor();
    await page.getByText('No outcomes yet').waitFor();
    await page.getByTestId('delivery-table').waitFor();
    await page.getByTestId('delivery-status').click();
    await page.getByRole('option', { name: 'Held out' }).click();
    await page.getByText(`${heldOut} deliveries`).waitFor();
    await shot(page, 'campaign');
    const campaignUrl = page.url();
    const campaignId = decodeURIComponent(campaignUrl.split('/campaigns/')[1]!);

    // Outcomes: the held out churn twice as often as the contacted; the results show the uplift.
    const marketing = await apiSession(demo.url, 'marketing@demo.clientele');
    const audience: { customerId: string; status: string }[] = [];
    for (let p = 1; ; p++) {
      const { deliveries, total } = await marketing.get<{
        deliveries: { customerId: string; status: string }[];
        total: number;
      }>(`/api/campaigns/${encodeURIComponent(campaignId)}/deliveries?page=${p}`);
      audience.push(...deliveries);
      if (audience.length >= total || deliveries.length === 0) break;
    }
    expect(audience).toHaveLength(reachable);
    const lines = ['customer_id,churned,revenue'];
    const seen = { control: 0, treated: 0 };
    for (const d of audience) {
      const arm = d.status === 'held_out' ? 'control' : 'treated';
      const i = seen[arm]++;
      // Two in five of the held out churn, one in five of the contacted: an uplift of about +20 points.
      const churned = arm === 'control' ? i % 5 < 2 : i % 5 === 0;
      lines.push(`${d.customerId},${churned ? 1 : 0},${churned ? 0 : 30 + (i % 7)}`);
    }
    await page.locator('input[type=file]').setInputFiles({
      name: 'outcomes.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`${lines.join('\n')}\n`),
    });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page
      .getByTestId('outcomes-received')
      .getByText(`Outcomes received for ${reachable} customers.`)
      .waitFor();
    await page.getByTestId('campaign-results').waitFor();
    const rate = (arm: 'control' | 'treated') =>
      Array.from({ length: seen[arm] }, (_, i) => (arm === 'control' ? i % 5 < 2 : i % 5 === 0)).filter(
        Boolean,
      ).length / seen[arm];
    const expected = rate('control') - rate('treated');
    expect(expected).toBeGreaterThan(0.15);
    const percent = new Intl.NumberFormat('en', {
      style: 'percent',
      maximumFractionDigits: 1,
      signDisplay: 'exceptZero',
    });
    await expect(textOf(page, 'results-uplift')).resolves.toBe(percent.format(expected));
    await page.getByTestId('results-by-tier').waitFor();
    await page.getByTestId('results-by-segment').waitFor();
    await shot(page, 'results');

    // History: the campaign with its author, team and counts.
    await nav(page, 'History');
    const row = page.getByTestId('campaign-table').locator(`tr[data-campaign-id="${campaignId}"]`);
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('Plan review, Centro');
    await expect(row.textContent()).resolves.toContain('E-mail');
    await expect(row.locator('td').nth(6).textContent()).resolves.toBe(String(reachable - heldOut));
    await expect(row.locator('td').nth(9).textContent()).resolves.toBe(String(heldOut));
    await shot(page, 'history');

    // The outbox: one message per recipient, personalised; none on SMS.
    await nav(page, 'Outbox');
    await page.getByTestId('outbox-table').waitFor();
    await page.getByText(`${reachable - heldOut} messages`).waitFor();
    await expect(page.getByTestId('outbox-table').textContent()).resolves.toMatch(
      /customer\d+@example\.test/,
    );
    await expect(page.getByTestId('outbox-table').textContent()).resolves.not.toContain('{first_name}');
    await shot(page, 'outbox');
    await page.getByTestId('outbox-channel').getByText('SMS').click();
    await page.getByText('The outbox is empty').waitFor();
    await page.getByTestId('outbox-channel').getByText('E-mail').click();
    await page.getByTestId('outbox-table').waitFor();

    // Home: the campaign is a contribution, the team's and one's own.
    await nav(page, 'Home');
    await page.getByTestId('contribution-table').getByText('Plan review, Centro').waitFor();
    await page.getByTestId('contributions-whose').getByText('Mine').click();
    await page.getByTestId('contribution-table').getByText('Plan review, Centro').waitFor();
    await shot(page, 'home');

    // The campaign in Spanish: its sections, and the uplift in Spanish number format.
    await page.goto(campaignUrl);
    await page.getByTestId('language-switcher').getByText('ES').click();
    await page.getByRole('heading', { name: 'Resultados frente al grupo de control' }).waitFor();
    await page.getByRole('heading', { name: 'Entregas' }).waitFor();
    const spanish = new Intl.NumberFormat('es', {
      style: 'percent',
      maximumFractionDigits: 1,
      signDisplay: 'exceptZero',
    });
    await expect(textOf(page, 'results-uplift')).resolves.toBe(spanish.format(expected));
    await shot(page, 'campaign-es');
    await page.getByTestId('language-switcher').getByText('EN').click();

    // Marketing may not change the channels; a manager sees the settings, with no secret shown.
    await expect(page.getByRole('navigation').getByRole('link', { name: 'Channels' }).count()).resolves.toBe(
      0,
    );
    const manager = await open('manager@demo.clientele');
    await nav(manager, 'Channels');
    await manager.getByTestId('smtp-form').waitFor();
    await manager.getByTestId('smtp-form').getByText('Not configured').waitFor();
    await shot(manager, 'settings');
    // The Manager page counts the campaign as a post of its author.
    await nav(manager, 'Manager');
    const author = manager.getByTestId('member-table').locator('tr', { hasText: 'marketing@demo.clientele' });
    // Columns: name, e-mail, team, team id, role, posts, then the remove button.
    await expect(author.locator('td').nth(5).textContent()).resolves.toBe('1');

    for (const w of pages) expect(w.problems).toEqual([]);
    const failures = new Set(pages.flatMap((w) => w.failures));
    expect([...failures]).toEqual(['401 GET /api/me']);
  }, 600_000);
});
