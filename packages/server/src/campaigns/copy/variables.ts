import type { ChannelKind } from '../types.ts';
import type { CopyProblem } from './copyProblem.ts';

/**
 * The personalisation variables, written `{first_name}` in the copy and filled per recipient by
 * the send job. `typicalLength` is what the length checks assume before the values are known
 * (a long-ish value, so an estimate errs on the safe side).
 */
export const VARIABLES = {
  first_name: { description: "the customer's first name", typicalLength: 12, channels: 'all' },
  name: { description: "the customer's full name", typicalLength: 25, channels: 'all' },
  segment: { description: "the name of the customer's segment", typicalLength: 30, channels: 'all' },
  store: { description: "the customer's store", typicalLength: 25, channels: 'all' },
  location: { description: "the customer's city or region", typicalLength: 20, channels: 'all' },
  customer_id: { description: "the customer's id", typicalLength: 12, channels: 'all' },
  unsubscribe_url: {
    description: "the customer's one-click unsubscribe link",
    typicalLength: 70,
    channels: ['email'],
  },
} as const satisfies Record<
  string,
  { description: string; typicalLength: number; channels: 'all' | readonly ChannelKind[] }
>;

export type VariableName = keyof typeof VARIABLES;
export type VariableValues = Partial<Record<VariableName, string | null | undefined>>;

/** `{name}`: lower-case letters, digits and underscores; anything else in braces is left alone. */
const VARIABLE = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
/** `{{first_name}}` or `{ first_name }`: looks like a variable but would be sent as written. */
const NEAR_VARIABLE =
  /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}|\{\s+([A-Za-z_][A-Za-z0-9_]*)\s*\}|\{([A-Za-z_][A-Za-z0-9_]*)\s+\}/g;

export function isVariableName(name: string): name is VariableName {
  return Object.hasOwn(VARIABLES, name);
}

/** The variables a channel may use, in a stable order. */
export function variablesFor(channel: ChannelKind): VariableName[] {
  return (Object.keys(VARIABLES) as VariableName[]).filter((v) => {
    const allowed = VARIABLES[v].channels;
    return allowed === 'all' || (allowed as readonly ChannelKind[]).includes(channel);
  });
}

/** The distinct variable names in `text`, known or not, in order of first use. */
export function listVariables(text: string): string[] {
  const seen = new Set<string>();
  for (const m of text.matchAll(VARIABLE)) seen.add(m[1]!);
  return [...seen];
}

/** Problems with the variables of one text: unknown names, names the channel lacks, bad syntax. */
export function variableProblems(text: string, channel: ChannelKind, where: string): CopyProblem[] {
  const problems: CopyProblem[] = [];
  const allowed = variablesFor(channel);
  const known = `Use one of ${allowed.map((v) => `{${v}}`).join(', ')}.`;
  for (const m of text.matchAll(NEAR_VARIABLE)) {
    const name = m[1] ?? m[2] ?? m[3]!;
    problems.push({
      code: 'VARIABLE_SYNTAX',
      message: `The ${where} has "${m[0]}", which would be sent as written: write it with single braces and no spaces, {${name}}.`,
    });
  }
  // Spots already reported as syntax are not reported again as unknown ({{x}} contains {x}).
  for (const name of listVariables(text.replace(NEAR_VARIABLE, ''))) {
    if (!isVariableName(name)) {
      problems.push({
        code: 'UNKNOWN_VARIABLE',
        message: `The ${where} uses {${name}}, which is not a variable we can fill in. ${known}`,
      });
    } else if (!allowed.includes(name)) {
      problems.push({
        code: 'VARIABLE_NOT_FOR_CHANNEL',
        message:
          name === 'unsubscribe_url'
            ? `{unsubscribe_url} is for e-mail only; in ${channelWord(channel)} people opt out by replying STOP.`
            : `{${name}} cannot be used in ${channelWord(channel)}. ${known}`,
      });
    }
  }
  return problems;
}

export function channelWord(channel: ChannelKind): string {
  return channel === 'email' ? 'e-mail' : channel === 'sms' ? 'SMS' : 'WhatsApp';
}

/**
 * Fills the variables of `template` for one recipient.
 *
 * - Unknown variables are left as written and reported (the send job refuses such copy; the
 *   check route reports it before).
 * - A known variable without a value (a customer with no store) becomes empty, and the space
 *   before it goes too when punctuation follows: "Hi {first_name}, ..." -> "Hi, ...".
 *
 * ```ts
 * renderMessage('Hi {first_name}!', { first_name: 'Ana' }) // { text: 'Hi Ana!', problems: [] }
 * ```
 */
export function renderMessage(
  template: string,
  values: VariableValues,
): { text: string; problems: CopyProblem[] } {
  const problems: CopyProblem[] = [];
  const text = template.replace(VARIABLE, (whole, name: string) => {
    if (!isVariableName(name)) {
      if (!problems.some((p) => p.message.includes(`{${name}}`))) {
        problems.push({
          code: 'UNKNOWN_VARIABLE',
          message: `{${name}} is not a variable we can fill in; it would be sent as written. Use one of ${Object.keys(
            VARIABLES,
          )
            .map((v) => `{${v}}`)
            .join(', ')}.`,
        });
      }
      return whole;
    }
    const value = values[name];
    if (value !== undefined && value !== null && value.trim() !== '') return value.trim();
    return EMPTY;
  });
  return { text: tidyEmpty(text), problems };
}

// An empty value leaves a marker that tidyEmpty removes with the space before it when needed.
const EMPTY = '\uE000';

function tidyEmpty(text: string): string {
  if (!text.includes(EMPTY)) return text;
  return text
    .replace(/[ \t]+\uE000(?=[,.;:!?)]|$)/gm, '')
    .replace(/[ \t]+\uE000[ \t]+/g, ' ')
    .replaceAll(EMPTY, '');
}

/** The text with each known variable replaced by a stand-in of its typical length (for length checks). */
export function withTypicalValues(text: string): string {
  return text.replace(VARIABLE, (whole, name: string) =>
    isVariableName(name) ? 'x'.repeat(VARIABLES[name].typicalLength) : whole,
  );
}

/** The first word of a full name, for {first_name} when the data has only a full name. */
export function firstNameOf(fullName: string | null | undefined): string {
  if (!fullName) return '';
  return fullName.trim().split(/\s+/)[0] ?? '';
}
