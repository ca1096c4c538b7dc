import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { DatasetProfile } from '@clientele/analytics';
import {
  analyzeCustomers,
  createDataset,
  type Dataset,
  type DatasetKind,
  findDatasetBySha256,
  insertCustomerColumns,
  newId,
  purgeDataset,
  recordAudit,
  revealDataset,
  type Store,
  setDatasetCustomers,
} from '../store/index.ts';
import { type CustomerFields, type IngestedUpload, ingestUpload } from './ingestUpload.ts';
import { customerFieldsFile, datasetDir, datasetFile, profileFile } from './paths.ts';
import { receiveUpload } from './receiveUpload.ts';

/** Another live dataset of the organisation has the same bytes. */
export class DuplicateDatasetError extends Error {
  override name = 'DuplicateDatasetError';
  constructor(readonly existing: Dataset) {
    super(
      `this file was already uploaded as dataset "${existing.name}" (${existing.id}, ${existing.created_at.toISOString()}); ` +
        'use that one, or upload again with allowDuplicate=true',
    );
  }
}

export interface ImportRequest {
  orgId: string;
  userId: string | null;
  name: string;
  kind?: DatasetKind | undefined;
  allowDuplicate?: boolean;
  body: Readable;
  /** Byte limit of the upload. */
  limit: number;
}

export interface ImportedDataset {
  dataset: Dataset;
  profile: DatasetProfile;
  fields: CustomerFields;
  seconds: { receive: number; profile: number; customers: number };
}

/**
 * An upload from body to dataset: streams it into `<dataDir>/datasets/<org>/<id>/` (byte limit,
 * SHA-256), refuses a duplicate, loads and profiles it with the analytics ingestion, then creates
 * the dataset row, loads its customers and writes the audit row: on PostgreSQL in one
 * transaction; on PGlite as a hidden row shown at the end (see below). On any failure nothing
 * is left: no row, no customers, no folder.
 */
export async function importDataset(
  store: Store,
  dataDir: string,
  req: ImportRequest,
): Promise<ImportedDataset> {
  const id = newId();
  const dir = datasetDir(dataDir, req.orgId, id);
  const upload = join(dir, 'upload.part');
  let ingested: IngestedUpload | undefined;
  const t0 = performance.now();
  try {
    await mkdir(dir, { recursive: true });
    const received = await receiveUpload(req.body, upload, req.limit);
    const t1 = performance.now();
    if (!req.allowDuplicate) {
      const existing = await findDatasetBySha256(store.db, req.orgId, received.sha256);
      if (existing) throw new DuplicateDatasetError(existing);
    }
    ingested = await ingestUpload(upload, received.bytes, {
      kind: req.kind,
      tempDir: dir,
      label: 'the uploaded file',
    });
    const { profile, kind, fields, table } = ingested;
    await writeFile(profileFile(dataDir, req.orgId, id), `${JSON.stringify(profile)}\n`);
    await writeFile(customerFieldsFile(dataDir, req.orgId, id), `${JSON.stringify(fields)}\n`);
    await rename(upload, datasetFile(dataDir, req.orgId, id));
    const t2 = performance.now();

    const newRow = {
      id,
      orgId: req.orgId,
      name: req.name,
      kind,
      rows: profile.nRows,
      bytes: received.bytes,
      sha256: received.sha256,
      createdBy: req.userId,
      columns: profile.columns.map((c) => ({ name: c.name, type: c.type, role: c.role })),
    };
    const audit = (customers: number) => ({
      orgId: req.orgId,
      userId: req.userId,
      action: 'dataset_uploaded',
      subject: `dataset:${id}`,
      detail: {
        name: req.name,
        kind,
        rows: profile.nRows,
        bytes: received.bytes,
        sha256: received.sha256,
        customers,
      },
    });
    let dataset: Dataset;
    if (store.kind === 'postgres') {
      // One transaction: the row, its customers and the audit row appear together or not at all,
      // and the pool's other connections serve other requests meanwhile.
      dataset = await store.db.transaction().execute(async (tx) => {
        const row = await createDataset(tx, newRow);
        const customers = await copyCustomers(table, ingested!.customersSql, (cols) =>
          insertCustomerColumns(tx, req.orgId, id, cols),
        );
        await setDatasetCustomers(tx, req.orgId, id, customers);
        await recordAudit(tx, audit(customers));
        return { ...row, customers };
      });
    } else {
      // PGlite is one connection: a transaction would hold it (and every other request) for the
      // whole load. The row is created hidden instead, the customers go in batch by batch
      // (requests run between batches), and one short transaction shows it and audits it. A
      // failure removes the row and its customers; a stop mid-load leaves a hidden row holding
      // customers, which the next start removes (sweepDatasetFolders).
      const row = await createDataset(store.db, { ...newRow, hidden: true });
      try {
        const customers = await copyCustomers(table, ingested.customersSql, (cols) =>
          insertCustomerColumns(store.db, req.orgId, id, cols),
        );
        await store.db.transaction().execute(async (tx) => {
          if (!(await revealDataset(tx, req.orgId, id, customers))) {
            throw new Error(`dataset ${id} vanished while its customers loaded`);
          }
          await recordAudit(tx, audit(customers));
        });
        dataset = { ...row, customers, deleted_at: null };
      } catch (err) {
        await purgeDataset(store.db, req.orgId, id).catch(() => {});
        throw err;
      }
    }
    // After a bulk load, fresh statistics, so Lookout's queries use the indexes at once instead
    // of after autovacuum (best effort: the dataset is committed whatever happens here).
    if (dataset.customers >= BATCH) await analyzeCustomers(store.db).catch(() => {});
    const t3 = performance.now();
    return {
      dataset,
      profile,
      fields,
      seconds: { receive: (t1 - t0) / 1000, profile: (t2 - t1) / 1000, customers: (t3 - t2) / 1000 },
    };
  } catch (err) {
    ingested?.table.close();
    ingested = undefined;
    await rm(dir, { recursive: true, force: true });
    throw err;
  } finally {
    ingested?.table.close();
  }
}

/** Rows per batch handed to the store (its insert statement takes 10,000 rows). */
const BATCH = 10_000;

/**
 * Streams the customers query out of DuckDB in batches of 10,000 rows, column by column, into
 * `insert`; the next batch is read while the previous one is written. Returns the count.
 */
async function copyCustomers(
  table: IngestedUpload['table'],
  sql: string,
  insert: (cols: CustomerColumnsBatch) => Promise<number>,
): Promise<number> {
  const result = await table.db.stream(sql);
  const state: { batch: CustomerColumnsBatch; pending: Promise<number> | null; total: number } = {
    batch: emptyBatch(),
    pending: null,
    total: 0,
  };
  const flush = async (): Promise<void> => {
    if (state.pending) state.total += await state.pending;
    state.pending = state.batch.customerId.length > 0 ? insert(state.batch) : null;
    // Awaited at the next flush; until then a failure must not count as unhandled.
    state.pending?.catch(() => {});
    state.batch = emptyBatch();
  };
  try {
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const [ids, names, phones, emails, locations, stores, attributes] = chunk.getColumns() as [
        string[],
        (string | null)[],
        (string | null)[],
        (string | null)[],
        (string | null)[],
        (string | null)[],
        string[],
      ];
      const b = state.batch;
      for (let i = 0; i < chunk.rowCount; i++) {
        b.customerId.push(ids[i]!);
        b.name.push(names[i] ?? null);
        b.phone.push(phones[i] ?? null);
        b.email.push(emails[i] ?? null);
        b.location.push(locations[i] ?? null);
        b.store.push(stores[i] ?? null);
        b.attributes.push(attributes[i] ?? '{}');
      }
      if (b.customerId.length >= BATCH) await flush();
    }
    await flush();
    await flush();
  } catch (err) {
    // Leave no insert running behind a failure: the caller rolls back or purges next.
    await state.pending?.catch(() => {});
    throw err;
  }
  return state.total;
}

type CustomerColumnsBatch = Parameters<typeof insertCustomerColumns>[3];

function emptyBatch(): CustomerColumnsBatch {
  return { customerId: [], name: [], phone: [], email: [], location: [], store: [], attributes: [] };
}
