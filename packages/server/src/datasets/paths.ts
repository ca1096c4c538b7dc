import { join } from 'node:path';

/**
 * Where a dataset's files live: `<dataDir>/datasets/<orgId>/<datasetId>/`, holding the upload as
 * it came (`data.csv`) and its profile (`profile.json`). Ids are UUIDs made by the server, never
 * user input, so they are safe as folder names.
 */
export function datasetDir(dataDir: string, orgId: string, datasetId: string): string {
  return join(dataDir, 'datasets', orgId, datasetId);
}

/** The uploaded file of a dataset, byte for byte (CSV text, in the encoding it came in). */
export function datasetFile(dataDir: string, orgId: string, datasetId: string): string {
  return join(datasetDir(dataDir, orgId, datasetId), 'data.csv');
}

/** The dataset's profile (`DatasetProfile` of @clientele/analytics, as JSON). */
export function profileFile(dataDir: string, orgId: string, datasetId: string): string {
  return join(datasetDir(dataDir, orgId, datasetId), 'profile.json');
}

/** Which of the file's columns filled each customer field (`CustomerFields`, as JSON). */
export function customerFieldsFile(dataDir: string, orgId: string, datasetId: string): string {
  return join(datasetDir(dataDir, orgId, datasetId), 'customer-fields.json');
}
