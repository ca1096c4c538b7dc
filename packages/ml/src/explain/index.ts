export {
  meanAbsShap,
  type Reason,
  type ReasonDirection,
  rowContributions,
  type ShapSummary,
  toProbabilityScale,
  topReasons,
} from './shapSummary.ts';
export { type TreeShapResult, treeShap } from './treeShap.ts';
