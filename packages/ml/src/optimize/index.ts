export { type BfgsOptions, centralGradient, minimizeBfgs } from './bfgs.ts';
export type { MinimizeOptions, MinimizeResult } from './minimizeTypes.ts';
export { minimizeNelderMead } from './nelderMead.ts';
export { numericalHessian } from './numericalHessian.ts';
