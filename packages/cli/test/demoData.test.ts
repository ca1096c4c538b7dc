import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRunner, tempDir } from './runCli.ts';

const dir = tempDir('clientele-demo-data-cli-');
const run = cliRunner(dir);

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').trimEnd().split('\n');
}

describe('clientele demo-data', () => {
  it('telco --json writes the snapshot and the truth file and says what it wrote', async () => {
    const out = join(dir, 'sub', 'telco.csv');
    const truth = join(dir, 'sub', 'telco-truth.csv');
    const r = await run(
      'demo-data',
      'telco',
      '--rows',
      '1500',
      '--seed',
      '4',
      '--out',
      out,
      '--truth-out',
      truth,
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ dataset: 'telco', path: out, rows: 1500, seed: 4, truth_path: truth });
    expect(j.columns).toHaveLength(42);
    expect(j.columns[0]).toBe('IMEI');
    expect(j.columns.at(-1)).toBe('CHURN');
    expect(typeof j.seconds).toBe('number');
    expect(typeof j.duplicates).toBe('number');
    const data = lines(out);
    expect(data).toHaveLength(1501);
    expect(data[0]).toBe(j.columns.join(','));
    const t = lines(truth);
    expect(t[0]).toBe('IMEI,churn_probability,segment');
    expect(t).toHaveLength(1501 - j.duplicates);
  });

  it('transactions writes an Online-Retail shaped log; without --json one line for a person', async () => {
    const out = join(dir, 'tx.csv');
    const truth = join(dir, 'tx-truth.csv');
    const r = await run(
      'demo-data',
      'transactions',
      '--customers',
      '40',
      '--seed',
      '2',
      '--out',
      out,
      '--truth-out',
      truth,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toMatch(/^wrote [\d,]+ transaction rows of 40 customers to /);
    const data = lines(out);
    expect(data[0]).toBe('InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country');
    expect(data.length).toBeGreaterThan(40 * 20);
    const t = lines(truth);
    expect(t[0]).toBe('CustomerID,segment');
    expect(t).toHaveLength(41);

    const again = join(dir, 'tx-again.csv');
    const j = await run(
      'demo-data',
      'transactions',
      '--customers',
      '40',
      '--seed',
      '2',
      '--out',
      again,
      '--json',
    );
    expect(j.code, j.stderr).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject({
      dataset: 'transactions',
      rows: data.length - 1,
      customers: 40,
    });
    expect(readFileSync(again).equals(readFileSync(out))).toBe(true);
  });

  it('rejects a wrong flag with exit code 2 and writes nothing', async () => {
    const out = join(dir, 'never.csv');
    const cases = [
      ['telco', '--rows', '0', '--out', out],
      ['transactions', '--colour', 'red', '--out', out],
      ['telco', '--rows', '10', '--out', dir], // a folder, not a file
    ];
    const results = await Promise.all(cases.map((args) => run('demo-data', ...args)));
    results.forEach((r, i) => {
      expect(r.code, cases[i]!.join(' ')).toBe(2);
      expect(r.stderr).not.toBe('');
    });
    expect(results[0]!.stderr).toContain('--rows');
    expect(existsSync(out)).toBe(false);
  });
});
