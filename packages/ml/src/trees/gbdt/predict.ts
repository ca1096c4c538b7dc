import { MlError } from '../../errors.ts';
import type { Matrix } from '../../matrix.ts';
import type { TreeEnsemble } from '../treeEnsemble.ts';

/**
 * All trees of an ensemble in one set of flat arrays (child indices absolute), for batch
 * prediction: each row walks every tree while it sits in cache, instead of one pass over
 * all rows per tree.
 */
export class FlatEnsemble {
  readonly nFeatures: number;
  readonly nOutputs: number;
  readonly root: Int32Array;
  readonly output: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly missingLeft: Uint8Array;
  readonly catStart: Int32Array;
  readonly catLength: Int32Array;
  readonly catBits: Uint32Array;
  readonly value: Float64Array;
  readonly baseScore: Float64Array;

  constructor(ens: TreeEnsemble) {
    this.nFeatures = ens.nFeatures;
    this.nOutputs = ens.nOutputs;
    this.baseScore = ens.baseScore.slice();
    this.output = ens.treeOutput.slice();
    let nodes = 0;
    let words = 0;
    for (const t of ens.trees) {
      nodes += t.nodeCount;
      words += t.catBits.length;
    }
    this.root = new Int32Array(ens.trees.length);
    this.feature = new Int32Array(nodes);
    this.threshold = new Float64Array(nodes);
    this.left = new Int32Array(nodes);
    this.right = new Int32Array(nodes);
    this.missingLeft = new Uint8Array(nodes);
    this.catStart = new Int32Array(nodes);
    this.catLength = new Int32Array(nodes);
    this.catBits = new Uint32Array(words);
    this.value = new Float64Array(nodes);
    let base = 0;
    let wbase = 0;
    ens.trees.forEach((t, i) => {
      this.root[i] = base;
      for (let j = 0; j < t.nodeCount; j++) {
        const a = base + j;
        this.feature[a] = t.feature[j]!;
        this.threshold[a] = t.threshold[j]!;
        this.left[a] = t.left[j]! < 0 ? -1 : base + t.left[j]!;
        this.right[a] = t.right[j]! < 0 ? -1 : base + t.right[j]!;
        this.missingLeft[a] = t.missingLeft[j]!;
        this.catStart[a] = wbase + t.catStart[j]!;
        this.catLength[a] = t.catLength[j]!;
        this.value[a] = t.value[j]!;
      }
      this.catBits.set(t.catBits, wbase);
      base += t.nodeCount;
      wbase += t.catBits.length;
    });
  }

  /**
   * Raw scores, rows x nOutputs row-major: the same numbers as `predictRaw` of the ensemble
   * (same summation order), rows outer and trees inner. O(rows trees depth).
   */
  predictRaw(x: Matrix): Float64Array {
    if (x.cols !== this.nFeatures) {
      throw new MlError(
        'SHAPE_MISMATCH',
        `the model has ${this.nFeatures} features; x has ${x.cols} columns`,
      );
    }
    const k = this.nOutputs;
    const {
      root,
      output,
      feature,
      threshold,
      left,
      right,
      missingLeft,
      catStart,
      catLength,
      catBits,
      value,
    } = this;
    const nt = root.length;
    const data = x.data;
    const p = x.cols;
    const out = new Float64Array(x.rows * k);
    for (let i = 0; i < x.rows; i++) {
      const off = i * p;
      const o = i * k;
      for (let j = 0; j < k; j++) out[o + j] = this.baseScore[j]!;
      for (let t = 0; t < nt; t++) {
        let node = root[t]!;
        let f = feature[node]!;
        while (f >= 0) {
          const v = data[off + f]!;
          const cl = catLength[node]!;
          if (cl === 0) {
            if (v <= threshold[node]!) node = left[node]!;
            else if (Number.isNaN(v)) node = missingLeft[node] === 1 ? left[node]! : right[node]!;
            else node = right[node]!;
          } else if (Number.isNaN(v)) {
            node = missingLeft[node] === 1 ? left[node]! : right[node]!;
          } else {
            const word = v >>> 5;
            const inSet = v >= 0 && word < cl && (catBits[catStart[node]! + word]! & (1 << (v & 31))) !== 0;
            node = inSet ? left[node]! : right[node]!;
          }
          f = feature[node]!;
        }
        out[o + output[t]!] += value[node]!;
      }
    }
    return out;
  }
}
