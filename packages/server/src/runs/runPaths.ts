import { join } from 'node:path';

/**
 * A run's folder: `<dataDir>/runs/<orgId>/<runId>/`, written by `analyze` beside it and renamed
 * when complete (a failed run leaves `<runId>.failed/` with FAILED.json). Ids are server-made
 * UUIDs, safe as folder names.
 */
export function runDir(dataDir: string, orgId: string, runId: string): string {
  return join(dataDir, 'runs', orgId, runId);
}
