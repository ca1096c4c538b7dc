import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTelcoSnapshotCsv, writeTransactionLogCsv } from '@clientele/analytics';
import { sql } from 'kysely';
import { importDataset } from '../datasets/importDataset.ts';
import { hashPassword } from '../http/auth/secrets.ts';
import type { RunJobs } from '../runs/runJobs.ts';
import type { Store } from '../store/index.ts';
import { createOrganisation } from '../store/repos/organisations.ts';
import { addMembership, createTeam } from '../store/repos/teams.ts';
import { createUser } from '../store/repos/users.ts';
import type { Role } from '../store/schema.ts';

export const DEMO_ORGANISATION = 'Clientele demo';
export const DEMO_PASSWORD = 'clientele-demo';

/** One demo person per role, each in the team that does that job. */
export const DEMO_USERS: { email: string; name: string; team: string; role: Role }[] = [
  { email: 'manager@demo.clientele', name: 'Maria Manager', team: 'Management', role: 'manager' },
  {
    email: 'marketing@demo.clientele',
    name: 'Mateo Marketing',
    team: 'Marketing Santiago',
    role: 'marketing',
  },
  { email: 'data@demo.clientele', name: 'Dana Data', team: 'Data science', role: 'data_scientist' },
  { email: 'support@demo.clientele', name: 'Sofia Support', team: 'Customer care', role: 'support' },
];

export interface DemoOptions {
  /** Rows of the synthetic telco snapshot (default 20,000) and customers of the log (default 2,000). */
  telcoRows?: number;
  logCustomers?: number;
  /** Called with lines worth printing. */
  say?: (line: string) => void;
}

export interface DemoSeed {
  created: boolean;
  orgId: string;
  datasets: { id: string; name: string }[];
  runs: string[];
}

const DEMO_FIRST = [
  'Ana',
  'Luis',
  'María',
  'Carlos',
  'Lucía',
  'Jorge',
  'Sofía',
  'Andrés',
  'Valentina',
  'Diego',
];
const DEMO_LAST = ['García', 'Rodríguez', 'Martínez', 'López', 'González', 'Pérez', 'Sánchez', 'Gómez'];

/**
 * The synthetic files have no names, e-mails or phones, so the demo's campaigns would reach
 * nobody: each demo customer gets a made-up name, an address at example.com (reserved for
 * examples, RFC 2606) and a +1 555 number, derived from its id so every demo is the same.
 */
async function giveDemoContacts(store: Store, orgId: string, datasetId: string): Promise<void> {
  const pick = (list: string[], salt: string) =>
    sql`(${sql.val(list)}::text[])[1 + abs(hashtext(c.customer_id || ${salt})::bigint) % ${list.length}]`;
  await sql`
    update customers c set
      name = coalesce(c.name, ${pick(DEMO_FIRST, 'f')} || ' ' || ${pick(DEMO_LAST, 'l')}),
      email = coalesce(c.email, 'customer-' || lower(c.customer_id) || '@example.com'),
      phone = coalesce(c.phone, '+1555' || lpad((abs(hashtext(c.customer_id)::bigint) % 10000000)::text, 7, '0'))
    where c.org_id = ${orgId} and c.dataset_id = ${datasetId}`.execute(store.db);
}

/**
 * Makes the demo organisation once: a user per role (password DEMO_PASSWORD), the synthetic telco
 * snapshot and transaction log as datasets (their customers loaded for Lookout), and a run of
 * each queued (the telco with k = 4, as the telco seed chose). A store that has it already is
 * left as it is. The runs are analysed by `jobs` in the background; the results appear at
 * /api/datasets/:id/results when published.
 */
export async function seedDemo(
  store: Store,
  dataDir: string,
  jobs: RunJobs,
  opts: DemoOptions = {},
): Promise<DemoSeed> {
  const say = opts.say ?? (() => undefined);
  const existing = await store.db
    .selectFrom('users')
    .select('org_id')
    .where('email', '=', DEMO_USERS[0]!.email)
    .executeTakeFirst();
  if (existing) {
    const datasets = await store.db
      .selectFrom('datasets')
      .select(['id', 'name'])
      .where('org_id', '=', existing.org_id)
      .where('deleted_at', 'is', null)
      .orderBy('created_at')
      .execute();
    return { created: false, orgId: existing.org_id, datasets, runs: [] };
  }
  say('creating the demo organisation, its people and its data (once)');
  const org = await createOrganisation(store.db, { name: DEMO_ORGANISATION });
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  let managerId = '';
  for (const u of DEMO_USERS) {
    const team = await createTeam(store.db, { orgId: org.id, name: u.team });
    const user = await createUser(store.db, { orgId: org.id, email: u.email, passwordHash, name: u.name });
    await addMembership(store.db, { orgId: org.id, teamId: team.id, userId: user.id, role: u.role });
    if (u.role === 'manager') managerId = user.id;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'clientele-demo-'));
  try {
    const telco = join(tmp, 'telco_snapshot.csv');
    const log = join(tmp, 'transactions.csv');
    await writeTelcoSnapshotCsv(telco, { rows: opts.telcoRows ?? 20_000, seed: 1 });
    await writeTransactionLogCsv(log, { customers: opts.logCustomers ?? 2_000, seed: 1 });
    const datasets: { id: string; name: string }[] = [];
    const runs: string[] = [];
    for (const [name, path, kind, config] of [
      [
        'Telco snapshot (synthetic)',
        telco,
        'snapshot',
        {
          segmentation: { algorithm: 'kmeans', k: 4 },
          // Two others to compare and choose from (B6): a mixture on the principal components,
          // and k-means on a UMAP embedding with k chosen by the silhouette.
          segmentations: [
            {
              id: 'pca-gmm',
              name: 'Gaussian mixture on PCA',
              space: 'pca',
              components: 3,
              algorithm: 'gmm',
              k: 4,
            },
            { id: 'umap-kmeans', name: 'k-means on UMAP', space: 'umap', algorithms: ['kmeans'], kMax: 6 },
          ],
        },
      ],
      ['Online store transactions (synthetic)', log, 'transactions', {}],
    ] as const) {
      const imported = await importDataset(store, dataDir, {
        orgId: org.id,
        userId: managerId,
        name,
        kind,
        body: createReadStream(path),
        limit: Number.MAX_SAFE_INTEGER,
      });
      datasets.push({ id: imported.dataset.id, name });
      await giveDemoContacts(store, org.id, imported.dataset.id);
      const run = await jobs.enqueue({
        orgId: org.id,
        datasetId: imported.dataset.id,
        config: config as never,
        createdBy: managerId,
      });
      runs.push(run.id);
      say(`dataset "${name}": ${imported.dataset.rows} rows; analysis queued (run ${run.id})`);
    }
    return { created: true, orgId: org.id, datasets, runs };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
