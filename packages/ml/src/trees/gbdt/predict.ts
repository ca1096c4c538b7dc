import { MlError } from '../../errors.ts';
import type { Matrix } from '../../matrix.ts';
import type { TreeEnsemble } from '../treeEnsemble.ts';

/** Node kinds of the flat form. */
const NAN_RIGHT = 0; // numeric, NaN goes right: left when v <= t (false for NaN)
const NAN_LEFT = 1; // numeric, NaN goes left: left when !(v > t) (true for NaN)
const CATEGORICAL = 2;

/**
 * All trees of an ensemble in one set of flat arrays for batch prediction, renumbered so the
 * two children of a node are consecutive (right = left + 1) and each numeric node's missing
 * direction is folded into its comparison. Each row walks every tree while it sits in cache.
 * Gives the same numbers as `predictRaw` of the ensemble (same leaves, same summation order).
 */
export class FlatEnsemble {
  readonly nFeatures: number;
  readonly nOutputs: number;
  readonly root: Int32Array;
  readonly output: Int32Array;
  /** Feature of an internal node; -1 at a leaf. */
  readonly feature: Int32Array;
  readonly kind: Uint8Array;
  /** Threshold of a numeric node; the leaf value at a leaf. */
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly missingLeft: Uint8Array;
  readonly catStart: Int32Array;
  readonly catLength: Int32Array;
  readonly catBits: Uint32Array;
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
    this.kind = new Uint8Array(nodes);
    this.threshold = new Float64Array(nodes);
    this.left = new Int32Array(nodes);
    this.missingLeft = new Uint8Array(nodes);
    this.catStart = new Int32Array(nodes);
    this.catLength = new Int32Array(nodes);
    this.catBits = new Uint32Array(words);
    let next = 0;
    let wbase = 0;
    const queue: number[] = [];
    const slot: number[] = [];
    ens.trees.forEach((t, ti) => {
      // Breadth-first from the root: each node's children get the next two ids.
      this.root[ti] = next++;
      queue.length = 0;
      slot.length = 0;
      queue.push(0);
      slot.push(this.root[ti]!);
      for (let q = 0; q < queue.length; q++) {
        const j = queue[q]!;
        const a = slot[q]!;
        const f = t.feature[j]!;
        this.feature[a] = f;
        if (f < 0) {
          this.threshold[a] = t.value[j]!;
          continue;
        }
        this.missingLeft[a] = t.missingLeft[j]!;
        if (t.catLength[j]! > 0) {
          this.kind[a] = CATEGORICAL;
          this.catStart[a] = wbase + t.catStart[j]!;
          this.catLength[a] = t.catLength[j]!;
        } else {
          this.kind[a] = t.missingLeft[j] === 1 ? NAN_LEFT : NAN_RIGHT;
          this.threshold[a] = t.threshold[j]!;
        }
        this.left[a] = next;
        queue.push(t.left[j]!, t.right[j]!);
        slot.push(next, next + 1);
        next += 2;
      }
      this.catBits.set(t.catBits, wbase);
      wbase += t.catBits.length;
    });
  }

  /** Raw scores, rows x nOutputs row-major, rows outer and trees inner. O(rows trees depth). */
  predictRaw(x: Matrix): Float64Array {
    if (x.cols !== this.nFeatures) {
      throw new MlError(
        'SHAPE_MISMATCH',
        `the model has ${this.nFeatures} features; x has ${x.cols} columns`,
      );
    }
    const k = this.nOutputs;
    const { root, output, feature, kind, threshold, left, missingLeft, catStart, catLength, catBits } = this;
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
          const kd = kind[node]!;
          let goLeft: boolean;
          if (kd === NAN_RIGHT) goLeft = v <= threshold[node]!;
          else if (kd === NAN_LEFT) goLeft = !(v > threshold[node]!);
          else if (Number.isNaN(v)) goLeft = missingLeft[node] === 1;
          else {
            const word = v >>> 5;
            goLeft =
              v >= 0 && word < catLength[node]! && (catBits[catStart[node]! + word]! & (1 << (v & 31))) !== 0;
          }
          node = goLeft ? left[node]! : left[node]! + 1;
          f = feature[node]!;
        }
        out[o + output[t]!] += threshold[node]!;
      }
    }
    return out;
  }
}
