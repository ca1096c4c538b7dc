import type { DecisionTree } from '../treeEnsemble.ts';
import type { BinnedData } from './binning.ts';
import { HistogramLayout } from './histogram.ts';
import { HistogramKernel } from './histogramKernel.ts';
import { findBestSplit, SplitInfo, type SplitParams, SplitScratch } from './splitFinder.ts';

/** Growth limits for one tree. */
export interface GrowParams extends SplitParams {
  maxLeaves: number;
  /** Deepest level a leaf may sit at (root = 0); Infinity for none. */
  maxDepth: number;
  learningRate: number;
  /** Quantized hessians packed with the row counts (see `GbdtOptions.quantizedGradients`). */
  quantized?: boolean;
}

/** A grown tree, the gain of each split (0 at leaves) and where each leaf's rows ended up. */
export interface GrownTree {
  tree: DecisionTree;
  gain: Float64Array;
  /** Leaf l holds rows[leafStart[l] .. leafEnd[l]) of the `rows` given to `growTree`, in node leafNode[l]. */
  leafNode: Int32Array;
  leafStart: Int32Array;
  leafEnd: Int32Array;
  /** binGoLeft[node * 256 + bin] = 1 when a training row in that bin of the node's feature goes left. */
  binGoLeft: Uint8Array;
}

/**
 * Buffers reused across trees: histogram pool, partition scratch, the bins column-major, and
 * the rows, gradients and histograms in the memory of a `HistogramKernel` (when WebAssembly is
 * there and the memory can be had; else ordinary typed arrays and the JavaScript loop).
 */
export class GrowerWork {
  readonly scratch: Int32Array;
  /**
   * The bins column-major (`colBins[f * n + row]`) for the partition: a node's rows are
   * ascending, so reading one feature's bins walks forward through one column instead of
   * touching a cache line per row (row-major, the partition was 15% of a 297,271 x 40 fit).
   */
  readonly colBins: Uint8Array;
  readonly goLeft = new Uint8Array(256);
  readonly splitScratch = new SplitScratch();
  /** How histograms are built (columns, bundles); see `HistogramLayout`. */
  readonly layout: HistogramLayout;
  /** Gradients and hessians interleaved (gh[2 r], gh[2 r + 1]): one cache line per row. */
  readonly gh: Float64Array;
  /** The rows given to `growTree` (n): partitioned in place, read by the histogram kernel. */
  readonly rows: Int32Array;
  private readonly pool: Float64Array[] = [];

  /** `maxLeaves`: the most histograms alive at once (one per open leaf), made in advance in the kernel's memory. */
  constructor(d: BinnedData, maxLeaves: number) {
    this.scratch = new Int32Array(d.n);
    const { n, p, bins } = d;
    this.colBins = new Uint8Array(n * p);
    for (let i = 0; i < n; i++) {
      const o = i * p;
      for (let f = 0; f < p; f++) this.colBins[f * n + i] = bins[o + f]!;
    }
    const layout = new HistogramLayout(d);
    this.layout = layout;
    const span = HistogramKernel.span;
    const nHist = maxLeaves + 1;
    const kernel = HistogramKernel.create(
      span(n * layout.nCols) + span(16 * n) + span(4 * n) + nHist * span(8 * layout.size),
      3 + nHist,
    );
    const codes = kernel?.u8(n * layout.nCols);
    const gh = kernel?.f64(2 * n);
    const rows = kernel?.i32(n);
    if (kernel && codes && gh && rows) {
      layout.useKernel(kernel, codes);
      this.gh = gh;
      this.rows = rows;
      for (let k = 0; k < nHist; k++) {
        const h = kernel.f64(layout.size);
        if (h !== null) this.pool.push(h);
      }
    } else {
      this.gh = new Float64Array(2 * n);
      this.rows = new Int32Array(n);
    }
  }

  take(): Float64Array {
    if (this.pool.length === 0) {
      // Four at a time, in one buffer: fewer large allocations (each one can start a GC).
      const size = this.layout.size;
      const block = new Float64Array(4 * size);
      for (let k = 3; k >= 0; k--) this.pool.push(block.subarray(k * size, (k + 1) * size));
    }
    return this.pool.pop()!;
  }

  give(h: Float64Array | null): void {
    if (h !== null) this.pool.push(h);
  }
}

interface Leaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  g: number;
  h: number;
  hist: Float64Array | null;
  split: SplitInfo | null;
}

/**
 * Grows one tree leaf-wise (best-first, as LightGBM): the open leaf whose best split has the
 * largest gain is split next, until maxLeaves leaves or no leaf has a valid split. Rows
 * rows[0 .. nRows) (partitioned in place, stably) with gradients grad and hessians hess; only the
 * features feats[0 .. nFeats) are tried. Each split builds the histograms of the smaller child
 * and takes the larger one's as parent minus smaller; histograms are not built after the last
 * split. Leaf values are -G / (H + l2) * learningRate; cover is H. Numeric thresholds are bin
 * upper edges, so `x <= threshold` on the raw training values repeats the binned decision
 * (Number.MAX_VALUE when all values go left and only missing ones right).
 */
export function growTree(
  d: BinnedData,
  grad: Float64Array,
  hess: Float64Array,
  rows: Int32Array,
  nRows: number,
  feats: Int32Array,
  nFeats: number,
  gp: GrowParams,
  work: GrowerWork,
): GrownTree {
  const cap = 2 * gp.maxLeaves - 1;
  const feature = new Int32Array(cap).fill(-1);
  const threshold = new Float64Array(cap);
  const left = new Int32Array(cap).fill(-1);
  const right = new Int32Array(cap).fill(-1);
  const missingLeft = new Uint8Array(cap);
  const catStart = new Int32Array(cap);
  const catLength = new Int32Array(cap);
  const catBits: number[] = [];
  const value = new Float64Array(cap);
  const cover = new Float64Array(cap);
  const gain = new Float64Array(cap);
  const binGoLeft = new Uint8Array(cap * 256);
  const l2 = gp.l2;
  const scale = -gp.learningRate;
  let nodeCount = 0;

  const canSplit = (c: number, h: number, depth: number): boolean =>
    depth < gp.maxDepth && c >= 2 * gp.minSamplesLeaf && h >= 2 * gp.minChildWeight;
  const newLeaf = (start: number, end: number, depth: number, g: number, h: number): Leaf => {
    const node = nodeCount++;
    value[node] = (scale * g) / (h + l2);
    cover[node] = h;
    return { node, start, end, depth, g, h, hist: null, split: null };
  };
  const findSplit = (leaf: Leaf): void => {
    const s = new SplitInfo();
    findBestSplit(
      d,
      work.layout.slotOf,
      feats,
      nFeats,
      leaf.hist!,
      leaf.g,
      leaf.h,
      leaf.end - leaf.start,
      gp,
      work.splitScratch,
      s,
    );
    if (s.feature >= 0) leaf.split = s;
    else {
      work.give(leaf.hist);
      leaf.hist = null;
    }
  };

  let g0 = 0;
  let h0 = 0;
  const gh = work.gh;
  let identity = nRows === d.n;
  // Quantized: the count takes the low countBits of a packed number, the hessian in steps of
  // hStep the bits above; a bin's sum of either stays below 2^53 (exact).
  const countBits = Math.ceil(Math.log2(nRows + 1));
  const hBits = 53 - 2 * countBits;
  const quantized = gp.quantized === true && hBits >= 8;
  let hStep = 0;
  if (quantized) {
    let hMax = 0;
    for (let k = 0; k < nRows; k++) hMax = Math.max(hMax, hess[rows[k]!]!);
    hStep = hMax > 0 ? 2 ** Math.ceil(Math.log2(hMax / (2 ** hBits - 1))) : 1;
  }
  const countScale = 2 ** countBits;
  for (let k = 0; k < nRows; k++) {
    const r = rows[k]!;
    if (r !== k) identity = false;
    g0 += grad[r]!;
    gh[2 * r] = grad[r]!;
    if (quantized) {
      const hq = Math.round(hess[r]! / hStep);
      h0 += hq * hStep;
      gh[2 * r + 1] = hq * countScale + 1;
    } else {
      h0 += hess[r]!;
      gh[2 * r + 1] = hess[r]!;
    }
  }
  const layout = work.layout;
  const packing = quantized ? { countScale, hStep } : null;
  const open: Leaf[] = [];
  const root = newLeaf(0, nRows, 0, g0, h0);
  if (gp.maxLeaves > 1 && canSplit(nRows, h0, 0)) {
    root.hist = work.take();
    layout.build(feats, nFeats, rows, 0, nRows, gh, identity, root.hist, packing);
    findSplit(root);
  }
  open.push(root);
  let nLeaves = 1;
  while (nLeaves < gp.maxLeaves) {
    let bi = -1;
    for (let i = 0; i < open.length; i++) {
      const s = open[i]!.split;
      if (s !== null && (bi < 0 || s.gain > open[bi]!.split!.gain)) bi = i;
    }
    if (bi < 0) break;
    const leaf = open[bi]!;
    open.splice(bi, 1);
    const s = leaf.split!;
    const f = s.feature;
    const fb = d.features[f]!;
    const mid = partition(d, work.colBins, rows, leaf.start, leaf.end, s, work.scratch, work.goLeft);
    const node = leaf.node;
    binGoLeft.set(work.goLeft, node * 256);
    feature[node] = f;
    missingLeft[node] = s.missingLeft ? 1 : 0;
    gain[node] = s.gain;
    if (fb.categorical) {
      const words = categoryBitset(fb.codes, s.catLeft, fb.nBins);
      catStart[node] = catBits.length;
      catLength[node] = words.length;
      for (const w of words) catBits.push(w);
    } else {
      threshold[node] = s.binThreshold < fb.nBins - 1 ? fb.thresholds[s.binThreshold]! : Number.MAX_VALUE;
    }
    const lc = newLeaf(leaf.start, mid, leaf.depth + 1, s.gL, s.hL);
    const rc = newLeaf(mid, leaf.end, leaf.depth + 1, leaf.g - s.gL, leaf.h - s.hL);
    left[node] = lc.node;
    right[node] = rc.node;
    nLeaves++;
    const last = nLeaves >= gp.maxLeaves;
    const lCan = !last && canSplit(mid - leaf.start, lc.h, lc.depth);
    const rCan = !last && canSplit(leaf.end - mid, rc.h, rc.depth);
    if (lCan || rCan) {
      const [small, large] = mid - leaf.start <= leaf.end - mid ? [lc, rc] : [rc, lc];
      small.hist = work.take();
      layout.build(feats, nFeats, rows, small.start, small.end, gh, false, small.hist, packing);
      layout.subtract(feats, nFeats, leaf.hist!, small.hist);
      large.hist = leaf.hist;
      leaf.hist = null;
      for (const c of [lc, rc]) {
        if (c === lc ? lCan : rCan) findSplit(c);
        else {
          work.give(c.hist);
          c.hist = null;
        }
      }
    } else {
      work.give(leaf.hist);
      leaf.hist = null;
    }
    open.push(lc, rc);
  }
  for (const l of open) work.give(l.hist);
  if (quantized) {
    // Leaf values and covers from the exact gradients and hessians; inner nodes sum their children.
    const gs = new Float64Array(nodeCount);
    const hs = new Float64Array(nodeCount);
    for (const l of open) {
      let g = 0;
      let h = 0;
      for (let k = l.start; k < l.end; k++) {
        g += grad[rows[k]!]!;
        h += hess[rows[k]!]!;
      }
      gs[l.node] = g;
      hs[l.node] = h;
    }
    for (let j = nodeCount - 1; j >= 0; j--) {
      if (left[j]! >= 0) {
        gs[j] = gs[left[j]!]! + gs[right[j]!]!;
        hs[j] = hs[left[j]!]! + hs[right[j]!]!;
      }
      value[j] = (scale * gs[j]!) / (hs[j]! + l2);
      cover[j] = hs[j]!;
    }
  }
  const nl = open.length;
  const leafNode = new Int32Array(nl);
  const leafStart = new Int32Array(nl);
  const leafEnd = new Int32Array(nl);
  open.forEach((l, i) => {
    leafNode[i] = l.node;
    leafStart[i] = l.start;
    leafEnd[i] = l.end;
  });
  const c = nodeCount;
  return {
    tree: {
      nodeCount: c,
      feature: feature.slice(0, c),
      threshold: threshold.slice(0, c),
      left: left.slice(0, c),
      right: right.slice(0, c),
      missingLeft: missingLeft.slice(0, c),
      catStart: catStart.slice(0, c),
      catLength: catLength.slice(0, c),
      catBits: Uint32Array.from(catBits),
      value: value.slice(0, c),
      cover: cover.slice(0, c),
    },
    gain: gain.slice(0, c),
    leafNode,
    leafStart,
    leafEnd,
    binGoLeft,
  };
}

/**
 * Stable partition of rows[start, end) by the split; returns the first right position.
 * Branch-free: a 256-entry go-left table by bin, and every row written to both outputs.
 */
function partition(
  d: BinnedData,
  colBins: Uint8Array,
  rows: Int32Array,
  start: number,
  end: number,
  s: SplitInfo,
  scratch: Int32Array,
  goLeft: Uint8Array,
): number {
  const fb = d.features[s.feature]!;
  if (fb.categorical) {
    goLeft.set(s.catLeft);
  } else {
    goLeft.fill(0);
    goLeft.fill(1, 0, s.binThreshold + 1);
    goLeft[fb.nBins] = s.missingLeft ? 1 : 0;
  }
  const col = colBins.subarray(s.feature * d.n, (s.feature + 1) * d.n);
  let w = start;
  let r = 0;
  for (let k = start; k < end; k++) {
    const row = rows[k]!;
    const gl = goLeft[col[row]!]!;
    rows[w] = row;
    scratch[r] = row;
    w += gl;
    r += gl ^ 1;
  }
  rows.set(scratch.subarray(0, r), w);
  return w;
}

/** Bitset words of the category codes whose bins go left (the missing bin excluded); at least one word. */
function categoryBitset(codes: number[][], catLeft: Uint8Array, nBins: number): number[] {
  let maxCode = -1;
  for (let b = 0; b < nBins; b++)
    if (catLeft[b] === 1) for (const c of codes[b] ?? []) maxCode = Math.max(maxCode, c);
  const words = new Array<number>(maxCode < 0 ? 1 : (maxCode >>> 5) + 1).fill(0);
  if (maxCode < 0) return words;
  for (let b = 0; b < nBins; b++) {
    if (catLeft[b] !== 1) continue;
    for (const c of codes[b] ?? []) words[c >>> 5] = (words[c >>> 5]! | (1 << (c & 31))) >>> 0;
  }
  return words;
}
