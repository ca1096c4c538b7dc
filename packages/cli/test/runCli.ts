import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const bin = join(import.meta.dirname, '..', 'bin', 'clientele.js');

/** What a run of the command left: its exit code and its whole output. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A new folder under the system's temporary folder, named `<prefix>` and six random characters. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * `run(...args)`: runs `clientele args...` in a child process working in `cwd`. A run that exits
 * non-zero resolves too, with its code, so a test can check the code and the messages.
 */
export function cliRunner(cwd: string): (...args: string[]) => Promise<CliResult> {
  return async (...args) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { cwd });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as CliResult;
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
}
