/**
 * What one `clientele analyze` run found, as plain JSON: written to `run.json` in the run folder
 * and rendered into `report.html`. Every number the report shows is here; the report computes
 * nothing. Money is in the currency of the input; shares are fractions (0.25 = 25%).
 */
export interface RunReport {
  version: 1;
  kind: 'snapshot' | 'transactions';
  input: { path: string; rows: number; columns: number; sha256: string };
  createdAt: string;
  seed: number;
  lang: 'en' | 'es' | 'pt';
  /** Data quality: the profile's headline and its warnings (see DatasetProfile). */
  quality: {
    rows: number;
    columns: number;
    duplicateRows: number;
    missingCells: number;
    warnings: { column: string | null; kind: string; message: string }[];
    /** Steps of the cleaning plan applied, rows in and out. */
    cleaning: { step: string; rowsBefore: number; rowsAfter: number }[];
  };
  segmentation: SegmentationReport;
  /**
   * The other segmentations the config asked for (`segmentations`), beside the main one; empty
   * when none. Reports written before there were any lack the key: read it as empty.
   */
  alternatives: AlternativeSegmentationReport[];
  churn: ChurnReport | null;
  value: ValueReport | null;
  /** Seconds per step. */
  timings: Record<string, number>;
}

export interface SegmentationReport {
  /** The features the segments were found on (after scaling `scale`). */
  features: string[];
  scale: string;
  /** The model-selection table, on a sample of `selectionRows`. */
  selection: { algorithm: string; k: number; silhouette: number | null; bic: number | null }[];
  selectionRows: number;
  algorithm: string;
  k: number;
  silhouette: number | null;
  /** How the algorithm and k were chosen: the elbow of k-means inertia, the best silhouette, or the config. */
  chosenBy: 'elbow' | 'silhouette' | 'config';
  /** The k-means inertia per k = 1..kMax on the selection sample: the elbow chart. */
  elbowCurve: { k: number; inertia: number }[];
  segments: SegmentReport[];
  /** A 2-D view of a sample: x, y and the segment of each point, per method. */
  views: { method: string; x: number[]; y: number[]; segment: number[] }[];
  /** With --previous: how this run's segments map to the previous run's (by centroids). */
  matchedToPrevious: { segment: number; previous: number; distance: number }[] | null;
}

/** A segmentation beside the main one: other algorithms, features or space (config `segmentations`). */
export interface AlternativeSegmentationReport extends SegmentationReport {
  id: string;
  name: string;
  /** Where the segments were found: the scaled features, their principal components, or a UMAP embedding. */
  space: 'features' | 'pca' | 'umap';
  /** Dimensions of the PCA or UMAP space; null on the features. */
  components: number | null;
  /** `silhouette` is in the segmentation's own space; this one is on the main segmentation's scaled features and sample, so it compares across segmentations. */
  silhouetteOnFeatures: number | null;
  /** As ChurnReport.bySegment, for this segmentation's segments; null without a churn label. */
  churnBySegment: ChurnReport['bySegment'] | null;
}

export interface SegmentReport {
  id: number;
  /** Suggested, editable: e.g. "High spenders, frequent". */
  name: string;
  description: string;
  size: number;
  share: number;
  /** Share of all revenue (transactions; or of a value column when there is one), else null. */
  revenueShare: number | null;
  /** Per feature: mean, std, min, q1, median, q3, max, and the z-score of the mean against all customers. */
  stats: {
    feature: string;
    mean: number;
    std: number;
    min: number;
    q1: number;
    median: number;
    q3: number;
    max: number;
    z: number;
  }[];
  /** What sets it apart: features by mean |SHAP| of a multiclass GBDT on the segment labels. */
  drivers: { feature: string; importance: number; direction: 'higher' | 'lower' }[];
}

export interface ChurnReport {
  target: string;
  positive: string;
  model: string;
  auc: number;
  accuracy: number;
  logloss: number;
  brier: number;
  /** Customers per risk tier (Low, Moderate, High, Critical). */
  tiers: Record<string, number>;
  /** Mean churn probability and customers per tier, per segment and per store / region when the data have one. */
  bySegment: { segment: number; customers: number; meanProbability: number; tiers: Record<string, number> }[];
  byGroup: {
    column: string;
    rows: { value: string; customers: number; meanProbability: number; highOrCritical: number }[];
  }[];
  /** Global importance: mean |SHAP| on the probability scale. */
  importance: { feature: string; importance: number }[];
}

export interface ValueReport {
  customers: number;
  revenue: number;
  insiders: {
    /** How they were chosen, in words: the segment with the highest revenue per customer, or a rule. */
    rule: string;
    segment: number | null;
    count: number;
    customerShare: number;
    revenueShare: number;
    itemsShare: number;
    /** What characterises them: feature, their mean, everyone's mean. */
    profile: { feature: string; insiders: number; everyone: number }[];
    /** Conditions to enter and to stay, from their feature ranges, in words. */
    conditions: string[];
    /** Expected revenue of the Insiders for the coming months, with an interval. */
    forecast: { month: string; mean: number; lower: number; upper: number }[];
    forecastModel: string;
    /** Expected total CLV of the Insiders over the horizon, and of everyone. */
    clv: { horizonMonths: number; insiders: number; everyone: number };
  };
  /** The seed's hypotheses and Insiders-vs-rest tests, each with its figure and verdict. */
  evidence: { id: string; statement: string; figure: string; holds: boolean; verdict: string }[];
  /** With --previous: who entered and who left the Insiders, and which feature moved them most. */
  changes: null | {
    entered: number;
    left: number;
    stayed: number;
    examples: {
      customer: string;
      change: 'entered' | 'left';
      feature: string;
      before: number;
      after: number;
    }[];
  };
  /** Suggested actions, in words. */
  actions: string[];
  bgnbd: { r: number; alpha: number; a: number; b: number } | null;
}
