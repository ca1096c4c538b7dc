import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adjustedRandIndex, matrix } from '@clientele/ml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRunSql } from '../src/ask/openRunSql.ts';
import { writeTelcoSnapshotCsv } from '../src/demo/telcoSnapshot.ts';
import { alternativeName, findAlternative } from '../src/pipeline/alternativeSegmentation.ts';
import { type AnalyzeResult, analyze } from '../src/pipeline/analyzeRun.ts';
import { crossSegmentations, listSegmentations } from '../src/pipeline/compareSegmentations.ts';
import { defaultRunConfig, parseRunConfig } from '../src/pipeline/runConfig.ts';
import { prepareFeatures } from '../src/pipeline/segmentStep.ts';
import { renderRunReport } from '../src/report/renderRunReport.ts';

/** scikit-learn: sign-log, StandardScaler, PCA(3), KMeans(4) (gen_alternative_segmentation.py). */
const ref = JSON.parse(
  readFileSync(new URL('./fixtures/alternative_segmentation.json', import.meta.url), 'utf8'),
) as {
  features: string[];
  use: string[];
  x: number[][];
  truth: number[];
  kmeans_labels: number[];
  kmeans_silhouette: number;
  silhouette_on_features: number;
  gmm_labels: number[];
};

const x = matrix(ref.x.length, ref.features.length, Float64Array.from(ref.x.flat()));
const main = (): { scaled: ReturnType<typeof prepareFeatures>['scaled'] } => ({
  scaled: prepareFeatures(x, defaultRunConfig().segmentation).scaled,
});

describe('findAlternative against scikit-learn', () => {
  it('k-means on the first 3 principal components of a feature subset: the same partition and silhouettes', () => {
    const alt = findAlternative(
      x,
      ref.features,
      { id: 'pca-kmeans', space: 'pca', components: 3, features: ref.use, algorithm: 'kmeans', k: 4 },
      defaultRunConfig().segmentation,
      0,
      main(),
    );
    expect(alt.features).toEqual(ref.use);
    expect(alt.components).toBe(3);
    expect(alt.k).toBe(4);
    expect(adjustedRandIndex(alt.labels, ref.kmeans_labels)).toBe(1);
    // The same partition: its silhouette in the PCA space and on all the scaled features match.
    expect(alt.silhouette!).toBeCloseTo(ref.kmeans_silhouette, 9);
    expect(alt.silhouetteOnFeatures!).toBeCloseTo(ref.silhouette_on_features, 9);
    expect(alt.chosenBy).toBe('config');
  });

  it('chooses k on the principal components by the silhouette, as the main segmentation does', () => {
    const alt = findAlternative(
      x,
      ref.features,
      { id: 'pca-gmm', space: 'pca', components: 3, features: ref.use, algorithms: ['gmm'] },
      defaultRunConfig().segmentation,
      0,
      main(),
    );
    expect(alt.chosenBy).toBe('silhouette');
    expect(alt.selection.every((r) => r.algorithm === 'gmm')).toBe(true);
    expect(alt.k).toBe(4);
    expect(adjustedRandIndex(alt.labels, ref.gmm_labels)).toBeGreaterThan(0.99);
  });

  it('UMAP: every customer gets a segment, ids without gaps; both silhouettes are silhouettes', () => {
    const alt = findAlternative(
      x,
      ref.features,
      { id: 'umap', space: 'umap', algorithms: ['kmeans'], kMax: 6 },
      defaultRunConfig().segmentation,
      0,
      main(),
    );
    expect(alt.labels.length).toBe(x.rows);
    expect(new Set(alt.labels)).toEqual(new Set(Array.from({ length: alt.k }, (_, s) => s)));
    expect(alt.silhouette!).toBeGreaterThan(-1);
    expect(alt.silhouette!).toBeLessThanOrEqual(1);
    // The planted groups are well apart: UMAP's segments recover them, maybe split.
    expect(adjustedRandIndex(alt.labels, ref.truth)).toBeGreaterThan(0.6);
  });

  it('refuses a feature the data does not have, naming it and the features there are', () => {
    expect(() =>
      findAlternative(
        x,
        ref.features,
        { id: 'bad', space: 'features', features: ['f0', 'tenure'] },
        defaultRunConfig().segmentation,
        0,
        main(),
      ),
    ).toThrow(/segmentations "bad": no feature "tenure"; the features are f0, f1/);
  });
});

describe('a segmentation without a name', () => {
  it('is named for its model and space in the report language; a given name is kept', () => {
    const spec = { id: 'x', space: 'pca' as const, algorithm: 'gmm' as const, k: 3 };
    expect(alternativeName(spec)).toBe('gmm on principal components');
    expect(alternativeName(spec, 'es')).toBe('gmm sobre componentes principales');
    expect(alternativeName({ id: 'y', space: 'umap' }, 'pt')).toBe('melhor modelo sobre um embedding UMAP');
    expect(alternativeName({ id: 'z', space: 'features', features: ['a', 'b'], algorithms: ['ward'] })).toBe(
      'ward on the features (a, b)',
    );
    expect(alternativeName({ ...spec, name: 'Ours' }, 'es')).toBe('Ours');
  });
});

describe('the run config: segmentations', () => {
  it('refuses "main", a repeated id and a malformed one, naming the key', () => {
    expect(() => parseRunConfig({ segmentations: [{ id: 'main' }] }, 'run.json')).toThrow(
      /run\.json: segmentations\.0\.id: "main" is the main segmentation's id/,
    );
    expect(() => parseRunConfig({ segmentations: [{ id: 'a' }, { id: 'a' }] }, 'run.json')).toThrow(
      /segmentations\.1\.id: "a" is used twice/,
    );
    expect(() => parseRunConfig({ segmentations: [{ id: 'Has Space' }] }, 'run.json')).toThrow(
      /segmentations\.0\.id: use lower-case letters/,
    );
    expect(() => parseRunConfig({ segmentations: [{ id: 'a', spce: 'pca' }] }, 'run.json')).toThrow(
      /segmentations\.0/,
    );
  });
});

describe('analyze with several segmentations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clientele-alt-'));
  const input = join(dir, 'telco.csv');
  const config = parseRunConfig(
    {
      segmentation: { algorithm: 'kmeans', k: 4, selectionRows: 1_000, silhouetteRows: 500 },
      views: { methods: ['pca'], sample: 300 },
      churn: { trees: 20, reasonsFor: 100 },
      segmentations: [
        { id: 'pca-gmm', name: 'Mixture on PCA', space: 'pca', components: 3, algorithm: 'gmm', k: 3 },
        { id: 'feat-ward', space: 'features', algorithms: ['ward'], kMax: 5 },
      ],
    },
    'test',
  );
  let first: AnalyzeResult;
  let second: AnalyzeResult;
  beforeAll(async () => {
    await writeTelcoSnapshotCsv(input, { rows: 2_000, seed: 3 });
    first = await analyze({ input, out: join(dir, 'run1'), config });
    second = await analyze({ input, out: join(dir, 'run2'), config, previous: join(dir, 'run1') });
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports each beside the main one, with profiles, names, churn per segment and the same view points', () => {
    const r = first.report;
    expect(r.alternatives.map((a) => a.id)).toEqual(['pca-gmm', 'feat-ward']);
    const [pca, ward] = r.alternatives;
    expect(pca!.name).toBe('Mixture on PCA');
    expect(pca!.k).toBe(3);
    expect(ward!.name).toBe('ward on the features');
    for (const a of r.alternatives) {
      expect(a.segments.reduce((n, s) => n + s.size, 0)).toBe(r.input.rows);
      expect(a.segments.every((s) => s.name.length > 0 && s.drivers.length > 0)).toBe(true);
      expect(a.churnBySegment!.reduce((n, b) => n + b.customers, 0)).toBe(r.input.rows);
      expect(a.views[0]!.x).toEqual(r.segmentation.views[0]!.x);
      expect(a.views[0]!.segment.length).toBe(r.segmentation.views[0]!.segment.length);
    }
  });

  it('writes each customer segment per segmentation, agreeing with the report sizes', () => {
    const lines = readFileSync(first.files.segmentations_csv!, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('customer_id,pca-gmm,feat-ward');
    expect(lines.length - 1).toBe(first.report.input.rows);
    const sizes = new Map<string, number>();
    for (const line of lines.slice(1)) {
      const key = line.split(',')[1]!;
      sizes.set(key, (sizes.get(key) ?? 0) + 1);
    }
    for (const s of first.report.alternatives[0]!.segments) expect(sizes.get(String(s.id))).toBe(s.size);
    expect(existsSync(join(first.out, 'segmentations.parquet'))).toBe(true);
  });

  it('report.html compares them in a table, with both silhouettes; a run without others has no such table', () => {
    const html = renderRunReport(first.report);
    const block = html.slice(html.indexOf('id="other-segmentations"'));
    expect(block).toContain('Other segmentations');
    expect(block).toContain('pca-gmm: Mixture on PCA');
    expect(block).toContain('pca (3)');
    expect(block).toContain(first.report.alternatives[1]!.silhouetteOnFeatures!.toFixed(3));
    expect(renderRunReport({ ...first.report, alternatives: [] })).not.toContain('id="other-segmentations"');
  });

  it('a run folder lists its segmentations and crosses any two, counted from its files', async () => {
    const list = listSegmentations(first.out);
    expect(list.map((l) => l.id)).toEqual(['main', 'pca-gmm', 'feat-ward']);
    expect(list[1]!.segments.map((g) => g.size)).toEqual(
      first.report.alternatives[0]!.segments.map((g) => g.size),
    );
    const main = new Map(
      readFileSync(join(first.out, 'assignments.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => [l.split(',')[0]!, Number(l.split(',')[1])]),
    );
    const ward = new Map(
      readFileSync(join(first.out, 'segmentations.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => [l.split(',')[0]!, Number(l.split(',')[2])]),
    );
    const ids = [...main.keys()];
    const cross = await crossSegmentations(first.out, 'main', 'feat-ward');
    const expected = new Map<string, number>();
    for (const id of ids)
      expected.set(
        `${main.get(id)}>${ward.get(id)}`,
        (expected.get(`${main.get(id)}>${ward.get(id)}`) ?? 0) + 1,
      );
    expect(new Map(cross.cells.map((c) => [`${c.from}>${c.to}`, c.customers]))).toEqual(expected);
    expect(cross.ari).toBeCloseTo(
      adjustedRandIndex(
        ids.map((id) => main.get(id)!),
        ids.map((id) => ward.get(id)!),
      ),
      12,
    );
    expect((await crossSegmentations(first.out, 'pca-gmm', 'pca-gmm')).ari).toBeCloseTo(1, 12);
    await expect(crossSegmentations(first.out, 'main', 'nope')).rejects.toThrow(
      /no segmentation "nope"; it has "main", "pca-gmm", "feat-ward"/,
    );
  });

  it('SQL over the run reads each customer segment per segmentation, described for the model', async () => {
    const sql = await openRunSql(first.out);
    try {
      const table = sql.tables.find((t) => t.name === 'segmentations')!;
      expect(table.rows).toBe(first.report.input.rows);
      expect(table.columns.find((c) => c.name === 'pca-gmm')!.description).toMatch(
        /other segmentation "pca-gmm"/,
      );
      const r = await sql.query(
        'SELECT s."pca-gmm" AS segment, count(*) AS n FROM segmentations s JOIN assignments a USING (customer_id) GROUP BY 1 ORDER BY 1',
      );
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(r.rows.map((row) => Number(row[1]))).toEqual(
          first.report.alternatives[0]!.segments.map((g) => g.size),
        );
      }
    } finally {
      sql.close();
    }
  });

  it("a second run with --previous keeps every segmentation's ids and names", () => {
    for (const [q, a] of second.report.alternatives.entries()) {
      const before = first.report.alternatives[q]!;
      expect(a.matchedToPrevious).not.toBeNull();
      // Same data and seed: the same segments, under the same ids and names.
      expect(a.segments.map((s) => [s.id, s.name, s.size])).toEqual(
        before.segments.map((s) => [s.id, s.name, s.size]),
      );
    }
  });

  it('a renamed segment keeps the name it had in the previous run', async () => {
    const seg = JSON.parse(readFileSync(join(first.out, 'segmentations.json'), 'utf8'));
    seg[0].segments[1].name = 'Our own name';
    writeFileSync(join(first.out, 'segmentations.json'), JSON.stringify(seg));
    const third = await analyze({ input, out: join(dir, 'run3'), config, previous: first.out });
    expect(third.report.alternatives[0]!.segments.find((s) => s.id === 1)!.name).toBe('Our own name');
  }, 120_000);
});
