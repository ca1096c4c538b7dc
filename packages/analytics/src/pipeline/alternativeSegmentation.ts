import { type Matrix, matrix, PCA, UMAP } from '@clientele/ml';
import { InputError } from '../errors.ts';
import { sampleRows } from '../segmentation/sampleRows.ts';
import type { RunConfig } from './runConfig.ts';
import {
  centroidsOf,
  chooseAndFit,
  nearestCentroid,
  prepareFeatures,
  type Segmentation,
  sampleSilhouette,
} from './segmentStep.ts';

export type AlternativeSpec = RunConfig['segmentations'][number];

export interface AlternativeSegmentation
  extends Omit<Segmentation, 'scaled' | 'transform' | 'scale' | 'centroids'> {
  id: string;
  name: string;
  space: AlternativeSpec['space'];
  /** Dimensions of the PCA or UMAP space; null on the features. */
  components: number | null;
  /** The features it was found on (a subset of the main segmentation's, constant ones left out). */
  features: string[];
  /** k x p means per segment in the scaled `features` (to match segments across runs). */
  centroids: Matrix;
  /** The silhouette on the main segmentation's scaled features and sample: comparable across segmentations. */
  silhouetteOnFeatures: number | null;
}

/** How a name without one reads, per report language: "<model> on <space>". */
const NAME_WORDS: Record<
  'en' | 'es' | 'pt',
  { on: string; best: string; space: Record<AlternativeSpec['space'], string> }
> = {
  en: {
    on: 'on',
    best: 'best model',
    space: { features: 'the features', pca: 'principal components', umap: 'a UMAP embedding' },
  },
  es: {
    on: 'sobre',
    best: 'mejor modelo',
    space: { features: 'las variables', pca: 'componentes principales', umap: 'un embedding UMAP' },
  },
  pt: {
    on: 'sobre',
    best: 'melhor modelo',
    space: { features: 'as variáveis', pca: 'componentes principais', umap: 'um embedding UMAP' },
  },
};

/** What a reader calls a segmentation that has no name of its own: "gmm on principal components". */
export function alternativeName(spec: AlternativeSpec, lang: 'en' | 'es' | 'pt' = 'en'): string {
  if (spec.name) return spec.name;
  const w = NAME_WORDS[lang];
  const how = spec.algorithm ?? (spec.algorithms?.length === 1 ? spec.algorithms[0] : w.best);
  return `${how} ${w.on} ${w.space[spec.space]}${spec.features ? ` (${spec.features.join(', ')})` : ''}`;
}

/**
 * One segmentation beside the main one: the features it names (all by default), transformed and
 * scaled like the main one, then
 * - `features`: segments found on those scaled features, as the main segmentation is;
 * - `pca`: on their first principal components (fitted on every customer);
 * - `umap`: on a UMAP embedding of the seeded selection sample (UMAP places only the points it
 *   was fitted on), then every customer assigned to the nearest segment mean in the scaled
 *   features, the sample's rows too, so that one rule assigns everyone.
 * `main.scaled` is the main segmentation's scaled features, for the comparable silhouette (on the
 * same seeded sample as the main one's).
 */
export function findAlternative(
  x: Matrix,
  features: string[],
  spec: AlternativeSpec,
  mainConfig: RunConfig['segmentation'],
  seed: number,
  main: { scaled: Matrix },
  lang: 'en' | 'es' | 'pt' = 'en',
): AlternativeSegmentation {
  const config: RunConfig['segmentation'] = {
    ...mainConfig,
    // A fixed model's table is that algorithm's curve over k; the others would only cost time.
    ...((spec.algorithms ?? (spec.algorithm && [spec.algorithm])) && {
      algorithms: spec.algorithms ?? [spec.algorithm!],
    }),
    ...(spec.kMin !== undefined && { kMin: spec.kMin }),
    ...(spec.kMax !== undefined && { kMax: spec.kMax }),
    ...(spec.choose && { choose: spec.choose }),
    algorithm: spec.algorithm,
    k: spec.k,
  };
  if ((spec.algorithm === undefined) !== (spec.k === undefined)) {
    throw new InputError(
      'BAD_OPTION',
      `segmentations "${spec.id}": give both algorithm and k to fix the model, or neither to choose it`,
    );
  }
  const wanted = spec.features ?? features;
  const unknown = wanted.filter((f) => !features.includes(f));
  if (unknown.length > 0) {
    throw new InputError(
      'UNKNOWN_COLUMN',
      `segmentations "${spec.id}": no feature ${unknown.map((f) => `"${f}"`).join(', ')}; the features are ${features.join(', ')}`,
    );
  }
  const picked = wanted.map((f) => features.indexOf(f));
  const subset = matrix(
    x.rows,
    picked.length,
    Float64Array.from({ length: x.rows * picked.length }, (_, q) => {
      const i = Math.floor(q / picked.length);
      return x.data[i * x.cols + picked[q % picked.length]!]!;
    }),
  );
  const prepared = prepareFeatures(subset, mainConfig);
  if (prepared.columns.length === 0) {
    throw new InputError(
      'BAD_OPTION',
      `segmentations "${spec.id}": every feature it names has one value for all customers; name features that vary`,
    );
  }
  const scaled = prepared.scaled;
  const usedFeatures = prepared.columns.map((j) => wanted[j]!);
  let labels: Int32Array;
  let fit: ReturnType<typeof chooseAndFit>;
  let silhouette: number | null;
  let components: number | null = null;
  if (spec.space === 'umap') {
    components = spec.components ?? 2;
    const sample = sampleRows(scaled, mainConfig.selectionRows, seed);
    const embedding = new UMAP({ seed, nComponents: components }).fit(sample.x).embedding;
    fit = chooseAndFit(embedding, config, seed);
    const sampleLabels = fit.labels;
    const compact = compactLabels(nearestCentroid(scaled, centroidsOf(sample.x, sampleLabels, fit.k)));
    labels = compact.labels;
    fit = { ...fit, k: compact.k };
    // The silhouette in the embedding, of the labels every customer ends with.
    const all = Int32Array.from({ length: sample.rows.length }, (_, q) => q);
    silhouette = sampleSilhouette(
      embedding,
      all,
      Int32Array.from(sample.rows, (i) => labels[i]!),
    );
  } else {
    let space = scaled;
    if (spec.space === 'pca') {
      components = Math.min(spec.components ?? 5, scaled.cols);
      space = new PCA({ nComponents: components }).fit(scaled).transform(scaled);
    }
    fit = chooseAndFit(space, config, seed);
    labels = fit.labels;
    silhouette = fit.silhouette;
  }
  const mainSample = sampleRows(main.scaled, mainConfig.selectionRows, seed);
  return {
    id: spec.id,
    name: alternativeName(spec, lang),
    space: spec.space,
    components,
    features: usedFeatures,
    selection: fit.selection,
    selectionRows: fit.selectionRows,
    algorithm: fit.algorithm,
    k: fit.k,
    labels,
    centroids: centroidsOf(scaled, labels, fit.k),
    silhouette,
    silhouetteOnFeatures: sampleSilhouette(mainSample.x, mainSample.rows, labels),
    chosenBy: fit.chosenBy,
    elbowCurve: fit.elbowCurve,
  };
}

/** Renumbers labels 0..k-1 in order of id, so a segment no customer ended in leaves no gap. */
function compactLabels(labels: Int32Array): { labels: Int32Array; k: number } {
  const used = [...new Set(labels)].sort((a, b) => a - b);
  if (used.at(-1) === used.length - 1) return { labels, k: used.length };
  const to = new Map(used.map((s, q) => [s, q]));
  return { labels: Int32Array.from(labels, (s) => to.get(s)!), k: used.length };
}
