import type { ChannelKind, CopyLanguage } from '../types.ts';
import type { CopyProblem } from './copyProblem.ts';
import { SMS_GSM_PART, SMS_UCS2_PART, smsSegments } from './smsSegments.ts';
import { variableProblems, withTypicalValues } from './variables.ts';

/**
 * The channels' limits, as the writers are told them and the checks apply them. Lengths are
 * counted once the variables are filled in, with each variable at a typical length
 * (`VARIABLES[v].typicalLength`), so a check passes only if real values are likely to fit.
 */
export const COPY_LIMITS = {
  /** E-mail subjects past ~150 characters are cut by every mail client; most show far fewer. */
  emailSubject: 150,
  /**
   * WhatsApp: a business-initiated message is a template, whose body Meta caps at 1,024
   * characters *after* the variables are filled in. Twilio rejects longer ones with error 63021
   * ("Length of the parameters and the template text exceeds the allowed length of 1024 for
   * WhatsApp", https://www.twilio.com/docs/api/errors/63021); the same 1,024 is the template body
   * limit Meta's partners document. (Free-form replies inside the 24-hour window may be longer,
   * but campaigns are business-initiated.)
   */
  whatsappBody: 1024,
  /**
   * SMS: at most 10 segments. Twilio accepts bodies up to 1,600 characters (error 21617) and
   * recommends staying within 10 segments; each segment is billed as one message.
   */
  smsSegments: 10,
} as const;

/** The opt-out line a WhatsApp or SMS message ends with, in the copy's language. */
export const STOP_LINES: Record<CopyLanguage, string> = {
  en: 'Reply STOP to opt out.',
  es: 'Responde STOP para darte de baja.',
  pt: 'Responda STOP para sair.',
};

/** The unsubscribe line of an e-mail, in the copy's language. */
export const UNSUBSCRIBE_LINES: Record<CopyLanguage, string> = {
  en: 'To stop receiving these e-mails: {unsubscribe_url}',
  es: 'Para dejar de recibir estos correos: {unsubscribe_url}',
  pt: 'Para deixar de receber estes e-mails: {unsubscribe_url}',
};

/**
 * "Reply STOP", "Text STOP", "Responde STOP", "Responda STOP", "Envía STOP", "Envie STOP", quoted
 * or not: a verb that asks for a reply, then the keyword STOP the inbound webhook acts on.
 */
const STOP_LINE =
  /\b(reply|text|send|respond|responde|responda|contesta|env[ií]a|envie|manda|mande|escribe|escreva|digite)\b[^\n]{0,20}?["'“”«]?\bSTOP\b/i;

export interface CopyToCheck {
  channel: ChannelKind;
  subject?: string | null;
  body: string;
  /** When given, problem messages suggest lines in this language; otherwise in all three. */
  language?: CopyLanguage;
}

/**
 * The guardrails a draft passes before it can be sent, per channel. Returns the problems, each
 * with a stable `code` and a message that says what to change; an empty list means it may be sent.
 *
 * - every channel: a body; only the variables the channel has, written `{first_name}`;
 * - e-mail: a subject of at most 150 characters, and `{unsubscribe_url}` in the body;
 * - WhatsApp: at most 1,024 characters, and a STOP line ("Reply STOP to opt out");
 * - SMS: at most 10 segments (160 GSM-7 characters, or 70 with accents such as ã), and a STOP line.
 *
 * ```ts
 * checkCopy({ channel: 'sms', body: 'Hi {first_name}! 20% off. Reply STOP to opt out.' }) // []
 * ```
 */
export function checkCopy(copy: CopyToCheck): CopyProblem[] {
  const { channel } = copy;
  const body = copy.body ?? '';
  const problems: CopyProblem[] = [];
  if (body.trim() === '') {
    problems.push({ code: 'BODY_REQUIRED', message: 'The message is empty: write the text to send.' });
  }
  if (channel === 'email') problems.push(...subjectProblems(copy.subject ?? ''));
  problems.push(...variableProblems(body, channel, channel === 'email' ? 'body' : 'message'));
  if (body.trim() === '') return problems;

  const filled = withTypicalValues(body);
  if (channel === 'email') {
    if (!body.includes('{unsubscribe_url}')) {
      problems.push({
        code: 'UNSUBSCRIBE_MISSING',
        message: `Every e-mail needs an unsubscribe link: add a line such as "${suggest(UNSUBSCRIBE_LINES, copy.language)}".`,
      });
    }
  } else if (!STOP_LINE.test(body)) {
    problems.push({
      code: 'STOP_LINE_MISSING',
      message: `Every ${channel === 'sms' ? 'SMS' : 'WhatsApp message'} needs a way to opt out: end it with "${suggest(STOP_LINES, copy.language)}".`,
    });
  }
  if (channel === 'whatsapp' && filled.length > COPY_LIMITS.whatsappBody) {
    problems.push({
      code: 'BODY_TOO_LONG',
      message: `The message is about ${filled.length.toLocaleString('en-US')} characters once names are filled in; WhatsApp allows ${COPY_LIMITS.whatsappBody.toLocaleString('en-US')}. Cut about ${(filled.length - COPY_LIMITS.whatsappBody).toLocaleString('en-US')} characters.`,
    });
  }
  if (channel === 'sms') {
    const s = smsSegments(filled);
    if (s.segments > COPY_LIMITS.smsSegments) {
      const part = s.encoding === 'GSM-7' ? SMS_GSM_PART : SMS_UCS2_PART;
      const why =
        s.encoding === 'UCS-2'
          ? ` Because of ${s.nonGsm.map((c) => `"${c}"`).join(', ')} each part holds only ${SMS_UCS2_PART} characters; without such characters it would hold ${SMS_GSM_PART}.`
          : '';
      problems.push({
        code: 'TOO_MANY_SEGMENTS',
        message: `This SMS would go out as ${s.segments} parts (about ${s.units.toLocaleString('en-US')} characters once names are filled in), each billed as one message; the most we send is ${COPY_LIMITS.smsSegments}. Cut it to about ${(part * COPY_LIMITS.smsSegments).toLocaleString('en-US')} characters.${why}`,
      });
    }
  }
  return problems;
}

function subjectProblems(subject: string): CopyProblem[] {
  if (subject.trim() === '') {
    return [
      {
        code: 'SUBJECT_REQUIRED',
        message: 'An e-mail needs a subject: write one line that says what is in it.',
      },
    ];
  }
  const problems = variableProblems(subject, 'email', 'subject');
  const filled = withTypicalValues(subject);
  if (filled.length > COPY_LIMITS.emailSubject) {
    problems.push({
      code: 'SUBJECT_TOO_LONG',
      message: `The subject is about ${filled.length} characters once names are filled in; keep it to ${COPY_LIMITS.emailSubject} (mail apps show the first 40-60).`,
    });
  }
  if (/[\r\n]/.test(subject)) {
    problems.push({
      code: 'SUBJECT_NOT_ONE_LINE',
      message: 'The subject must be a single line: remove the line breaks.',
    });
  }
  return problems;
}

function suggest(lines: Record<CopyLanguage, string>, language: CopyLanguage | undefined): string {
  return language ? lines[language] : `${lines.en}" (es: "${lines.es}"; pt: "${lines.pt}`;
}
