import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The environment variable that holds the key: 32 bytes as base64, or as 64 hex digits. */
export const SECRET_KEY_ENV = 'CLIENTELE_SECRET_KEY';
/** The key file made in a data folder when the environment gives no key. */
export const SECRET_KEY_FILE = 'secret.key';
/** How a sealed value starts: `enc:v1:<iv>:<tag>:<ciphertext>`, each base64url. */
export const SEALED_PREFIX = 'enc:v1:';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HOW_TO_MAKE = 'make one with `openssl rand -base64 32`';

/** What to do when a sealed value does not open with this key. */
export const WRONG_KEY_MESSAGE =
  'the channel secrets were encrypted with another key: set CLIENTELE_SECRET_KEY to the key used before, or enter them again in Campaigns > Channels';

/**
 * A key that cannot be used (BAD_SECRET_KEY: the environment's or the key file's is malformed),
 * none where one is needed (NO_SECRET_KEY), or a sealed value that does not open with it (WRONG_SECRET_KEY).
 */
export class SecretKeyError extends Error {
  override name = 'SecretKeyError';
  readonly code: 'BAD_SECRET_KEY' | 'NO_SECRET_KEY' | 'WRONG_SECRET_KEY';
  constructor(code: SecretKeyError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Seals and opens the organisations' channel secrets (SMTP password, Twilio auth token, LLM API
 * key) with AES-256-GCM under a key that is not in the database, so a dump or a backup of the
 * database alone does not reveal them. A sealed value is `enc:v1:<iv>:<tag>:<ciphertext>`
 * (base64url, a random 12-byte IV each); a value without the prefix was written before secrets
 * were sealed and opens as it is (the next save seals it).
 */
export class SecretBox {
  readonly #key: Buffer;
  /** Where the key came from, for a start-up line: the variable's name, the key file, or 'temporary'. */
  readonly source: string;

  constructor(key: Buffer, source: string) {
    if (key.length !== KEY_BYTES) {
      throw new SecretKeyError('BAD_SECRET_KEY', `a secret key is ${KEY_BYTES} bytes, got ${key.length}`);
    }
    this.#key = Buffer.from(key);
    this.source = source;
  }

  /** A key of its own, gone with the process (an in-memory store, tests). */
  static temporary(): SecretBox {
    return new SecretBox(randomBytes(KEY_BYTES), 'temporary');
  }

  /** Whether a stored value is sealed (else it is a plain value written before). */
  static isSealed(value: string): boolean {
    return value.startsWith(SEALED_PREFIX);
  }

  seal(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url'));
    return `${SEALED_PREFIX}${parts.join(':')}`;
  }

  /** Seals a plain value; a sealed one is kept as it is (even one of another key). */
  sealed(value: string): string {
    return SecretBox.isSealed(value) ? value : this.seal(value);
  }

  /** The plain value of a stored one; throws SecretKeyError (WRONG_KEY_MESSAGE) when it does not open. */
  open(stored: string): string;
  open(stored: string | undefined): string | undefined;
  open(stored: string | undefined): string | undefined {
    if (stored === undefined || !SecretBox.isSealed(stored)) return stored;
    const parts = stored.slice(SEALED_PREFIX.length).split(':');
    try {
      if (parts.length !== 3) throw new Error('not three parts');
      const [iv, tag, body] = parts.map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer];
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('bad iv or tag');
      const decipher = createDecipheriv('aes-256-gcm', this.#key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch (err) {
      throw new SecretKeyError('WRONG_SECRET_KEY', WRONG_KEY_MESSAGE, { cause: err });
    }
  }

  /** Whether a stored value opens with this key (a plain one always does). */
  opens(stored: string | undefined): boolean {
    try {
      this.open(stored);
      return true;
    } catch {
      return false;
    }
  }

  /** Never the key in logs or JSON. */
  toJSON(): string {
    return `SecretBox(${this.source})`;
  }
}

/** A key as the environment gives it: 32 bytes as base64 (or base64url), or as 64 hex digits. */
export function parseSecretKey(text: string, from = SECRET_KEY_ENV): Buffer {
  const value = text.trim();
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const key = Buffer.from(value, 'base64');
    if (key.length === KEY_BYTES) return key;
  }
  throw new SecretKeyError(
    'BAD_SECRET_KEY',
    `${from} must be ${KEY_BYTES} bytes as base64 (44 characters) or as 64 hex digits (it has ${value.length} characters); ${HOW_TO_MAKE}`,
  );
}

/**
 * The key the channel secrets are sealed with: CLIENTELE_SECRET_KEY when the environment sets it
 * (a malformed one is refused), else `<dir>/secret.key`, 32 random bytes made once (mode 0600)
 * and read at every start. Without either (no `dir`), undefined.
 */
export function loadSecretBox(options: { dir?: string; env?: NodeJS.ProcessEnv }): SecretBox | undefined {
  const fromEnv = (options.env ?? process.env)[SECRET_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return new SecretBox(parseSecretKey(fromEnv), SECRET_KEY_ENV);
  if (options.dir === undefined) return undefined;
  const path = join(options.dir, SECRET_KEY_FILE);
  return new SecretBox(keyFile(path), path);
}

/** Reads the key file, or makes it: written aside then linked in, so two processes agree on one. */
function keyFile(path: string): Buffer {
  let key: Buffer;
  try {
    key = readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(join(path, '..'), { recursive: true });
    const aside = `${path}.${process.pid}.tmp`;
    writeFileSync(aside, randomBytes(KEY_BYTES), { mode: 0o600 });
    chmodSync(aside, 0o600);
    try {
      linkSync(aside, path);
    } catch (linkErr) {
      if ((linkErr as NodeJS.ErrnoException).code !== 'EEXIST') throw linkErr;
    } finally {
      rmSync(aside, { force: true });
    }
    key = readFileSync(path);
  }
  if (key.length !== KEY_BYTES) {
    throw new SecretKeyError(
      'BAD_SECRET_KEY',
      `${path} is not a key (${KEY_BYTES} bytes expected, it has ${key.length}): put back the one you had, or set ${SECRET_KEY_ENV} (${HOW_TO_MAKE})`,
    );
  }
  return key;
}
