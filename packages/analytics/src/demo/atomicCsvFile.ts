import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';

/**
 * A CSV file written in chunks of bytes: numbers are written digit by digit and text cells are
 * encoded once by the caller, so a row leaves no garbage behind. A full chunk goes to the stream
 * with backpressure (`flush` waits for 'drain'). The file is written beside the target under a
 * temporary name and renamed by `commit`, so a failure never leaves a half-written file.
 * Used by both demo generators.
 */
export class AtomicCsvFile {
  private readonly tmp: string;
  private readonly out: WriteStream;
  private failure: Error | null = null;
  private buf: Buffer;
  private pos = 0;

  constructor(
    readonly path: string,
    private readonly chunkBytes = 1 << 20,
  ) {
    this.tmp = `${path}.tmp-${process.pid}`;
    this.out = createWriteStream(this.tmp, { highWaterMark: 4 * chunkBytes });
    this.out.on('error', (err) => {
      this.failure = err;
    });
    this.buf = Buffer.allocUnsafe(chunkBytes);
  }

  /** Bytes in the current chunk (where the next row starts). */
  get length(): number {
    return this.pos;
  }

  /** True once the chunk is nearly full: `await flush()` before the next row. */
  get full(): boolean {
    return this.pos >= this.chunkBytes - (this.chunkBytes >> 3);
  }

  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.pos === 0) return;
    const chunk = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(this.chunkBytes);
    this.pos = 0;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  async commit(): Promise<void> {
    await this.flush();
    this.out.end();
    await once(this.out, 'finish');
    await rename(this.tmp, this.path);
  }

  async abort(): Promise<void> {
    this.out.destroy();
    await rm(this.tmp, { force: true });
  }

  /** Any text, as UTF-8. */
  text(s: string): this {
    this.ensure(3 * s.length);
    this.pos += this.buf.write(s, this.pos, 'utf8');
    return this;
  }

  /** Pre-encoded text. */
  bytes(b: Uint8Array): this {
    const n = b.length;
    this.ensure(n);
    const buf = this.buf;
    const p = this.pos;
    // A short copy is faster in a loop than through the native call.
    if (n > 16) buf.set(b, p);
    else for (let i = 0; i < n; i++) buf[p + i] = b[i]!;
    this.pos = p + n;
    return this;
  }

  /** One ASCII character by its code (44 is a comma, 10 a line break). */
  char(code: number): this {
    this.ensure(1);
    this.buf[this.pos++] = code;
    return this;
  }

  /** A whole number. */
  int(n: number): this {
    this.ensure(24);
    if (n < 0) {
      this.buf[this.pos++] = 45;
      n = -n;
    }
    return this.digits(n, digitCount(n));
  }

  /** A whole number >= 0 with leading zeros up to `width` digits. */
  padded(n: number, width: number): this {
    this.ensure(24);
    return this.digits(n, Math.max(digitCount(n), width));
  }

  /** A number with exactly `places` decimals (like toFixed). */
  fixed(x: number, places: number): this {
    const scale = 10 ** places;
    const m = Math.round(Math.abs(x) * scale);
    if (x < 0 && m > 0) this.char(45);
    const whole = Math.floor(m / scale);
    this.int(whole);
    if (places > 0) this.char(46).padded(m - whole * scale, places);
    return this;
  }

  /**
   * `units / 10^places` written the way Python writes a float: trailing zeros dropped, but at
   * least one decimal (255, 2 -> "2.55"; 210, 2 -> "2.1"; 1800, 2 -> "18.0").
   */
  decimal(units: number, places: number): this {
    if (units < 0) {
      this.char(45);
      units = -units;
    }
    const scale = 10 ** places;
    const whole = Math.floor(units / scale);
    let frac = units - whole * scale;
    let width = places;
    while (width > 1 && frac % 10 === 0) {
      frac /= 10;
      width--;
    }
    return this.int(whole).char(46).padded(frac, width);
  }

  /** Appends a copy of bytes [from, to) of the current chunk (an earlier row). */
  copyWithin(from: number, to: number): this {
    this.ensure(to - from);
    this.buf.copy(this.buf, this.pos, from, to);
    this.pos += to - from;
    return this;
  }

  /** A CSV cell: quoted when it holds a comma, a quote or a line break. */
  static field(s: string): string {
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }

  private digits(n: number, len: number): this {
    const buf = this.buf;
    const end = this.pos + len;
    let i = end - 1;
    // Doubles down to 2^31, then the faster small-integer arithmetic.
    for (; n >= 2147483648; i--) {
      const q = Math.floor(n / 10);
      buf[i] = 48 + n - q * 10;
      n = q;
    }
    for (; i >= this.pos; i--) {
      const q = (n / 10) | 0;
      buf[i] = 48 + n - q * 10;
      n = q;
    }
    this.pos = end;
    return this;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }
}

/** Decimal digits of a whole number >= 0 (below 10^16). */
function digitCount(n: number): number {
  if (n < 1e4) return n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : 4;
  let len = 5;
  for (let t = 1e5; n >= t && len < 16; t *= 10) len++;
  return len;
}
