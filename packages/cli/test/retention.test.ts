import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  sbgDiscountedResidualLifetime,
  sbgRetentionRate,
  sbgSurvival,
} from '../../ml/src/clv/shiftedBetaGeometric.ts';
import { fitShiftedBetaGeometricCensored } from '../../ml/src/clv/shiftedBetaGeometricCensored.ts';
import { cliRunner, tempDir } from './runCli.ts';

const ibm = join(import.meta.dirname, '..', '..', 'analytics', 'test', 'fixtures', 'ibm_telco_churn.csv');
const dir = tempDir('clientele-retention-');
const run = cliRunner(dir);

// The IBM file read by hand: tenure in months (0..72), Churn Yes / No; 11 rows have tenure 0,
// all active (no charges yet: still in their first month).
const lines = readFileSync(ibm, 'utf8').trim().split(/\r?\n/);
const header = lines[0]!.split(',');
const cells = lines.slice(1).map((l) => l.split(','));
const tenure = cells.map((c) => Number(c[header.indexOf('tenure')]));
const churned = cells.map((c) => (c[header.indexOf('Churn')] === 'Yes' ? 1 : 0));

function csv(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('clientele retention', () => {
  it('IBM Telco: the ml censored sBG fit on the same numbers, every JSON field', async () => {
    const r = await run('retention', '--input', ibm, '--tenure', 'tenure', '--target', 'Churn', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const m = fitShiftedBetaGeometricCensored({ tenure, churned });
    expect(j.alpha).toBe(m.alpha);
    expect(j.beta).toBe(m.beta);
    expect(j.log_likelihood).toBe(m.logLikelihood);
    expect(j.standard_errors).toEqual(m.standardErrors);
    expect(j.alpha.toFixed(4)).toBe('0.1367');
    expect(j.beta.toFixed(3)).toBe('4.033');
    expect(j.converged).toBe(true);
    expect(Object.keys(j).sort()).toEqual(
      [
        'tenure',
        'target',
        'positive',
        'n',
        'churned',
        'active',
        'active_tenure_zero',
        'left_out',
        'max_tenure',
        'model',
        'alpha',
        'beta',
        'standard_errors',
        'log_likelihood',
        'converged',
        'message',
        'mean_churn_probability',
        'polarization',
        'retention_by_period',
        'projection',
        'discount_rate',
        'residual_lifetime',
        'base_discounted_expected_periods',
        'mean_remaining_periods_new_customer',
      ].sort(),
    );
    // The file's counts; Yes / No is read as a boolean column, so churn is "true".
    expect(j.positive).toBe('true');
    expect([j.n, j.churned, j.active, j.active_tenure_zero, j.max_tenure]).toEqual([
      7043, 1869, 5174, 11, 72,
    ]);
    expect(j.left_out).toEqual({ no_tenure: 0, no_target: 0 });
    expect(j.mean_churn_probability).toBeCloseTo(m.alpha / (m.alpha + m.beta), 15);
    // Observed vs fitted by tenure: at risk are the 7,032 with tenure >= 1, 380 left at month 1.
    expect(j.retention_by_period).toHaveLength(72);
    const p1 = j.retention_by_period[0];
    expect([p1.period, p1.at_risk, p1.churned]).toEqual([1, 7032, 380]);
    expect(p1.observed_retention).toBeCloseTo(1 - 380 / 7032, 15);
    expect(p1.fitted_retention).toBe(sbgRetentionRate(m, 1));
    const at = (t: number) => tenure.filter((x) => x >= t).length;
    for (const p of j.retention_by_period) expect(p.at_risk).toBe(at(p.period));
    expect(j.retention_by_period[71].fitted_survival).toBeCloseTo(sbgSurvival(m, 72), 15);
    // Retention rises with tenure in the fit.
    expect(j.retention_by_period[23].fitted_retention).toBeGreaterThan(p1.fitted_retention);
    // Projection: 12 periods; the current base decays more slowly than new customers.
    expect(j.projection).toHaveLength(12);
    expect(j.projection[11].survival).toBeCloseTo(sbgSurvival(m, 12), 15);
    let base = 0;
    tenure.forEach((t, i) => {
      if (!churned[i]) base += sbgSurvival(m, t + 1) / sbgSurvival(m, t);
    });
    expect(j.projection[0].expected_active).toBeCloseTo(base, 8);
    expect(j.projection[0].base_retention_rate).toBeGreaterThan(j.projection[0].retention_rate);
    // Expected remaining lifetime, 1% a period by default.
    expect(j.discount_rate).toBe(0.01);
    expect(j.residual_lifetime).toHaveLength(73);
    expect(j.residual_lifetime[12].discounted_expected_periods).toBeCloseTo(
      sbgDiscountedResidualLifetime(m, 0.01, 12),
      12,
    );
    expect(j.residual_lifetime[0].active).toBe(11);
    expect(j.mean_remaining_periods_new_customer).toBeNull(); // alpha < 1: infinite mean
  });

  it('--positive Yes on a yes/no column, --periods and --discount-rate', async () => {
    const r = await run(
      'retention',
      '--input',
      ibm,
      '--tenure',
      'tenure',
      '--target',
      'Churn',
      '--positive',
      'Yes',
      '--periods',
      '24',
      '--discount-rate',
      '0.05',
      '--json',
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.churned).toBe(1869);
    expect(j.projection).toHaveLength(24);
    expect(j.discount_rate).toBe(0.05);
    expect(j.residual_lifetime[0].discounted_expected_periods).toBeCloseTo(
      sbgDiscountedResidualLifetime(j, 0.05, 0),
      12,
    );
  });

  it('text: the parameters in words and the fit by tenure', async () => {
    const r = await run('retention', '--input', ibm, '--tenure', 'tenure', '--target', 'Churn');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Retention of 7,043 customers/);
    expect(r.stdout).toMatch(/11 active customer\(s\) have tenure 0: still in their first period/);
    expect(r.stdout).toMatch(/alpha\/\(alpha\+beta\) = 3\.3% on average/);
    expect(r.stdout).toMatch(/retention rises with tenure, 96\.7% at the first renewal/);
    expect(r.stdout).toMatch(/^\s+1\s+7,032\s+380\s+94\.6%\s+96\.7%/m);
    expect(r.stdout).toMatch(/Next 12 periods/);
  });

  it('errors: unknown column, one-class target, text or fractional tenure, churned at tenure 0', async () => {
    const one = csv('one.csv', 'id,tenure,churn\n1,3,no\n2,5,no\n3,1,no\n');
    const zero = csv('zero.csv', 'id,tenure,churn\n1,0,yes\n2,5,no\n3,1,yes\n4,2,no\n');
    const ibmRun = (...args: string[]) => run('retention', '--input', ibm, '--target', 'Churn', ...args);
    const [unknown, text, frac, oneClass, z, pos, rate] = await Promise.all([
      ibmRun('--tenure', 'months'),
      ibmRun('--tenure', 'gender'),
      ibmRun('--tenure', 'MonthlyCharges'),
      run('retention', '--input', one, '--tenure', 'tenure', '--target', 'churn'),
      run('retention', '--input', zero, '--tenure', 'tenure', '--target', 'churn'),
      ibmRun('--tenure', 'tenure', '--positive', 'maybe'),
      ibmRun('--tenure', 'tenure', '--discount-rate', '0'),
    ]);
    for (const r of [unknown, text, frac, oneClass, z, pos]) expect(r.code).toBe(3);
    expect(unknown.stderr).toMatch(/--tenure months: the file has no column "months"/);
    expect(text.stderr).toMatch(/--tenure gender is VARCHAR, not a number/);
    expect(frac.stderr).toMatch(/not whole numbers >= 0, e\.g\. \d/);
    expect(oneClass.stderr).toMatch(/target "churn" has one value only/);
    expect(z.stderr).toMatch(/1 customer\(s\) churned with tenure = 0.*has tenure 1/);
    expect(pos.stderr).toMatch(/--positive "maybe" is not a value of "Churn"/);
    expect(rate.code).toBe(2);
    expect(rate.stderr).toMatch(/--discount-rate must be a number > 0/);
  });
});
