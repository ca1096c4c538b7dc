// The embedded database's own thread: one PGlite, answering the queries the main thread posts.
// Plain JavaScript, so the worker starts the same under tsx, vitest and plain node.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, types } from '@electric-sql/pglite';

const INT8_AS_NUMBER = { [types.INT8]: (value) => Number(value) };

/** A PGlite error as plain fields (the SQLSTATE code, detail, constraint...) for the other thread. */
function describe(err) {
  const fields = { name: err?.name ?? 'Error', message: err?.message ?? String(err) };
  for (const key of [
    'code',
    'severity',
    'detail',
    'hint',
    'position',
    'schema',
    'table',
    'column',
    'constraint',
    'routine',
  ]) {
    if (err && err[key] !== undefined) fields[key] = err[key];
  }
  return fields;
}

let pglite;
try {
  pglite = await PGlite.create(workerData.dataDir ?? undefined, { parsers: INT8_AS_NUMBER });
  parentPort.postMessage({ ready: true });
} catch (err) {
  parentPort.postMessage({ ready: false, error: describe(err) });
}

if (pglite) {
  parentPort.on('message', async (message) => {
    const { id, op } = message;
    try {
      if (op === 'close') {
        await pglite.close();
        parentPort.postMessage({ id, ok: true });
        parentPort.close();
        return;
      }
      const result = await pglite.query(message.sql, message.params);
      parentPort.postMessage({ id, ok: true, rows: result.rows, affectedRows: result.affectedRows });
    } catch (err) {
      parentPort.postMessage({ id, ok: false, error: describe(err) });
    }
  });
}
