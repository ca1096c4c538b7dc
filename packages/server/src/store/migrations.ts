import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';
import { DATASET_KINDS, ROLES, RUN_STATUSES } from './schema.ts';

const list = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));
const now = sql`now()`;

/**
 * The store's one set of migrations, in order, run at every open (PGlite and PostgreSQL alike).
 * A migration, once committed, is never edited: a change is a new entry at the end.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('organisations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id'))
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addUniqueConstraint('users_org_id_id_key', ['org_id', 'id'])
        .execute();
      await db.schema
        .createIndex('users_email_key')
        .on('users')
        .unique()
        .expression(sql`lower(email)`)
        .execute();

      await db.schema
        .createTable('teams')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addUniqueConstraint('teams_org_id_id_key', ['org_id', 'id'])
        .addUniqueConstraint('teams_org_id_name_key', ['org_id', 'name'])
        .execute();

      // Composite keys (org_id, ...) keep a row from pointing into another organisation.
      await db.schema
        .createTable('memberships')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('team_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in (${list(ROLES)})`))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addPrimaryKeyConstraint('memberships_pkey', ['team_id', 'user_id'])
        .addForeignKeyConstraint(
          'memberships_team_fkey',
          ['org_id', 'team_id'],
          'teams',
          ['org_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .addForeignKeyConstraint(
          'memberships_user_fkey',
          ['org_id', 'user_id'],
          'users',
          ['org_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .execute();
      await db.schema.createIndex('memberships_user_idx').on('memberships').column('user_id').execute();

      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addColumn('last_used_at', 'timestamptz')
        .addColumn('expires_at', 'timestamptz')
        .addColumn('revoked_at', 'timestamptz')
        .addForeignKeyConstraint(
          'api_tokens_user_fkey',
          ['org_id', 'user_id'],
          'users',
          ['org_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .execute();

      await db.schema
        .createTable('datasets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in (${list(DATASET_KINDS)})`))
        .addColumn('rows', 'bigint', (c) => c.notNull().check(sql`rows >= 0`))
        .addColumn('bytes', 'bigint', (c) => c.notNull().check(sql`bytes >= 0`))
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addColumn('deleted_at', 'timestamptz')
        .addUniqueConstraint('datasets_org_id_id_key', ['org_id', 'id'])
        .execute();

      await db.schema
        .createTable('customers')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('dataset_id', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('phone', 'text')
        .addColumn('email', 'text')
        .addColumn('location', 'text')
        .addColumn('store', 'text')
        .addColumn('attributes', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
        .addPrimaryKeyConstraint('customers_pkey', ['dataset_id', 'customer_id'])
        .addForeignKeyConstraint(
          'customers_dataset_fkey',
          ['org_id', 'dataset_id'],
          'datasets',
          ['org_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .execute();
      // Lookout: one customer of an organisation by its id.
      await db.schema
        .createIndex('customers_org_customer_idx')
        .on('customers')
        .columns(['org_id', 'customer_id'])
        .execute();

      await db.schema
        .createTable('runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('dataset_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c
            .notNull()
            .defaultTo('queued')
            .check(sql`status in (${list(RUN_STATUSES)})`),
        )
        .addColumn('progress', 'double precision', (c) =>
          c.notNull().defaultTo(0).check(sql`progress >= 0 and progress <= 1`),
        )
        .addColumn('step', 'text')
        .addColumn('config', 'jsonb', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('log', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addColumn('started_at', 'timestamptz')
        .addColumn('finished_at', 'timestamptz')
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
        .addUniqueConstraint('runs_org_id_id_key', ['org_id', 'id'])
        .addForeignKeyConstraint(
          'runs_dataset_fkey',
          ['org_id', 'dataset_id'],
          'datasets',
          ['org_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .execute();
      await db.schema
        .createIndex('runs_dataset_idx')
        .on('runs')
        .columns(['dataset_id', 'created_at'])
        .execute();
      await db.schema.createIndex('runs_status_idx').on('runs').column('status').execute();

      await db.schema
        .createTable('run_results')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('data', 'jsonb', (c) => c.notNull())
        .addPrimaryKeyConstraint('run_results_pkey', ['run_id', 'key'])
        .addForeignKeyConstraint(
          'run_results_run_fkey',
          ['org_id', 'run_id'],
          'runs',
          ['org_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .execute();

      await db.schema
        .createTable('published_results')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('dataset_id', 'text', (c) => c.primaryKey())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('published_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addColumn('published_by', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addForeignKeyConstraint(
          'published_results_dataset_fkey',
          ['org_id', 'dataset_id'],
          'datasets',
          ['org_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .addForeignKeyConstraint('published_results_run_fkey', ['org_id', 'run_id'], 'runs', ['org_id', 'id'])
        .execute();

      await db.schema
        .createTable('result_versions')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('dataset_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('published_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addColumn('published_by', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addPrimaryKeyConstraint('result_versions_pkey', ['dataset_id', 'version'])
        .addForeignKeyConstraint(
          'result_versions_dataset_fkey',
          ['org_id', 'dataset_id'],
          'datasets',
          ['org_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .addForeignKeyConstraint(
          'result_versions_run_fkey',
          ['org_id', 'run_id'],
          'runs',
          ['org_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .execute();

      await db.schema
        .createTable('segment_names')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('segment_id', 'text', (c) => c.notNull())
        .addColumn('team_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('updated_by', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addUniqueConstraint('segment_names_run_segment_team_key', ['run_id', 'segment_id', 'team_id'])
        .addForeignKeyConstraint(
          'segment_names_run_fkey',
          ['org_id', 'run_id'],
          'runs',
          ['org_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .addForeignKeyConstraint(
          'segment_names_team_fkey',
          ['org_id', 'team_id'],
          'teams',
          ['org_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id'))
        .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
        .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .execute();
      await db.schema.createIndex('audit_log_org_at_idx').on('audit_log').columns(['org_id', 'at']).execute();
    },
  },
  '0002_auth': {
    async up(db: Kysely<unknown>): Promise<void> {
      // A session is found by the SHA-256 of its cookie token; the token itself is never stored.
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .addForeignKeyConstraint(
          'sessions_user_fkey',
          ['org_id', 'user_id'],
          'users',
          ['org_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .execute();
      await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();
      await db.schema.createIndex('sessions_expires_idx').on('sessions').column('expires_at').execute();

      await db.schema
        .createTable('invitations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('team_id', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in (${list(ROLES)})`))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .addColumn('accepted_at', 'timestamptz')
        .addForeignKeyConstraint(
          'invitations_team_fkey',
          ['org_id', 'team_id'],
          'teams',
          ['org_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .execute();

      // Failed sign-ins per (e-mail, IP), kept for the rate limit's window.
      await db.schema
        .createTable('sign_in_failures')
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .execute();
      await db.schema
        .createIndex('sign_in_failures_key_at_idx')
        .on('sign_in_failures')
        .columns(['key', 'at'])
        .execute();
    },
  },
  '0003_datasets': {
    async up(db: Kysely<unknown>): Promise<void> {
      // What the upload learnt, so a list needs no file: the columns (name, type, role) and the
      // number of customers loaded from the file.
      await db.schema
        .alterTable('datasets')
        .addColumn('columns', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
        .execute();
      await db.schema
        .alterTable('datasets')
        .addColumn('customers', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`customers >= 0`))
        .execute();
      await db.schema
        .createIndex('datasets_org_sha256_idx')
        .on('datasets')
        .columns(['org_id', 'sha256'])
        .execute();
      // Customer search by prefix (id, name, e-mail) whatever the database's collation:
      // text_pattern_ops compares bytes, so LIKE 'abc%' walks the index. The Lookout index is
      // rebuilt so: it still serves customer_id = $1, and one index costs less at a bulk insert.
      await db.schema.dropIndex('customers_org_customer_idx').execute();
      await sql`create index customers_org_customer_idx on customers (org_id, customer_id text_pattern_ops)`.execute(
        db,
      );
      await sql`create index customers_org_name_prefix_idx on customers (org_id, lower(name) text_pattern_ops)`.execute(
        db,
      );
      await sql`create index customers_org_email_prefix_idx on customers (org_id, lower(email) text_pattern_ops)`.execute(
        db,
      );
    },
  },
  '0004_runs': {
    async up(db: Kysely<unknown>): Promise<void> {
      const now = sql`now()`;
      // A run interrupted by a stopped server is started again once (attempts), then failed;
      // cancel_requested reaches a run from any process sharing the store.
      await db.schema
        .alterTable('runs')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('runs')
        .addColumn('cancel_requested', 'boolean', (c) => c.notNull().defaultTo(false))
        .execute();
      // One row per customer and run: what Lookout answers with, by (run, customer) key.
      await db.schema
        .createTable('customer_results')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('segment', 'integer', (c) => c.notNull())
        .addColumn('churn_probability', 'double precision')
        .addColumn('risk_tier', 'text')
        .addColumn('reasons', 'jsonb')
        .addColumn('insider', 'boolean', (c) => c.notNull().defaultTo(false))
        .addPrimaryKeyConstraint('customer_results_pkey', ['run_id', 'customer_id'])
        .addForeignKeyConstraint(
          'customer_results_run_fkey',
          ['org_id', 'run_id'],
          'runs',
          ['org_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .execute();
      // Who entered and who left the Insiders at each published run of a dataset.
      await db.schema
        .createTable('insider_changes')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('dataset_id', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('change', 'text', (c) => c.notNull().check(sql`change in ('entered', 'left')`))
        .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addPrimaryKeyConstraint('insider_changes_pkey', ['run_id', 'customer_id'])
        .addForeignKeyConstraint(
          'insider_changes_run_fkey',
          ['org_id', 'run_id'],
          'runs',
          ['org_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .execute();
      await db.schema
        .createIndex('insider_changes_customer_idx')
        .on('insider_changes')
        .columns(['org_id', 'dataset_id', 'customer_id'])
        .execute();
      // Re-runs by cron expression (the seed re-ran monthly).
      await db.schema
        .createTable('schedules')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('dataset_id', 'text', (c) => c.notNull())
        .addColumn('cron', 'text', (c) => c.notNull())
        .addColumn('config', 'jsonb', (c) => c.notNull())
        .addColumn('next_run_at', 'timestamptz', (c) => c.notNull())
        .addColumn('last_run_id', 'text')
        .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addForeignKeyConstraint(
          'schedules_dataset_fkey',
          ['org_id', 'dataset_id'],
          'datasets',
          ['org_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .execute();
      await db.schema.createIndex('schedules_due_idx').on('schedules').column('next_run_at').execute();
    },
  },
  '0005_campaigns': {
    async up(db: Kysely<unknown>): Promise<void> {
      const now = sql`now()`;
      // Per organisation: SMTP, Twilio and LLM settings (secrets included, never answered back),
      // and the send rate per channel.
      await db.schema
        .createTable('channel_settings')
        .addColumn('org_id', 'text', (c) => c.primaryKey().references('organisations.id').onDelete('cascade'))
        .addColumn('smtp', 'jsonb')
        .addColumn('twilio', 'jsonb')
        .addColumn('llm', 'jsonb')
        .addColumn('rate_limits', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
        .addColumn('updated_by', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .execute();
      // Keys the server signs with (the unsubscribe links), made once, shared by every process.
      await db.schema
        .createTable('server_secrets')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .execute();
      await db.schema
        .createTable('campaigns')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id'))
        .addColumn('dataset_id', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('email', 'whatsapp', 'sms')`))
        .addColumn('status', 'text', (c) =>
          c
            .notNull()
            .defaultTo('draft')
            .check(sql`status in ('draft', 'queued', 'sending', 'sent', 'failed', 'cancelled')`),
        )
        .addColumn('filter', 'jsonb', (c) => c.notNull())
        .addColumn('subject', 'text')
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull().defaultTo('en'))
        .addColumn('holdout_share', 'double precision', (c) =>
          c.notNull().check(sql`holdout_share >= 0 and holdout_share < 1`),
        )
        .addColumn('seed', 'integer', (c) => c.notNull())
        .addColumn('outcome_window_days', 'integer', (c) => c.notNull())
        .addColumn('provider', 'text')
        .addColumn('notice', 'text')
        .addColumn('audience', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('opted_out', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('missing_contact', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('team_id', 'text', (c) => c.references('teams.id').onDelete('set null'))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addColumn('queued_at', 'timestamptz')
        .addColumn('sent_at', 'timestamptz')
        .addUniqueConstraint('campaigns_org_id_id_key', ['org_id', 'id'])
        .addForeignKeyConstraint(
          'campaigns_dataset_fkey',
          ['org_id', 'dataset_id'],
          'datasets',
          ['org_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .execute();
      await db.schema
        .createIndex('campaigns_org_created_idx')
        .on('campaigns')
        .columns(['org_id', 'created_at'])
        .execute();
      // The send job's work queue: open campaigns only.
      await sql`create index campaigns_open_idx on campaigns (status) where status in ('queued', 'sending')`.execute(
        db,
      );
      // One row per recipient, frozen at send; the idempotency key is (campaign, customer).
      await db.schema
        .createTable('deliveries')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('campaign_id', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('to_address', 'text', (c) => c.notNull())
        .addColumn('subject', 'text')
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('segment', 'integer')
        .addColumn('risk_tier', 'text')
        .addColumn('status', 'text', (c) =>
          c.notNull().check(sql`status in ('pending', 'sending', 'sent', 'delivered', 'failed', 'held_out')`),
        )
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addColumn('claimed_at', 'timestamptz')
        .addColumn('claimed_by', 'text')
        .addColumn('handed_at', 'timestamptz')
        .addColumn('sent_at', 'timestamptz')
        .addColumn('delivered_at', 'timestamptz')
        .addColumn('provider_id', 'text')
        .addColumn('provider_status', 'text')
        .addColumn('error', 'text')
        .addColumn('uncertain', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addPrimaryKeyConstraint('deliveries_pkey', ['campaign_id', 'customer_id'])
        .addForeignKeyConstraint(
          'deliveries_campaign_fkey',
          ['org_id', 'campaign_id'],
          'campaigns',
          ['org_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .execute();
      await db.schema
        .createIndex('deliveries_queue_idx')
        .on('deliveries')
        .columns(['campaign_id', 'status', 'next_attempt_at'])
        .execute();
      await db.schema
        .createIndex('deliveries_provider_idx')
        .on('deliveries')
        .columns(['org_id', 'provider_id'])
        .execute();
      // The send workers alive: a row `sending` whose worker stopped beating is recovered.
      await db.schema
        .createTable('send_workers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('pid', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addColumn('heartbeat_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .execute();
      // Messages kept in the store when no provider is configured (written with the delivery's sent mark).
      await db.schema
        .createTable('outbox_messages')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('campaign_id', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('to_address', 'text', (c) => c.notNull())
        .addColumn('subject', 'text')
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addPrimaryKeyConstraint('outbox_messages_pkey', ['campaign_id', 'customer_id'])
        .addForeignKeyConstraint(
          'outbox_messages_campaign_fkey',
          ['org_id', 'campaign_id'],
          'campaigns',
          ['org_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .execute();
      await db.schema
        .createIndex('outbox_messages_org_at_idx')
        .on('outbox_messages')
        .columns(['org_id', 'at'])
        .execute();
      // Customers who asked to hear no more (unsubscribe link, STOP), per organisation.
      await db.schema
        .createTable('opt_outs')
        .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('campaign_id', 'text')
        .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addPrimaryKeyConstraint('opt_outs_pkey', ['org_id', 'customer_id'])
        .execute();
      // What became of each recipient and held-out customer after the campaign's window.
      await db.schema
        .createTable('campaign_outcomes')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('campaign_id', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('churned', 'boolean', (c) => c.notNull())
        .addColumn('revenue', 'double precision')
        .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addPrimaryKeyConstraint('campaign_outcomes_pkey', ['campaign_id', 'customer_id'])
        .addForeignKeyConstraint(
          'campaign_outcomes_campaign_fkey',
          ['org_id', 'campaign_id'],
          'campaigns',
          ['org_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .execute();
    },
  },
  '0006_run_plan': {
    async up(db: Kysely<unknown>): Promise<void> {
      // The cleaning plan a person edited on the Data page, kept with the run it was used for.
      await db.schema.alterTable('runs').addColumn('plan', 'jsonb').execute();
    },
  },
  '0007_deliveries_by_customer': {
    async up(db: Kysely<unknown>): Promise<void> {
      // Lookout lists the messages a customer received, by (organisation, customer id).
      await db.schema
        .createIndex('deliveries_customer_idx')
        .on('deliveries')
        .columns(['org_id', 'customer_id'])
        .execute();
    },
  },
  '0008_charts': {
    async up(db: Kysely<unknown>): Promise<void> {
      // A team's saved charts (E11): the spec only; the figures are computed from the newest run.
      await db.schema
        .createTable('charts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
        .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
        .addColumn('dataset_id', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('spec', 'jsonb', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createIndex('charts_team_idx').on('charts').columns(['org_id', 'team_id']).execute();
    },
  },
  '0009_segmentations': {
    async up(db: Kysely<unknown>): Promise<void> {
      // Each customer's segment in a run's other segmentations (B6); the main one stays in
      // customer_results.segment.
      await db.schema
        .createTable('customer_segments')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('segmentation', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('segment', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('customer_segments_pkey', ['run_id', 'segmentation', 'customer_id'])
        .addForeignKeyConstraint(
          'customer_segments_run_fkey',
          ['org_id', 'run_id'],
          'runs',
          ['org_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .execute();
      // The segmentation a team works with, per dataset: pages and campaigns follow it.
      await db.schema
        .createTable('segmentation_choices')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('team_id', 'text', (c) => c.notNull())
        .addColumn('dataset_id', 'text', (c) => c.notNull())
        .addColumn('segmentation', 'text', (c) => c.notNull())
        .addColumn('chosen_by', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('chosen_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
        .addPrimaryKeyConstraint('segmentation_choices_pkey', ['team_id', 'dataset_id'])
        .addForeignKeyConstraint(
          'segmentation_choices_team_fkey',
          ['org_id', 'team_id'],
          'teams',
          ['org_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .execute();
      // A team names the segments of every segmentation, each apart.
      await db.schema
        .alterTable('segment_names')
        .addColumn('segmentation', 'text', (c) => c.notNull().defaultTo('main'))
        .execute();
      await db.schema
        .alterTable('segment_names')
        .dropConstraint('segment_names_run_segment_team_key')
        .execute();
      await db.schema
        .alterTable('segment_names')
        .addUniqueConstraint('segment_names_run_segmentation_segment_team_key', [
          'run_id',
          'segmentation',
          'segment_id',
          'team_id',
        ])
        .execute();
    },
  },
  '0010_send_rate_slots': {
    async up(db: Kysely<unknown>): Promise<void> {
      // The next free send slot per organisation and channel, shared by every worker process on
      // the store: the rate limit holds for all of them together, not for each.
      await db.schema
        .createTable('send_rate_slots')
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('next_at', 'timestamptz', (c) => c.notNull())
        .addPrimaryKeyConstraint('send_rate_slots_pkey', ['org_id', 'channel'])
        .execute();
    },
  },
  '0011_campaign_attachments': {
    async up(db: Kysely<unknown>): Promise<void> {
      // A campaign's one attachment (an image or a PDF): { name, type, bytes, sha256, file }, the
      // file kept under <dataDir>/attachments/<orgId>/<campaignId>/; null when it has none.
      await db.schema.alterTable('campaigns').addColumn('attachment', 'jsonb').execute();
      // The attachment's name with a message kept in the outbox (null: none went with it).
      await db.schema.alterTable('outbox_messages').addColumn('attachment_name', 'text').execute();
    },
  },
};

/** Hands the in-code migrations to Kysely's Migrator. */
export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
