/**
 * Run settings end to end, in headless Chromium against `clientele serve --demo` (serveDemo.ts;
 * npm run build:web first): the data scientist opens the telco's run settings, removes one of its
 * other segmentations, sees the server refuse a start and say why, adds a PCA segmentation on all
 * but one feature, starts the run, sees it in the run history, and the run finds the new
 * segmentation.
 */
import { describe, expect, it } from 'vitest';
import { navLink, savedScreenshot, signedInPage } from './browser.ts';
import { demoBrowser } from './demoBrowser.ts';
import { apiSession, PASSWORD, waitForDemoRuns } from './serveDemo.ts';

interface ApiRun {
  id: string;
  datasetId: string;
  status: string;
  config: Record<string, unknown>;
}

describe('run settings in a browser', () => {
  const demo = demoBrowser({ telcoRows: 1000 });

  it('adds a PCA segmentation, shows a refused start, starts the run and the run finds it', async () => {
    const data = await apiSession(demo.url, 'data@demo.clientele');
    await waitForDemoRuns(data);
    const { datasets } = await data.get<{ datasets: { id: string; name: string }[] }>('/api/datasets');
    const telco = datasets.find((d) => d.name === 'Telco snapshot (synthetic)')!;
    const published = await data.get<{ results: { report: { segmentation: { features: string[] } } } }>(
      `/api/datasets/${telco.id}/results`,
    );
    const features = published.results.report.segmentation.features;
    expect(features.length).toBeGreaterThan(2);

    const watched = await signedInPage(demo.browser, demo.url, 'data@demo.clientele', PASSWORD);
    const { page } = watched;
    await navLink(page, 'Data').click();
    await page.getByTestId('run-table').getByText('Succeeded').first().waitFor();
    await page.getByRole('button', { name: 'Run settings of Telco snapshot (synthetic)' }).click();
    const panel = page.getByTestId('run-settings');
    await panel.waitFor();
    // The demo's telco run has two other segmentations: both listed, one removed.
    const list = page.getByTestId('run-settings-segmentations');
    await list.getByText('Gaussian mixture, k = 4').waitFor();
    await list.getByText('k-means, the best k from 2 to 6').waitFor();
    const start = panel.getByRole('button', { name: 'Start a run with these settings' });

    // A start the server refuses, shown with its message naming the key: the main segmentation's
    // k from 7 to 8 leaves "k-means on UMAP" (up to k = 6, from the main's 7) an empty range.
    const main = panel.getByRole('group', { name: 'How the main segmentation is found' });
    await main.getByRole('radio', { name: 'The best within a range' }).check();
    await main.getByLabel('From k =', { exact: true }).fill('7');
    await main.getByLabel('To k =', { exact: true }).fill('8');
    await list.getByText('k-means, the best k from 7 to 6').waitFor();
    await start.click();
    await page
      .getByTestId('run-settings-problem')
      .getByText('config: segmentations.1.kMax must be at least kMin')
      .waitFor();
    // Back to k = 4.
    await main.getByRole('radio', { name: 'A number' }).check();
    await expect(main.getByLabel('Segments (k)', { exact: true }).inputValue()).resolves.toBe('4');

    await list.getByRole('button', { name: 'Remove the segmentation k-means on UMAP' }).click();
    await list.getByText('umap-kmeans', { exact: true }).waitFor({ state: 'detached' });

    const add = page.getByTestId('add-segmentation');
    await add.getByLabel('Name', { exact: true }).fill('Principal components');
    await add.getByText('Id: principal-components').waitFor();
    await add.getByLabel('Space', { exact: true }).click();
    await page.getByRole('option', { name: 'Principal components (PCA)', exact: true }).click();
    await add.getByLabel('Dimensions', { exact: true }).fill('3');
    await add.getByLabel('Algorithm', { exact: true }).click();
    await page.getByRole('option', { name: 'Gaussian mixture', exact: true }).click();
    await add.getByRole('radio', { name: 'The best within a range' }).check();
    await add.getByLabel('From k =', { exact: true }).fill('3');
    await add.getByLabel('To k =', { exact: true }).fill('4');
    // Every feature is picked to begin with; leave the first one out.
    await add.getByLabel('Features', { exact: true }).click();
    await page.getByRole('option', { name: features[0]!, exact: true }).click();
    await page.keyboard.press('Escape');
    await add.getByRole('button', { name: 'Add the segmentation' }).click();
    const added = list.getByRole('row').filter({ hasText: 'principal-components' });
    await added.waitFor();
    await expect(added.innerText()).resolves.toMatch(
      /Principal components\s+principal-components\s+principal components, 3 dimensions\s+Gaussian mixture, the best k from 3 to 4\s+/,
    );
    // Every feature but the first.
    await expect(added.getByRole('cell').nth(4).innerText()).resolves.toBe(`all but ${features[0]}`);

    expect(await savedScreenshot(page, demo.shots, 'run-settings')).toBe(true);

    // Started: the panel closes, the run is in the history, with the segmentation in its config.
    const before = (await data.get<{ runs: ApiRun[] }>('/api/runs')).runs.length;
    const telcoBefore = (await data.get<{ runs: ApiRun[] }>(`/api/runs?datasetId=${telco.id}`)).runs.length;
    await start.click();
    await panel.waitFor({ state: 'detached' });
    const { runs } = await data.get<{ runs: ApiRun[] }>(`/api/runs?datasetId=${telco.id}`);
    expect(runs.length).toBe(telcoBefore + 1);
    const run = runs[0]!;
    expect(run.config['segmentation']).toEqual({ algorithm: 'kmeans', k: 4 });
    expect(run.config['segmentations']).toEqual([
      { id: 'pca-gmm', name: 'Gaussian mixture on PCA', space: 'pca', components: 3, algorithm: 'gmm', k: 4 },
      {
        id: 'principal-components',
        name: 'Principal components',
        space: 'pca',
        components: 3,
        features: features.slice(1),
        algorithms: ['gmm'],
        kMin: 3,
        kMax: 4,
      },
    ]);
    await expect
      .poll(async () => page.getByTestId('run-table').locator('tbody tr').count(), { timeout: 10_000 })
      .toBe(before + 1);

    // The run finds it.
    for (let i = 0; ; i++) {
      const now = (await data.get<{ runs: ApiRun[] }>(`/api/runs?datasetId=${telco.id}`)).runs[0]!;
      if (now.status === 'succeeded') break;
      if (now.status === 'failed' || i > 960)
        throw new Error(`the run did not succeed: ${JSON.stringify(now)}`);
      await new Promise((res) => setTimeout(res, 250));
    }
    const segmentations = await data.get<{
      segmentations: { id: string; space: string; components: number }[];
    }>(`/api/datasets/${telco.id}/segmentations`);
    expect(segmentations.segmentations.map((s) => [s.id, s.space, s.components])).toEqual([
      ['main', 'features', null],
      ['pca-gmm', 'pca', 3],
      ['principal-components', 'pca', 3],
    ]);

    expect(watched.problems).toEqual([]);
    expect([...new Set(watched.failures)].sort()).toEqual([
      `400 POST /api/datasets/${telco.id}/runs`,
      '401 GET /api/me',
    ]);
  }, 600_000);
});
