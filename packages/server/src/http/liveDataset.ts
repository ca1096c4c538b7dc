import type { Kysely } from 'kysely';
import { getDataset } from '../store/repos/datasets.ts';
import type { Database, Dataset } from '../store/schema.ts';
import { HttpError } from './errors.ts';

/**
 * A live (not deleted) dataset of the organisation, or a 404 naming `field`: another
 * organisation's dataset reads as missing.
 */
export async function liveDataset(
  db: Kysely<Database>,
  orgId: string,
  datasetId: string,
  field = 'path.datasetId',
): Promise<Dataset> {
  const dataset = await getDataset(db, orgId, datasetId);
  if (!dataset || dataset.deleted_at !== null) throw new HttpError('NOT_FOUND', 'no such dataset', field);
  return dataset;
}
