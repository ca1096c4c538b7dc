/**
 * The run settings form and the run config (packages/analytics/src/pipeline/runConfig.ts) it
 * edits: the main segmentation's model, the other segmentations (issue 10), and every other key
 * of the config kept as it was. Pure: no React, no fetch.
 */

export const ALGORITHMS = ['kmeans', 'minibatch-kmeans', 'gmm', 'ward', 'average', 'complete'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];
/** The algorithms the form offers (others read from a config are shown too). */
export const OFFERED_ALGORITHMS: readonly Algorithm[] = ['kmeans', 'gmm', 'ward'];
/** The run config's defaults for the main segmentation. */
export const DEFAULT_ALGORITHMS: readonly Algorithm[] = ['kmeans', 'gmm', 'ward'];
export const DEFAULT_K_MIN = 2;
export const DEFAULT_K_MAX = 8;
/** The config takes at most this many other segmentations. */
export const MAX_SEGMENTATIONS = 8;
export const SPACES = ['features', 'pca', 'umap'] as const;
export type Space = (typeof SPACES)[number];
/** Dimensions of a PCA or UMAP space when the form starts: the analysis's defaults. */
export const DEFAULT_COMPONENTS: Record<Exclude<Space, 'features'>, number> = { pca: 5, umap: 2 };
export const ID_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;

type Json = Record<string, unknown>;

/** How a segmentation's model is found, as the form shows it. */
export interface ModelForm {
  /** One algorithm, or the best of `among`. */
  algorithm: Algorithm | 'best';
  /** 'fixed': k segments; 'range': the best k within kMin..kMax. */
  kMode: 'fixed' | 'range';
  k: number;
  kMin: number;
  kMax: number;
  /** What "the best" chooses among (the config's list, else the defaults). */
  among: Algorithm[];
}

/** What a segmentation inherits from the main one when it leaves a key out. */
export interface Inherited {
  algorithms: Algorithm[];
  kMin: number;
  kMax: number;
}

export interface SettingsForm {
  /** The config as read: every key the form does not edit goes back as it was. */
  base: Json;
  main: ModelForm;
  /** The main model as first read: unchanged, the config's `segmentation` is sent as it was. */
  mainRead: ModelForm;
  /** The other segmentations, as the config has them (only removed or added here). */
  others: Json[];
}

/** The "Add a segmentation" form. */
export interface SegmentationDraft {
  name: string;
  space: Space;
  components: number;
  model: ModelForm;
  /** The features picked; null: all of them (the key is left out). */
  features: string[] | null;
}

/** What is wrong with a form, as an i18n key under runSettings.errors and its values. */
export interface FormProblem {
  key: 'k' | 'kMin' | 'kRange' | 'components' | 'features' | 'tooMany' | 'halfFixed';
  values?: Record<string, string | number>;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isAlgorithm = (v: unknown): v is Algorithm =>
  typeof v === 'string' && (ALGORITHMS as readonly string[]).includes(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** The main segmentation's part of a config, as the others inherit it. */
export function inheritedFrom(config: Json): Inherited {
  const seg = isObject(config['segmentation']) ? config['segmentation'] : {};
  const algorithms = Array.isArray(seg['algorithms']) ? seg['algorithms'].filter(isAlgorithm) : [];
  return {
    algorithms: algorithms.length > 0 ? algorithms : [...DEFAULT_ALGORITHMS],
    kMin: isInt(seg['kMin']) ? seg['kMin'] : DEFAULT_K_MIN,
    kMax: isInt(seg['kMax']) ? seg['kMax'] : DEFAULT_K_MAX,
  };
}

/**
 * A segmentation's model as the form shows it: algorithm and k both given fix it; otherwise one
 * algorithm listed is that algorithm, several are "the best"; kMin = kMax is a fixed k.
 * Only one of algorithm and k does not fix anything (the analysis needs both or neither).
 */
export function readModel(spec: Json, inherited: Inherited): ModelForm {
  const listed = Array.isArray(spec['algorithms']) ? spec['algorithms'].filter(isAlgorithm) : [];
  const algorithms = listed.length > 0 ? listed : inherited.algorithms;
  const kMin = isInt(spec['kMin']) ? spec['kMin'] : inherited.kMin;
  const kMax = isInt(spec['kMax']) ? spec['kMax'] : inherited.kMax;
  const among = algorithms.length > 1 ? [...algorithms] : [...DEFAULT_ALGORITHMS];
  if (isAlgorithm(spec['algorithm']) && isInt(spec['k'])) {
    return { algorithm: spec['algorithm'], kMode: 'fixed', k: spec['k'], kMin, kMax, among };
  }
  return {
    algorithm: algorithms.length === 1 ? algorithms[0]! : 'best',
    kMode: kMin === kMax ? 'fixed' : 'range',
    k: kMin,
    kMin,
    kMax,
    among,
  };
}

/**
 * `target` with the model written into it: algorithm and k both or neither; a range (or "the
 * best" at one k) as algorithms + kMin + kMax. Its other keys (selectionRows, scale...) stay.
 */
export function writeModel(model: ModelForm, target: Json): Json {
  const out: Json = { ...target };
  delete out['algorithm'];
  delete out['k'];
  if (model.algorithm !== 'best' && model.kMode === 'fixed') {
    out['algorithm'] = model.algorithm;
    out['k'] = model.k;
    return out;
  }
  out['algorithms'] = model.algorithm === 'best' ? [...model.among] : [model.algorithm];
  if (model.kMode === 'fixed') {
    out['kMin'] = model.k;
    out['kMax'] = model.k;
  } else {
    out['kMin'] = model.kMin;
    out['kMax'] = model.kMax;
  }
  return out;
}

/** What is wrong with a model's numbers, or null. */
export function checkModel(model: ModelForm): FormProblem | null {
  if (model.kMode === 'fixed') {
    return isInt(model.k) && model.k >= 2 ? null : { key: 'k' };
  }
  if (!isInt(model.kMin) || model.kMin < 2 || !isInt(model.kMax)) return { key: 'kMin' };
  if (model.kMax < model.kMin) return { key: 'kRange' };
  return null;
}

/** The form for a config (a run's `config` as the API gives it; {} or nothing: the defaults). */
export function readSettings(config: unknown): SettingsForm {
  const base: Json = isObject(config) ? structuredClone(config) : {};
  const seg = isObject(base['segmentation']) ? base['segmentation'] : {};
  const main = readModel(seg, {
    algorithms: [...DEFAULT_ALGORITHMS],
    kMin: DEFAULT_K_MIN,
    kMax: DEFAULT_K_MAX,
  });
  const others = Array.isArray(base['segmentations']) ? base['segmentations'].filter(isObject) : [];
  return { base, main, mainRead: structuredClone(main), others };
}

const sameModel = (a: ModelForm, b: ModelForm) => JSON.stringify(a) === JSON.stringify(b);

/** The config to send: the one read with the main model and the other segmentations replaced. */
export function writeSettings(form: SettingsForm): Json {
  const out: Json = structuredClone(form.base);
  if (!sameModel(form.main, form.mainRead)) {
    out['segmentation'] = writeModel(
      form.main,
      isObject(form.base['segmentation']) ? form.base['segmentation'] : {},
    );
  }
  if (form.others.length > 0 || 'segmentations' in form.base) {
    out['segmentations'] = structuredClone(form.others);
  }
  return out;
}

/** What stops the form from being sent as it is, or null. */
export function checkSettings(form: SettingsForm): FormProblem | null {
  const main = checkModel(form.main);
  if (main) return main;
  for (const spec of form.others) {
    if ((spec['algorithm'] === undefined) !== (spec['k'] === undefined)) {
      return { key: 'halfFixed', values: { id: String(spec['id']) } };
    }
  }
  return null;
}

/**
 * An id for a name: lower case, accents dropped, anything else a hyphen, starting with a letter,
 * at most 40 characters, never "main" nor one of `taken` (then -2, -3...).
 */
export function slugId(name: string, taken: readonly string[]): string {
  let slug = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug !== '' && !/^[a-z]/.test(slug)) slug = `s-${slug}`;
  if (slug === '') slug = 'segmentation';
  slug = slug.slice(0, 40).replace(/-+$/, '');
  const used = new Set([...taken, 'main']);
  if (!used.has(slug)) return slug;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${slug.slice(0, 40 - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!used.has(candidate)) return candidate;
  }
}

/** The ids the config already uses. */
export function takenIds(form: SettingsForm): string[] {
  return form.others.map((s) => String(s['id']));
}

/** The id a draft gets: from its name, or from its space and algorithm when it has none. */
export function draftId(draft: SegmentationDraft, taken: readonly string[]): string {
  const name = draft.name.trim();
  return slugId(name === '' ? `${draft.space}-${draft.model.algorithm}` : name, taken);
}

/** A new draft: features space, the main segmentation's model, every feature. */
export function emptyDraft(form: SettingsForm): SegmentationDraft {
  return { name: '', space: 'features', components: 5, model: { ...form.main }, features: null };
}

/** The config's entry for a draft, or what is wrong with it. */
export function draftSpec(
  draft: SegmentationDraft,
  taken: readonly string[],
  allFeatures: readonly string[],
): { spec: Json } | { problem: FormProblem } {
  const model = checkModel(draft.model);
  if (model) return { problem: model };
  if (
    draft.space !== 'features' &&
    !(isInt(draft.components) && draft.components >= 2 && draft.components <= 20)
  ) {
    return { problem: { key: 'components' } };
  }
  if (draft.features !== null && draft.features.length === 0) return { problem: { key: 'features' } };
  const spec: Json = { id: draftId(draft, taken) };
  const name = draft.name.trim();
  if (name !== '') spec['name'] = name;
  spec['space'] = draft.space;
  if (draft.space !== 'features') spec['components'] = draft.components;
  // Every feature picked is the default (all of them): the key is left out.
  const all = draft.features === null || allFeatures.every((f) => draft.features!.includes(f));
  if (!all) spec['features'] = allFeatures.filter((f) => draft.features!.includes(f));
  return { spec: writeModel(draft.model, spec) };
}

/** The form with the draft added at the end, or what is wrong with the draft. */
export function addSegmentation(
  form: SettingsForm,
  draft: SegmentationDraft,
  allFeatures: readonly string[],
): { form: SettingsForm } | { problem: FormProblem } {
  if (form.others.length >= MAX_SEGMENTATIONS) {
    return { problem: { key: 'tooMany', values: { max: MAX_SEGMENTATIONS } } };
  }
  const made = draftSpec(draft, takenIds(form), allFeatures);
  if ('problem' in made) return made;
  return { form: { ...form, others: [...form.others, made.spec] } };
}

export function removeSegmentation(form: SettingsForm, id: string): SettingsForm {
  return { ...form, others: form.others.filter((s) => s['id'] !== id) };
}

/** One other segmentation as the list shows it. */
export interface SegmentationSummary {
  id: string;
  name: string | null;
  space: Space;
  components: number | null;
  features: string[] | null;
  model: ModelForm;
  /** Only one of algorithm and k given: the run would refuse it. */
  halfFixed: boolean;
}

/** The other segmentations with what they inherit from the main one as the form now has it. */
export function summaries(form: SettingsForm): SegmentationSummary[] {
  const inherited = inheritedFrom(writeSettings(form));
  return form.others.map((spec) => {
    const space = (SPACES as readonly unknown[]).includes(spec['space'])
      ? (spec['space'] as Space)
      : 'features';
    return {
      id: String(spec['id']),
      name: typeof spec['name'] === 'string' ? spec['name'] : null,
      space,
      components:
        space === 'features'
          ? null
          : isInt(spec['components'])
            ? spec['components']
            : DEFAULT_COMPONENTS[space],
      features: Array.isArray(spec['features']) ? spec['features'].map(String) : null,
      model: readModel(spec, inherited),
      halfFixed: (spec['algorithm'] === undefined) !== (spec['k'] === undefined),
    };
  });
}

/**
 * A segmentation's features in few words: all of them, all but a few left out (fewer left out
 * than kept, every name known), or the ones it names.
 */
export function featureChoice(
  features: readonly string[] | null,
  all: readonly string[] | null,
): { kind: 'all' } | { kind: 'allBut'; left: string[] } | { kind: 'only'; features: string[] } {
  if (features === null) return { kind: 'all' };
  if (all && features.every((f) => all.includes(f))) {
    const left = all.filter((f) => !features.includes(f));
    if (left.length === 0) return { kind: 'all' };
    if (left.length < features.length) return { kind: 'allBut', left };
  }
  return { kind: 'only', features: [...features] };
}
