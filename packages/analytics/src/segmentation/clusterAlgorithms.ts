/** Every clustering algorithm the product offers, by the name the CLI and API use. */
export const CLUSTER_ALGORITHMS = [
  'kmeans',
  'minibatch-kmeans',
  'gmm',
  'ward',
  'average',
  'complete',
  'single',
  'dbscan',
] as const;

export type ClusterAlgorithm = (typeof CLUSTER_ALGORITHMS)[number];

export const HIERARCHICAL = new Set<ClusterAlgorithm>(['ward', 'average', 'complete', 'single']);

/** Hierarchical clustering keeps an n(n-1)/2 distance matrix: above this many rows it runs on a sample. */
export const HIERARCHICAL_MAX_ROWS = 20_000;

/** Silhouette is exact up to this many rows, sampled (seeded) above. */
export const SILHOUETTE_EXACT_MAX_ROWS = 20_000;

export function isClusterAlgorithm(name: string): name is ClusterAlgorithm {
  return (CLUSTER_ALGORITHMS as readonly string[]).includes(name);
}
