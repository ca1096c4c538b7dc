/**
 * Several segmentations per dataset (issue 10) end to end, in headless Chromium against `clientele
 * serve --demo` (serveDemo.ts; npm run build:web first): the manager opens Segments on the demo
 * telco run, sees its segmentations (main, "pca-gmm", "umap-kmeans") compared and crossed, looks at
 * another one, clicks "Use for my team", reloads the page and sees the Segments page show that
 * segmentation's segments, the mark on it; the server stored the team's choice.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Segment, Segmentations } from '../src/api/types.ts';
import { navLink, savedScreenshot, signedInPage } from './browser.ts';
import { demoBrowser } from './demoBrowser.ts';
import { apiSession, PASSWORD, waitForDemoRuns } from './serveDemo.ts';

const TELCO = 'Telco snapshot (synthetic)';

/** The segment table's rows as "name | customers", as the page shows them. */
async function tableRows(page: Page): Promise<string[]> {
  const rows = page.getByTestId('segment-table').locator('tbody tr');
  const out: string[] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    const name = (await row.getByTestId('segment-name').innerText()).trim();
    const size = (await row.locator('td').nth(1).innerText()).trim();
    out.push(`${name} | ${size}`);
  }
  return out;
}

const expected = (segments: Pick<Segment, 'name' | 'size'>[]) =>
  segments.map((s) => `${s.name} | ${s.size.toLocaleString('en')}`);

describe('several segmentations per dataset in a browser', () => {
  const demo = demoBrowser();

  it('the manager switches the team’s segmentation and the Segments page follows it after a reload', async () => {
    const api = await apiSession(demo.url, 'manager@demo.clientele');
    await waitForDemoRuns(api);
    const { datasets } = await api.get<{ datasets: { id: string; name: string }[] }>('/api/datasets');
    const telco = datasets.find((d) => d.name === TELCO)!;
    const base = `/api/datasets/${telco.id}`;
    const before = await api.get<Segmentations>(`${base}/segmentations`);
    expect(before.segmentations.map((s) => s.id)).toEqual(['main', 'pca-gmm', 'umap-kmeans']);
    expect(before.chosen).toBe('main');
    const main = before.segmentations[0]!;
    const target = before.segmentations.find((s) => s.id !== before.chosen)!;
    const mainSegments = await api.get<{ segments: Segment[] }>(`${base}/segments?segmentation=main`);
    const targetSegments = await api.get<{ segmentation: string; segments: Segment[] }>(
      `${base}/segments?segmentation=${target.id}`,
    );
    expect(targetSegments.segmentation).toBe(target.id);
    // The two differ as the table shows them (else the page following the choice could not be seen).
    expect(expected(targetSegments.segments)).not.toEqual(expected(mainSegments.segments));

    const watched = await signedInPage(demo.browser, demo.url, 'manager@demo.clientele', PASSWORD);
    const { page } = watched;
    await navLink(page, 'Segments').click();
    await page.getByRole('heading', { name: 'Segments', exact: true }).waitFor();
    await page.getByTestId('dataset-picker').click();
    await page.getByRole('option', { name: TELCO, exact: true }).click();

    const select = page.getByRole('combobox', { name: 'Segmentation', exact: true });
    const value = page.locator('input[type=hidden][name=segmentation]');
    await page.getByTestId('segmentation-picker').waitFor();
    await expect.poll(() => select.inputValue()).toBe(`${main.name} (your team’s)`);
    await expect.poll(() => value.inputValue()).toBe('main');
    await expect.poll(() => tableRows(page)).toEqual(expected(mainSegments.segments));

    // Every segmentation compared, the team’s one marked (textContent: the badge is drawn upper case);
    // the cross-table of it and the first other one.
    const comparison = page.getByTestId('segmentation-comparison');
    await expect.poll(() => comparison.locator('tbody tr').count()).toBe(3);
    await expect(comparison.locator('tbody tr').nth(0).textContent()).resolves.toContain('Your team’s');
    const cross = page.getByTestId('segmentation-cross');
    await cross.waitFor();
    await expect(cross.locator('tbody tr').count()).resolves.toBe(main.segments.length + 1);
    await expect(cross.locator('thead th').count()).resolves.toBe(target.segments.length + 2);
    await expect(page.getByTestId('segmentation-ari').innerText()).resolves.toMatch(
      /^Adjusted Rand index -?\d\.\d\d: 1 = the same grouping, 0 = no more alike than chance\.$/,
    );

    // Look at another segmentation: the table shows its segments; then use it for the team.
    await select.click();
    await page.getByRole('option', { name: target.name, exact: true }).click();
    await expect.poll(() => value.inputValue()).toBe(target.id);
    await expect.poll(() => tableRows(page)).toEqual(expected(targetSegments.segments));
    const use = page.getByRole('button', { name: 'Use for my team' });
    const saved = page.waitForResponse(
      (r) => r.request().method() === 'PUT' && r.url().endsWith(`${base}/segmentation`),
    );
    await use.click();
    expect((await saved).status()).toBe(200);
    await page.getByRole('status').getByText(`Management now works with “${target.name}”.`).waitFor();
    await expect.poll(() => select.inputValue()).toBe(`${target.name} (your team’s)`);
    await use.waitFor({ state: 'detached' });
    await expect(
      comparison.locator(`tr[data-segmentation-id="${target.id}"]`).textContent(),
    ).resolves.toContain('Your team’s');

    // Reload: the page opens on the team's new segmentation and shows its segments.
    await page.reload();
    await page.getByTestId('signed-in-as').waitFor();
    await page.getByRole('heading', { name: 'Segments', exact: true }).waitFor();
    await page.getByTestId('segmentation-picker').waitFor();
    await expect.poll(() => value.inputValue()).toBe(target.id);
    await expect.poll(() => select.inputValue()).toBe(`${target.name} (your team’s)`);
    await expect.poll(() => tableRows(page)).toEqual(expected(targetSegments.segments));
    await expect(page.getByTestId('segmentation-status').innerText()).resolves.toBe(
      `Your team works with “${target.name}”: campaigns, charts and Lookout follow it.`,
    );
    await expect(page.getByRole('button', { name: 'Use for my team' }).count()).resolves.toBe(0);
    // The cross-table now starts from the team's one.
    await expect.poll(() => cross.locator('tbody tr').count()).toBe(target.segments.length + 1);
    expect(await savedScreenshot(page, demo.shots, 'segmentations-switched'), 'screenshot').toBe(true);

    // Renaming a segment names it in the segmentation shown; main's names stay as they were.
    const first = targetSegments.segments[0]!;
    const row = page.getByTestId('segment-table').locator(`tr[data-segment-id="${first.id}"]`);
    await row.getByRole('button', { name: 'Rename' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Named in another segmentation');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect
      .poll(() => row.getByTestId('segment-name').textContent())
      .toBe('Named in another segmentation');
    const renamed = await api.get<{ segments: Segment[] }>(`${base}/segments?segmentation=${target.id}`);
    expect(renamed.segments.find((s) => s.id === first.id)?.name).toBe('Named in another segmentation');
    const mainAfter = await api.get<{ segments: Segment[] }>(`${base}/segments?segmentation=main`);
    expect(mainAfter.segments.map((s) => s.name)).toEqual(mainSegments.segments.map((s) => s.name));
    // Its report reads the feature statistics of this segmentation's segment.
    await row.getByTestId('segment-name').click();
    const report = page.getByTestId('segment-report');
    await report.getByRole('columnheader', { name: 'Median' }).waitFor();
    await page.keyboard.press('Escape');
    await report.waitFor({ state: 'detached' });

    // The server stored it: the team's choice, and the segments without a parameter are the new one's.
    const after = await api.get<Segmentations>(`${base}/segmentations`);
    expect(after.chosen).toBe(target.id);
    expect(after.choice).toEqual(expect.objectContaining({ team: 'Management', segmentation: target.id }));
    const plain = await api.get<{ segmentation: string }>(`${base}/segments`);
    expect(plain.segmentation).toBe(target.id);

    expect(watched.problems).toEqual([]);
    expect([...new Set(watched.failures)]).toEqual(['401 GET /api/me']);
  }, 600_000);
});
