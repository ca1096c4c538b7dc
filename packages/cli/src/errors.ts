import { InputError } from '@clientele/analytics';
import { MlError } from '@clientele/ml';
import { CommanderError } from 'commander';

/** Exit codes: scripts tell a usage mistake from bad data from a bug. */
export const EXIT = { ok: 0, bug: 1, usage: 2, input: 3 } as const;

/** The one place errors become a message for a person and an exit code. */
export function describeError(err: unknown): { code: number; message: string } {
  if (err instanceof InputError) return { code: EXIT.input, message: err.message };
  if (err instanceof MlError) return { code: EXIT.input, message: err.message };
  if (err instanceof UsageError) return { code: EXIT.usage, message: err.message };
  if (err instanceof CommanderError) return { code: EXIT.usage, message: err.message };
  const e = err as Error;
  return {
    code: EXIT.bug,
    message: `unexpected error (please report it with the command you ran): ${e?.stack ?? String(err)}`,
  };
}

/** A flag's value is wrong (not the data): exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
