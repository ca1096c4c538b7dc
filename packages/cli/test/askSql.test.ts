import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRunFolder } from '../../analytics/test/runFolderFixture.ts';
import {
  type FakeOpenAi,
  type RecordedChatRequest,
  startFakeOpenAi,
} from '../../server/test/campaigns/fakeOpenAi.ts';
import { cliRunner, tempDir } from './runCli.ts';

const dir = tempDir('clientele-ask-cli-');
const run = cliRunner(dir);
const runDir = join(dir, 'org-a', 'run-1');
const otherRun = join(dir, 'org-b', 'run-9');
let llm: FakeOpenAi;

beforeAll(async () => {
  await writeRunFolder(runDir, 30);
  await writeRunFolder(otherRun, 6);
  llm = await startFakeOpenAi({ models: ['tiny'], apiKey: 'k' });
});
afterAll(async () => llm.close());

/** The tool replies (role "tool") the model received in a request, parsed. */
function toolReplies(
  request: RecordedChatRequest,
): { error?: string; columns?: string[]; rows?: unknown[][] }[] {
  return request.body.messages.filter((m) => m.role === 'tool').map((m) => JSON.parse(m.content ?? '{}'));
}

const flags = ['--llm-url', 'LLM', '--llm-model', 'tiny', '--llm-key', 'k'];
const withLlm = (): string[] => flags.map((f) => (f === 'LLM' ? llm.baseUrl : f));

// Each command is a child process (a few seconds each on a busy machine).
describe('clientele sql', { timeout: 180_000 }, () => {
  it('runs a SELECT over the run tables: a table for a person, JSON for a script', async () => {
    const query =
      'SELECT s.name, count(*) AS n FROM assignments a JOIN segments s USING (segment) GROUP BY 1 ORDER BY 1';
    const json = await run('sql', '--run', runDir, query, '--json');
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      columns: [
        { name: 'name', type: 'VARCHAR' },
        { name: 'n', type: 'BIGINT' },
      ],
      rows: [
        ['Cautious rechargers', 10],
        ['Heavy users', 10],
        ['Newcomers', 10],
      ],
      truncated: false,
    });
    const text = await run('sql', '--run', runDir, query);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n').slice(0, 3)).toEqual([
      'name                  n',
      '-------------------  --',
      'Cautious rechargers  10',
    ]);
    expect(text.stderr).toMatch(/^3 rows/);
  });

  it('keeps --limit rows and says there are more; without a statement, lists the tables', async () => {
    const limited = await run('sql', '--run', runDir, 'SELECT * FROM scores', '--limit', '4', '--json');
    const j = JSON.parse(limited.stdout);
    expect(j.rows).toHaveLength(4);
    expect(j.truncated).toBe(true);
    const schema = await run('sql', '--run', runDir);
    expect(schema.code).toBe(0);
    expect(schema.stdout).toMatch(/^segments \(3 rows\)/);
    expect(schema.stdout).toMatch(/\nscores \(30 rows\): .*\n {2}customer_id VARCHAR/);
  });

  it('refuses a write, two statements, a file and another run, with exit code 3', async () => {
    for (const [statement, message] of [
      ['DELETE FROM scores', /refused: only a read-only SELECT .* a DELETE statement/],
      ['SELECT 1; SELECT 2', /refused: 2 statements were sent/],
      ["SELECT * FROM read_csv('/etc/passwd')", /refused: read_csv\(\.\.\.\) is not allowed/],
      [`SELECT * FROM '${join(otherRun, 'scores.parquet')}'`, /refused: .* looks like a file/],
    ] as const) {
      const r = await run('sql', '--run', runDir, statement);
      expect(r.code, statement).toBe(3);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    }
    const failed = await run('sql', '--run', runDir, 'SELECT nope FROM scores');
    expect(failed.code).toBe(3);
    expect(failed.stderr).toMatch(/the query did not run: .*nope/);
    const notRun = await run('sql', '--run', dir, 'SELECT 1');
    expect(notRun.code).toBe(3);
    expect(notRun.stderr).toMatch(/is not a run folder/);
  });
});

describe('clientele ask', { timeout: 180_000 }, () => {
  it('the model asks for SQL, gets the rows, answers; every query is shown', async () => {
    const query =
      'SELECT s.name, count(*) AS n FROM assignments a JOIN segments s USING (segment) GROUP BY 1 ORDER BY 1';
    llm.reply(
      (request) => {
        // The schema and the one tool are in the first request.
        const system = request.body.messages[0]!.content ?? '';
        expect(system).toMatch(/segments \(3 rows\)/);
        expect(system).toMatch(/churn_probability DOUBLE: the churn model's probability/);
        expect(JSON.stringify(request.body.tools)).toMatch(/"name":"run_sql"/);
        expect(request.body.messages[1]).toMatchObject({
          role: 'user',
          content: 'how many customers per segment?',
        });
        return { toolCalls: [{ name: 'run_sql', arguments: { query } }] };
      },
      (request) => {
        const [reply] = toolReplies(request);
        expect(reply).toEqual({
          columns: ['name', 'n'],
          rows: [
            ['Cautious rechargers', 10],
            ['Heavy users', 10],
            ['Newcomers', 10],
          ],
        });
        return 'Each of the three segments has 10 customers (assignments).';
      },
    );
    const before = llm.requests.length;
    const r = await run('ask', '--run', runDir, 'how many customers per segment?', '--json', ...withLlm());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(llm.requests.length - before).toBe(2);
    expect(llm.requests.at(-1)!.authorization).toBe('Bearer k');
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({
      status: 'answered',
      answer: 'Each of the three segments has 10 customers (assignments).',
      model: 'tiny',
      rounds: 2,
      queries: [
        {
          sql: query,
          ok: true,
          refused: false,
          rows: [
            ['Cautious rechargers', 10],
            ['Heavy users', 10],
            ['Newcomers', 10],
          ],
        },
      ],
    });
  });

  it('a write, a second statement and another organisation’s run are refused, and the refusal goes back to the model', async () => {
    const attempts = [
      'DELETE FROM scores',
      'SELECT count(*) FROM scores; DROP VIEW scores',
      `SELECT * FROM read_parquet('${join(otherRun, 'assignments.parquet')}')`,
      `SELECT * FROM '${join(otherRun, 'scores.parquet')}'`,
    ];
    let seen: ReturnType<typeof toolReplies> = [];
    llm.reply(
      { toolCalls: attempts.slice(0, 2).map((query) => ({ name: 'run_sql', arguments: { query } })) },
      { toolCalls: attempts.slice(2).map((query) => ({ name: 'run_sql', arguments: { query } })) },
      (request) => {
        seen = toolReplies(request);
        return 'I can only read this run’s tables, so I cannot do that.';
      },
    );
    const r = await run(
      'ask',
      '--run',
      runDir,
      'delete the scores and show me the other company',
      ...withLlm(),
    );
    expect(r.code).toBe(0);
    expect(seen).toHaveLength(4);
    expect(seen[0]!.error).toMatch(/^REFUSED: only a read-only SELECT .* a DELETE statement/);
    expect(seen[1]!.error).toMatch(/^REFUSED: 2 statements were sent/);
    expect(seen[2]!.error).toMatch(/^REFUSED: read_parquet\(\.\.\.\) is not allowed/);
    expect(seen[3]!.error).toMatch(/^REFUSED: .* looks like a file/);
    // Text output: the answer, then every query with what came of it.
    expect(r.stdout).toMatch(/^I can only read this run’s tables/);
    expect(r.stdout).toMatch(/4 queries run/);
    expect(r.stdout.match(/\(refused\)/g)).toHaveLength(4);
    // The tables are untouched.
    const count = await run('sql', '--run', runDir, 'SELECT count(*) AS n FROM scores', '--json');
    expect(JSON.parse(count.stdout).rows).toEqual([[30]]);
  });

  it('with no endpoint: says what one would add and points at the SQL console (exit 2)', async () => {
    const r = await run('ask', '--run', runDir, 'anything?');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/No language model is set up/);
    expect(r.stderr).toMatch(/--llm-url URL --llm-model MODEL .* CLIENTELE_LLM_URL/);
    expect(r.stderr).toMatch(/clientele sql --run .* "SELECT \.\.\."/);
    const half = await run('ask', '--run', runDir, 'anything?', '--llm-url', llm.baseUrl);
    expect(half.code).toBe(2);
    expect(half.stderr).toMatch(/no model: add --llm-model NAME or CLIENTELE_LLM_MODEL/);
  });

  it('an endpoint that refuses the key: a message that says what to fix (exit 3)', async () => {
    const r = await run(
      'ask',
      '--run',
      runDir,
      'anything?',
      '--llm-url',
      llm.baseUrl,
      '--llm-model',
      'tiny',
      '--llm-key',
      'wrong',
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/refused the API key \(401\): set a valid key/);
  });
});
