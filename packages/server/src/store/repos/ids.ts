import { randomUUID } from 'node:crypto';

/** A new row id: a random (v4) UUID as text. */
export function newId(): string {
  return randomUUID();
}
