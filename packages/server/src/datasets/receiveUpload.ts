import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';

/** The body went past the byte limit; what was written is incomplete. */
export class UploadTooLargeError extends Error {
  override name = 'UploadTooLargeError';
  constructor(readonly limit: number) {
    super(`the upload is larger than the limit of ${formatBytes(limit)}`);
  }
}

/** The client stopped sending before the body's end. */
export class UploadAbortedError extends Error {
  override name = 'UploadAbortedError';
}

export interface ReceivedUpload {
  bytes: number;
  /** SHA-256 of the bytes, hex. */
  sha256: string;
}

/**
 * Streams a request body into a file, counting and hashing as it goes, and stops at `limit`
 * bytes. On stopping, the rest of the body is read and thrown away (not destroyed), so the client
 * can still read the answer; the caller removes the partial file.
 */
export function receiveUpload(source: Readable, path: string, limit: number): Promise<ReceivedUpload> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(path);
    const hash = createHash('sha256');
    let bytes = 0;
    let settled = false;
    const detach = (): void => {
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      source.off('close', onClose);
    };
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      detach();
      source.resume(); // no listener left: the rest is read and dropped
      out.destroy();
      // Answer once the file is closed, so the caller can remove it.
      if (out.closed) reject(err);
      else out.once('close', () => reject(err));
    };
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes > limit) {
        fail(new UploadTooLargeError(limit));
        return;
      }
      hash.update(chunk);
      if (!out.write(chunk)) {
        source.pause();
        out.once('drain', () => {
          if (!settled) source.resume();
        });
      }
    };
    const onEnd = (): void => {
      if (settled) return;
      settled = true;
      detach();
      out.end(() => resolve({ bytes, sha256: hash.digest('hex') }));
    };
    const onError = (err: Error): void => fail(new UploadAbortedError(`the upload failed: ${err.message}`));
    const onClose = (): void => fail(new UploadAbortedError('the upload stopped before its end'));
    out.on('error', (err) => fail(err));
    source.on('data', onData);
    source.once('end', onEnd);
    source.once('error', onError);
    source.once('close', onClose);
  });
}

/** 536870912 -> "512 MiB", 23419520 -> "22.3 MiB", 1000 -> "1,000 bytes". */
export function formatBytes(n: number): string {
  const units: [string, number][] = [
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ];
  for (const [unit, size] of units) {
    if (n >= size) {
      const v = n / size;
      return `${Number.isInteger(v) ? v : v.toFixed(1)} ${unit}`;
    }
  }
  return `${n.toLocaleString('en-US')} bytes`;
}
