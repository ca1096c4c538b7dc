export { type BgNbdInput, type BgNbdModel, bgnbdLogLikelihood, fitBgNbd } from './bgnbd.ts';
export { conditionalExpectedPurchasesInterval } from './bgnbdInterval.ts';
export {
  type BgNbdParameters,
  conditionalExpectedPurchases,
  expectedPurchases,
  probabilityAlive,
  probabilityOfPurchases,
} from './bgnbdPredict.ts';
export { type ClvInput, type ClvResult, customerLifetimeValue } from './clvValue.ts';
export {
  conditionalExpectedSpend,
  fitGammaGamma,
  type GammaGammaInput,
  type GammaGammaModel,
  gammaGammaLogLikelihood,
} from './gammaGamma.ts';
export { hyp2f1 } from './hyp2f1.ts';
export type { Interval, IntervalOptions } from './parameterDraws.ts';
export {
  fitShiftedBetaGeometric,
  type ShiftedBetaGeometricInput,
  type ShiftedBetaGeometricModel,
  sbgDiscountedResidualLifetime,
  sbgRetentionRate,
  sbgSurvival,
  shiftedBetaGeometricLogLikelihood,
} from './shiftedBetaGeometric.ts';
export {
  fitShiftedBetaGeometricCensored,
  type LifeTableRow,
  type ShiftedBetaGeometricCensoredInput,
  type ShiftedBetaGeometricCensoredModel,
  sbgCensoredLogLikelihood,
  type TenureCounts,
  tenureCounts,
  tenureLifeTable,
} from './shiftedBetaGeometricCensored.ts';
export { DAYS_PER_MONTH, monthLength, type TimeUnit } from './timeUnit.ts';
