/** The parts of a published run's report (GET /api/datasets/:id/results, `results.report`) the pages read. */

export interface ReportSegment {
  id: number;
  name: string;
  size: number;
  share: number;
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
}

export interface Report {
  kind: 'snapshot' | 'transactions';
  segmentation: {
    k: number;
    algorithm: string;
    chosenBy: string;
    silhouette: number | null;
    segments: ReportSegment[];
    views: { method: string; x: number[]; y: number[]; segment: number[] }[];
    selection: { k: number; algorithm: string; silhouette: number | null; bic: number | null }[];
    elbowCurve: { k: number; inertia: number }[];
  };
  /** The run's other segmentations (same shape as `segmentation`); absent in runs made before them. */
  alternatives?: (Report['segmentation'] & {
    id: string;
    name: string;
    churnBySegment: NonNullable<Report['churn']>['bySegment'] | null;
  })[];
  churn: {
    auc: number;
    accuracy: number;
    tiers: Record<string, number>;
    bySegment: {
      segment: number;
      customers: number;
      meanProbability: number;
      tiers: Record<string, number>;
    }[];
    byGroup: {
      column?: string;
      rows: { value: string; customers: number; highOrCritical: number; meanProbability: number }[];
    }[];
    importance: { feature: string; importance: number }[];
  } | null;
  value: {
    revenue: number;
    customers: number;
    actions: string[];
    evidence: { id: string; holds: boolean; figure: string; verdict: string; statement: string }[];
    insiders: {
      rule: string;
      count: number;
      segment: number;
      customerShare: number;
      revenueShare: number;
      itemsShare: number;
      conditions: string[];
      clv: { everyone: number; insiders: number; horizonMonths: number };
      forecast: { month: string; mean: number; lower: number; upper: number }[];
      forecastModel: string;
      profile: { feature: string; everyone: number; insiders: number }[];
    } | null;
  } | null;
}

export interface Results {
  runId: string;
  version: number;
  results: { report?: Report };
}
