import type { CopyDraft, CopyLanguage, CopyRequest, CopyWriter, SegmentBrief } from '../types.ts';
import { checkCopy, STOP_LINES, UNSUBSCRIBE_LINES } from './checkCopy.ts';
import type { WrittenDraft } from './copyProblem.ts';
import { type CopyTheme, featureWords, themeOf } from './copyThemes.ts';

type Words = Record<CopyLanguage, string>;

const GREETING: Words = { en: 'Hi {first_name},', es: 'Hola {first_name},', pt: 'Olá {first_name},' };
/** SMS runs the greeting into the next sentence, so it ends with "!". */
const SHORT_GREETING: Words = { en: 'Hi {first_name}!', es: '¡Hola {first_name}!', pt: 'Olá {first_name}!' };
const SIGN_OFF: Words = { en: 'See you soon!', es: '¡Hasta pronto!', pt: 'Até breve!' };
const DEFAULT_OFFER: Words = {
  en: 'a special offer picked for you',
  es: 'una oferta especial pensada para ti',
  pt: 'uma oferta especial pensada para você',
};
const OFFER_SENTENCE: Record<CopyLanguage, (offer: string) => string> = {
  en: (o) => `Discover ${o}.`,
  es: (o) => `Descubre ${o}.`,
  pt: (o) => `Conheça ${o}.`,
};
const SUBJECT: Record<CopyLanguage, (offer: string) => string> = {
  en: (o) => `{first_name}, ${o}`,
  es: (o) => `{first_name}, ${o}`,
  pt: (o) => `{first_name}, ${o}`,
};
/** The feature a segment stands out for, when no theme knows its column. */
const STANDS_OUT: Record<CopyLanguage, (words: string) => string> = {
  en: (w) => `Customers like you stand out for their ${w}.`,
  es: (w) => `Los clientes como tú destacan por su ${w}.`,
  pt: (w) => `Clientes como você se destacam por ${w}.`,
};
/** Most of the segment is at High or Critical risk: the offer is time-bound. */
const URGENT: Words = {
  en: 'This offer is reserved for you until the end of the month.',
  es: 'Esta oferta está reservada para ti hasta fin de mes.',
  pt: 'Esta oferta está reservada para você até o fim do mês.',
};
/** Mostly Low or Moderate risk: a loyalty tone. */
const LOYAL: Words = {
  en: 'It is our thank-you for being part of our community.',
  es: 'Es nuestro agradecimiento por ser parte de nuestra comunidad.',
  pt: 'É o nosso agradecimento por fazer parte da nossa comunidade.',
};

/**
 * Leading words of an instruction that say what to do rather than what to offer:
 * "promote travel packages" -> "travel packages".
 */
const INSTRUCTION_VERBS =
  /^(please\s+)?(promote|offer|announce|advertise|sell|push|present|give them|tell them about|remind them (about|of)|let them know about|invite them to|promocion(a|ar)|promov(e|er)|promueve|ofrec(e|er)(les)?|anunci(a|ar|e)|invít(a|alos) a|invita(r|los)? a|recuérdales|dales|promova|ofereça|oferecer|divulg(ue|ar)|convide(-os)? (a|para))\s+/i;

/**
 * The offline writer: a draft from the segment's profile, churn reasons and risk tiers, with no
 * model. It recognises what a segment stands out for by its column names (`COPY_THEMES`: travel,
 * recharges, recency, support calls, tenure, data, value, ...), says it in the copy's language,
 * takes the offer from the instruction ("travellers ...: promote travel packages for the Americas"
 * -> "Discover travel packages for the Americas."), adds a line for the top churn reason and a
 * tone for the risk tiers, and ends with the channel's opt-out line. Deterministic: the same
 * request gives the same draft; segments that differ in profile get different copy.
 */
export class TemplateCopyWriter implements CopyWriter {
  async write(request: CopyRequest): Promise<WrittenDraft> {
    return writeTemplateCopy(request);
  }
}

export function writeTemplateCopy(request: CopyRequest): WrittenDraft {
  const { channel, language: lang, segment } = request;
  const offer = offerOf(request.instruction) || DEFAULT_OFFER[lang];
  const traits = traitSentences(segment, lang, channel === 'sms' ? 1 : 2);
  const retain = retainSentence(segment, lang);
  const tone = mostlyAtRisk(segment) ? URGENT[lang] : LOYAL[lang];
  const offerLine = OFFER_SENTENCE[lang](offer);

  let draft: CopyDraft;
  if (channel === 'sms') {
    const body = [SHORT_GREETING[lang], traits.sentences[0], offerLine, STOP_LINES[lang]]
      .filter(Boolean)
      .join(' ');
    draft = { body, writer: 'template' };
  } else if (channel === 'whatsapp') {
    const body = [
      GREETING[lang],
      traits.sentences.join(' '),
      [offerLine, retain].filter(Boolean).join(' '),
      tone,
      STOP_LINES[lang],
    ]
      .filter(Boolean)
      .join('\n\n');
    draft = { body, writer: 'template' };
  } else {
    const body = [
      GREETING[lang],
      traits.sentences.join(' '),
      [offerLine, retain].filter(Boolean).join(' '),
      tone,
      SIGN_OFF[lang],
      UNSUBSCRIBE_LINES[lang],
    ]
      .filter(Boolean)
      .join('\n\n');
    draft = { subject: cut(SUBJECT[lang](offer), 110), body, writer: 'template' };
  }
  return {
    ...draft,
    problems: checkCopy({ channel, subject: draft.subject, body: draft.body, language: lang }),
  };
}

/** Words inside an instruction after which the offer follows: "a message offering 20% off". */
const OFFER_MARKERS =
  /\b(promoting|offering|announcing|advertising|about|promocionando|ofreciendo|anunciando|sobre|promovendo|oferecendo|anunciando|divulgando)\s+/i;
/** An instruction about the message itself ("write a message to win them back"), with no offer in it. */
const META_INSTRUCTION =
  /^(please\s+)?(write|send|draft|create|compose|make|escrib|redact|env[ií]|crea|escrev|mand|fa[cç]a)/i;

/**
 * The offer in the instruction: after its last colon, without the leading verb, braces or the
 * final stop; "" when the instruction only asks for a message ("write a message to win them back").
 */
export function offerOf(instruction: string): string {
  let text = instruction.replace(/\s+/g, ' ').replace(/[{}]/g, '').trim();
  const colon = text.lastIndexOf(':');
  if (colon >= 0 && text.slice(colon + 1).trim() !== '') text = text.slice(colon + 1).trim();
  if (INSTRUCTION_VERBS.test(text)) {
    text = text.replace(INSTRUCTION_VERBS, '');
  } else {
    const marker = OFFER_MARKERS.exec(text);
    if (marker) text = text.slice(marker.index + marker[0].length);
    else if (META_INSTRUCTION.test(text)) text = '';
  }
  return cut(text.replace(/[\s.!;,]+$/, ''), 160);
}

/** Up to `max` sentences for the segment's most distinctive features, one per theme. */
function traitSentences(
  segment: SegmentBrief,
  lang: CopyLanguage,
  max: number,
): { sentences: string[]; themes: CopyTheme[] } {
  const sentences: string[] = [];
  const themes: CopyTheme[] = [];
  for (const p of segment.profile) {
    if (sentences.length >= max) break;
    const theme = themeOf(p.feature);
    const direction = directionOf(p.segment, p.overall);
    if (!theme || direction === 0 || themes.includes(theme)) continue;
    themes.push(theme);
    sentences.push(direction > 0 ? theme.high[lang] : theme.low[lang]);
  }
  if (sentences.length === 0) {
    // No column we recognise: name the most distinctive one in words.
    const first = segment.profile.find((p) => featureWords(p.feature) !== '');
    if (first) sentences.push(STANDS_OUT[lang](featureWords(first.feature)));
  }
  return { sentences, themes };
}

/** A line that answers the segment's strongest churn reason, when a theme knows what to say to it. */
function retainSentence(segment: SegmentBrief, lang: CopyLanguage): string | undefined {
  const reasons = segment.churnReasons.filter((r) => r.contribution > 0);
  reasons.sort((a, b) => b.contribution - a.contribution);
  for (const r of reasons) {
    const theme = themeOf(r.feature);
    if (theme?.retain) return theme.retain[lang];
  }
  return undefined;
}

function mostlyAtRisk(segment: SegmentBrief): boolean {
  const tiers = segment.riskTiers;
  const total = Object.values(tiers).reduce((s, n) => s + (Number.isFinite(n) ? n : 0), 0);
  if (total === 0) return false;
  return ((tiers['High'] ?? 0) + (tiers['Critical'] ?? 0)) / total >= 0.5;
}

/** +1 above everyone's average, -1 below, 0 when equal or not numbers (a category). */
function directionOf(segment: number | string, overall: number | string): number {
  const s = typeof segment === 'number' ? segment : Number(segment);
  const o = typeof overall === 'number' ? overall : Number(overall);
  if (!Number.isFinite(s) || !Number.isFinite(o) || s === o) return 0;
  return s > o ? 1 : -1;
}

/** At most `max` characters, cut at a word boundary. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max);
  const space = head.lastIndexOf(' ');
  return (space > max / 2 ? head.slice(0, space) : head).replace(/[\s,;:]+$/, '');
}
