// The statistics folder's public surface; packages/ml/src/index.ts re-exports it.
export type { Alternative } from './alternative.ts';
export {
  type BayesAbCounts,
  type BayesAbOptions,
  type BayesAbResult,
  type BetaPosterior,
  bayesAb,
} from './bayesAb.ts';
export {
  type BootstrapDifferenceOptions,
  type BootstrapDifferenceResult,
  type BootstrapStatistic,
  bootstrapDifference,
} from './bootstrapDifference.ts';
export {
  type ChiSquareIndependenceOptions,
  type ChiSquareIndependenceResult,
  chiSquareIndependence,
} from './chiSquareIndependence.ts';
export {
  betaCdf,
  betaPdf,
  betaQuantile,
  betaSf,
  chiSquareCdf,
  chiSquareSf,
  normalCdf,
  normalPdf,
  normalQuantile,
  normalSf,
  studentTCdf,
  studentTPdf,
  studentTQuantile,
  studentTSf,
} from './distributions.ts';
export { type MannWhitneyUOptions, type MannWhitneyUResult, mannWhitneyU } from './mannWhitneyU.ts';
export {
  erf,
  erfc,
  incompleteBeta,
  incompleteBetaComplement,
  incompleteGamma,
  incompleteGammaComplement,
  logBeta,
  logGamma,
} from './specialFunctions.ts';
export {
  type TwoProportionPowerOptions,
  type TwoProportionPowerResult,
  type TwoProportionSampleSizeOptions,
  type TwoProportionSampleSizeResult,
  twoProportionPower,
  twoProportionSampleSize,
} from './twoProportionPower.ts';
export {
  type TwoProportionZTestOptions,
  type TwoProportionZTestResult,
  twoProportionZTest,
} from './twoProportionZTest.ts';
export {
  type ChurnUpliftCounts,
  type ChurnUpliftResult,
  churnUplift,
  newcombeInterval,
  type RevenueUpliftResult,
  revenueUplift,
  type UpliftOptions,
} from './uplift.ts';
export { type WelchTTestOptions, type WelchTTestResult, welchTTest } from './welchTTest.ts';
