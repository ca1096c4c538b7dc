import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliResult, cliRunner, tempDir } from './runCli.ts';

const ibm = join(import.meta.dirname, '..', '..', 'analytics', 'test', 'fixtures', 'ibm_telco_churn.csv');
const dir = tempDir('clientele-churn-cli-');
const run = cliRunner(dir);

/** The fixture's header and its first `n` customers, in a file of their own. */
function ibmHead(n: number): string {
  const path = join(dir, `ibm-${n}.csv`);
  writeFileSync(
    path,
    `${readFileSync(ibm, 'utf8')
      .split('\n')
      .slice(0, n + 1)
      .join('\n')}\n`,
  );
  return path;
}

let trained: Promise<{ result: CliResult; model: string }> | undefined;
/**
 * `churn train --json` on the whole fixture, run once: the first test checks what it prints, and
 * both score and explain with the model it writes (a second training only to have a model cost a
 * process start and a fit).
 */
function trainOnce(): Promise<{ result: CliResult; model: string }> {
  trained ??= (async () => {
    const model = join(dir, 'm.json');
    const result = await run(
      'churn',
      'train',
      '--input',
      ibm,
      '--target',
      'Churn',
      '--id',
      'customerID',
      '--cv',
      '3',
      '--model-out',
      model,
      '--json',
    );
    return { result, model };
  })();
  return trained;
}

describe('clientele churn train / score and explain', () => {
  it('trains with --json (the fields scripts read), scores with reasons and tiers, and explains', async () => {
    const { result: r, model } = await trainOnce();
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ model: 'gbdt', n_rows: 7043, n_features: 19 });
    expect(j.fit_seconds).toBeGreaterThan(0);
    expect(Object.keys(j.test)).toEqual(
      expect.arrayContaining(['auc', 'accuracy', 'logloss', 'brier', 'per_class']),
    );
    expect(Object.keys(j.test.per_class)).toEqual(expect.arrayContaining(['precision', 'recall', 'f1']));
    expect(j.test.auc).toBeGreaterThan(0.8);
    expect(Object.keys(j.cv)).toEqual(expect.arrayContaining(['auc_mean', 'auc_std']));

    // Scoring and explaining work row by row (exact TreeSHAP each): the first 1,000 and 300
    // customers check the same things as all 7,043, in a fraction of the time.
    const scores = join(dir, 'scores.csv');
    const s = await run(
      'churn',
      'score',
      '--model',
      model,
      '--input',
      ibmHead(1000),
      '--out',
      scores,
      '--explain',
      '2',
      '--json',
    );
    expect(s.code).toBe(0);
    const summary = JSON.parse(s.stdout);
    expect(Object.values(summary.tiers as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(1000);
    const lines = readFileSync(scores, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(
      'customerID,churn_probability,retention_probability,risk_tier,reason_1_feature,reason_1_value,reason_1_contribution,reason_2_feature,reason_2_value,reason_2_contribution',
    );
    expect(lines).toHaveLength(1001);
    for (const line of lines.slice(1, 200)) {
      const [, p, retention, tier, , , c1] = line.split(',');
      const keep = Number(retention);
      expect(Number(p) + keep).toBeCloseTo(1, 12);
      expect(tier).toBe(keep >= 0.85 ? 'Low' : keep >= 0.7 ? 'Moderate' : keep >= 0.5 ? 'High' : 'Critical');
      if (c1 !== '') expect(Number(c1)).toBeGreaterThan(0);
    }

    const shap = join(dir, 'shap.csv');
    const e = await run('explain', '--model', model, '--input', ibmHead(300), '--out', shap);
    expect(e.code).toBe(0);
    const rows = readFileSync(shap, 'utf8').trim().split('\n');
    const header = rows[0]!.split(',');
    expect(header.slice(-2)).toEqual(['expected_value', 'log_odds']);
    const first = rows[1]!.split(',').slice(1).map(Number);
    const sum = first.slice(0, -1).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(first.at(-1)!, 9);
  }, 120_000);

  it('says clearly what is wrong: target name, one class, several values, a scoring file missing a column, a wrong flag', async () => {
    const wrong = await run('churn', 'train', '--input', ibm, '--target', 'churn');
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/--target "churn" is not a column/);
    const three = await run('churn', 'train', '--input', ibm, '--target', 'Contract');
    expect(three.code).toBe(3);
    expect(three.stderr).toMatch(/has 3 values .* --positive/);
    const oneClass = join(dir, 'one.csv');
    writeFileSync(oneClass, 'a,b,churn\n1,2,0\n2,3,0\n3,4,0\n');
    const one = await run('churn', 'train', '--input', oneClass, '--target', 'churn');
    expect(one.code).toBe(3);
    expect(one.stderr).toMatch(/one value only/);
    expect((await run('churn', 'train', '--input', ibm, '--target', 'Churn', '--model', 'forest')).code).toBe(
      2,
    );

    const { result: trainedModel, model } = await trainOnce();
    expect(trainedModel.code, trainedModel.stderr).toBe(0);
    const lines = readFileSync(ibm, 'utf8').split('\n');
    const cut = (line: string): string =>
      line
        .split(',')
        .filter((_, k) => k !== 5)
        .join(',');
    const noTenure = join(dir, 'no-tenure.csv');
    writeFileSync(noTenure, lines.slice(0, 50).map(cut).join('\n'));
    const missing = await run(
      'churn',
      'score',
      '--model',
      model,
      '--input',
      noTenure,
      '--out',
      join(dir, 'x.csv'),
    );
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/lacks column the model was trained on: tenure/);
    const bad = await run('churn', 'score', '--model', ibm, '--input', ibm, '--out', join(dir, 'y.csv'));
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/not a churn model/);
  }, 120_000);
});
