import { sql } from 'kysely';
import { sha256 } from '../../src/http/auth/secrets.ts';
import {
  addMembership,
  createApiToken,
  createDataset,
  createOrganisation,
  createTeam,
  createUser,
  insertCustomers,
  publishRun,
  type Role,
  type Store,
  writeRunResult,
} from '../../src/store/index.ts';
import { createRun } from '../../src/store/repos/runs.ts';

export const TIERS = ['Low', 'Moderate', 'High', 'Critical'] as const;

/** What a seeded organisation holds: ids, and a bearer token per role asked for. */
export interface SeededOrg {
  orgId: string;
  teamId: string;
  datasetId: string;
  runId: string;
  users: Record<string, { userId: string; token: string }>;
}

/**
 * An organisation with a dataset of `customers` customers and a published run over them:
 * customer i is in segment i % 3, risk tier TIERS[i % 4], an Insider when i % 10 == 0, store
 * S(i % 2), location L(i % 5), attribute plan = gold/basic, age = 20 + i % 50. Every 7th has no
 * e-mail, every 11th no phone. Phones are +1555 followed by seven digits (E.164).
 */
export async function seedOrg(
  store: Store,
  options: { name: string; customers: number; roles?: Role[]; prefix?: string },
): Promise<SeededOrg> {
  const db = store.db;
  const org = await createOrganisation(db, { name: options.name });
  const team = await createTeam(db, { orgId: org.id, name: 'Marketing' });
  const users: SeededOrg['users'] = {};
  for (const role of options.roles ?? ['marketing']) {
    const user = await createUser(db, {
      orgId: org.id,
      email: `${role}-${org.id}@example.com`,
      passwordHash: 'x',
      name: `${role} person`,
    });
    await addMembership(db, { orgId: org.id, teamId: team.id, userId: user.id, role });
    const token = `clt_${role}_${org.id}`;
    await createApiToken(db, { orgId: org.id, userId: user.id, name: 't', tokenHash: sha256(token) });
    users[role] = { userId: user.id, token };
  }
  const dataset = await createDataset(db, {
    orgId: org.id,
    name: 'customers',
    kind: 'snapshot',
    rows: options.customers,
    bytes: 1,
    sha256: `${org.id}-customers`,
    createdBy: null,
  });
  const prefix = options.prefix ?? 'c';
  const ids = Array.from({ length: options.customers }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);
  await insertCustomers(
    db,
    org.id,
    dataset.id,
    ids.map((customerId, i) => ({
      customerId,
      name: `Name${i} Family`,
      email: i % 7 === 3 ? null : `${customerId}@example.com`,
      phone: i % 11 === 5 ? null : `+1555${String(i).padStart(7, '0')}`,
      store: `S${i % 2}`,
      location: `L${i % 5}`,
      attributes: { plan: i % 2 === 0 ? 'gold' : 'basic', age: 20 + (i % 50) },
    })),
  );
  const run = await createRun(db, { orgId: org.id, datasetId: dataset.id, config: {}, createdBy: null });
  await writeRunResult(db, {
    orgId: org.id,
    runId: run.id,
    key: 'report',
    data: {
      segmentation: {
        segments: [0, 1, 2].map((id) => ({
          id,
          name: `Suggested ${id}`,
          description: `segment ${id}`,
          size: Math.ceil(options.customers / 3),
          share: 1 / 3,
          revenueShare: null,
          drivers: [{ feature: 'age', importance: 0.5, direction: 'higher' }],
        })),
      },
      churn: null,
    },
  });
  await sql`
    insert into customer_results (org_id, run_id, customer_id, segment, churn_probability, risk_tier, insider)
    select ${org.id}, ${run.id}, u.id, (u.n - 1) % 3, ((u.n - 1) % 100) / 100.0,
      (array['Low','Moderate','High','Critical'])[((u.n - 1) % 4) + 1], (u.n - 1) % 10 = 0
    from unnest(${ids}::text[]) with ordinality as u(id, n)
  `.execute(db);
  await publishRun(db, { orgId: org.id, datasetId: dataset.id, runId: run.id, publishedBy: null });
  return { orgId: org.id, teamId: team.id, datasetId: dataset.id, runId: run.id, users };
}
