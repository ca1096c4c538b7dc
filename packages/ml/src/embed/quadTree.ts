/**
 * Deepest level a cell may be split to. Two points closer than 2^-40 of the root's extent are
 * merged into one leaf, as exact duplicates are: this bounds the depth (and the traversal
 * stack) whatever the input.
 */
const MAX_DEPTH = 40;

/**
 * Barnes-Hut quad tree over 2-D points for t-SNE's repulsive forces (van der Maaten 2014).
 * Every node lives in flat typed arrays indexed by node id (no per-node objects); the four
 * children of a node are consecutive ids. `build` reuses the arrays, so rebuilding on each
 * gradient step allocates nothing once capacity has grown to fit.
 *
 * Duplicate points share a leaf (its `count` > 1). Cells are rectangles that halve the root's
 * bounding box, as in scikit-learn's `_QuadTree`.
 *
 * Cost: build O(n depth), `repulsion` O(n log n) for theta > 0 (O(n^2) at theta = 0, which is
 * the exact sum). Memory O(nodes), at most about 4n nodes for points in general position.
 *
 * @example
 * const tree = new QuadTree();
 * tree.build(y, n);                               // y: Float64Array of n (x, y) pairs
 * const z = tree.repulsion(y, n, 0.5, negForces); // Z = sum_{i != j} 1 / (1 + |y_i - y_j|^2)
 */
export class QuadTree {
  private cap = 0;
  private nodes = 0;
  private cx = new Float64Array(0);
  private cy = new Float64Array(0);
  private hx = new Float64Array(0);
  private hy = new Float64Array(0);
  /**
   * What the force pass reads, interleaved for cache locality (node * 4 + field): centre of
   * mass x, y; squared largest side of the cell (for the Barnes-Hut test); point count.
   */
  private body = new Float64Array(0);
  /** Id of the first of four children, or -1 for a leaf. */
  private firstChild = new Int32Array(0);
  /** For a non-empty leaf, one of its points (the others, if any, are its duplicates). */
  private point = new Int32Array(0);
  private leafOf = new Int32Array(0);
  /** Point indices in depth-first (Z-curve) leaf order, and a per-node scratch slot to fill it. */
  private order = new Int32Array(0);
  private slot = new Int32Array(0);
  private lastN = -1;
  private readonly stack = new Int32Array(4 * MAX_DEPTH + 8);

  /** Number of nodes in the current tree (for tests and diagnostics). */
  get size(): number {
    return this.nodes;
  }

  /** Rebuilds the tree over points (y[2i], y[2i + 1]), i < n. */
  build(y: Float64Array, n: number): void {
    let minX = Number.POSITIVE_INFINITY;
    let minY = Number.POSITIVE_INFINITY;
    let maxX = Number.NEGATIVE_INFINITY;
    let maxY = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const px = y[2 * i]!;
      const py = y[2 * i + 1]!;
      if (px < minX) minX = px;
      if (px > maxX) maxX = px;
      if (py < minY) minY = py;
      if (py > maxY) maxY = py;
    }
    this.ensure(Math.max(4 * n + 1, 64));
    if (this.leafOf.length < n || this.lastN !== n) {
      if (this.leafOf.length < n) {
        this.leafOf = new Int32Array(n);
        this.order = new Int32Array(n);
      }
      for (let i = 0; i < n; i++) this.order[i] = i;
      this.lastN = n;
    }
    this.nodes = 0;
    let halfX = (maxX - minX) / 2;
    let halfY = (maxY - minY) / 2;
    // Pad so points on the bounding box fall strictly inside; give a flat box some height.
    const pad = Math.max(halfX, halfY, 1e-300) * 1e-6;
    halfX = halfX * (1 + 1e-6) + pad;
    halfY = halfY * (1 + 1e-6) + pad;
    if (n === 0) {
      halfX = 1;
      halfY = 1;
    }
    this.newNode((minX + maxX) / 2 || 0, (minY + maxY) / 2 || 0, halfX, halfY);
    // Inserting in the previous build's spatial order keeps the cells being updated in cache;
    // the tree's shape does not depend on the order.
    for (let r = 0; r < n; r++) this.insert(y, this.order[r]!);
    // Find each point's leaf once, so `repulsion` can leave a point out of its own sum.
    const cx = this.cx;
    const cy = this.cy;
    const first = this.firstChild;
    for (let i = 0; i < n; i++) {
      const px = y[2 * i]!;
      const py = y[2 * i + 1]!;
      let node = 0;
      while (first[node]! >= 0) node = first[node]! + (px >= cx[node]! ? 1 : 0) + (py >= cy[node]! ? 2 : 0);
      this.leafOf[i] = node;
    }
    this.sortPoints(n);
  }

  /**
   * Lists the points leaf by leaf in depth-first order (a Z-order curve). Walking them in this
   * order, consecutive traversals touch the same cells: about 1.5x faster `repulsion` at
   * n = 10,000 than index order, which is random in space.
   */
  private sortPoints(n: number): void {
    const first = this.firstChild;
    const body = this.body;
    const slot = this.slot;
    const stack = this.stack;
    let sp = 0;
    let pos = 0;
    stack[sp++] = 0;
    while (sp > 0) {
      const node = stack[--sp]!;
      const child = first[node]!;
      if (child < 0) {
        slot[node] = pos;
        pos += body[node * 4 + 3]!;
      } else {
        for (let c = child + 3; c >= child; c--) if (body[c * 4 + 3]! > 0) stack[sp++] = c;
      }
    }
    for (let i = 0; i < n; i++) this.order[slot[this.leafOf[i]!]!++] = i;
  }

  /**
   * Unnormalised repulsive forces of t-SNE with Student-t (one degree of freedom) kernel
   * q_ij = 1 / (1 + |y_i - y_j|^2): adds sum_j q_ij^2 (y_i - y_j) to out[2i], out[2i + 1]
   * (out must be zeroed by the caller) and returns Z = sum_{i != j} q_ij. A cell is used as a
   * single body when (its largest side)^2 < theta^2 |y_i - centre of mass|^2.
   * Call `build(y, n)` with the same points first.
   */
  repulsion(y: Float64Array, n: number, theta: number, out: Float64Array): number {
    const theta2 = theta * theta;
    const stack = this.stack;
    const body = this.body;
    const first = this.firstChild;
    const leafOf = this.leafOf;
    let z = 0;
    const order = this.order;
    for (let r = 0; r < n; r++) {
      const i = order[r]!;
      const px = y[2 * i]!;
      const py = y[2 * i + 1]!;
      const own = leafOf[i]!;
      let fx = 0;
      let fy = 0;
      let zi = 0;
      let sp = 0;
      stack[sp++] = 0;
      while (sp > 0) {
        const node = stack[--sp]!;
        const b = node * 4;
        let dx = px - body[b]!;
        let dy = py - body[b + 1]!;
        const child = first[node]!;
        if (child >= 0 && !(body[b + 2]! < theta2 * (dx * dx + dy * dy))) {
          // Empty quadrants are common (about half the leaves): never stack them.
          for (let c = child; c < child + 4; c++) if (body[c * 4 + 3]! > 0) stack[sp++] = c;
          continue;
        }
        let c = body[b + 3]!;
        if (node === own) {
          // The rest of i's own leaf (its duplicates): their mean is the leaf's without i.
          if (c === 1) continue;
          c -= 1;
          dx = px - (body[b]! * (c + 1) - px) / c;
          dy = py - (body[b + 1]! * (c + 1) - py) / c;
        }
        const q = 1 / (1 + dx * dx + dy * dy);
        zi += c * q;
        const w = c * q * q;
        fx += w * dx;
        fy += w * dy;
      }
      out[2 * i] = out[2 * i]! + fx;
      out[2 * i + 1] = out[2 * i + 1]! + fy;
      z += zi;
    }
    return z;
  }

  private insert(y: Float64Array, i: number): void {
    const px = y[2 * i]!;
    const py = y[2 * i + 1]!;
    let node = 0;
    for (let depth = 0; ; depth++) {
      if (this.firstChild[node]! < 0) {
        const b = node * 4;
        if (this.body[b + 3] === 0) {
          this.body[b] = px;
          this.body[b + 1] = py;
          this.body[b + 3] = 1;
          this.point[node] = i;
          return;
        }
        const q = this.point[node]!;
        const qx = y[2 * q]!;
        const qy = y[2 * q + 1]!;
        if ((qx === px && qy === py) || depth >= MAX_DEPTH) {
          this.addMass(node, px, py);
          return;
        }
        this.split(node, qx, qy);
      }
      this.addMass(node, px, py);
      node = this.firstChild[node]! + (px >= this.cx[node]! ? 1 : 0) + (py >= this.cy[node]! ? 2 : 0);
    }
  }

  private addMass(node: number, px: number, py: number): void {
    const body = this.body;
    const b = node * 4;
    const c = body[b + 3]! + 1;
    body[b + 3] = c;
    body[b] = body[b]! + (px - body[b]!) / c;
    body[b + 1] = body[b + 1]! + (py - body[b + 1]!) / c;
  }

  /** Turns a leaf into an internal node, moving its content to the child where (qx, qy) falls. */
  private split(node: number, qx: number, qy: number): void {
    if (this.nodes + 4 > this.cap) this.ensure(this.cap * 2);
    const cx = this.cx[node]!;
    const cy = this.cy[node]!;
    const hx = this.hx[node]! / 2;
    const hy = this.hy[node]! / 2;
    const first = this.newNode(cx - hx, cy - hy, hx, hy);
    this.newNode(cx + hx, cy - hy, hx, hy);
    this.newNode(cx - hx, cy + hy, hx, hy);
    this.newNode(cx + hx, cy + hy, hx, hy);
    const target = first + (qx >= cx ? 1 : 0) + (qy >= cy ? 2 : 0);
    const body = this.body;
    body[target * 4] = body[node * 4]!;
    body[target * 4 + 1] = body[node * 4 + 1]!;
    body[target * 4 + 3] = body[node * 4 + 3]!;
    this.point[target] = this.point[node]!;
    this.point[node] = -1;
    this.firstChild[node] = first;
  }

  private newNode(cx: number, cy: number, hx: number, hy: number): number {
    const id = this.nodes++;
    this.cx[id] = cx;
    this.cy[id] = cy;
    this.hx[id] = hx;
    this.hy[id] = hy;
    const w = 2 * Math.max(hx, hy);
    const b = id * 4;
    this.body[b] = 0;
    this.body[b + 1] = 0;
    this.body[b + 2] = w * w;
    this.body[b + 3] = 0;
    this.firstChild[id] = -1;
    this.point[id] = -1;
    return id;
  }

  /** Grows every per-node array to at least `cap` entries, keeping the nodes built so far. */
  private ensure(cap: number): void {
    if (cap <= this.cap) return;
    const grow = <T extends Float64Array | Int32Array>(a: T, make: (len: number) => T, stride = 1): T => {
      const b = make(cap * stride);
      b.set(a.subarray(0, this.nodes * stride));
      return b;
    };
    const f64 = (len: number) => new Float64Array(len);
    const i32 = (len: number) => new Int32Array(len);
    this.cx = grow(this.cx, f64);
    this.cy = grow(this.cy, f64);
    this.hx = grow(this.hx, f64);
    this.hy = grow(this.hy, f64);
    this.body = grow(this.body, f64, 4);
    this.firstChild = grow(this.firstChild, i32);
    this.point = grow(this.point, i32);
    this.slot = grow(this.slot, i32);
    this.cap = cap;
  }
}
