import type { Kysely } from 'kysely';
import { jsonb } from '../jsonb.ts';
import type {
  ChannelSettings,
  Database,
  LlmSettings,
  RateLimits,
  SmtpSettings,
  TwilioSettings,
} from '../schema.ts';
import type { SecretBox } from '../secretBox.ts';

/**
 * An organisation's channel settings; every part null when it never set any. The secrets
 * (`smtp.pass`, `twilio.authToken`, `llm.apiKey`) are as stored: sealed (`enc:v1:`), or plain when
 * written before secrets were sealed; open them with `store.secrets.open()` where they are used.
 */
export async function getChannelSettings(db: Kysely<Database>, orgId: string): Promise<ChannelSettings> {
  const row = await db
    .selectFrom('channel_settings')
    .selectAll()
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return (
    row ?? {
      org_id: orgId,
      smtp: null,
      twilio: null,
      llm: null,
      rate_limits: {},
      updated_by: null,
      updated_at: new Date(0),
    }
  );
}

/** A change: a part left out stays; `null` removes it. */
export interface ChannelSettingsPatch {
  smtp?: SmtpSettings | null;
  twilio?: TwilioSettings | null;
  llm?: LlmSettings | null;
  rateLimits?: RateLimits;
}

/**
 * Applies a change to an organisation's settings (made on first use); returns them as they are
 * now (secrets sealed). Every secret is sealed with `secrets` on the way in: the patch's plain
 * ones, and those kept from before that were still plain; one already sealed is kept as it is.
 */
export async function putChannelSettings(
  db: Kysely<Database>,
  orgId: string,
  patch: ChannelSettingsPatch,
  updatedBy: string | null,
  secrets: SecretBox,
): Promise<ChannelSettings> {
  const current = await getChannelSettings(db, orgId);
  const next = sealChannelSecrets(
    {
      smtp: patch.smtp === undefined ? current.smtp : patch.smtp,
      twilio: patch.twilio === undefined ? current.twilio : patch.twilio,
      llm: patch.llm === undefined ? current.llm : patch.llm,
      rate_limits: { ...current.rate_limits, ...patch.rateLimits },
    },
    secrets,
  );
  const values = {
    smtp: next.smtp === null ? null : jsonb(next.smtp),
    twilio: next.twilio === null ? null : jsonb(next.twilio),
    llm: next.llm === null ? null : jsonb(next.llm),
    rate_limits: jsonb(next.rate_limits),
    updated_by: updatedBy,
    updated_at: new Date(),
  };
  return db
    .insertInto('channel_settings')
    .values({ org_id: orgId, ...values })
    .onConflict((oc) => oc.column('org_id').doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
}

type SecretParts = Pick<ChannelSettings, 'smtp' | 'twilio' | 'llm'>;

/** The settings with each plain secret sealed (the rest as it is). */
export function sealChannelSecrets<T extends SecretParts>(settings: T, secrets: SecretBox): T {
  const { smtp, twilio, llm } = settings;
  return {
    ...settings,
    smtp: smtp?.pass === undefined ? smtp : { ...smtp, pass: secrets.sealed(smtp.pass) },
    twilio: twilio === null ? null : { ...twilio, authToken: secrets.sealed(twilio.authToken) },
    llm: llm?.apiKey === undefined ? llm : { ...llm, apiKey: secrets.sealed(llm.apiKey) },
  };
}

/**
 * The settings with the secrets of `parts` opened (plain), for the code that uses them; throws
 * SecretKeyError (WRONG_KEY_MESSAGE) when one was encrypted with another key.
 */
export function openChannelSecrets(
  settings: ChannelSettings,
  secrets: SecretBox,
  parts: readonly ('smtp' | 'twilio' | 'llm')[],
): ChannelSettings {
  const { smtp, twilio, llm } = settings;
  return {
    ...settings,
    smtp: smtp && parts.includes('smtp') ? { ...smtp, pass: secrets.open(smtp.pass) } : smtp,
    twilio:
      twilio && parts.includes('twilio') ? { ...twilio, authToken: secrets.open(twilio.authToken) } : twilio,
    llm: llm && parts.includes('llm') ? { ...llm, apiKey: secrets.open(llm.apiKey) } : llm,
  };
}

/** Where the secrets are, for messages: the parts whose secret does not open with `secrets`. */
export function unreadableSecrets(settings: SecretParts, secrets: SecretBox): ('smtp' | 'twilio' | 'llm')[] {
  const unreadable: ('smtp' | 'twilio' | 'llm')[] = [];
  if (!secrets.opens(settings.smtp?.pass)) unreadable.push('smtp');
  if (!secrets.opens(settings.twilio?.authToken)) unreadable.push('twilio');
  if (!secrets.opens(settings.llm?.apiKey)) unreadable.push('llm');
  return unreadable;
}
