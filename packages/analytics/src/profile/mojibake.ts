/**
 * Broken encoding ("mojibake"): UTF-8 text that was once read as Latin-1 or Windows-1252, so that
 * "Ñuñoa" became "Ã‘uÃ±oa". The seed's store address broke this way.
 */

/** A DuckDB (RE2) pattern that finds such text: a UTF-8 lead byte shown as Ã/Â/â followed by a continuation byte shown as a Latin-1 or Windows-1252 character, or the replacement character. */
export const MOJIBAKE_SQL_PATTERN = '[ÂÃ][\\x{80}-\\x{BF}‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]|â€|\\x{FFFD}';

// Windows-1252's characters for bytes 0x80-0x9F (undefined bytes map to themselves in ISO-8859-1).
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/**
 * Reverses one round of mojibake: each character back to its Windows-1252 / Latin-1 byte, the
 * bytes decoded as UTF-8. Returns null when the text does not turn into valid UTF-8 that way
 * (it was not mojibake, or it is broken beyond repair).
 */
export function repairMojibake(text: string): string | null {
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) {
      bytes.push(code);
      continue;
    }
    const high = CP1252_HIGH.indexOf(ch);
    if (high < 0) return null;
    bytes.push(0x80 + high);
  }
  try {
    const fixed = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
    return fixed === text ? null : fixed;
  } catch {
    return null;
  }
}
