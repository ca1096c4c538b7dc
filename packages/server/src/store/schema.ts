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

export type Organisation = Selectable<OrganisationsTable>;
export type User = Selectable<UsersTable>;
export type Team = Selectable<TeamsTable>;
export type Membership = Selectable<MembershipsTable>;
export type ApiToken = Selectable<ApiTokensTable>;
export type Dataset = Selectable<DatasetsTable>;
export type Customer = Selectable<CustomersTable>;
export type NewCustomer = Insertable<CustomersTable>;
export type Run = Selectable<RunsTable>;
export type SegmentName = Selectable<SegmentNamesTable>;
export type AuditEntry = Selectable<AuditLogTable>;
export type Session = Selectable<SessionsTable>;
export type Invitation = Selectable<InvitationsTable>;
