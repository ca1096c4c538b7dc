export * from './assignment/linearSumAssignment.ts';
export * from './calibration/isotonic.ts';
export * from './calibration/platt.ts';
export { Agglomerative, type AgglomerativeJSON, type AgglomerativeOptions } from './cluster/agglomerative.ts';
export { DBSCAN, type DBSCANOptions, PointKind } from './cluster/dbscan.ts';
export { cutByHeight, cutByK, type Merges } from './cluster/dendrogram.ts';
export {
  type CovarianceType,
  GaussianMixture,
  type GaussianMixtureInit,
  type GaussianMixtureJSON,
  type GaussianMixtureOptions,
} from './cluster/gaussianMixture.ts';
export { KdTree, type KdTreeOptions } from './cluster/kdTree.ts';
export { KMeans, type KMeansAlgorithm, type KMeansJSON, type KMeansOptions } from './cluster/kmeans.ts';
export {
  type KMeansPlusPlusOptions,
  type KMeansPlusPlusResult,
  kmeansPlusPlus,
} from './cluster/kmeansPlusPlus.ts';
export {
  LINKAGE_METHODS,
  type LinkageMethod,
  type LinkageOptions,
  linkage,
  MAX_MATRIX_ROWS,
  SQUARE_MAX_ROWS,
} from './cluster/linkage.ts';
export {
  MiniBatchKMeans,
  type MiniBatchKMeansJSON,
  type MiniBatchKMeansOptions,
} from './cluster/miniBatchKMeans.ts';
export { NeighborList, type NeighborListOptions } from './cluster/neighborList.ts';
export * from './clv/index.ts';
export type { UmapMetric } from './embed/knn.ts';
export * from './embed/pca.ts';
export * from './embed/quadTree.ts';
export { type TreeEmbeddingOptions, treeEmbedding } from './embed/treeEmbedding.ts';
export * from './embed/tsne.ts';
export { UMAP, type UmapOptions } from './embed/umap.ts';
export * from './embed/vpTree.ts';
export * from './errors.ts';
export * from './explain/index.ts';
export * from './forecast/index.ts';
export { cholesky, invertLowerTriangular } from './linalg/cholesky.ts';
export * from './linalg/symmetricEigen.ts';
export type { BinaryTarget, ClassWeight } from './linear/binaryTarget.ts';
export {
  type LogisticFitOptions,
  LogisticRegression,
  type LogisticRegressionJSON,
  type LogisticRegressionOptions,
} from './linear/logisticRegression.ts';
export * from './matrix.ts';
export * from './metrics/adjustedRandIndex.ts';
export * from './metrics/calinskiHarabasz.ts';
export * from './metrics/classification.ts';
export * from './metrics/contingency.ts';
export * from './metrics/daviesBouldin.ts';
export * from './metrics/elbow.ts';
export { inertia } from './metrics/inertia.ts';
export * from './metrics/normalizedMutualInfo.ts';
export * from './metrics/probability.ts';
export * from './metrics/ranking.ts';
export * from './metrics/silhouette.ts';
export * from './metrics/threshold.ts';
export * from './metrics/trustworthiness.ts';
export {
  type MlpActivation,
  MlpClassifier,
  type MlpEpochReport,
  type MlpFitOptions,
  type MlpHistory,
  type MlpJSON,
  type MlpOptions,
  type MlpShape,
  type MlpValidation,
  mlpObjective,
  mlpParamCount,
} from './neural/mlp.ts';
export * from './optimize/index.ts';
export * from './preprocess/identityScaler.ts';
export * from './preprocess/iqrMask.ts';
export * from './preprocess/makeScaler.ts';
export * from './preprocess/minMaxScaler.ts';
export * from './preprocess/quantile.ts';
export * from './preprocess/robustScaler.ts';
export * from './preprocess/scaler.ts';
export * from './preprocess/standardScaler.ts';
export * from './random.ts';
export * from './stats/index.ts';
export * from './trees/gbdt/gbdt.ts';
export * from './trees/isolationForest.ts';
export {
  RandomForestRegressor,
  type RandomForestRegressorJSON,
  type RandomForestRegressorOptions,
} from './trees/randomForestRegressor.ts';
export {
  applyTree,
  buildRegressionTree,
  type FlatTree,
  type RegressionTreeParams,
} from './trees/regressionTree.ts';
export * from './trees/treeEnsemble.ts';
export * from './validation/stratifiedHoldout.ts';
export * from './validation/stratifiedKFold.ts';
