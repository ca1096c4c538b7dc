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

/** An organisation's channel settings; every part null when it never set any. */
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

/** Applies a change to an organisation's settings (made on first use); returns them as they are now. */
export async function putChannelSettings(
  db: Kysely<Database>,
  orgId: string,
  patch: ChannelSettingsPatch,
  updatedBy: string | null,
): Promise<ChannelSettings> {
  const current = await getChannelSettings(db, orgId);
  const next = {
    smtp: patch.smtp === undefined ? current.smtp : patch.smtp,
    twilio: patch.twilio === undefined ? current.twilio : patch.twilio,
    llm: patch.llm === undefined ? current.llm : patch.llm,
    rate_limits: { ...current.rate_limits, ...patch.rateLimits },
  };
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
