import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRunner, tempDir } from './runCli.ts';

const dir = tempDir('clientele-analyze-cli-');
const run = cliRunner(dir);

describe('clientele analyze', () => {
  it('a telco snapshot: segments, churn, report and exports in the JSON', async () => {
    const data = join(dir, 'telco.csv');
    // 500 rows: enough for what is checked here (AUC 0.83, accuracy 0.80), and quicker to analyse than 3,000.
    expect((await run('demo-data', 'telco', '--rows', '500', '--seed', '2', '--out', data)).code).toBe(0);
    const out = join(dir, 'telco_run');
    const r = await run('analyze', '--input', data, '--out', out, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.kind).toBe('snapshot');
    expect(Object.keys(j.segments)).toEqual(
      expect.arrayContaining(['algorithm', 'k', 'silhouette', 'sizes']),
    );
    // Every customer is in a segment: 500 rows less the planted duplicate (499).
    expect(j.segments.sizes.reduce((a: number, b: number) => a + b, 0)).toBeGreaterThan(490);
    expect(j.churn.auc).toBeGreaterThan(0.7);
    expect(j.churn.accuracy).toBeGreaterThan(0.6);
    expect(j.insiders).toBeNull();
    expect(j.report).toBe(join(out, 'report.html'));
    expect(existsSync(j.report)).toBe(true);
    expect(Object.keys(j.exports)).toEqual(
      expect.arrayContaining(['scores_csv', 'scores_parquet', 'assignments_csv', 'assignments_parquet']),
    );
  }, 180_000);

  it('a transaction log: the Insiders in the JSON; text output names the report', async () => {
    const data = join(dir, 'log.csv');
    expect(
      (await run('demo-data', 'transactions', '--customers', '400', '--seed', '2', '--out', data)).code,
    ).toBe(0);
    const r = await run('analyze', '--input', data, '--out', join(dir, 'log_run'), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.kind).toBe('transactions');
    expect(j.insiders.count).toBeGreaterThan(0);
    expect(j.insiders.customer_share).toBeLessThan(0.5);
    expect(j.insiders.revenue_share).toBeGreaterThan(j.insiders.customer_share);
    expect(Object.keys(j.exports)).toEqual(expect.arrayContaining(['insiders_csv', 'insiders_parquet']));
    const text = await run('analyze', '--input', data, '--out', join(dir, 'log_run_text'), '--lang', 'pt');
    expect(text.stdout).toMatch(/insiders +\d+ customers/);
    expect(text.stdout).toMatch(/report +.*report\.html/);
  }, 180_000);

  it('refuses a config with an unknown key, naming it, and a missing input', async () => {
    const config = join(dir, 'run.json');
    writeFileSync(config, JSON.stringify({ segmentation: { kMaximum: 9 } }));
    const data = join(dir, 'x.csv');
    writeFileSync(data, 'id,a\n1,2\n');
    const bad = await run('analyze', '--input', data, '--out', join(dir, 'x_run'), '--config', config);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/--config .*run\.json: segmentation/);
    const missing = await run('analyze', '--input', join(dir, 'nope.csv'), '--out', join(dir, 'y_run'));
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/analyze failed at step "load"/);
  });
});
