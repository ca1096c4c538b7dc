import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

// PGlite is one process's database: two processes (or two stores in one) writing the same folder
// corrupt it. A lock file beside the folder says who has it.
const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<folder>.lock` for this process, or returns the pid that holds it. A lock left by a
 * process that is gone (killed) is taken over. Returns a release function on success.
 */
export function lockFolder(folder: string): { release: () => void } | { heldBy: number } {
  const path = `${resolve(folder)}.lock`;
  if (heldHere.has(path)) return { heldBy: process.pid };
  try {
    writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) return { heldBy: pid };
    writeFileSync(path, `${process.pid}\n`);
  }
  heldHere.add(path);
  return {
    release: () => {
      heldHere.delete(path);
      rmSync(path, { force: true });
    },
  };
}
