import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliResult, cliRunner, tempDir } from './runCli.ts';

const fixtures = join(import.meta.dirname, '..', '..', 'analytics', 'test', 'fixtures');
const ibm = join(fixtures, 'ibm_telco_churn.csv');
const dir = tempDir('clientele-profile-cli-');
const run = cliRunner(dir);

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const ibmPlan = join(dir, 'plan-ibm.json');
let profiled: Promise<CliResult> | undefined;
/**
 * `profile --json --suggest-plan` on the IBM file, run once: the first test checks the JSON, the
 * clean test applies the plan it wrote (each run of the command is a process start of its own).
 */
function profileIbmOnce(): Promise<CliResult> {
  profiled ??= run('profile', '--input', ibm, '--suggest-plan', ibmPlan, '--json');
  return profiled;
}

describe('clientele profile', () => {
  it('--json prints one object with n_rows, n_columns, duplicate_rows and each column', async () => {
    const r = await profileIbmOnce();
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p).toMatchObject({ n_rows: 7043, n_columns: 21, duplicate_rows: 0, kind: 'snapshot' });
    const total = p.columns.find((c: { name: string }) => c.name === 'TotalCharges');
    expect(total).toMatchObject({ type: 'VARCHAR', role: 'continuous', missing: 0, distinct: 6531 });
    expect(total.warnings[0]).toMatchObject({
      code: 'NUMERIC_AS_TEXT',
      suggestion: { invalid_to_null: true },
    });
    expect(Object.keys(p.columns[0])).toEqual(
      expect.arrayContaining(['name', 'type', 'role', 'missing', 'distinct', 'warnings']),
    );
  });

  it('writes a standalone HTML report and a suggested plan; prints a table for a person', async () => {
    const html = join(dir, 'report.html');
    const plan = join(dir, 'plan.json');
    const r = await run('profile', '--input', ibm, '--html', html, '--suggest-plan', plan);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/7,043 rows x 21 columns/);
    expect(r.stdout).toMatch(/TotalCharges\s+VARCHAR\s+continuous/);
    expect(r.stdout).toContain('suggested: {"op":"cast"');
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<svg');
    expect(page).not.toMatch(/<script|src="http/);
    const steps = JSON.parse(readFileSync(plan, 'utf8')).steps.map((s: { op: string }) => s.op);
    expect(steps).toEqual(['drop_columns', 'cast', 'impute']);
  });
});

describe('clientele clean', () => {
  it('applies a plan, writes Parquet, and reports rows in and out per step', async () => {
    expect((await profileIbmOnce()).code).toBe(0);
    const out = join(dir, 'clean.parquet');
    const r = await run('clean', '--input', ibm, '--plan', ibmPlan, '--out', out, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ rows_in: 7043, rows_out: 7043 });
    expect(j.steps.map((s: { op: string; values_changed: number }) => [s.op, s.values_changed])).toEqual([
      ['drop_columns', 0],
      ['cast', 11],
      ['impute', 11],
    ]);
    expect(j.columns).not.toContain('customerID');
    const back = JSON.parse((await run('profile', '--input', out, '--json')).stdout);
    expect(back.source.format).toBe('parquet');
    expect(back.columns.find((c: { name: string }) => c.name === 'TotalCharges')).toMatchObject({
      type: 'DOUBLE',
      missing: 0,
    });
  });

  it('a bad plan is refused before any data is read, naming the step; nothing is written', async () => {
    const plan = file(
      'bad-plan.json',
      JSON.stringify({
        steps: [{ op: 'drop_duplicates' }, { op: 'impute', column: 'x', method: 'average' }],
      }),
    );
    const out = join(dir, 'never.csv');
    const r = await run('clean', '--input', ibm, '--plan', plan, '--out', out);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/step 2 \(impute\), field "method"/);
    expect(existsSync(out)).toBe(false);
    const missingColumn = file(
      'plan2.json',
      JSON.stringify({ steps: [{ op: 'drop_columns', columns: ['nope'] }] }),
    );
    const r2 = await run('clean', '--input', ibm, '--plan', missingColumn, '--out', out);
    expect(r2.code).toBe(3);
    expect(r2.stderr).toMatch(/step 1 \(drop_columns\): there is no column "nope"/);
    expect(readdirSync(dir).filter((f) => f.startsWith('never'))).toEqual([]);
    expect((await run('clean', '--input', ibm, '--plan', plan, '--out', join(dir, 'x.txt'))).code).toBe(2);
  });
});

describe('bad input through the command line', () => {
  it('empty file, header only, ragged rows (stop or skip), binary junk, unknown encoding', async () => {
    const empty = await run('profile', '--input', file('empty.csv', ''));
    expect(empty.code).toBe(3);
    expect(empty.stderr).toContain('is empty');
    expect((await run('profile', '--input', file('header.csv', 'a,b\n'))).stderr).toContain('no data rows');
    const ragged = file('ragged.csv', 'a,b,c\n1,2,3\n4,5\n6,7,8\n');
    const stop = await run('profile', '--input', ragged);
    expect(stop.code).toBe(3);
    expect(stop.stderr).toContain('line 3: expected 3 fields, found 2');
    const skip = await run('profile', '--input', ragged, '--bad-rows', 'skip', '--json');
    expect(skip.code).toBe(0);
    expect(JSON.parse(skip.stdout)).toMatchObject({ n_rows: 2, rejected_rows: 1 });
    expect(skip.stderr).toContain('skipped line 3');
    expect((await run('profile', '--input', ragged, '--bad-rows', 'maybe')).code).toBe(2);
    const junk = await run('profile', '--input', file('junk.bin', '\u0000\u0001\u0002PK\u0003\u0004'));
    expect(junk.code).toBe(3);
    expect(junk.stderr).toContain('binary');
    const enc = await run('profile', '--input', ibm, '--encoding', 'ebcdic');
    expect(enc.code).toBe(3);
    expect(enc.stderr).toContain('unknown encoding "ebcdic"');
  });
});
