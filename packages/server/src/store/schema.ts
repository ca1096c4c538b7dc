import type { ColumnType, Insertable, Selectable } from 'kysely';

/**
 * The store's tables as Kysely sees them. Ids are text UUIDs made in TypeScript
 * (`crypto.randomUUID()`); times are timestamptz, read as `Date`; bigint columns read as
 * `number` on both dialects (see openStore.ts); jsonb columns are written through `jsonb(value)`.
 */
export interface Database {
  organisations: OrganisationsTable;
  users: UsersTable;
  teams: TeamsTable;
  memberships: MembershipsTable;
  api_tokens: ApiTokensTable;
  datasets: DatasetsTable;
  customers: CustomersTable;
  runs: RunsTable;
  run_results: RunResultsTable;
  published_results: PublishedResultsTable;
  result_versions: ResultVersionsTable;
  segment_names: SegmentNamesTable;
  audit_log: AuditLogTable;
  sessions: SessionsTable;
  invitations: InvitationsTable;
  sign_in_failures: SignInFailuresTable;
  customer_results: CustomerResultsTable;
  insider_changes: InsiderChangesTable;
  schedules: SchedulesTable;
  channel_settings: ChannelSettingsTable;
  server_secrets: ServerSecretsTable;
  campaigns: CampaignsTable;
  deliveries: DeliveriesTable;
  send_workers: SendWorkersTable;
  outbox_messages: OutboxMessagesTable;
  opt_outs: OptOutsTable;
  campaign_outcomes: CampaignOutcomesTable;
  charts: ChartsTable;
  customer_segments: CustomerSegmentsTable;
  segmentation_choices: SegmentationChoicesTable;
  send_rate_slots: SendRateSlotsTable;
}

/** JSON text for a jsonb column; made only by `jsonb()`, so a raw string is never stored by mistake. */
export type JsonText = string & { readonly __json: unique symbol };

/** A jsonb column: reads as T, written as `jsonb(value)`. */
export type Jsonb<T> = ColumnType<T, JsonText, JsonText>;

/** A timestamptz column the database fills in (`default now()`). */
export type CreatedAt = ColumnType<Date, Date | undefined, Date>;

/** A timestamptz column that may be empty. */
export type MaybeTime = ColumnType<Date | null, Date | null | undefined, Date | null>;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export const ROLES = ['manager', 'marketing', 'data_scientist', 'support'] as const;
export type Role = (typeof ROLES)[number];

export const DATASET_KINDS = ['snapshot', 'transactions'] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface OrganisationsTable {
  id: string;
  name: string;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: string;
  org_id: string;
  /** Stored lower-cased; unique across the whole system. */
  email: string;
  password_hash: string;
  name: string;
  created_at: CreatedAt;
}

export interface TeamsTable {
  id: string;
  org_id: string;
  name: string;
  created_at: CreatedAt;
}

export interface MembershipsTable {
  org_id: string;
  team_id: string;
  user_id: string;
  role: Role;
  created_at: CreatedAt;
}

export interface ApiTokensTable {
  id: string;
  org_id: string;
  user_id: string;
  name: string;
  /** SHA-256 (hex) of the token; the token itself is shown once and never stored. */
  token_hash: string;
  created_at: CreatedAt;
  last_used_at: MaybeTime;
  expires_at: MaybeTime;
  revoked_at: MaybeTime;
}

export interface DatasetsTable {
  id: string;
  org_id: string;
  name: string;
  kind: DatasetKind;
  rows: number;
  bytes: number;
  sha256: string;
  created_by: string | null;
  created_at: CreatedAt;
  deleted_at: MaybeTime;
  /** The file's columns as the upload's profile read them (migration `0003_datasets`). */
  columns: ColumnType<DatasetColumn[], JsonText | undefined, JsonText>;
  /** Customers loaded into `customers` from the file (migration `0003_datasets`). */
  customers: ColumnType<number, number | undefined, number>;
}

/** One column of an uploaded file: its name, the type it was read as, its role (profile). */
export interface DatasetColumn {
  name: string;
  type: string;
  role: string;
}

export interface CustomersTable {
  org_id: string;
  dataset_id: string;
  customer_id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  location: string | null;
  store: string | null;
  attributes: Jsonb<JsonObject>;
}

export interface RunsTable {
  id: string;
  org_id: string;
  dataset_id: string;
  status: ColumnType<RunStatus, RunStatus | undefined, RunStatus>;
  /** 0..1 */
  progress: ColumnType<number, number | undefined, number>;
  step: string | null;
  config: Jsonb<JsonObject>;
  error: string | null;
  log: ColumnType<string, string | undefined, string>;
  created_by: string | null;
  created_at: CreatedAt;
  started_at: MaybeTime;
  finished_at: MaybeTime;
  updated_at: CreatedAt;
  /** Row version for compare-and-set updates by job runners; +1 on every change. */
  version: ColumnType<number, number | undefined, number>;
  /** Times a runner started it (a run cut by a stopped server is started once more; `0004_runs`). */
  attempts: ColumnType<number, number | undefined, number>;
  /** Set by a cancel; the runner doing the run stops at its next step (`0004_runs`). */
  cancel_requested: ColumnType<boolean, boolean | undefined, boolean>;
  /** The cleaning plan a person edited for this run (`0006_run_plan`); null: the automatic steps. */
  plan: ColumnType<JsonObject | null, JsonText | null | undefined, JsonText | null>;
}

/** One customer's results in one run: segment, churn, reasons, Insider (migration `0004_runs`). */
export interface CustomerResultsTable {
  org_id: string;
  run_id: string;
  customer_id: string;
  segment: number;
  churn_probability: number | null;
  risk_tier: string | null;
  /** The top reasons: feature, value (as written), contribution on the probability scale. */
  reasons: Jsonb<{ feature: string; value: string; contribution: number }[]> | null;
  insider: ColumnType<boolean, boolean | undefined, boolean>;
}

/** A customer who entered or left the Insiders when a run was published (`0004_runs`). */
export interface InsiderChangesTable {
  org_id: string;
  dataset_id: string;
  run_id: string;
  customer_id: string;
  change: 'entered' | 'left';
  at: CreatedAt;
}

/** A dataset re-analysed by cron expression (`0004_runs`). */
export interface SchedulesTable {
  id: string;
  org_id: string;
  dataset_id: string;
  cron: string;
  config: Jsonb<JsonObject>;
  next_run_at: Date;
  last_run_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
}

/** One named piece of a run's results (segments, scores, metrics, ...), written before publishing. */
export interface RunResultsTable {
  org_id: string;
  run_id: string;
  key: string;
  data: Jsonb<JsonValue>;
}

/** The current published run of each dataset: the one row readers follow. */
export interface PublishedResultsTable {
  org_id: string;
  dataset_id: string;
  run_id: string;
  version: number;
  published_at: CreatedAt;
  published_by: string | null;
}

/** Every version ever published, per dataset. */
export interface ResultVersionsTable {
  org_id: string;
  dataset_id: string;
  version: number;
  run_id: string;
  published_at: CreatedAt;
  published_by: string | null;
}

/** A team's name and description for one segment of one run (teams may differ: F3). */
export interface SegmentNamesTable {
  id: string;
  org_id: string;
  run_id: string;
  segment_id: string;
  /** 'main' or the id of one of the run's other segmentations (`0009_segmentations`). */
  segmentation: ColumnType<string, string | undefined, string>;
  team_id: string;
  name: string;
  description: string;
  updated_by: string | null;
  updated_at: CreatedAt;
}

export interface AuditLogTable {
  id: string;
  org_id: string;
  user_id: string | null;
  action: string;
  subject: string;
  detail: Jsonb<JsonObject>;
  at: CreatedAt;
}

/** A signed-in browser: found by the SHA-256 (hex) of its cookie token. */
export interface SessionsTable {
  id: string;
  org_id: string;
  user_id: string;
  token_hash: string;
  /** Sent back in X-Clientele-CSRF on every cookie-authenticated write. */
  csrf_token: string;
  created_at: CreatedAt;
  expires_at: Date;
}

/** An invitation to join a team with a role; its token (hashed here) is sent to the invitee. */
export interface InvitationsTable {
  id: string;
  org_id: string;
  team_id: string;
  /** Stored lower-cased. */
  email: string;
  role: Role;
  token_hash: string;
  created_by: string | null;
  created_at: CreatedAt;
  expires_at: Date;
  accepted_at: MaybeTime;
}

/** One failed sign-in of a key (e-mail | IP), for the rate limit. */
export interface SignInFailuresTable {
  key: string;
  at: CreatedAt;
}

export const CAMPAIGN_STATUSES = ['draft', 'queued', 'sending', 'sent', 'failed', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** held_out: in the control group, sent nothing. delivered: the provider said so (Twilio callback). */
export const DELIVERY_STATUSES = ['pending', 'sending', 'sent', 'delivered', 'failed', 'held_out'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** SMTP settings of an organisation (migration `0005_campaigns`). */
export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  pass?: string;
  from: string;
}

/** Twilio settings: the account, and the senders for WhatsApp and SMS. */
export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  whatsappFrom?: string;
  smsFrom?: string;
  /** The Messages API's base URL (default https://api.twilio.com; tests point it at 127.0.0.1). */
  baseUrl?: string;
}

/** An OpenAI-compatible endpoint for copy. */
export interface LlmSettings {
  baseUrl: string;
  model: string;
  apiKey?: string;
}

/** Messages per second, per channel. */
export type RateLimits = Partial<Record<'email' | 'whatsapp' | 'sms', number>>;

/** An organisation's channels (`0005_campaigns`); a missing row or part means not configured. */
export interface ChannelSettingsTable {
  org_id: string;
  smtp: Jsonb<SmtpSettings> | null;
  twilio: Jsonb<TwilioSettings> | null;
  llm: Jsonb<LlmSettings> | null;
  rate_limits: ColumnType<RateLimits, JsonText | undefined, JsonText>;
  updated_by: string | null;
  updated_at: CreatedAt;
}

/** A key the server signs with, made once (`0005_campaigns`). */
export interface ServerSecretsTable {
  name: string;
  value: string;
  created_at: CreatedAt;
}

/** A campaign: audience filter, copy, channel; frozen into deliveries at send (`0005_campaigns`). */
export interface CampaignsTable {
  id: string;
  org_id: string;
  dataset_id: string;
  /** The published run the audience was read from. */
  run_id: string;
  name: string;
  channel: 'email' | 'whatsapp' | 'sms';
  status: ColumnType<CampaignStatus, CampaignStatus | undefined, CampaignStatus>;
  filter: Jsonb<JsonObject>;
  subject: string | null;
  body: string;
  language: ColumnType<string, string | undefined, string>;
  holdout_share: number;
  seed: number;
  outcome_window_days: number;
  /** Chosen at send: smtp, twilio, or outbox (nothing configured). */
  provider: 'smtp' | 'twilio' | 'outbox' | null;
  /** What the send said to the person (the outbox fallback). */
  notice: string | null;
  /** Recipients frozen at send, held-out ones included. */
  audience: ColumnType<number, number | undefined, number>;
  opted_out: ColumnType<number, number | undefined, number>;
  missing_contact: ColumnType<number, number | undefined, number>;
  created_by: string | null;
  team_id: string | null;
  created_at: CreatedAt;
  queued_at: MaybeTime;
  sent_at: MaybeTime;
  /** The one attachment, `StoredAttachment` of campaigns/attachments.ts (`0011_campaign_attachments`). */
  attachment: ColumnType<unknown | null, JsonText | null | undefined, JsonText | null>;
}

/** One recipient of a campaign; (campaign, customer) is its idempotency key (`0005_campaigns`). */
export interface DeliveriesTable {
  org_id: string;
  campaign_id: string;
  customer_id: string;
  idempotency_key: string;
  channel: string;
  to_address: string;
  subject: string | null;
  body: string;
  segment: number | null;
  risk_tier: string | null;
  status: DeliveryStatus;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: CreatedAt;
  /** When a worker claimed it (status sending). */
  claimed_at: MaybeTime;
  claimed_by: string | null;
  /** Committed just before the message is handed to the provider: unset means never handed over. */
  handed_at: MaybeTime;
  sent_at: MaybeTime;
  delivered_at: MaybeTime;
  provider_id: string | null;
  provider_status: string | null;
  error: string | null;
  /** Resent after a crash through a channel that cannot tell whether it took the first (SMTP). */
  uncertain: ColumnType<boolean, boolean | undefined, boolean>;
  updated_at: CreatedAt;
}

/** A send worker alive (`0005_campaigns`). */
export interface SendWorkersTable {
  id: string;
  pid: number;
  started_at: CreatedAt;
  heartbeat_at: CreatedAt;
}

/** A message kept in the store when no provider is configured (`0005_campaigns`). */
export interface OutboxMessagesTable {
  org_id: string;
  campaign_id: string;
  customer_id: string;
  channel: string;
  to_address: string;
  subject: string | null;
  body: string;
  at: CreatedAt;
  /** The name of the attachment that went with it (`0011_campaign_attachments`). */
  attachment_name: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A customer who asked to hear no more, per organisation (`0005_campaigns`). */
export interface OptOutsTable {
  org_id: string;
  customer_id: string;
  source: string;
  campaign_id: string | null;
  at: CreatedAt;
}

/** What became of a recipient or held-out customer after the window (`0005_campaigns`). */
export interface CampaignOutcomesTable {
  org_id: string;
  campaign_id: string;
  customer_id: string;
  churned: boolean;
  revenue: number | null;
  at: CreatedAt;
}

export type Campaign = Selectable<CampaignsTable>;
export type Delivery = Selectable<DeliveriesTable>;
export type ChannelSettings = Selectable<ChannelSettingsTable>;

export type Organisation = Selectable<OrganisationsTable>;
export type User = Selectable<UsersTable>;
export type Team = Selectable<TeamsTable>;
export type Membership = Selectable<MembershipsTable>;
export type ApiToken = Selectable<ApiTokensTable>;
export type Dataset = Selectable<DatasetsTable>;
/** A chart a team saved (E11): its spec, computed afresh from the published run (`0008_charts`). */
export interface ChartsTable {
  id: string;
  org_id: string;
  team_id: string;
  dataset_id: string;
  title: string;
  spec: Jsonb<JsonObject>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

/** A customer's segment in one of a run's other segmentations (`0009_segmentations`). */
export interface CustomerSegmentsTable {
  org_id: string;
  run_id: string;
  segmentation: string;
  customer_id: string;
  segment: number;
}

/** The segmentation a team works with on a dataset: 'main' or an alternative's id. */
export interface SegmentationChoicesTable {
  org_id: string;
  team_id: string;
  dataset_id: string;
  segmentation: string;
  chosen_by: string | null;
  chosen_at: CreatedAt;
}

/** The next free send slot of an organisation's channel, shared by every worker (`0010_send_rate_slots`). */
export interface SendRateSlotsTable {
  org_id: string;
  channel: string;
  next_at: Date;
}

export type Customer = Selectable<CustomersTable>;
export type NewCustomer = Insertable<CustomersTable>;
export type Run = Selectable<RunsTable>;
export type SegmentName = Selectable<SegmentNamesTable>;
export type AuditEntry = Selectable<AuditLogTable>;
export type Session = Selectable<SessionsTable>;
export type Invitation = Selectable<InvitationsTable>;
