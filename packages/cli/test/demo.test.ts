import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRunner, tempDir } from './runCli.ts';

const dir = tempDir('clientele-demo-cli-');
const run = cliRunner(dir);

describe('clientele demo', () => {
  it('writes both datasets, analyses each, and prints what was found, the truth and the reports', async () => {
    const r = await run('demo', '--rows', '1500', '--customers', '300', '--seed', '42', '--out', 'first');
    expect(r.code, r.stderr).toBe(0);
    const out = join(dir, 'first');
    for (const f of ['telco.csv', 'telco-truth.csv', 'transactions.csv', 'transactions-truth.csv'])
      expect(existsSync(join(out, 'data', f)), f).toBe(true);

    // The paths printed are the two reports, relative to where the command ran.
    const reports = [...r.stdout.matchAll(/^ {2}report {4}(\S+)$/gm)].map((m) => m[1]!);
    expect(reports).toEqual([
      join('first', 'telco', 'report.html'),
      join('first', 'transactions', 'report.html'),
    ]);
    for (const p of reports) {
      const html = readFileSync(resolve(dir, p), 'utf8');
      expect(html).toContain('<html');
    }
    for (const run of ['telco', 'transactions'])
      expect(existsSync(join(out, run, 'manifest.json')), run).toBe(true);

    // What was found: segments with sizes, churn AUC and tiers, the Insiders and their revenue.
    expect(r.stdout).toMatch(/Telco snapshot: 1,500 rows x 42 columns/);
    expect(r.stdout).toMatch(/segments {2}\d+ found \(\w+/);
    expect(r.stdout).toMatch(/churn {5}AUC 0\.\d{3} .*risk tiers Low [\d,]+/);
    expect(r.stdout).toMatch(/insiders {2}\d+ customers \([\d.]+%\) bring [\d.]+% of the revenue/);

    // The planted truth: the ARI of the telco segments, the share of Insiders that are high-value.
    const ari = Number(/adjusted Rand index (-?[0-9.]+)/.exec(r.stdout)?.[1]);
    // k = 4 as the seed chose: the planted segments come back.
    expect(ari).toBeGreaterThan(0.85);
    expect(ari).toBeLessThanOrEqual(1);
    const m = /(\d+) of the (\d+) Insiders \(([\d.]+)%\) are planted high-value customers/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(Number(m![1])).toBeLessThanOrEqual(Number(m![2]));
    expect(Number(m![3])).toBeGreaterThan(50);

    // Progress goes to stderr, never stdout.
    expect(r.stderr).toContain('analysing');
    expect(r.stdout).not.toContain('analysing');
  }, 240_000);

  it('--dir is the former name of --out; both at once must agree', async () => {
    const r = await run('demo', '--out', 'a', '--dir', 'b');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--dir');
  });
});
