import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bayesAb, chiSquareIndependence, twoProportionZTest, welchTTest } from '@clientele/ml';
import { describe, expect, it } from 'vitest';
import { cliRunner, tempDir } from './runCli.ts';

const dir = tempDir('clientele-test-cli-');
const run = cliRunner(dir);

// 12 customers in two groups (b listed first, so a default order would be by name, not by row),
// one row without a group and one without revenue.
const ROWS = [
  ['b', 12.5, 'yes', 'pro'],
  ['a', 10.0, 'no', 'basic'],
  ['b', 14.0, 'yes', 'basic'],
  ['a', 9.5, 'yes', 'basic'],
  ['b', 13.0, 'no', 'pro'],
  ['a', 11.0, 'no', 'pro'],
  ['b', 15.5, 'yes', 'pro'],
  ['a', 8.0, 'no', 'basic'],
  ['b', 12.0, 'TRUE', 'pro'],
  ['a', 10.5, 'false', 'basic'],
  ['b', '', 'yes', 'pro'],
  ['', 99, 'yes', 'pro'],
] as const;
const input = join(dir, 'groups.csv');
writeFileSync(
  input,
  `id,group,revenue,converted,plan\n${ROWS.map((r, i) => [i + 1, ...r].join(',')).join('\n')}\n`,
);

const revenue = (g: string): number[] =>
  ROWS.filter((r) => r[0] === g && r[1] !== '').map((r) => Number(r[1]));

describe('clientele test', () => {
  it('welch: B minus A, the ml test on the same numbers, rows left out counted, a verdict', async () => {
    const r = await run(
      'test',
      '--input',
      input,
      '--group',
      'group',
      '--metric',
      'revenue',
      '--kind',
      'welch',
      '--json',
    );
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    const ref = welchTTest(revenue('a'), revenue('b'));
    expect(j.kind).toBe('welch');
    expect(j.groups).toEqual(['a', 'b']);
    expect(j.n).toEqual({ a: 5, b: 5 });
    expect(j.statistic).toBe(ref.statistic);
    expect(j.p_value).toBe(ref.pValue);
    expect(j.confidence_interval.low).toBe(ref.confidenceInterval[0]);
    expect(j.effect_size.name).toBe("Cohen's d");
    expect(j.left_out).toEqual({ no_group: 1, no_metric: 1, other_groups: 0 });
    expect(j.significant).toBe(ref.pValue < 0.05);
    expect(j.verdict).toMatch(/^Mean revenue: b 13\.4 vs a 9\.8/);
  });

  it('--groups b,a swaps the reference and flips the sign', async () => {
    const r = await run(
      'test',
      '--input',
      input,
      '--group',
      'group',
      '--metric',
      'revenue',
      '--kind',
      'welch',
      '--groups',
      'b,a',
      '--json',
    );
    const j = JSON.parse(r.stdout);
    expect(j.groups).toEqual(['b', 'a']);
    expect(j.statistic).toBe(welchTTest(revenue('b'), revenue('a')).statistic);
    expect(j.statistic).toBeLessThan(0);
  });

  it('ztest and bayes-ab count yes/true/1 as a success', async () => {
    const z = JSON.parse(
      (
        await run(
          'test',
          '--input',
          input,
          '--group',
          'group',
          '--metric',
          'converted',
          '--kind',
          'ztest',
          '--json',
        )
      ).stdout,
    );
    // a: 1 yes of 5; b: 5 of 6 (yes, yes, no, yes, TRUE, yes).
    const ref = twoProportionZTest(1, 5, 5, 6);
    expect(z.n).toEqual({ a: 5, b: 6 });
    expect(z.statistic).toBe(ref.statistic);
    expect(z.p_value).toBe(ref.pValue);
    const b = JSON.parse(
      (
        await run(
          'test',
          '--input',
          input,
          '--group',
          'group',
          '--metric',
          'converted',
          '--kind',
          'bayes-ab',
          '--json',
        )
      ).stdout,
    );
    expect(b.probability_b_beats_a).toBe(
      bayesAb({ successesA: 1, trialsA: 5, successesB: 5, trialsB: 6 }).probabilityBBeatsA,
    );
    expect(b.p_value).toBeNull();
    expect(b.verdict).toMatch(/^The probability that b's converted rate \(83\.3%\) beats a's \(20\.0%\)/);
  });

  it('chisq builds the group x outcome table', async () => {
    const j = JSON.parse(
      (
        await run(
          'test',
          '--input',
          input,
          '--group',
          'group',
          '--metric',
          'plan',
          '--kind',
          'chisq',
          '--json',
        )
      ).stdout,
    );
    // Rows a, b; columns basic, pro.
    expect(j.details.observed).toEqual([
      [4, 1],
      [1, 5],
    ]);
    expect(j.statistic).toBe(
      chiSquareIndependence([
        [4, 1],
        [1, 5],
      ]).statistic,
    );
  });

  it('bootstrap is seeded: the same seed gives the same interval', async () => {
    const args = [
      'test',
      '--input',
      input,
      '--group',
      'group',
      '--metric',
      'revenue',
      '--kind',
      'bootstrap',
      '--json',
    ];
    const one = JSON.parse((await run(...args, '--seed', '3')).stdout);
    const two = JSON.parse((await run(...args, '--seed', '3')).stdout);
    const other = JSON.parse((await run(...args, '--seed', '4')).stdout);
    expect(one.confidence_interval).toEqual(two.confidence_interval);
    expect(other.confidence_interval).not.toEqual(one.confidence_interval);
    expect(one.statistic).toBeCloseTo(13.4 - 9.8, 10);
  });

  it('says what is wrong: a text metric for welch, a number for ztest, three groups, an unknown column', async () => {
    const text = await run(
      'test',
      '--input',
      input,
      '--group',
      'group',
      '--metric',
      'plan',
      '--kind',
      'welch',
    );
    expect(text.code).toBe(3);
    expect(text.stderr).toMatch(/--metric plan is VARCHAR, not a number/);
    const num = await run(
      'test',
      '--input',
      input,
      '--group',
      'group',
      '--metric',
      'revenue',
      '--kind',
      'ztest',
    );
    expect(num.code).toBe(3);
    expect(num.stderr).toMatch(/must be a yes\/no outcome/);
    const three = await run(
      'test',
      '--input',
      input,
      '--group',
      'plan',
      '--metric',
      'revenue',
      '--kind',
      'welch',
      '--groups',
      'a,b,c',
    );
    expect(three.code).toBe(3);
    expect(three.stderr).toMatch(/--groups takes two values/);
    const missing = await run(
      'test',
      '--input',
      input,
      '--group',
      'segment',
      '--metric',
      'revenue',
      '--kind',
      'welch',
    );
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/the file has no column "segment"/);
  });

  it('sample-size answers how many customers a campaign test needs', async () => {
    const r = await run('sample-size', '--p1', '0.10', '--p2', '0.12', '--json');
    const j = JSON.parse(r.stdout);
    expect(j.n_a).toBe(Math.ceil(j.n_a_exact));
    expect(j.achieved_power).toBeGreaterThanOrEqual(0.8);
    const text = await run('sample-size', '--p1', '0.10', '--p2', '0.12');
    expect(text.stdout).toMatch(/customers in group A/);
  });
});
