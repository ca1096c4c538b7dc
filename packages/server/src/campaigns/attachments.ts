import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** The largest attachment a campaign may carry: 5 MiB (WhatsApp takes images up to 5 MB). */
export const ATTACHMENT_LIMIT = 5 * 1024 * 1024;

/** What a campaign may carry: an image or a PDF. */
export const ATTACHMENT_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'application/pdf'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/** The attachment as kept on the campaign (`campaigns.attachment`, migration 0011). */
export interface StoredAttachment {
  /** The file's name as the recipient sees it. */
  name: string;
  type: AttachmentType;
  bytes: number;
  /** SHA-256 of the bytes, hex. */
  sha256: string;
  /** The stored file's name in the campaign's folder (random, made by the server). */
  file: string;
}

const TYPE_WORDS: Record<AttachmentType, string> = {
  'image/png': 'a PNG image',
  'image/jpeg': 'a JPEG image',
  'image/gif': 'a GIF image',
  'application/pdf': 'a PDF document',
};

/** "a PNG image" for image/png. */
export function describeType(type: AttachmentType): string {
  return TYPE_WORDS[type];
}

/** The extension a file of each type is named with. */
export const EXTENSIONS: Record<AttachmentType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'application/pdf': 'pdf',
};

/** How many first bytes `sniffType` needs. */
export const SNIFF_BYTES = 16;

/**
 * What the first bytes say a file is (its magic number): one of the attachment types, or, for
 * anything else, words naming what was found ("a ZIP archive (also .docx, .xlsx)", "text").
 */
export function sniffType(head: Uint8Array): { type: AttachmentType } | { found: string } {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const starts = (bytes: number[] | string, at = 0) => {
    const want = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
    return b.length >= at + want.length && b.subarray(at, at + want.length).equals(want);
  };
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { type: 'image/png' };
  if (starts([0xff, 0xd8, 0xff])) return { type: 'image/jpeg' };
  if (starts('GIF87a') || starts('GIF89a')) return { type: 'image/gif' };
  if (starts('%PDF-')) return { type: 'application/pdf' };
  if (b.length === 0) return { found: 'an empty file' };
  if (starts('RIFF') && starts('WEBP', 8)) return { found: 'a WebP image' };
  if (starts('ftyp', 4) && /^(heic|heix|mif1|avif)$/.test(b.subarray(8, 12).toString('latin1')))
    return { found: 'a HEIC / AVIF image' };
  if (starts('ftyp', 4)) return { found: 'an MP4 / QuickTime video' };
  if (starts('BM')) return { found: 'a BMP image' };
  if (starts([0x49, 0x49, 0x2a, 0x00]) || starts([0x4d, 0x4d, 0x00, 0x2a])) return { found: 'a TIFF image' };
  if (starts([0x50, 0x4b, 0x03, 0x04])) return { found: 'a ZIP archive (also .docx, .xlsx, .pptx)' };
  if (starts([0xd0, 0xcf, 0x11, 0xe0])) return { found: 'an old Microsoft Office document' };
  if (starts([0x1f, 0x8b])) return { found: 'a gzip archive' };
  if (starts('ID3') || starts([0xff, 0xfb])) return { found: 'an MP3 audio file' };
  if (starts([0x7f, 0x45, 0x4c, 0x46]) || starts('MZ')) return { found: 'a program' };
  const text = b
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (/^<(\?xml|svg)/i.test(text)) return { found: 'an SVG / XML file' };
  if (/^<(!doctype|html)/i.test(text)) return { found: 'an HTML page' };
  if (![...text].some((ch) => isControl(ch, true) || ch === '\ufffd')) return { found: 'text' };
  const hex = [...b.subarray(0, 8)].map((x) => x.toString(16).padStart(2, '0')).join(' ');
  return { found: `a file of another kind (it starts with the bytes ${hex})` };
}

/** A control character (tab, line feeds and form feed allowed in text when `inText`). */
function isControl(ch: string, inText: boolean): boolean {
  const code = ch.codePointAt(0)!;
  if (inText && code >= 9 && code <= 13) return false;
  return code < 32 || code === 127;
}

/** The first bytes of a file. */
export async function readHead(path: string, n = SNIFF_BYTES): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(n);
    const { bytesRead } = await file.read(buffer, 0, n, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/**
 * A name safe to show and to put in a MIME header: the last part of a path, without control
 * characters or quotes, at most 150 characters (the extension kept), ending with the type's
 * extension (added when it has another one, or none).
 */
export function cleanAttachmentName(raw: string | undefined, type: AttachmentType): string {
  const ext = EXTENSIONS[type];
  let name = basename((raw ?? '').replace(/\\/g, '/'))
    .split('')
    .filter((ch) => !isControl(ch, false) && !'"<>|*?:'.includes(ch))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  const dot = name.lastIndexOf('.');
  const has = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  const fits = has === ext || (type === 'image/jpeg' && has === 'jpeg');
  let stem = fits ? name.slice(0, dot) : name;
  stem = stem.replace(/^\.+/, '').slice(0, 140).trim();
  name = `${stem || 'attachment'}.${fits ? has : ext}`;
  return name;
}

/**
 * The folder of a campaign's attachment: `<dataDir>/attachments/<orgId>/<campaignId>/`. Ids are
 * made by the server, never user input, so they are safe as folder names.
 */
export function attachmentDir(dataDir: string, orgId: string, campaignId: string): string {
  return join(dataDir, 'attachments', orgId, campaignId);
}

/** The stored file of an attachment. */
export function attachmentPath(
  dataDir: string,
  orgId: string,
  campaignId: string,
  attachment: Pick<StoredAttachment, 'file'>,
): string {
  if (!/^[A-Za-z0-9_-]+$/.test(attachment.file)) throw new Error('malformed attachment file name');
  return join(attachmentDir(dataDir, orgId, campaignId), attachment.file);
}

/** A new random name for a stored file (never the person's name: that is kept on the campaign). */
export function newAttachmentFile(): string {
  return randomBytes(12).toString('base64url');
}

/** `campaigns.attachment` read back: the stored object, or null (anything malformed reads as none). */
export function storedAttachment(value: unknown): StoredAttachment | null {
  if (!value || typeof value !== 'object') return null;
  const a = value as Partial<StoredAttachment>;
  if (
    typeof a.name !== 'string' ||
    typeof a.file !== 'string' ||
    typeof a.bytes !== 'number' ||
    typeof a.sha256 !== 'string' ||
    !(ATTACHMENT_TYPES as readonly string[]).includes(a.type as string)
  ) {
    return null;
  }
  return a as StoredAttachment;
}
