/**
 * Run settings on the Data page: the form <-> run config helper (pure), then the calls with a
 * mocked fetch and the panel rendered from a run's config, in each language.
 */
import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, setCsrfToken } from '../src/api/client.ts';
import {
  AddSegmentationFields,
  latestConfig,
  publishedFeatures,
  RunSettingsView,
  type RunSettingsViewProps,
  startRunWithConfig,
} from '../src/features/data/RunSettings.tsx';
import {
  addSegmentation,
  checkSettings,
  draftSpec,
  emptyDraft,
  featureChoice,
  readModel,
  readSettings,
  removeSegmentation,
  type SegmentationDraft,
  type SettingsForm,
  slugId,
  summaries,
  writeModel,
  writeSettings,
} from '../src/features/data/runConfigForm.ts';
import { renderHtml as render, htmlText as text } from './renderHtml.ts';

const FEATURES = ['recency', 'frequency', 'monetary', 'tenure'];

/** A run's config as the API gives it: keys the form does not edit, one other segmentation. */
const runConfig = {
  seed: 7,
  lang: 'es',
  segmentation: { algorithm: 'kmeans', k: 4, selectionRows: 3000, scale: 'standard' },
  segmentations: [
    {
      id: 'umap-gmm',
      name: 'UMAP + GMM',
      space: 'umap',
      algorithms: ['gmm'],
      kMin: 3,
      kMax: 6,
      features: ['recency', 'monetary'],
    },
  ],
  churn: { trees: 50, groupBy: ['store'] },
  value: { insiders: { topShareByClv: 0.1 } },
  views: { methods: ['pca'], sample: 1000 },
  somethingNew: { kept: true },
};

const pcaDraft = (form: SettingsForm): SegmentationDraft => ({
  ...emptyDraft(form),
  name: 'Componentes principales',
  space: 'pca',
  components: 3,
  model: { ...form.main, algorithm: 'gmm', kMode: 'range', kMin: 3, kMax: 5 },
  features: ['recency', 'frequency', 'tenure'],
});

describe('run settings: the form and the config', () => {
  it('reads a config and writes it back unchanged, every key it does not edit kept', () => {
    const form = readSettings(runConfig);
    expect(form.main).toMatchObject({ algorithm: 'kmeans', kMode: 'fixed', k: 4 });
    expect(writeSettings(form)).toEqual(runConfig);
    // The defaults ({} or no run at all) stay {}.
    expect(writeSettings(readSettings({}))).toEqual({});
    expect(writeSettings(readSettings(null))).toEqual({});
    expect(readSettings({}).main).toMatchObject({ algorithm: 'best', kMode: 'range', kMin: 2, kMax: 8 });
    // Reading does not share objects with the config given.
    const again = readSettings(runConfig);
    (again.base['churn'] as { trees: number }).trees = 1;
    expect(runConfig.churn.trees).toBe(50);
  });

  it('writes each way of finding the main segmentation, algorithm and k both or neither', () => {
    const form = readSettings(runConfig);
    const main = (m: Partial<SettingsForm['main']>) =>
      writeSettings({ ...form, main: { ...form.main, ...m } })['segmentation'];
    // Fixed: algorithm + k, the other keys of segmentation kept.
    expect(main({ k: 5 })).toEqual({ algorithm: 'kmeans', k: 5, selectionRows: 3000, scale: 'standard' });
    // One algorithm, the best k in a range: no algorithm, no k.
    expect(main({ algorithm: 'ward', kMode: 'range', kMin: 3, kMax: 7 })).toEqual({
      algorithms: ['ward'],
      kMin: 3,
      kMax: 7,
      selectionRows: 3000,
      scale: 'standard',
    });
    // The best algorithm at one k.
    expect(main({ algorithm: 'best', k: 4 })).toEqual({
      algorithms: ['kmeans', 'gmm', 'ward'],
      kMin: 4,
      kMax: 4,
      selectionRows: 3000,
      scale: 'standard',
    });
    for (const m of [
      { k: 5 },
      { algorithm: 'ward' as const, kMode: 'range' as const, kMin: 3, kMax: 7 },
      { algorithm: 'best' as const, k: 4 },
      { algorithm: 'best' as const, kMode: 'range' as const, kMin: 2, kMax: 9 },
    ]) {
      const written = main(m) as Record<string, unknown>;
      expect('algorithm' in written).toBe('k' in written);
      // And back: the same form.
      expect(readModel(written, { algorithms: ['kmeans'], kMin: 2, kMax: 8 })).toMatchObject(m);
    }
    // Only one of algorithm and k fixes nothing.
    expect(
      readModel({ algorithm: 'gmm' }, { algorithms: ['kmeans', 'gmm'], kMin: 2, kMax: 6 }),
    ).toMatchObject({
      algorithm: 'best',
      kMode: 'range',
      kMin: 2,
      kMax: 6,
    });
    expect(
      writeModel({ ...form.main, algorithm: 'best', kMode: 'range' }, { algorithm: 'gmm' }),
    ).not.toHaveProperty('algorithm');
    // A config segmentation with only one of them is flagged before anything is sent.
    const half = readSettings({ segmentations: [{ id: 'half', algorithm: 'gmm' }] });
    expect(checkSettings(half)).toEqual({ key: 'halfFixed', values: { id: 'half' } });
    expect(summaries(half)[0]!.halfFixed).toBe(true);
    expect(checkSettings(readSettings(runConfig))).toBeNull();
  });

  it('makes ids from names: lower case, no accents, unique, never "main"', () => {
    expect(slugId('Componentes principales', [])).toBe('componentes-principales');
    expect(slugId('  Ação & Reação!! ', [])).toBe('acao-reacao');
    expect(slugId('Main', [])).toBe('main-2');
    expect(slugId('main', ['main-2'])).toBe('main-3');
    expect(slugId('PCA', ['pca', 'pca-2'])).toBe('pca-3');
    expect(slugId('2024 clusters', [])).toBe('s-2024-clusters');
    expect(slugId('¿?', [])).toBe('segmentation');
    const long = slugId('a'.repeat(60), []);
    expect(long).toHaveLength(40);
    expect(slugId('a'.repeat(60), [long])).toBe(`${'a'.repeat(38)}-2`);
    for (const id of [long, slugId('Ação', []), slugId('2', [])])
      expect(id).toMatch(/^[a-z][a-z0-9-]{0,39}$/);
  });

  it('adds a PCA segmentation with its components, model and features, and removes one', () => {
    const form = readSettings(runConfig);
    const added = addSegmentation(form, pcaDraft(form), FEATURES);
    if ('problem' in added) throw new Error(JSON.stringify(added.problem));
    const config = writeSettings(added.form);
    expect(config['segmentations']).toEqual([
      runConfig.segmentations[0],
      {
        id: 'componentes-principales',
        name: 'Componentes principales',
        space: 'pca',
        components: 3,
        features: ['recency', 'frequency', 'tenure'],
        algorithms: ['gmm'],
        kMin: 3,
        kMax: 5,
      },
    ]);
    // Everything else as it was.
    expect({ ...config, segmentations: runConfig.segmentations }).toEqual(runConfig);
    // Every feature picked, or no name: the key is left out, the id comes from space and algorithm.
    const plain = draftSpec(
      { ...emptyDraft(form), features: [...FEATURES].reverse() },
      ['features-kmeans'],
      FEATURES,
    );
    expect(plain).toEqual({
      spec: { id: 'features-kmeans-2', space: 'features', algorithm: 'kmeans', k: 4 },
    });
    // A fixed algorithm and k: both; the best at one k: neither.
    const best = draftSpec(
      { ...emptyDraft(form), space: 'umap', components: 2, model: { ...form.main, algorithm: 'best', k: 3 } },
      [],
      FEATURES,
    );
    expect(best).toEqual({
      spec: {
        id: 'umap-best',
        space: 'umap',
        components: 2,
        algorithms: ['kmeans', 'gmm', 'ward'],
        kMin: 3,
        kMax: 3,
      },
    });
    expect(writeSettings(removeSegmentation(added.form, 'umap-gmm'))['segmentations']).toHaveLength(1);
    // Removing the last one sends an empty list (the key was there).
    const none = removeSegmentation(form, 'umap-gmm');
    expect(writeSettings(none)['segmentations']).toEqual([]);
  });

  it('says which features a segmentation uses in few words', () => {
    expect(featureChoice(null, FEATURES)).toEqual({ kind: 'all' });
    expect(featureChoice([...FEATURES].reverse(), FEATURES)).toEqual({ kind: 'all' });
    expect(featureChoice(['recency', 'frequency', 'tenure'], FEATURES)).toEqual({
      kind: 'allBut',
      left: ['monetary'],
    });
    // As many left out as kept, a name the published run lacks, or no features known: the list.
    expect(featureChoice(['recency', 'monetary'], FEATURES)).toEqual({
      kind: 'only',
      features: ['recency', 'monetary'],
    });
    expect(featureChoice(['recency', 'frequency', 'gone'], FEATURES)).toMatchObject({ kind: 'only' });
    expect(featureChoice(['recency', 'frequency', 'tenure'], null)).toMatchObject({ kind: 'only' });
  });

  it('says what is wrong with a draft instead of adding it', () => {
    const form = readSettings(runConfig);
    const problem = (d: Partial<SegmentationDraft>) => {
      const r = addSegmentation(form, { ...pcaDraft(form), ...d }, FEATURES);
      return 'problem' in r ? r.problem.key : null;
    };
    expect(problem({})).toBeNull();
    expect(problem({ features: [] })).toBe('features');
    expect(problem({ components: 1 })).toBe('components');
    expect(problem({ components: 21 })).toBe('components');
    expect(problem({ space: 'features', components: 1 })).toBeNull();
    expect(problem({ model: { ...form.main, kMode: 'range', kMin: 6, kMax: 3 } })).toBe('kRange');
    expect(problem({ model: { ...form.main, kMode: 'fixed', k: Number.NaN } })).toBe('k');
    expect(problem({ model: { ...form.main, kMode: 'range', kMin: 1, kMax: 3 } })).toBe('kMin');
    const full = readSettings({ segmentations: Array.from({ length: 8 }, (_, i) => ({ id: `s${i}` })) });
    const r = addSegmentation(full, emptyDraft(full), FEATURES);
    expect('problem' in r && r.problem).toEqual({ key: 'tooMany', values: { max: 8 } });
  });
});

describe('run settings: the calls', () => {
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

  it('starts from the latest run’s config, adds a PCA segmentation and posts it as the config', async () => {
    setCsrfToken('tok');
    const calls = stub((url, init) =>
      init.method === 'POST'
        ? { status: 202, body: { id: 'r9', datasetId: 'd/1', status: 'queued' } }
        : url.startsWith('/api/runs')
          ? {
              status: 200,
              body: {
                runs: [
                  { id: 'r2', config: runConfig },
                  { id: 'r1', config: {} },
                ],
              },
            }
          : {
              status: 200,
              body: {
                runId: 'r2',
                version: 2,
                results: { report: { segmentation: { features: FEATURES } } },
              },
            },
    );
    const config = await latestConfig('d/1');
    const features = await publishedFeatures('d/1');
    expect(features).toEqual(FEATURES);
    const form = readSettings(config);
    const added = addSegmentation(form, pcaDraft(form), features!);
    if ('problem' in added) throw new Error('not added');
    const run = await startRunWithConfig('d/1', writeSettings(added.form));
    expect(run.id).toBe('r9');

    expect(calls.map((c) => `${c.init.method ?? 'GET'} ${c.url}`)).toEqual([
      'GET /api/runs?datasetId=d%2F1',
      'GET /api/datasets/d%2F1/results',
      'POST /api/datasets/d%2F1/runs',
    ]);
    const body = JSON.parse(calls[2]!.init.body as string);
    expect(Object.keys(body)).toEqual(['config']);
    expect(body.config.segmentations[1]).toEqual({
      id: 'componentes-principales',
      name: 'Componentes principales',
      space: 'pca',
      components: 3,
      features: ['recency', 'frequency', 'tenure'],
      algorithms: ['gmm'],
      kMin: 3,
      kMax: 5,
    });
    expect(body.config.churn).toEqual(runConfig.churn);
    expect(body.config.somethingNew).toEqual({ kept: true });
    expect((calls[2]!.init.headers as Record<string, string>)['x-clientele-csrf']).toBe('tok');
  });

  it('no run yet: the defaults; no published run: the features are not known', async () => {
    stub((url) =>
      url.startsWith('/api/runs')
        ? { status: 200, body: { runs: [] } }
        : {
            status: 404,
            body: {
              error: { code: 'NOT_FOUND', message: 'this dataset has no published results yet: start a run' },
            },
          },
    );
    await expect(latestConfig('d1')).resolves.toBeNull();
    await expect(publishedFeatures('d1')).resolves.toBeNull();
  });

  it('a 400 comes back with the server’s message naming the key', async () => {
    const message = 'config: segmentations.0.kMax must be at least kMin';
    stub(() => ({ status: 400, body: { error: { code: 'INVALID_INPUT', message } } }));
    const err = await startRunWithConfig('d1', { segmentations: [{ id: 'x', kMin: 5, kMax: 3 }] }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    expect((err as ApiError).message).toBe(message);
  });
});

describe('run settings: what the panel shows', () => {
  const view = (over: Partial<RunSettingsViewProps> = {}) => {
    const form = readSettings(runConfig);
    return createElement(RunSettingsView, {
      form,
      draft: emptyDraft(form),
      features: FEATURES,
      draftProblem: null,
      problem: null,
      busy: false,
      onMain: () => {},
      onRemove: () => {},
      onDraft: () => {},
      onAdd: () => {},
      onStart: () => {},
      ...over,
    });
  };

  it('shows the main segmentation and the other ones from a run’s config', () => {
    const html = render(view(), 'en');
    const words = text(html);
    expect(words).toContain('Main segmentation');
    expect(html).toMatch(/<label[^>]*>Algorithm<\/label>/);
    expect(html).toContain('value="k-means"');
    expect(html).toMatch(/value="fixed"[^>]*checked|checked[^>]*value="fixed"/);
    expect(html).toContain('value="4"');
    // The other segmentation, inherited model in words, its features, Remove named for it.
    expect(words).toContain(
      'UMAP + GMM umap-gmm UMAP, 2 dimensions Gaussian mixture, the best k from 3 to 6 recency, monetary',
    );
    expect(html).toContain('aria-label="Remove the segmentation UMAP + GMM"');
    expect(words).toContain('Start a run with these settings');
    // The draft's id, shown before it is added.
    expect(words).toContain('Id: features-kmeans');
    const most = readSettings({
      segmentations: [{ id: 'most', features: ['recency', 'frequency', 'tenure'] }],
    });
    expect(text(render(view({ form: most }), 'en'))).toContain('all but monetary');
    expect(text(render(view({ form: most }), 'es'))).toContain('todas menos monetary');
    expect(render(view({ form: readSettings({}) }), 'en')).toContain(
      'None: the run finds only the main segmentation.',
    );
  });

  it('the Add form for a PCA segmentation: its dimensions, the id from its name, the features', () => {
    const form = readSettings(runConfig);
    const html = render(
      createElement(AddSegmentationFields, {
        draft: pcaDraft(form),
        taken: ['componentes-principales'],
        features: FEATURES,
        onChange: () => {},
      }),
      'en',
    );
    const words = text(html);
    expect(html).toContain('value="Principal components (PCA)"');
    expect(html).toMatch(/<label[^>]*>Dimensions<\/label>/);
    expect(html).toContain('value="3"');
    expect(words).toContain('Id: componentes-principales-2');
    expect(html).toContain('value="Gaussian mixture"');
    expect(html).toMatch(/<label[^>]*>From k =<\/label>/);
    // The three features picked, as pills.
    for (const f of ['recency', 'frequency', 'tenure']) expect(words).toContain(f);
    expect(words).not.toContain('monetary');
    // No published run: no feature picker, a note instead.
    const unknown = text(
      render(
        createElement(AddSegmentationFields, {
          draft: pcaDraft(form),
          taken: [],
          features: null,
          onChange: () => {},
        }),
        'en',
      ),
    );
    expect(unknown).toContain('no published run yet');
  });

  it('shows the server’s 400 and the form’s own problems', async () => {
    const message = 'config: segmentations.0.kMax must be at least kMin';
    const alert = render(view({ problem: message }), 'en');
    expect(alert).toMatch(/role="alert"/);
    expect(text(alert)).toContain(message);
    expect(text(render(view({ draftProblem: { key: 'features' } }), 'en'))).toContain(
      'Pick at least one feature.',
    );
    expect(text(render(view({ problem: { key: 'halfFixed', values: { id: 'half' } } }), 'en'))).toContain(
      '“half” gives an algorithm without k',
    );
  });

  it('speaks Spanish and Portuguese', () => {
    const es = text(render(view(), 'es'));
    expect(es).toContain('Segmentación principal');
    expect(es).toContain('mezcla gaussiana, el mejor k entre 3 y 6');
    expect(es).toContain('Ejecutar con estos ajustes');
    const pt = text(render(view(), 'pt'));
    expect(pt).toContain('Outras segmentações');
    expect(pt).toContain('Adicionar uma segmentação');
    expect(pt).toContain('Executar com estes ajustes');
  });
});
