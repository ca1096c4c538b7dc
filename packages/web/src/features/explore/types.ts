/** The ask-the-data API's answers (packages/server/src/http/routes/ask.ts). */

export interface RunTable {
  name: string;
  description: string;
  rows: number;
  columns: { name: string; type: string; description: string | null }[];
}

export interface RunSchema {
  runId: string;
  tables: RunTable[];
  text: string;
  llm: { configured: boolean; model: string | null };
  /** With no model: what one would add, and where to set it. */
  message: string | null;
}

export interface SqlResult {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  truncated: boolean;
  ms: number;
}

export interface AskQuery {
  sql: string;
  ok: boolean;
  refused: boolean;
  error?: string;
  code?: string;
  columns: { name: string; type: string }[];
  rows: unknown[][];
  truncated: boolean;
}

export interface AskAnswer {
  status: 'answered' | 'not_configured' | 'llm_failed' | 'no_answer';
  answer: string | null;
  message: string | null;
  queries: AskQuery[];
  model: string | null;
  rounds: number;
}
