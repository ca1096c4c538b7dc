import { createReadStream, createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { Encoding } from './sniffFile.ts';

/**
 * Streams a file (gunzipped when asked) into a UTF-8 copy, so DuckDB reads every encoding the same
 * way. Memory stays at a few chunks whatever the file's size; line numbers are unchanged.
 */
export async function transcodeToUtf8(
  source: string,
  target: string,
  opts: { encoding: Encoding; gzip: boolean },
): Promise<void> {
  const decode = decoderFor(opts.encoding);
  const transform = new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, Buffer.from(decode(chunk, true), 'utf8'));
    },
    flush(done) {
      done(null, Buffer.from(decode(Buffer.alloc(0), false), 'utf8'));
    },
  });
  const input = createReadStream(source);
  const output = createWriteStream(target);
  if (opts.gzip) await pipeline(input, createGunzip(), transform, output);
  else await pipeline(input, transform, output);
}

function decoderFor(encoding: Encoding): (chunk: Buffer, more: boolean) => string {
  // Node's 'latin1' is ISO-8859-1 exactly; the WHATWG decoder would map it to Windows-1252.
  if (encoding === 'iso-8859-1') return (chunk) => chunk.toString('latin1');
  const decoder = new TextDecoder(encoding);
  return (chunk, more) => decoder.decode(chunk, { stream: more });
}
