import { open } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../errors.ts';

export const FILE_FORMATS = ['csv', 'parquet', 'jsonl'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/**
 * Text encodings we read. DuckDB's CSV reader knows UTF-8, UTF-16 and Latin-1 only (the others
 * live in an extension that cannot be downloaded here), so anything but UTF-8 is transcoded by
 * Node, streamed, before DuckDB sees it.
 */
export const ENCODINGS = ['utf-8', 'iso-8859-1', 'windows-1252', 'utf-16le', 'utf-16be'] as const;
export type Encoding = (typeof ENCODINGS)[number];

const ENCODING_ALIASES: Record<string, Encoding> = {
  utf8: 'utf-8',
  'utf-8': 'utf-8',
  'utf-8-sig': 'utf-8',
  latin1: 'iso-8859-1',
  'latin-1': 'iso-8859-1',
  'iso-8859-1': 'iso-8859-1',
  iso88591: 'iso-8859-1',
  'iso8859-1': 'iso-8859-1',
  cp1252: 'windows-1252',
  'windows-1252': 'windows-1252',
  win1252: 'windows-1252',
  utf16: 'utf-16le',
  'utf-16': 'utf-16le',
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
};

/** Maps a user's spelling of an encoding ("latin1", "CP1252", "UTF-8") to ours, or says which exist. */
export function parseEncoding(name: string): Encoding {
  const e = ENCODING_ALIASES[name.trim().toLowerCase().replaceAll('_', '-')];
  if (!e) {
    throw new InputError(
      'UNKNOWN_ENCODING',
      `unknown encoding "${name}"; Clientele reads ${ENCODINGS.join(', ')} (also spelled latin1, cp1252, utf8)`,
      { encoding: name },
    );
  }
  return e;
}

export interface SniffedFile {
  format: FileFormat;
  gzip: boolean;
  /** For text formats: the encoding, and whether the file starts with a byte-order mark. */
  encoding: Encoding | null;
  bom: boolean;
  bytes: number;
}

const SAMPLE_BYTES = 1 << 16;

/**
 * Looks at the first 64 KiB (decompressed when gzip) to tell the format and the text encoding.
 * The extension is only a hint: a .csv that is really Parquet is read as Parquet.
 */
export async function sniffFile(path: string, bytes: number): Promise<SniffedFile> {
  let head = await readHead(path, SAMPLE_BYTES);
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  if (gzip) head = gunzipHead(path, head, bytes);
  if (head.length === 0) {
    throw new InputError('EMPTY_FILE', `${path} is empty: it needs a header line and data rows`, { path });
  }
  if (head.length >= 4 && head.toString('latin1', 0, 4) === 'PAR1') {
    return { format: 'parquet', gzip, encoding: null, bom: false, bytes };
  }
  const { encoding, bom } = sniffEncoding(head, path);
  const format =
    looksLikeJsonLines(head, encoding) || /\.(jsonl|ndjson|json)(\.gz)?$/i.test(path) ? 'jsonl' : 'csv';
  return { format, gzip, encoding, bom, bytes };
}

async function readHead(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Decompresses as much of the file's start as the first 64 KiB of gzip give. */
function gunzipHead(path: string, head: Buffer, bytes: number): Buffer {
  try {
    // finishFlush lets a truncated stream give what it has instead of throwing.
    return gunzipSync(head, { finishFlush: 2 /* Z_SYNC_FLUSH */ }).subarray(0, SAMPLE_BYTES);
  } catch (err) {
    throw new InputError(
      'BINARY_FILE',
      `${path} starts like a gzip file but does not decompress (${(err as Error).message}); is it complete? (${bytes} bytes)`,
      { path },
    );
  }
}

function sniffEncoding(head: Buffer, path: string): { encoding: Encoding; bom: boolean } {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
    return { encoding: 'utf-8', bom: true };
  }
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: true };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: true };
  const controls = countControlBytes(head);
  if (controls.nul > 0 || controls.other > head.length * 0.01) {
    const offset = controls.firstOffset;
    throw new InputError(
      'BINARY_FILE',
      `${path} looks like a binary file, not text (byte 0x${head[offset]!.toString(16).padStart(2, '0')} at offset ${offset}); Clientele reads CSV, Parquet and JSON lines, optionally gzip-compressed`,
      { path, offset },
    );
  }
  if (isValidUtf8(head)) return { encoding: 'utf-8', bom: false };
  // Bytes 0x80-0x9F are control codes in ISO-8859-1 and never appear in real text, but are
  // letters and symbols (€, ', ", Œ) in Windows-1252: their presence decides.
  for (const b of head) if (b >= 0x80 && b <= 0x9f) return { encoding: 'windows-1252', bom: false };
  return { encoding: 'iso-8859-1', bom: false };
}

function countControlBytes(head: Buffer): { nul: number; other: number; firstOffset: number } {
  let nul = 0;
  let other = 0;
  let firstOffset = -1;
  for (let i = 0; i < head.length; i++) {
    const b = head[i]!;
    if (b === 0) nul++;
    else if (b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b)) other++;
    else continue;
    if (firstOffset < 0) firstOffset = i;
  }
  return { nul, other, firstOffset };
}

/** True when the bytes are UTF-8, allowing a multi-byte character cut off at the sample's end. */
export function isValidUtf8(buf: Buffer): boolean {
  let i = 0;
  const n = buf.length;
  while (i < n) {
    const b = buf[i]!;
    let extra: number;
    if (b < 0x80) {
      i++;
      continue;
    }
    if (b >= 0xc2 && b <= 0xdf) extra = 1;
    else if (b >= 0xe0 && b <= 0xef) extra = 2;
    else if (b >= 0xf0 && b <= 0xf4) extra = 3;
    else return false;
    if (i + extra >= n) return true;
    for (let k = 1; k <= extra; k++) if ((buf[i + k]! & 0xc0) !== 0x80) return false;
    i += extra + 1;
  }
  return true;
}

function looksLikeJsonLines(head: Buffer, encoding: Encoding): boolean {
  if (encoding !== 'utf-8') return false;
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const first = text.split('\n', 1)[0]!.trim();
  return first.startsWith('{') && (first.endsWith('}') || first.length === text.trim().length);
}
