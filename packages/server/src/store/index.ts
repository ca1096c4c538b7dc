export { jsonb } from './jsonb.ts';
export { MIGRATIONS } from './migrations.ts';
export { openStore, redact, type Store, StoreError, type StoreKind, type StoreOptions } from './openStore.ts';
export { PGliteDialect, type PGliteLike } from './pgliteDialect.ts';
export { createApiToken, findApiTokenByHash, revokeApiToken } from './repos/apiTokens.ts';
export { listAudit, recordAudit } from './repos/auditLog.ts';
export {
  analyzeCustomers,
  type CustomerColumns,
  type CustomerHit,
  type CustomerRecord,
  type CustomerRow,
  countCustomers,
  customerLookup,
  customerRecords,
  findCustomer,
  insertCustomerColumns,
  insertCustomers,
  searchCustomers,
} from './repos/customers.ts';
export {
  createDataset,
  type DeletedDataset,
  findDatasetBySha256,
  getDataset,
  listDatasets,
  type NewDataset,
  purgeDataset,
  purgeUnfinishedDatasets,
  revealDataset,
  setDatasetCustomers,
  softDeleteDataset,
} from './repos/datasets.ts';
export { newId } from './repos/ids.ts';
export { acceptInvitation, createInvitation, findOpenInvitation } from './repos/invitations.ts';
export { createOrganisation, getOrganisation } from './repos/organisations.ts';
export {
  findPrincipalBySessionHash,
  findPrincipalByTokenHash,
  type PrincipalRecord,
} from './repos/principals.ts';
export {
  listVersions,
  PublishError,
  type PublishedResults,
  publishRun,
  readPublished,
  writeRunResult,
} from './repos/results.ts';
export { createRun, getRun, listRuns, type RunPatch, updateRun } from './repos/runs.ts';
export { listSegmentNames, setSegmentName } from './repos/segmentNames.ts';
export { createSession, deleteExpiredSessions, deleteSession, findSessionByHash } from './repos/sessions.ts';
export { clearSignInFailures, listSignInFailures, recordSignInFailure } from './repos/signInFailures.ts';
export {
  addMembership,
  createTeam,
  listMemberships,
  listTeams,
  type RemoveMembershipResult,
  removeMembership,
  setMembershipRole,
} from './repos/teams.ts';
export {
  createUser,
  findUserByEmail,
  getUser,
  hasAnyOrganisation,
  listUsers,
  type NewUser,
} from './repos/users.ts';
export * from './schema.ts';
export {
  loadSecretBox,
  parseSecretKey,
  SECRET_KEY_ENV,
  SECRET_KEY_FILE,
  SecretBox,
  SecretKeyError,
  WRONG_KEY_MESSAGE,
} from './secretBox.ts';
