import type { CopyDraft } from '../types.ts';

/** A problem with a piece of copy, in words a marketer can act on. Empty list = fine to send. */
export interface CopyProblem {
  code: CopyProblemCode;
  message: string;
}

export type CopyProblemCode =
  | 'BODY_REQUIRED'
  | 'SUBJECT_REQUIRED'
  | 'SUBJECT_TOO_LONG'
  | 'SUBJECT_NOT_ONE_LINE'
  | 'BODY_TOO_LONG'
  | 'TOO_MANY_SEGMENTS'
  | 'UNKNOWN_VARIABLE'
  | 'VARIABLE_NOT_FOR_CHANNEL'
  | 'VARIABLE_SYNTAX'
  | 'UNSUBSCRIBE_MISSING'
  | 'STOP_LINE_MISSING';

/** A draft with the problems checkCopy found in it (empty when it may be sent as is). */
export interface WrittenDraft extends CopyDraft {
  problems: CopyProblem[];
}
