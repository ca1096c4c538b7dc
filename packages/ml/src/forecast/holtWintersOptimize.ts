import { minimizeBfgs } from '../optimize/index.ts';
import type { FixedParams, HoltWintersOptimizerReport } from './holtWinters.ts';
import type { HoltWintersInitialState, HoltWintersParams, HoltWintersSpec } from './holtWintersTypes.ts';
import { smoothHoltWinters } from './smoothHoltWinters.ts';

// statsmodels keeps alpha this far inside (0, 1); the same region makes SSEs comparable.
const ALPHA_MARGIN = Math.sqrt(2.220446049250313e-16);
const PHI_LO = 0.8;
const PHI_HI = 0.995;
const STARTS = 6;

/** What the optimiser found, in the caller's units. */
export interface HoltWintersOptimum {
  params: HoltWintersParams;
  initial: HoltWintersInitialState;
  report: HoltWintersOptimizerReport;
}

/**
 * Least squares of the one-step errors over the free smoothing parameters (and the initial
 * states when `estimateStates`), statsmodels' region: alpha in (0, 1), 0 <= beta <= alpha,
 * 0 <= gamma <= 1 - alpha, 0.8 <= phi <= 0.995, multiplicative seasonals > 0.
 *
 * Why it is set up this way:
 * - Bounds become unconstrained coordinates (logistic maps, log for multiplicative seasonals)
 *   so BFGS can run freely; beta and gamma are fractions of their alpha-dependent ranges.
 * - The series is divided by max |y| so states and smoothing parameters share one scale, and
 *   the SSE by its value at the start so BFGS's gradient test is relative.
 * - SSE surfaces are often multimodal in (alpha, beta, gamma): a coarse grid over those (initial
 *   states at their starting values) chooses three starts, each polished by BFGS; the best wins.
 */
export function optimizeHoltWinters(
  y: Float64Array,
  spec: HoltWintersSpec,
  fixed: FixedParams,
  initial: HoltWintersInitialState,
  estimateStates: boolean,
  options: { maxIterations: number },
): HoltWintersOptimum {
  let scale = 0;
  for (let t = 0; t < y.length; t++) scale = Math.max(scale, Math.abs(y[t]!));
  if (scale === 0) scale = 1;
  const ys = new Float64Array(y.length);
  for (let t = 0; t < y.length; t++) ys[t] = y[t]! / scale;
  const coder = new ParamCoder(spec, fixed, scaleState(initial, spec, 1 / scale), estimateStates);

  const starts = gridStarts(coder, ys, spec);
  const sse0 = starts[0]!.value;
  const norm = sse0 > 0 && Number.isFinite(sse0) ? sse0 : 1;
  const objective = (x: Float64Array): number => {
    const d = coder.decode(x);
    return smoothHoltWinters(ys, spec, d.params, d.initial).sse / norm;
  };
  let best: { x: Float64Array; value: number; report: HoltWintersOptimizerReport } | null = null;
  let evaluations = starts.length > 0 ? coder.gridSize : 0;
  for (const start of starts) {
    const r = minimizeBfgs(objective, start.x, { maxIterations: options.maxIterations });
    evaluations += r.evaluations;
    if (best === null || r.value < best.value) {
      best = {
        x: r.x,
        value: r.value,
        report: { converged: r.converged, iterations: r.iterations, evaluations: 0, message: r.message },
      };
    }
  }
  const chosen = best!;
  chosen.report.evaluations = evaluations;
  const d = coder.decode(chosen.x);
  return { params: d.params, initial: scaleState(d.initial, spec, scale), report: chosen.report };
}

function scaleState(s: HoltWintersInitialState, spec: HoltWintersSpec, f: number): HoltWintersInitialState {
  const seasonal = Float64Array.from(s.seasonal);
  if (spec.seasonal === 'add') for (let j = 0; j < seasonal.length; j++) seasonal[j] = seasonal[j]! * f;
  return { level: s.level * f, trend: s.trend * f, seasonal };
}

const logistic = (x: number): number => 1 / (1 + Math.exp(-x));
const logit = (p: number): number => {
  const q = Math.min(Math.max(p, 1e-6), 1 - 1e-6);
  return Math.log(q / (1 - q));
};

/** Maps between the free parameters' unconstrained coordinates and model values. */
class ParamCoder {
  readonly freeAlpha: boolean;
  readonly freeBeta: boolean;
  readonly freeGamma: boolean;
  readonly freePhi: boolean;
  readonly size: number;
  gridSize = 0;
  private readonly alphaLo: number;
  private readonly alphaHi: number;
  private readonly stateOffset: number;

  constructor(
    readonly spec: HoltWintersSpec,
    readonly fixed: FixedParams,
    readonly initial: HoltWintersInitialState,
    readonly estimateStates: boolean,
  ) {
    const hasTrend = spec.trend === 'add';
    const hasSeason = spec.seasonal !== 'none';
    this.freeAlpha = fixed.alpha === undefined;
    this.freeBeta = hasTrend && fixed.beta === undefined;
    this.freeGamma = hasSeason && fixed.gamma === undefined;
    this.freePhi = spec.damped && fixed.phi === undefined;
    // A fixed beta or gamma narrows alpha's range, as in statsmodels.
    this.alphaLo = Math.max(ALPHA_MARGIN, hasTrend ? (fixed.beta ?? 0) : 0);
    this.alphaHi = Math.min(1 - ALPHA_MARGIN, hasSeason ? 1 - (fixed.gamma ?? 0) : 1);
    this.stateOffset = +this.freeAlpha + +this.freeBeta + +this.freeGamma + +this.freePhi;
    const states = estimateStates ? 1 + (hasTrend ? 1 : 0) + (hasSeason ? spec.seasonalPeriods : 0) : 0;
    this.size = this.stateOffset + states;
  }

  decode(x: Float64Array): { params: HoltWintersParams; initial: HoltWintersInitialState } {
    const { spec, fixed } = this;
    let i = 0;
    const alpha = this.freeAlpha
      ? this.alphaLo + (this.alphaHi - this.alphaLo) * logistic(x[i++]!)
      : fixed.alpha!;
    let beta = 0;
    if (spec.trend === 'add') beta = this.freeBeta ? Math.min(alpha, 1) * logistic(x[i++]!) : fixed.beta!;
    let gamma = 0;
    if (spec.seasonal !== 'none') gamma = this.freeGamma ? (1 - alpha) * logistic(x[i++]!) : fixed.gamma!;
    let phi = 1;
    if (spec.damped) phi = this.freePhi ? PHI_LO + (PHI_HI - PHI_LO) * logistic(x[i++]!) : fixed.phi!;
    const params = { alpha, beta, gamma, phi };
    if (!this.estimateStates) return { params, initial: this.initial };
    const level = x[i++]!;
    const trend = spec.trend === 'add' ? x[i++]! : 0;
    const seasonal = new Float64Array(spec.seasonal === 'none' ? 0 : spec.seasonalPeriods);
    for (let j = 0; j < seasonal.length; j++) {
      seasonal[j] = spec.seasonal === 'mul' ? Math.exp(x[i++]!) : x[i++]!;
    }
    return { params, initial: { level, trend, seasonal } };
  }

  encode(p: HoltWintersParams, s: HoltWintersInitialState): Float64Array {
    const x = new Float64Array(this.size);
    let i = 0;
    if (this.freeAlpha) x[i++] = logit((p.alpha - this.alphaLo) / (this.alphaHi - this.alphaLo));
    if (this.freeBeta) x[i++] = logit(p.beta / Math.min(p.alpha, 1));
    if (this.freeGamma) x[i++] = logit(p.gamma / (1 - p.alpha));
    if (this.freePhi) x[i++] = logit((p.phi - PHI_LO) / (PHI_HI - PHI_LO));
    if (this.estimateStates) {
      x[i++] = s.level;
      if (this.spec.trend === 'add') x[i++] = s.trend;
      for (let j = 0; j < s.seasonal.length; j++) {
        x[i++] = this.spec.seasonal === 'mul' ? Math.log(s.seasonal[j]!) : s.seasonal[j]!;
      }
    }
    return x;
  }
}

/**
 * Evaluates a coarse grid of the free smoothing parameters (fractions of their ranges) with
 * the starting states and returns the best few points, best first, as optimiser starts.
 */
function gridStarts(
  coder: ParamCoder,
  ys: Float64Array,
  spec: HoltWintersSpec,
): { x: Float64Array; value: number }[] {
  const fixed = coder.fixed;
  const alphas = coder.freeAlpha ? [0.05, 0.2, 0.4, 0.6, 0.8, 0.95] : [fixed.alpha!];
  const fracs = [0.001, 0.05, 0.2, 0.5, 0.9];
  const betaFracs = coder.freeBeta ? fracs : [-1];
  const gammaFracs = coder.freeGamma ? fracs : [-1];
  const phis = coder.freePhi ? [0.85, 0.95, 0.99] : [spec.damped ? fixed.phi! : 1];
  const found: { x: Float64Array; value: number }[] = [];
  for (const alpha of alphas) {
    for (const bf of betaFracs) {
      for (const gf of gammaFracs) {
        for (const phi of phis) {
          const beta = spec.trend !== 'add' ? 0 : bf < 0 ? fixed.beta! : bf * alpha;
          const gamma = spec.seasonal === 'none' ? 0 : gf < 0 ? fixed.gamma! : gf * (1 - alpha);
          const params = { alpha, beta, gamma, phi };
          const value = smoothHoltWinters(ys, spec, params, coder.initial).sse;
          coder.gridSize++;
          if (Number.isFinite(value)) found.push({ x: coder.encode(params, coder.initial), value });
        }
      }
    }
  }
  found.sort((a, b) => a.value - b.value);
  if (found.length === 0) {
    return [{ x: coder.encode({ alpha: 0.5, beta: 0.05, gamma: 0.05, phi: 0.98 }, coder.initial), value: 1 }];
  }
  return found.slice(0, STARTS);
}
