/**
 * Ask the data and the chart builder end to end, in headless Chromium against `clientele serve
 * --demo` (serveDemo.ts; npm run build:web first): someone in marketing builds a chart of the
 * telco run, saves it to the team's charts, reloads and sees it drawn again; then runs SQL in the
 * console (no model is set up on the demo: the console alone, with the server's line on what one
 * would add) and has a write refused with the server's reason.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAi, startFakeOpenAi } from '../../server/test/campaigns/fakeOpenAi.ts';
import { navLink, savedScreenshot, signedInPage, type WatchedPage } from './browser.ts';
import { demoBrowser } from './demoBrowser.ts';
import { apiSession, PASSWORD, waitForDemoRuns } from './serveDemo.ts';

describe('ask the data and the chart builder in a browser', () => {
  let llm: FakeOpenAi | undefined;
  const pages: WatchedPage[] = [];

  const demo = demoBrowser();

  beforeAll(async () => {
    llm = await startFakeOpenAi({ models: ['tiny'] });
  });

  afterAll(async () => {
    await llm?.close();
  });

  async function open(email: string): Promise<Page> {
    const watched = await signedInPage(demo.browser, demo.url, email, PASSWORD);
    pages.push(watched);
    return watched.page;
  }

  const shot = async (page: Page, name: string) =>
    expect(await savedScreenshot(page, demo.shots, `explore-${name}`), name).toBe(true);
  const nav = (page: Page, name: string) => navLink(page, name).click();

  it('builds a chart, saves it, reloads and sees it; runs SQL and sees rows; a write is refused', async () => {
    const data = await apiSession(demo.url, 'data@demo.clientele');
    await waitForDemoRuns(data);
    const page = await open('marketing@demo.clientele');

    // The chart builder: a box plot of churn probability per segment at once, then bars.
    await nav(page, 'Chart builder');
    await page.getByRole('heading', { name: 'Chart builder' }).waitFor();
    // The telco run (the store's transactions have no churn model, so no churn probability).
    await page.getByTestId('dataset-picker').click();
    await page.getByRole('option', { name: 'Telco snapshot (synthetic)' }).click();
    const live = page.getByTestId('builder-chart');
    await live.getByTestId('chart').locator('svg').waitFor();
    // Every kind draws.
    for (const kind of ['Histogram', 'Scatter', 'Heat map', 'Box plot']) {
      const answered = page.waitForResponse((r) => r.url().endsWith('/chart-data') && r.status() === 200);
      await page.getByTestId('builder-kind').getByText(kind, { exact: true }).click();
      await answered;
      await live.getByTestId('chart').locator('svg').waitFor();
    }
    // Over time: by month of the file's first date column, or a line saying there is none.
    const { datasets } = await data.get<{ datasets: { id: string; name: string }[] }>('/api/datasets');
    const telco = datasets.find((d) => d.name === 'Telco snapshot (synthetic)')!;
    const fields = await data.get<{ attributes: { date: boolean }[] }>(
      `/api/datasets/${telco.id}/chart-fields`,
    );
    const overTime = page.waitForResponse((r) => r.url().endsWith('/chart-data') && r.status() === 200);
    await page.getByTestId('builder-kind').getByText('Over time', { exact: true }).click();
    if (fields.attributes.some((a) => a.date)) {
      await overTime;
      await live.getByTestId('chart').locator('svg').waitFor();
    } else {
      await page.getByText('This dataset has no date column').waitFor();
    }
    await page.getByTestId('builder-kind').getByText('Bars', { exact: true }).click();
    await page.getByTestId('builder-category').waitFor();
    expect(await page.getByTestId('builder-category').inputValue()).toBe('segment');
    // The bars' categories are the segments' names, drawn as SVG text.
    await live.getByTestId('chart').locator('svg text').first().waitFor();
    await page.getByText('No saved charts yet').waitFor();
    await page.getByTestId('builder-title').fill('Customers per segment');
    await page.getByRole('button', { name: 'Save to the team’s charts' }).click();
    await page.getByText('Saved.', { exact: true }).waitFor();
    const saved = page.getByTestId('saved-chart').filter({ hasText: 'Customers per segment' });
    await saved.getByTestId('chart').locator('svg').waitFor();
    await shot(page, 'builder');

    // Reloaded: the team's chart is there, drawn afresh from the run.
    await page.reload();
    await page.getByRole('heading', { name: 'Your team’s charts' }).waitFor();
    await saved.getByTestId('chart').locator('svg').waitFor();
    expect(await saved.textContent()).toContain('Marketing');
    expect(await page.getByTestId('saved-chart').count()).toBe(1);

    // Ask the data: no model on the demo, so the console alone and the line on what one would add.
    await nav(page, 'Ask the data');
    await page.getByTestId('schema-panel').waitFor();
    await page.getByTestId('no-model').waitFor();
    expect(await page.getByTestId('no-model').textContent()).toMatch(/language model/i);
    const editor = page.getByTestId('sql-editor');
    await editor.fill('SELECT segment, count(*) AS customers FROM scores GROUP BY segment ORDER BY segment');
    await editor.press('Control+Enter');
    const result = page.getByTestId('sql-result');
    await result.waitFor();
    const rows = await result.locator('tbody tr').count();
    expect(rows).toBeGreaterThan(1);
    expect(await result.locator('thead').textContent()).toBe('segmentcustomers');
    await shot(page, 'sql');

    await editor.fill('DROP VIEW scores');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const refusal = page.getByTestId('sql-error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/^Refused.*refused: only a read-only SELECT/);
    await shot(page, 'refused');

    // Besides the sign-in page's question (401 GET /api/me), the refusal is the only failed request.
    const failures = pages[0]!.failures.filter((f) => f !== '401 GET /api/me');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^400 POST \/api\/runs\/[^/]+\/sql$/);
    expect(pages[0]!.problems).toEqual([]);
  }, 600_000);

  it('asks a question: the answer, the query the model ran with its rows, opened in the SQL console', async () => {
    // A model on 127.0.0.1 that asks for one query, then answers with what it got back.
    const query = 'SELECT count(*) AS customers FROM scores';
    llm!.reply(
      { toolCalls: [{ name: 'run_sql', arguments: { query } }] },
      'The telco run scores every customer once.',
    );
    const manager = await apiSession(demo.url, 'manager@demo.clientele');
    await manager.send('PUT', '/api/settings/channels', { llm: { baseUrl: llm!.baseUrl, model: 'tiny' } });

    const page = await open('marketing@demo.clientele');
    await nav(page, 'Ask the data');
    // A new browser: the telco run picked again (the first dataset, the transactions, has no scores).
    await page.getByTestId('dataset-picker').click();
    await page.getByRole('option', { name: 'Telco snapshot (synthetic)' }).click();
    await page.getByRole('heading', { name: 'Ask a question' }).waitFor();
    expect(await page.getByTestId('no-model').count()).toBe(0);
    const question = page.getByTestId('ask-question');
    await question.fill('How many customers are scored?');
    await question.press('Control+Enter');
    const answer = page.getByTestId('ask-answer');
    await answer.waitFor();
    const card = answer.getByTestId('ask-query');
    expect(await card.count()).toBe(1);
    expect(await card.locator('pre').textContent()).toBe(query);
    const counted = Number((await card.locator('tbody td').first().textContent())?.replace(/\D/g, ''));
    // The demo's 3,000 rows hold a few repeated customers, loaded once.
    expect(counted).toBeGreaterThan(2900);
    expect(counted).toBeLessThanOrEqual(3000);
    expect(await answer.textContent()).toContain('The telco run scores every customer once.');
    // The model was sent the rows of its query.
    const tool = llm!.requests[1]!.body.messages.find((m) => m.role === 'tool');
    expect(tool?.content).toContain(String(counted));
    await shot(page, 'ask');

    await card.getByRole('button', { name: 'Open in the SQL console' }).click();
    const editor = page.getByTestId('sql-editor');
    expect(await editor.inputValue()).toBe(query);
    await expect.poll(() => editor.evaluate((el) => el === document.activeElement)).toBe(true);
    await editor.press('Control+Enter');
    await page.getByTestId('sql-result').locator('tbody tr').first().waitFor();
    expect(llm!.pending()).toBe(0);
    expect(pages.at(-1)!.problems).toEqual([]);
  }, 300_000);
});
