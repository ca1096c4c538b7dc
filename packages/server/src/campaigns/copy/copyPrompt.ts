import type { CopyLanguage, CopyRequest } from '../types.ts';
import { COPY_LIMITS, STOP_LINES, UNSUBSCRIBE_LINES } from './checkCopy.ts';
import type { CopyProblem } from './copyProblem.ts';
import { SMS_GSM_PART, SMS_UCS2_PART } from './smsSegments.ts';
import { VARIABLES, variablesFor } from './variables.ts';

const LANGUAGE_NAMES: Record<CopyLanguage, string> = {
  en: 'English',
  es: 'Spanish',
  pt: 'Portuguese (Brazil)',
};

/**
 * The two messages a model is given: the rules (channel limits, variables, the opt-out line,
 * the JSON answer) as the system message, the segment and the person's instruction as the user's.
 */
export function copyPrompt(request: CopyRequest): { system: string; user: string } {
  const { channel, language } = request;
  const vars = variablesFor(channel)
    .map((v) => `- {${v}}: ${VARIABLES[v].description}`)
    .join('\n');
  const channelRules =
    channel === 'email'
      ? [
          `- This is an e-mail. Write a subject of at most ${COPY_LIMITS.emailSubject} characters (better under 60) and a plain-text body.`,
          `- The body must contain the unsubscribe link as its last line, e.g. "${UNSUBSCRIBE_LINES[language]}".`,
        ]
      : channel === 'whatsapp'
        ? [
            `- This is a WhatsApp message: the body must stay under ${COPY_LIMITS.whatsappBody} characters with names filled in (aim for 300-600). No subject: set "subject" to null.`,
            `- End with the opt-out line "${STOP_LINES[language]}" (the keyword STOP must stay in English capitals).`,
          ]
        : [
            `- This is an SMS: keep it short, ideally under ${SMS_GSM_PART * 2} characters; the hard limit is ${COPY_LIMITS.smsSegments} parts (${SMS_GSM_PART} characters each, only ${SMS_UCS2_PART} when it has accents or emoji). No subject: set "subject" to null.`,
            `- End with the opt-out line "${STOP_LINES[language]}" (the keyword STOP must stay in English capitals).`,
          ];
  const system = [
    "You write marketing messages that a company sends to its own customers to keep them. You are given the customer segment the message goes to: what sets it apart from the company's other customers and why its customers tend to leave.",
    '',
    'Rules:',
    `- Write in ${LANGUAGE_NAMES[language]}.`,
    ...channelRules,
    '- Ground the message in what sets the segment apart and answer its churn reasons, but never mention churn, risk, scores, segments or data analysis to the customer.',
    '- Do not invent prices, discounts or dates that the instruction does not give.',
    '- You may personalise with these variables, written exactly like this, in single braces; use no other braces:',
    vars,
    '',
    'Answer with one JSON object and nothing else: {"subject": string or null, "body": string}.',
  ].join('\n');

  const s = request.segment;
  const tiers = Object.entries(s.riskTiers)
    .map(([tier, n]) => `${tier} ${n}`)
    .join(', ');
  const profile = s.profile.length
    ? s.profile.map(
        (p) => `- ${p.feature}: ${show(p.segment)} in the segment against ${show(p.overall)} overall`,
      )
    : ['- (no feature stands out)'];
  const reasons = s.churnReasons.length
    ? s.churnReasons.map(
        (r) => `- ${r.feature}: ${r.contribution >= 0 ? '+' : ''}${(r.contribution * 100).toFixed(1)} points`,
      )
    : ['- (none known)'];
  const user = [
    `Instruction: ${request.instruction.trim() || 'Write a message that keeps these customers with us.'}`,
    '',
    `Segment: ${s.name}${s.description ? ` - ${s.description}` : ''}`,
    `Customers: ${s.size}; by churn risk tier: ${tiers || 'unknown'}.`,
    'What sets the segment apart (its average against all customers):',
    ...profile,
    'Its top churn reasons (how much each adds to the churn probability, on average):',
    ...reasons,
  ].join('\n');
  return { system, user };
}

/** The message that asks for a second draft, listing what the first one got wrong. */
export function repairPrompt(problems: CopyProblem[]): string {
  return [
    'That draft cannot be sent yet:',
    ...problems.map((p) => `- ${p.message}`),
    'Rewrite it to fix these problems and keep the rest. Answer with the JSON object only.',
  ].join('\n');
}

function show(v: number | string): string {
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v) || Math.abs(v) >= 1000) return v.toFixed(0);
  return v.toPrecision(4).replace(/\.?0+$/, '');
}
