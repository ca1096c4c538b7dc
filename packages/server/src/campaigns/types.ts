/**
 * The contracts between the campaign pieces: copy writers, guardrails, channels and the
 * durable send job. Each piece lives in its own file under campaigns/ and depends on these
 * types only, so a writer or a channel can be swapped per organisation.
 */

/** Where a message goes. SMS and WhatsApp share the Twilio Messages API. */
export const CHANNEL_KINDS = ['email', 'whatsapp', 'sms'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** The languages copy is written in (the app's languages). */
export type CopyLanguage = 'en' | 'es' | 'pt';

/** What a writer is told about the segment a campaign addresses (from the run's results). */
export interface SegmentBrief {
  segmentId: string;
  /** The team's name for the segment, or the suggested one. */
  name: string;
  description: string;
  size: number;
  /** Risk-tier counts in the segment: Low, Moderate, High, Critical. */
  riskTiers: Record<string, number>;
  /** The features that set the segment apart: its value against the whole population. */
  profile: { feature: string; segment: number | string; overall: number | string }[];
  /** The segment's top churn reasons: mean contribution on the probability scale. */
  churnReasons: { feature: string; contribution: number }[];
}

/** A request for copy: the person's instruction in plain words, for one channel. */
export interface CopyRequest {
  instruction: string;
  channel: ChannelKind;
  language: CopyLanguage;
  segment: SegmentBrief;
}

/** A draft the person edits before sending. `subject` is for e-mail only. */
export interface CopyDraft {
  subject?: string;
  body: string;
  /** Who wrote it: the configured LLM or the offline template writer. */
  writer: 'llm' | 'template';
  model?: string;
}

export interface CopyWriter {
  write(request: CopyRequest): Promise<CopyDraft>;
}

/** One message to one recipient, already personalised. */
export interface OutgoingMessage {
  channel: ChannelKind;
  /** An e-mail address, or a phone number in E.164 form. */
  to: string;
  subject?: string;
  body: string;
  /** Stable per (campaign, recipient): providers that honour one never deliver twice. */
  idempotencyKey: string;
  /** Where the provider reports delivery status (Twilio StatusCallback), when reachable. */
  statusCallbackUrl?: string;
  /** E-mail: the recipient's unsubscribe link, also sent as the List-Unsubscribe header. */
  unsubscribeUrl?: string;
  /**
   * The campaign's image or PDF. E-mail attaches the file at `path`; WhatsApp sends `url` (a
   * signed link to the server that Twilio fetches) as MediaUrl; SMS goes without it.
   */
  attachment?: MessageAttachment;
}

/** An attachment as a channel sends it. */
export interface MessageAttachment {
  name: string;
  /** image/png, image/jpeg, image/gif or application/pdf. */
  type: string;
  bytes: number;
  /** The stored file, for channels that send the bytes themselves (SMTP). */
  path: string;
  /** Where a provider fetches it (`<publicUrl>/media/<token>`), when the server has a public URL. */
  url?: string;
}

/** What a provider said about one send. Temporary failures are retried with backoff. */
export type SendOutcome =
  | { status: 'sent'; providerId: string }
  | { status: 'temporary_failure'; error: string; retryAfterMs?: number }
  | { status: 'permanent_failure'; error: string };

export interface Channel {
  readonly kind: ChannelKind;
  readonly provider: 'smtp' | 'twilio' | 'outbox';
  send(message: OutgoingMessage): Promise<SendOutcome>;
  /**
   * After a crash between handing a message over and recording it, asks the provider whether
   * it was taken (Twilio: list the account's messages to that number since `since`). A channel
   * that cannot tell (SMTP) leaves this out, and the send job says so in the campaign's counts.
   */
  reconcile?(
    message: OutgoingMessage,
    since: Date,
  ): Promise<{ found: true; providerId: string } | { found: false }>;
  close?(): Promise<void>;
}
