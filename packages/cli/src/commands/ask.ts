import { InputError, type LlmEndpoint, openRunSql } from '@clientele/analytics';
import type { AskResult } from '@clientele/analytics/ask';
import type { Command } from 'commander';
import { EXIT, UsageError } from '../errors.ts';
import { parseIntOption, printJson } from '../options.ts';
import { formatRows } from '../printRows.ts';

interface AskFlags {
  run: string;
  json?: boolean;
  llmUrl?: string;
  llmModel?: string;
  llmKey?: string;
  maxRounds: number;
}

const SETUP =
  'The endpoint comes from --llm-url URL --llm-model MODEL (and --llm-key KEY when it needs one), or from CLIENTELE_LLM_URL, CLIENTELE_LLM_MODEL and CLIENTELE_LLM_KEY.';

/** Rows of each query printed under the answer (all of them are in --json). */
const ROWS_PRINTED = 10;

export function registerAsk(program: Command): void {
  program
    .command('ask')
    .description(
      "a question in plain words about a run: an OpenAI-compatible model answers it by querying the run's tables (read-only SQL, each query shown)",
    )
    .argument('<question>', 'e.g. "what sets the cautious rechargers apart?"')
    .requiredOption('--run <dir>', 'a run folder written by clientele analyze --out DIR')
    .option('--json', 'print one JSON object on stdout and nothing else')
    .option('--llm-url <url>', 'the endpoint, e.g. http://127.0.0.1:11434/v1 (default: CLIENTELE_LLM_URL)')
    .option('--llm-model <name>', 'the model (default: CLIENTELE_LLM_MODEL)')
    .option(
      '--llm-key <key>',
      'the API key, if it needs one (default: CLIENTELE_LLM_KEY; the variable keeps it out of ps)',
    )
    .option('--max-rounds <n>', 'model turns at most', parseIntOption('max-rounds', 1), 6)
    .action(async (question: string, flags: AskFlags) => runAsk(question, flags));
}

/** The flags win over the environment, each on its own; a URL without a model is a mistake. */
function endpoint(flags: AskFlags): LlmEndpoint | null {
  const env = (name: string): string | undefined => process.env[name]?.trim() || undefined;
  const baseUrl = flags.llmUrl ?? env('CLIENTELE_LLM_URL');
  const model = flags.llmModel ?? env('CLIENTELE_LLM_MODEL');
  if (!baseUrl && !model) return null;
  if (!baseUrl)
    throw new UsageError(`a model (${model}) is set but no endpoint: add --llm-url URL or CLIENTELE_LLM_URL`);
  if (!model)
    throw new UsageError(
      `an endpoint (${baseUrl}) is set but no model: add --llm-model NAME or CLIENTELE_LLM_MODEL`,
    );
  return { baseUrl, model, apiKey: flags.llmKey ?? env('CLIENTELE_LLM_KEY') ?? null };
}

async function runAsk(question: string, flags: AskFlags): Promise<void> {
  if (question.trim() === '') throw new UsageError('the question is empty: write it in quotes after ask');
  const llm = endpoint(flags);
  const sql = await openRunSql(flags.run);
  let result: AskResult;
  try {
    // Loaded here only: the SDK costs a few tenths of a second at start-up.
    const { askData } = await import('@clientele/analytics/ask');
    result = await askData(sql, question, { llm, setup: SETUP, maxRounds: flags.maxRounds });
  } finally {
    sql.close();
  }
  if (flags.json) printJson(result);
  else printAnswer(result, flags.run);
  if (result.status === 'not_configured') {
    if (!flags.json) {
      process.stderr.write(
        `clientele: ${result.message}\n  clientele sql --run ${flags.run}             lists the tables and columns\n  clientele sql --run ${flags.run} "SELECT ..."  queries them\n`,
      );
    }
    process.exitCode = EXIT.usage;
  } else if (result.status !== 'answered') {
    if (flags.json) process.exitCode = EXIT.input;
    else throw new InputError('LLM_FAILED', result.message ?? 'the model gave no answer');
  }
}

function printAnswer(r: AskResult, run: string): void {
  if (r.status === 'not_configured') return;
  const out = (s: string): boolean => process.stdout.write(`${s}\n`);
  if (r.answer) out(r.answer);
  if (r.queries.length === 0) return;
  out('');
  out(
    `${r.queries.length} quer${r.queries.length === 1 ? 'y' : 'ies'} run (re-run one: clientele sql --run ${run} "...")`,
  );
  for (const [i, q] of r.queries.entries()) {
    out('');
    out(`-- ${i + 1}${q.ok ? '' : q.refused ? ' (refused)' : ' (failed)'}`);
    out(q.sql.trim());
    if (!q.ok) {
      out(`=> ${q.error}`);
      continue;
    }
    out(formatRows(q.columns, q.rows.slice(0, ROWS_PRINTED)));
    if (q.truncated) out(`... more rows (${q.rows.length} kept; --json has them)`);
    else if (q.rows.length > ROWS_PRINTED)
      out(`... ${q.rows.length - ROWS_PRINTED} more rows (--json has them)`);
  }
}
