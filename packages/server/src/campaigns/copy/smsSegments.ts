/**
 * How an SMS is split and billed. A message in the GSM 03.38 alphabet (GSM-7) holds 160
 * characters, or 153 per part once split (the rest carries the header that joins the parts);
 * one character outside it (ã, í, an emoji) switches the whole message to UCS-2: 70 characters,
 * 67 per part, counted in UTF-16 code units (an emoji is 2).
 */

// The GSM 03.38 basic set, and the extension set whose characters take two septets.
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('^{}\\[~]|€\f');

export const SMS_GSM_SINGLE = 160;
export const SMS_GSM_PART = 153;
export const SMS_UCS2_SINGLE = 70;
export const SMS_UCS2_PART = 67;

export interface SmsSegments {
  encoding: 'GSM-7' | 'UCS-2';
  /** Characters as the network counts them: septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
  /** The first characters that forced UCS-2, for the message that explains why ("ã", "í"). */
  nonGsm: string[];
}

export function smsSegments(text: string): SmsSegments {
  let septets = 0;
  const nonGsm: string[] = [];
  for (const ch of text) {
    if (GSM_BASIC.has(ch)) septets += 1;
    else if (GSM_EXTENSION.has(ch)) septets += 2;
    else if (nonGsm.length < 5 && !nonGsm.includes(ch)) nonGsm.push(ch);
    else if (nonGsm.length >= 5) break;
  }
  if (nonGsm.length === 0) {
    const segments = septets === 0 ? 0 : septets <= SMS_GSM_SINGLE ? 1 : Math.ceil(septets / SMS_GSM_PART);
    return { encoding: 'GSM-7', units: septets, segments, nonGsm };
  }
  const units = text.length;
  const segments = units <= SMS_UCS2_SINGLE ? 1 : Math.ceil(units / SMS_UCS2_PART);
  return { encoding: 'UCS-2', units, segments, nonGsm };
}
