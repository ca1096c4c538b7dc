/**
 * Several segmentations per dataset (issue 10), the web side without a server: the calls with a
 * mocked fetch, the default pair and the cross-table's rows, and the picker, the comparison and
 * the cross-table rendered in each language.
 */
import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, setCsrfToken } from '../src/api/client.ts';
import type { SegmentationCross, SegmentationSummary, Segmentations } from '../src/api/types.ts';
import type { Report } from '../src/features/results/types.ts';
import { SegmentationComparison } from '../src/features/segments/SegmentationComparison.tsx';
import { CrossTable, formatAri } from '../src/features/segments/SegmentationCross.tsx';
import { SegmentationPicker } from '../src/features/segments/SegmentationPicker.tsx';
import { reportSegment } from '../src/features/segments/SegmentsPage.tsx';
import {
  chooseSegmentation,
  crossOf,
  crossRows,
  defaultPair,
  listSegmentations,
  renameSegment,
  segmentsOf,
} from '../src/features/segments/segmentationsApi.ts';
import { formatFixed } from '../src/ui/format.ts';
import { renderHtml as render, htmlText as text } from './renderHtml.ts';

function summary(over: Partial<SegmentationSummary> & { id: string }): SegmentationSummary {
  return {
    name: over.id,
    space: 'features',
    components: null,
    features: ['tenure', 'monthly_charges'],
    algorithm: 'kmeans',
    k: 2,
    chosenBy: 'silhouette',
    silhouette: 0.41,
    silhouetteOnFeatures: 0.41,
    segments: [
      { id: 0, name: 'Loyal', size: 1800, share: 0.6 },
      { id: 1, name: 'New', size: 1200, share: 0.4 },
    ],
    ...over,
  };
}

const list: Segmentations = {
  runId: 'r1',
  version: 3,
  chosen: 'pca-gmm',
  choice: { teamId: 't1', team: 'Marketing', segmentation: 'pca-gmm' },
  segmentations: [
    summary({
      id: 'main',
      name: 'Main (k-means on the features)',
      silhouette: 0.412,
      silhouetteOnFeatures: 0.412,
    }),
    summary({
      id: 'pca-gmm',
      name: 'PCA + GMM',
      space: 'pca',
      components: 5,
      algorithm: 'gmm',
      k: 3,
      silhouette: 0.5234,
      silhouetteOnFeatures: 0.2871,
      segments: [
        { id: 0, name: 'Heavy users', size: 1500, share: 0.5 },
        { id: 1, name: 'Light users', size: 900, share: 0.3 },
        { id: 2, name: 'Movers', size: 600, share: 0.2 },
      ],
    }),
    summary({
      id: 'umap-kmeans',
      name: 'UMAP + k-means',
      space: 'umap',
      components: 2,
      silhouette: null,
      silhouetteOnFeatures: null,
    }),
  ],
};

const cross: SegmentationCross = {
  runId: 'r1',
  a: {
    id: 'main',
    name: 'Main',
    segments: [
      { id: 0, name: 'Loyal' },
      { id: 1, name: 'New' },
    ],
  },
  b: {
    id: 'pca-gmm',
    name: 'PCA + GMM',
    segments: [
      { id: 0, name: 'Heavy users' },
      { id: 1, name: 'Light users' },
      { id: 2, name: 'Movers' },
    ],
  },
  // Out of order, one repeated (summed), one pair missing (0).
  cells: [
    { from: 1, to: 2, customers: 600 },
    { from: 0, to: 0, customers: 1400 },
    { from: 0, to: 1, customers: 300 },
    { from: 0, to: 1, customers: 100 },
    { from: 1, to: 0, customers: 100 },
    { from: 1, to: 1, customers: 500 },
  ],
  ari: 0.6234,
};

describe('segmentations: the calls', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setCsrfToken(null);
  });

  function stub(answer: (url: string, init: RequestInit) => { status: number; body: unknown }) {
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      const { status, body } = answer(url, init);
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    });
    return calls;
  }

  it('lists, reads one segmentation or the team’s, chooses, crosses and renames in a segmentation', async () => {
    setCsrfToken('tok');
    const calls = stub((url) => ({
      status: 200,
      body: url.endsWith('/segmentations')
        ? list
        : url.includes('/cross/')
          ? cross
          : url.endsWith('/segmentation')
            ? { teamId: 't1', team: 'Marketing', segmentation: 'umap-kmeans' }
            : { runId: 'r1', version: 3, segmentation: 'pca-gmm', segments: [] },
    }));
    await expect(listSegmentations('d/1')).resolves.toEqual(list);
    await expect(segmentsOf('d/1', 'pca-gmm')).resolves.toEqual(
      expect.objectContaining({ segmentation: 'pca-gmm' }),
    );
    await segmentsOf('d/1', null);
    await expect(chooseSegmentation('d/1', 'umap-kmeans')).resolves.toEqual({
      teamId: 't1',
      team: 'Marketing',
      segmentation: 'umap-kmeans',
    });
    await chooseSegmentation('d/1', 'main', 't2');
    await expect(crossOf('d/1', 'main', 'pca-gmm')).resolves.toEqual(cross);
    await renameSegment('d/1', 2, { name: 'Movers', description: '', teamId: 't1', segmentation: 'pca-gmm' });
    await renameSegment('d/1', 0, { name: 'Loyal', description: 'stay', teamId: null });

    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      'GET /api/datasets/d%2F1/segmentations',
      'GET /api/datasets/d%2F1/segments?segmentation=pca-gmm',
      'GET /api/datasets/d%2F1/segments',
      'PUT /api/datasets/d%2F1/segmentation',
      'PUT /api/datasets/d%2F1/segmentation',
      'GET /api/datasets/d%2F1/segmentations/main/cross/pca-gmm',
      'PUT /api/datasets/d%2F1/segments/2/name',
      'PUT /api/datasets/d%2F1/segments/0/name',
    ]);
    const body = (i: number) => JSON.parse(calls[i]!.init.body as string);
    expect(body(3)).toEqual({ segmentation: 'umap-kmeans' });
    expect(body(4)).toEqual({ segmentation: 'main', teamId: 't2' });
    expect(body(6)).toEqual({ name: 'Movers', description: '', teamId: 't1', segmentation: 'pca-gmm' });
    expect(body(7)).toEqual({ name: 'Loyal', description: 'stay' });
    // Writes carry the CSRF token; reads do not.
    expect((calls[3]!.init.headers as Record<string, string>)['x-clientele-csrf']).toBe('tok');
    expect((calls[0]!.init.headers as Record<string, string>)['x-clientele-csrf']).toBeUndefined();
  });

  it('an id the run lacks comes back as the server’s message', async () => {
    stub(() => ({
      status: 400,
      body: { error: { code: 'BAD_REQUEST', message: 'no segmentation "nope": main, pca-gmm, umap-kmeans' } },
    }));
    const err = await chooseSegmentation('d1', 'nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    expect((err as ApiError).message).toBe('no segmentation "nope": main, pca-gmm, umap-kmeans');
  });
});

describe('segmentations: the pure pieces', () => {
  it('compares the team’s one with the first other one first', () => {
    expect(defaultPair(list.segmentations, 'pca-gmm')).toEqual(['pca-gmm', 'main']);
    expect(defaultPair(list.segmentations, 'main')).toEqual(['main', 'pca-gmm']);
    expect(defaultPair(list.segmentations, 'umap-kmeans')).toEqual(['umap-kmeans', 'main']);
    // A choice the run lacks: the first against the second.
    expect(defaultPair(list.segmentations, 'gone')).toEqual(['main', 'pca-gmm']);
    expect(defaultPair(list.segmentations.slice(0, 1), 'main')).toBeNull();
    expect(defaultPair([], 'main')).toBeNull();
  });

  it('the cross-table: A’s rows, B’s columns in their order, repeated cells summed, totals', () => {
    const { rows, columnTotals, total } = crossRows(cross);
    expect(rows).toEqual([
      { id: 0, name: 'Loyal', counts: [1400, 400, 0], total: 1800 },
      { id: 1, name: 'New', counts: [100, 500, 600], total: 1200 },
    ]);
    expect(columnTotals).toEqual([1500, 900, 600]);
    expect(total).toBe(3000);
  });

  it('a segment report reads the statistics of the segmentation it belongs to', () => {
    const seg = (id: number, feature: string) => ({ id, stats: [{ feature }] });
    const report = {
      segmentation: { segments: [seg(0, 'main-0'), seg(1, 'main-1')] },
      alternatives: [{ id: 'pca-gmm', segments: [seg(0, 'pca-0'), seg(2, 'pca-2')] }],
    } as unknown as Report;
    expect(reportSegment(report, 'main', 1)?.stats[0]?.feature).toBe('main-1');
    expect(reportSegment(report, 'pca-gmm', 2)?.stats[0]?.feature).toBe('pca-2');
    expect(reportSegment(report, 'pca-gmm', 1)).toBeNull();
    expect(reportSegment(report, 'umap-kmeans', 0)).toBeNull();
    // Runs before issue 10 have no alternatives.
    expect(reportSegment({ segmentation: report.segmentation } as Report, 'pca-gmm', 0)).toBeNull();
    expect(reportSegment(null, 'main', 0)).toBeNull();
  });
});

describe('segmentations: what the page shows', () => {
  const picker = (value: string, mayChoose: boolean, extra: { notice?: string; error?: string } = {}) =>
    createElement(SegmentationPicker, {
      segmentations: list.segmentations,
      chosen: list.chosen,
      value,
      onChange: () => {},
      mayChoose,
      onUse: () => {},
      ...extra,
    });

  it('the select marks the team’s segmentation; "Use for my team" only on another one, for who may', () => {
    const chosen = render(picker('pca-gmm', true), 'en');
    expect(chosen).toMatch(/<label[^>]*>Segmentation<\/label>/);
    expect(chosen).toContain('value="PCA + GMM (your team’s)"');
    expect(text(chosen)).toContain(
      'Your team works with “PCA + GMM”: campaigns, charts and Lookout follow it.',
    );
    expect(text(chosen)).not.toContain('Use for my team');

    const other = render(picker('umap-kmeans', true), 'en');
    expect(other).toContain('value="UMAP + k-means"');
    expect(text(other)).toContain('Use for my team');
    expect(text(other)).toContain('You are looking at “UMAP + k-means”; your team works with “PCA + GMM”.');

    // Support may look but not choose.
    expect(text(render(picker('umap-kmeans', false), 'en'))).not.toContain('Use for my team');

    expect(text(render(picker('umap-kmeans', true), 'es'))).toContain('Usar para mi equipo');
    expect(render(picker('pca-gmm', true), 'es')).toContain('value="PCA + GMM (la de tu equipo)"');
    expect(text(render(picker('umap-kmeans', true), 'pt'))).toContain('Usar para minha equipe');
    expect(text(render(picker('main', true), 'pt'))).toContain(
      'Você está vendo “Main (k-means on the features)”; sua equipe trabalha com “PCA + GMM”.',
    );
  });

  it('says what was saved, and what went wrong as an alert', () => {
    const html = render(
      picker('umap-kmeans', true, {
        notice: 'Marketing now works with “UMAP + k-means”.',
        error: 'HTTP 500',
      }),
      'en',
    );
    expect(html).toMatch(/role="status"[^>]*>Marketing now works with “UMAP \+ k-means”\./);
    expect(html).toMatch(/role="alert"/);
    expect(text(html)).toContain('HTTP 500');
  });

  it('the comparison: a header per column, the space with its components, both silhouettes, the sizes', () => {
    const table = createElement(SegmentationComparison, {
      segmentations: list.segmentations,
      chosen: 'pca-gmm',
      locale: 'en',
    });
    const html = render(table, 'en');
    expect(text(html)).toContain(
      'Segmentation Space Algorithm Segments (k) Silhouette (own space) Silhouette on the features (comparable) Segment sizes',
    );
    const rows = [...html.matchAll(/<tr[^>]*data-segmentation-id="([^"]+)"[^>]*>(.*?)<\/tr>/g)].map((m) => [
      m[1],
      text(m[2]!).trim(),
    ]);
    expect(rows).toEqual([
      ['main', 'Main (k-means on the features) features kmeans 2 0.412 0.412 1,800 · 1,200'],
      ['pca-gmm', 'PCA + GMM Your team’s PCA, 5 components gmm 3 0.523 0.287 1,500 · 900 · 600'],
      ['umap-kmeans', 'UMAP + k-means UMAP, 2 components kmeans 2 — — 1,800 · 1,200'],
    ]);
    // Each row's name is its header; each size names its segment and share.
    expect(html).toMatch(/<th[^>]*scope="row"/);
    expect(html).toContain('title="Movers: 20%"');

    const es = text(
      render(
        createElement(SegmentationComparison, {
          segmentations: list.segmentations,
          chosen: 'pca-gmm',
          locale: 'es',
        }),
        'es',
      ),
    );
    expect(es).toContain('Silueta sobre las variables (comparable)');
    expect(es).toContain('PCA, 5 componentes');
    expect(es).toContain('0,523');
    expect(es).toContain('La de tu equipo');
    const pt = text(
      render(
        createElement(SegmentationComparison, {
          segmentations: list.segmentations,
          chosen: 'main',
          locale: 'pt',
        }),
        'pt',
      ),
    );
    expect(pt).toContain('Silhueta nas variáveis (comparável)');
    expect(pt).toContain('1.500 · 900 · 600');
  });

  it('the cross-table: B’s segments as columns, A’s as rows, counts, row shares on hover, the ARI in words', () => {
    const html = render(createElement(CrossTable, { cross, locale: 'en' }), 'en');
    const body = html.slice(html.indexOf('<tbody'));
    expect(text(html.slice(html.indexOf('<thead'), html.indexOf('</thead>'))).trim()).toBe(
      'A ↓ / B → Heavy users Light users Movers Total',
    );
    const rows = [...body.matchAll(/<tr[^>]*>(.*?)<\/tr>/g)].map((m) => text(m[1]!).trim());
    expect(rows).toEqual(['Loyal 1,400 400 · 1,800', 'New 100 500 600 1,200', 'Total 1,500 900 600 3,000']);
    expect(html).toContain('title="77.8% of Loyal"');
    expect(html).toMatch(/<caption[^>]*>Rows: Main; columns: PCA \+ GMM\.<\/caption>/);
    expect(html).toContain('title="8.3% of New"');
    expect(text(html)).toContain(
      'Adjusted Rand index 0.62: 1 = the same grouping, 0 = no more alike than chance.',
    );
    const es = render(createElement(CrossTable, { cross, locale: 'es' }), 'es');
    expect(text(es)).toContain(
      'Índice de Rand ajustado 0,62: 1 = la misma agrupación, 0 = no más parecidas que por azar.',
    );
    expect(es).toMatch(/title="77,8\s%\sde Loyal"/);
    const pt = render(createElement(CrossTable, { cross, locale: 'pt' }), 'pt');
    expect(text(pt)).toContain(
      'Índice de Rand ajustado 0,62: 1 = o mesmo agrupamento, 0 = não mais parecidos do que o acaso.',
    );
    expect(text(pt)).toContain('1.400');
    const none = text(
      render(createElement(CrossTable, { cross: { ...cross, ari: null }, locale: 'en' }), 'en'),
    );
    expect(none).toContain('The adjusted Rand index needs at least two customers in both segmentations.');
    expect(none).not.toContain('Adjusted Rand index');
    expect([formatAri('en', 0.5), formatAri('es', 1), formatAri('en', -0.0312)]).toEqual([
      '0.50',
      '1,00',
      '-0.03',
    ]);
  });
});

describe('scores in the comparison', () => {
  it('keep three decimals, so a column of silhouettes lines up (0.190, not 0.19)', () => {
    expect(formatFixed('en', 0.19, 3)).toBe('0.190');
    expect(formatFixed('es', 0.2, 3)).toBe('0,200');
    expect(formatFixed('en', 0.4356, 3)).toBe('0.436');
  });
});
