import { MlError } from '../errors.ts';
import { type Matrix, takeRows } from '../matrix.ts';
import { Rng } from '../random.ts';
import { centersFromJSON, predictNearest } from './kmeans.ts';
import { checkFitInput, checkPositiveInt, checkTolerance } from './kmeansChecks.ts';
import { kmeansPlusPlus } from './kmeansPlusPlus.ts';
import { absoluteTolerance, assignNearest, sqDistsToAll } from './kmeansSteps.ts';

/** Options for {@link MiniBatchKMeans}. */
export interface MiniBatchKMeansOptions {
  /** Number of clusters, 1 <= k <= rows. */
  k: number;
  /** Rows per step, drawn with replacement (capped at the row count). Default 1024. */
  batchSize?: number;
  /** Cap on passes over the data ("epochs"): at most maxIter * n / batchSize steps. Default 100. */
  maxIter?: number;
  /** k-means++ seedings tried on random subsets, the best kept (one optimisation run). Default 3. */
  nInit?: number;
  /** Rows in each seeding subset and in the validation subset that ranks them; default 3 * batchSize (at least 3k). */
  initSize?: number;
  /**
   * Stop after this many steps without improvement of the smoothed batch inertia. Default 10;
   * `Infinity` disables it.
   */
  maxNoImprovement?: number;
  /**
   * Stop when the summed squared centre change of one step is <= tol times the mean column
   * variance of x (scikit-learn semantics). Default 0 (off).
   */
  tol?: number;
  /**
   * Centres whose count falls below this fraction of the largest count are moved to random batch
   * rows (so no centre starves). Default 0.01; 0 disables.
   */
  reassignmentRatio?: number;
  /** Seed for every random choice. Default 0. */
  seed?: number;
  /** Called about once per epoch with (steps done, step budget), and once at the end with (total, total). */
  onProgress?: (done: number, total: number) => void;
}

/** The plain object {@link MiniBatchKMeans.toJSON} returns and {@link MiniBatchKMeans.fromJSON} accepts. */
export interface MiniBatchKMeansJSON {
  type: 'MiniBatchKMeans';
  version: 1;
  k: number;
  cols: number;
  /** k x cols centres, row-major. */
  centers: number[];
  inertia: number;
  nIter: number;
  nSteps: number;
}

/**
 * Mini-batch k-means (Sculley 2010) as scikit-learn's `MiniBatchKMeans`: each step assigns a
 * random batch to the nearest centres and moves each centre towards its batch rows with a
 * per-centre learning rate 1 / (rows it has seen), re-seeds starving centres, and stops on the
 * smoothed batch inertia. Labels and inertia are then computed on the full data.
 *
 * Much faster than {@link KMeans} on very large n at the price of a slightly higher inertia
 * (typically within a few %). Complexity: O(steps batchSize k p + n k p); O(n + k p) memory.
 *
 * @example
 * ```ts
 * const mb = new MiniBatchKMeans({ k: 8, batchSize: 2048, seed: 1 }).fit(x); // x: n x p
 * mb.labels;  // Int32Array(n)
 * mb.inertia; // on all rows
 * ```
 */
export class MiniBatchKMeans {
  readonly k: number;
  readonly batchSize: number;
  readonly maxIter: number;
  readonly nInit: number;
  readonly initSize: number | undefined;
  readonly maxNoImprovement: number;
  readonly tol: number;
  readonly reassignmentRatio: number;
  readonly seed: number;
  private readonly onProgress: ((done: number, total: number) => void) | undefined;

  /** k x p centres after fit. */
  centers: Matrix = { data: new Float64Array(0), rows: 0, cols: 0 };
  /** Cluster of each training row after fit (empty after {@link MiniBatchKMeans.fromJSON}). */
  labels: Int32Array = new Int32Array(0);
  /** Sum of squared distances of all training rows to their nearest centre. */
  inertia = Number.NaN;
  /** Epochs started (ceil(steps * batchSize / n)). */
  nIter = 0;
  /** Mini-batch steps taken. */
  nSteps = 0;

  constructor(options: MiniBatchKMeansOptions) {
    const {
      k,
      batchSize = 1024,
      maxIter = 100,
      nInit = 3,
      initSize,
      maxNoImprovement = 10,
      tol = 0,
      reassignmentRatio = 0.01,
      seed = 0,
    } = options;
    const positiveInt = (name: string, v: number): void => checkPositiveInt('mini-batch k-means', name, v);
    positiveInt('k', k);
    positiveInt('batchSize', batchSize);
    positiveInt('maxIter', maxIter);
    positiveInt('nInit', nInit);
    if (initSize !== undefined) positiveInt('initSize', initSize);
    if (maxNoImprovement !== Number.POSITIVE_INFINITY) positiveInt('maxNoImprovement', maxNoImprovement);
    checkTolerance('mini-batch k-means', tol);
    if (!(reassignmentRatio >= 0 && reassignmentRatio < 1)) {
      throw new MlError(
        'BAD_OPTION',
        `mini-batch k-means: reassignmentRatio = ${reassignmentRatio} must be in [0, 1)`,
      );
    }
    this.k = k;
    this.batchSize = batchSize;
    this.maxIter = maxIter;
    this.nInit = nInit;
    this.initSize = initSize;
    this.maxNoImprovement = maxNoImprovement;
    this.tol = tol;
    this.reassignmentRatio = reassignmentRatio;
    this.seed = seed;
    this.onProgress = options.onProgress;
  }

  /**
   * Clusters the rows of `x` (n x p, finite). Throws MlError on empty input, non-finite values
   * or k > n.
   */
  fit(x: Matrix): this {
    const { rows: n, cols: p } = x;
    const k = this.k;
    checkFitInput('mini-batch k-means', x, k);
    const rng = new Rng(this.seed);
    const batch = Math.min(this.batchSize, n);
    let initSize = this.initSize ?? 3 * batch;
    if (initSize < k) initSize = 3 * k;
    initSize = Math.min(initSize, n);
    const tolAbs = absoluteTolerance(x, this.tol);

    let centers = this.bestSeeding(x, initSize, rng);
    let next: Float64Array = new Float64Array(k * p);
    const counts = new Float64Array(k);
    const idx = new Int32Array(batch);
    const state = new Progress(batch, n, this.maxNoImprovement);
    const step = new BatchStep(k, p, batch);
    const nSteps = Math.floor((this.maxIter * n) / batch);
    const perEpoch = Math.max(1, Math.ceil(n / batch));
    let sinceReassign = 0;
    let done = 0;
    while (done < nSteps) {
      for (let b = 0; b < batch; b++) idx[b] = rng.int(n);
      // scikit-learn's _random_reassign: always with an empty centre, else every 10k rows.
      sinceReassign += batch;
      let reassign = false;
      if (counts.includes(0) || sinceReassign >= 10 * k) {
        sinceReassign = 0;
        reassign = this.reassignmentRatio > 0;
      }
      const batchInertia = step.run(x, idx, centers, next, counts);
      if (reassign) step.reassign(x, idx, next, counts, this.reassignmentRatio, rng);
      let diff = 0;
      if (tolAbs > 0) {
        for (let t = 0; t < k * p; t++) {
          const d = next[t]! - centers[t]!;
          diff += d * d;
        }
      }
      const moved = next;
      next = centers;
      centers = moved;
      done++;
      if (state.converged(done, batchInertia, tolAbs, diff)) break;
      if (done % perEpoch === 0) this.onProgress?.(done, nSteps);
    }

    const labels = new Int32Array(n);
    this.inertia = assignNearest(x.data, n, p, centers, k, labels);
    this.labels = labels;
    this.centers = { data: centers, rows: k, cols: p };
    this.nSteps = done;
    this.nIter = Math.ceil((done * batch) / n);
    this.onProgress?.(nSteps, nSteps);
    return this;
  }

  /** Nearest centre of each row of `x` (m x p), lowest index on ties. O(m k p). */
  predict(x: Matrix): Int32Array {
    return predictNearest(this.centers, x, 'mini-batch k-means');
  }

  /** A plain, JSON-safe snapshot of the fitted model (centres and fit summary, not training labels). */
  toJSON(): MiniBatchKMeansJSON {
    if (this.centers.rows === 0) {
      throw new MlError('NOT_FITTED', 'mini-batch k-means: call fit() before using the model');
    }
    return {
      type: 'MiniBatchKMeans',
      version: 1,
      k: this.centers.rows,
      cols: this.centers.cols,
      centers: Array.from(this.centers.data),
      inertia: this.inertia,
      nIter: this.nIter,
      nSteps: this.nSteps,
    };
  }

  /** Rebuilds a fitted model from {@link MiniBatchKMeans.toJSON} output; `labels` is empty. */
  static fromJSON(json: MiniBatchKMeansJSON): MiniBatchKMeans {
    const centers = centersFromJSON(json, 'MiniBatchKMeans');
    const mb = new MiniBatchKMeans({ k: json.k });
    mb.centers = centers;
    mb.inertia = json.inertia;
    mb.nIter = json.nIter;
    mb.nSteps = json.nSteps;
    return mb;
  }

  /**
   * nInit k-means++ seedings, each on `initSize` rows drawn with replacement, ranked by inertia
   * on one validation draw of the same size (as scikit-learn).
   */
  private bestSeeding(x: Matrix, initSize: number, rng: Rng): Float64Array {
    const { rows: n, cols: p } = x;
    const k = this.k;
    const draw = (): Int32Array => {
      const idx = new Int32Array(initSize);
      for (let i = 0; i < initSize; i++) idx[i] = rng.int(n);
      return idx;
    };
    const valid = takeRows(x, draw());
    const validLabels = new Int32Array(initSize);
    let best: Float64Array = new Float64Array(0);
    let bestInertia = Number.POSITIVE_INFINITY;
    for (let r = 0; r < this.nInit; r++) {
      const seeded = kmeansPlusPlus(takeRows(x, draw()), k, { rng });
      const c = seeded.centers.data;
      const inertia = assignNearest(valid.data, initSize, p, c, k, validLabels);
      if (r === 0 || inertia < bestInertia) {
        best = c;
        bestInertia = inertia;
      }
    }
    return best;
  }
}

/** One mini-batch step's buffers and arithmetic. */
class BatchStep {
  private readonly labels: Int32Array;
  private readonly sums: Float64Array;
  private readonly batchCounts: Float64Array;
  private readonly dist: Float64Array;

  constructor(
    private readonly k: number,
    private readonly p: number,
    batch: number,
  ) {
    this.labels = new Int32Array(batch);
    this.sums = new Float64Array(k * p);
    this.batchCounts = new Float64Array(k);
    this.dist = new Float64Array(k);
  }

  /**
   * Assigns the batch rows to `centers`, writes the updated centres to `next` (each centre moves
   * to the mean of everything it has seen: old centre weighted by its count plus the batch rows),
   * updates `counts`; returns the batch inertia.
   */
  run(x: Matrix, idx: Int32Array, centers: Float64Array, next: Float64Array, counts: Float64Array): number {
    const { k, p, labels, sums, batchCounts, dist } = this;
    const xd = x.data;
    sums.fill(0);
    batchCounts.fill(0);
    let inertia = 0;
    for (let b = 0; b < idx.length; b++) {
      const xo = idx[b]! * p;
      sqDistsToAll(xd, xo, centers, k, p, dist);
      let best = 0;
      for (let j = 1; j < k; j++) if (dist[j]! < dist[best]!) best = j;
      inertia += dist[best]!;
      labels[b] = best;
      batchCounts[best]! += 1;
      for (let t = 0; t < p; t++) sums[best * p + t]! += xd[xo + t];
    }
    for (let j = 0; j < k; j++) {
      const o = j * p;
      const w = batchCounts[j]!;
      if (w === 0) {
        for (let t = 0; t < p; t++) next[o + t] = centers[o + t]!;
        continue;
      }
      const old = counts[j]!;
      counts[j] = old + w;
      const alpha = 1 / counts[j]!;
      for (let t = 0; t < p; t++) next[o + t] = (centers[o + t]! * old + sums[o + t]!) * alpha;
    }
    return inertia;
  }

  /**
   * scikit-learn's reassignment of starving centres: centres with count < ratio * max count
   * (at most half the batch of them, the smallest) jump to distinct random batch rows, and
   * their counts are raised to the smallest remaining count so they are not reassigned at once.
   */
  reassign(
    x: Matrix,
    idx: Int32Array,
    next: Float64Array,
    counts: Float64Array,
    ratio: number,
    rng: Rng,
  ): void {
    const { k, p } = this;
    let max = 0;
    for (let j = 0; j < k; j++) if (counts[j]! > max) max = counts[j]!;
    const limit = ratio * max;
    let starving = 0;
    for (let j = 0; j < k; j++) if (counts[j]! < limit) starving++;
    if (starving === 0) return;
    const chosen: number[] = [];
    for (let j = 0; j < k; j++) if (counts[j]! < limit) chosen.push(j);
    const cap = Math.floor(0.5 * idx.length);
    if (chosen.length > cap) {
      // Keep the `cap` smallest counts (stable, so ties go to the lower index).
      chosen.sort((a, b) => counts[a]! - counts[b]! || a - b);
      chosen.length = cap;
      chosen.sort((a, b) => a - b);
      if (cap === 0) return;
    }
    const picks = rng.sample(idx.length, chosen.length);
    let minKept = Number.POSITIVE_INFINITY;
    const isChosen = new Uint8Array(k);
    for (const j of chosen) isChosen[j] = 1;
    for (let j = 0; j < k; j++) if (!isChosen[j] && counts[j]! < minKept) minKept = counts[j]!;
    for (let c = 0; c < chosen.length; c++) {
      const j = chosen[c]!;
      const xo = idx[picks[c]!]! * p;
      for (let t = 0; t < p; t++) next[j * p + t] = x.data[xo + t]!;
      if (minKept !== Number.POSITIVE_INFINITY) counts[j] = minKept;
    }
  }
}

/** scikit-learn's `_mini_batch_convergence`: EWA of batch inertia, patience, centre-shift tol. */
class Progress {
  private ewa = Number.NaN;
  private ewaMin = Number.NaN;
  private noImprovement = 0;

  constructor(
    private readonly batch: number,
    private readonly n: number,
    private readonly maxNoImprovement: number,
  ) {}

  converged(step: number, batchInertia: number, tol: number, centersSqDiff: number): boolean {
    const perRow = batchInertia / this.batch;
    // The first step's inertia reflects the seeding, not the optimisation.
    if (step === 1) return false;
    if (Number.isNaN(this.ewa)) this.ewa = perRow;
    else {
      const alpha = Math.min(1, (this.batch * 2) / (this.n + 1));
      this.ewa = this.ewa * (1 - alpha) + perRow * alpha;
    }
    if (tol > 0 && centersSqDiff <= tol) return true;
    if (Number.isNaN(this.ewaMin) || this.ewa < this.ewaMin) {
      this.noImprovement = 0;
      this.ewaMin = this.ewa;
    } else this.noImprovement++;
    return this.noImprovement >= this.maxNoImprovement;
  }
}
