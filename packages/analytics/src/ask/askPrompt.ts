import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { describeSchema } from './describeSchema.ts';
import type { TableSchema } from './openRunSql.ts';

/** The one tool the model gets: a read-only query over the run's tables. */
export const RUN_SQL_TOOL: ChatCompletionFunctionTool = {
  type: 'function',
  function: {
    name: 'run_sql',
    description:
      "Runs one read-only DuckDB SELECT query over this run's tables and returns its columns and rows. Anything else (writes, several statements, files, other tables) is refused with a message.",
    parameters: {
      type: 'object',
      properties: {
        query: { type: 'string', description: 'one SELECT (or WITH ... SELECT) statement in DuckDB SQL' },
      },
      required: ['query'],
      additionalProperties: false,
    },
  },
};

/**
 * The system prompt: what the model is for, the rules of the tool, and every table with its
 * columns and their meanings. `shownRows` is how many rows of a result the model sees.
 */
export function askSystemPrompt(tables: readonly TableSchema[], shownRows: number): string {
  return [
    'You answer questions about one customer analysis made by Clientele, from its tables.',
    `Use the run_sql tool to query them: one read-only DuckDB SELECT per call (WITH, joins, window functions and aggregates are fine). You see at most ${shownRows} rows of a result, so aggregate (GROUP BY, avg, count, quantiles) or ORDER BY ... LIMIT rather than listing customers.`,
    'Only the tables below exist. Never write, never read files or URLs: such statements are refused.',
    'Segment names are in segments.name (join on segment). For what sets a segment apart, read segment_features: its z-scores and driver_importance.',
    'When the results are enough, answer in plain words, in the language of the question, with the figures from the results (rounded sensibly) and the tables they came from. Never invent a figure; if the tables cannot answer, say so and say what data would.',
    '',
    'Tables:',
    describeSchema(tables),
  ].join('\n');
}
