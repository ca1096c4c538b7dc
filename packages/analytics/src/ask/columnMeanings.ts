/**
 * What each table of a run folder holds and what its fixed columns mean, in words the model and
 * the person both read. Feature columns (the input's own) are described from the run's profile
 * where they are not listed here.
 */
export const TABLE_MEANINGS: Record<string, string> = {
  assignments:
    'One row per customer: the segment the analysis put them in and the features it used (values as in the data, before scaling).',
  scores:
    'One row per customer of a snapshot with a churn label: churn probability, risk tier and the top reasons (SHAP) behind it.',
  value:
    'One row per customer of a transaction log: revenue, RFM scores, expected lifetime value (CLV), probability of still being active, whether an Insider.',
  insiders:
    'The Insiders only (the most valuable customers of a transaction log), one row each, with their segment, revenue and CLV.',
  segments: 'One row per segment: its suggested name and description, size and share of customers.',
  segment_features:
    "One row per segment and feature: the feature's statistics inside the segment, its z-score against all customers, and how much it sets the segment apart (driver importance).",
  selection:
    'The model-selection table: one row per algorithm and number of segments k tried, with its quality scores.',
  segmentations:
    "One row per customer, when the run found other segmentations beside the main one: the customer's segment in each, one column per segmentation (the main one is assignments.segment; segments names the main one's segments only).",
};

const COMMON: Record<string, string> = {
  customer_id: 'the customer id from the data (text)',
  segment: 'segment number, 0-based; join to segments.segment for its name',
  segment_name: "the segment's suggested name (also in segments.name)",
};

export const COLUMN_MEANINGS: Record<string, Record<string, string>> = {
  assignments: { ...COMMON },
  segmentations: { customer_id: COMMON['customer_id']! },
  scores: {
    ...COMMON,
    churn_probability: "the churn model's probability that the customer leaves (0..1)",
    retention_probability: '1 - churn_probability',
    risk_tier: 'Low, Moderate, High or Critical, from the churn probability',
  },
  value: {
    ...COMMON,
    insider: '1 if the customer is an Insider (most valuable group), else 0',
    revenue: 'net revenue over the log (purchases minus returns), in the currency of the data',
    r_score: 'recency score 1..5 (5 = bought most recently)',
    f_score: 'frequency score 1..5 (5 = most purchases)',
    m_score: 'monetary score 1..5 (5 = most revenue)',
    rfm_segment: 'the three scores as text, e.g. "545"',
    clv: 'expected revenue over the CLV horizon (BG/NBD + Gamma-Gamma, discounted)',
    probability_alive: 'probability that the customer is still active (BG/NBD), 0..1',
  },
  insiders: {
    ...COMMON,
    revenue: 'net revenue over the log, in the currency of the data',
    clv: 'expected revenue over the CLV horizon',
    probability_alive: 'probability that the customer is still active, 0..1',
  },
  segments: {
    segment: 'segment number, 0-based (assignments.segment, scores.segment)',
    name: 'suggested name (a team may have renamed it in the app)',
    description: 'suggested description in words',
    size: 'customers in the segment',
    share: 'share of all customers (0..1)',
    revenue_share: 'share of all revenue (0..1), when the data have revenue',
  },
  segment_features: {
    segment: 'segment number (segments.segment)',
    feature: 'a feature (a column of assignments)',
    mean: "the feature's mean inside the segment",
    std: 'standard deviation inside the segment',
    min: 'minimum inside the segment',
    q1: 'first quartile inside the segment',
    median: 'median inside the segment',
    q3: 'third quartile inside the segment',
    max: 'maximum inside the segment',
    z: "z-score of the segment's mean against all customers (> 0: higher than average)",
    driver_importance:
      'how much the feature sets the segment apart (mean |SHAP| of a model telling the segments apart); null when not among its drivers',
    driver_direction: "'higher' or 'lower' than the other segments, for drivers; else null",
  },
  selection: {
    algorithm: 'kmeans, gmm, ward, ...',
    k: 'number of segments',
    n_rows: 'rows the scores were computed on (a sample)',
    silhouette: 'silhouette score (-1..1, higher = better separated)',
    calinski_harabasz: 'Calinski-Harabasz score (higher = better)',
    davies_bouldin: 'Davies-Bouldin score (lower = better)',
    bic: 'Bayesian information criterion (GMM only; lower = better)',
  },
};

/** The transaction features of a log (packages/analytics README, "Transaction features"). */
export const FEATURE_MEANINGS: Record<string, string> = {
  revenue: 'net revenue: purchases minus returns',
  recency_days: 'days since the last purchase',
  purchases: 'number of purchases (distinct invoices)',
  items: 'items bought (gross)',
  unique_products: 'distinct products bought',
  avg_ticket: 'revenue per purchase',
  avg_days_between_purchases: 'mean days between purchases (null for one purchase)',
  frequency: 'purchases per day since the first purchase',
  returns: 'items returned',
  avg_basket_size: 'items per purchase',
  avg_unique_basket_size: 'distinct products per purchase',
};

/** A column's meaning: the table's own list, then the transaction features, then reasons 2..n. */
export function columnMeaning(table: string, column: string): string | null {
  const own = COLUMN_MEANINGS[table]?.[column];
  if (own) return own;
  const reason = /^reason_(\d+)_(feature|value|contribution)$/.exec(column);
  if (reason && table === 'scores') {
    const n = reason[1];
    if (reason[2] === 'feature')
      return `the feature behind the customer's churn risk, reason ${n} (1 = strongest); filled for the riskiest customers only`;
    if (reason[2] === 'value') return `the customer's value of reason_${n}_feature`;
    return `reason_${n}_feature's contribution to the churn probability (SHAP; > 0 raises the risk)`;
  }
  if (table === 'segmentations' && column !== 'customer_id') {
    return `the customer's segment (0-based) in the other segmentation "${column}"`;
  }
  const feature = FEATURE_MEANINGS[column];
  return feature ? `feature: ${feature}` : null;
}
