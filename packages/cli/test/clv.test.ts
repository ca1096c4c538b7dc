import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRunner, tempDir } from './runCli.ts';

const dir = tempDir('clientele-clv-cli-');
const run = cliRunner(dir);
const CDNOW = new URL('../../analytics/test/fixtures/cdnow/cdnow_transactions.csv', import.meta.url).pathname;

function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

function relErr(x: number, ref: number): number {
  return Math.abs(x - ref) / Math.abs(ref);
}

describe('clientele clv on CDNOW (Fader, Hardie & Lee 2005)', () => {
  it("finds the paper's BG/NBD and Gamma-Gamma parameters from the raw transactions", async () => {
    const out = join(dir, 'cdnow_clv.csv');
    const r = await run(
      'clv',
      '--input',
      CDNOW,
      '--map',
      'customer=id',
      '--calibration-end',
      '1997-09-30',
      '--time-unit',
      'week',
      '--out',
      out,
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    // The paper: r 0.243, alpha 4.414, a 0.793, b 2.426, log-likelihood -9582.4.
    expect(relErr(j.bgnbd.r, 0.243)).toBeLessThan(0.005);
    expect(relErr(j.bgnbd.alpha, 4.414)).toBeLessThan(0.005);
    expect(relErr(j.bgnbd.a, 0.793)).toBeLessThan(0.005);
    expect(relErr(j.bgnbd.b, 2.426)).toBeLessThan(0.005);
    expect(Math.abs(j.bgnbd.loglik - -9582.4)).toBeLessThan(0.5);
    expect(j.bgnbd.converged).toBe(true);
    // Fader & Hardie (2013): p 6.25, q 3.74, gamma 15.44 on the 946 repeat buyers.
    expect(j.gamma_gamma.n_repeat_buyers).toBe(946);
    expect(j.gamma_gamma.n_one_time_excluded).toBe(2357 - 946);
    expect(relErr(j.gamma_gamma.p, 6.25)).toBeLessThan(0.01);
    expect(relErr(j.gamma_gamma.q, 3.74)).toBeLessThan(0.01);
    expect(relErr(j.gamma_gamma.v, 15.44)).toBeLessThan(0.01);
    expect(Math.abs(j.gamma_gamma.frequency_spend_correlation - 0.1139)).toBeLessThan(0.002);
    expect(j.n_customers).toBe(2357);
    expect(j.date_form).toBe('YYYYMMDD');
    expect(j.holdout.from).toBe('1997-10-01');
    expect(j.holdout.through).toBe('1998-06-30');
    expect(j.holdout.length).toBeCloseTo(39, 10);
    // The model forecasts the holdout's purchase days in total within 15% (the paper's Figure 3
    // tracks cumulative sales closely; a broken time unit or summary is off by far more).
    expect(relErr(j.holdout.predicted_purchases, j.holdout.actual_purchases)).toBeLessThan(0.15);
    expect(j.holdout.correlation).toBeGreaterThan(0.5);

    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(
      'customer_id,frequency,recency_weeks,T_weeks,monetary_value,probability_alive,expected_purchases,expected_spend,clv,clv_low,clv_high',
    );
    expect(lines.length).toBe(2358);
    for (const line of lines.slice(1)) {
      const [, , , , , alive, purchases, , clv, low, high] = line.split(',').map(Number);
      expect(alive).toBeGreaterThan(0);
      expect(alive).toBeLessThanOrEqual(1);
      expect(purchases).toBeGreaterThan(0);
      expect(low).toBeLessThanOrEqual(clv! + 1e-9);
      expect(high).toBeGreaterThanOrEqual(clv! - 1e-9);
    }
  });

  it('in days: alpha is seven times the weekly one, r, a and b are the same', async () => {
    const r = await run(
      'clv',
      '--input',
      CDNOW,
      '--map',
      'customer=id',
      '--calibration-end',
      '1997-09-30',
      '--time-unit',
      'day',
      '--interval-draws',
      '0',
      '--json',
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.bgnbd.time_unit).toBe('day');
    expect(relErr(j.bgnbd.alpha, 7 * 4.4136)).toBeLessThan(0.001);
    expect(relErr(j.bgnbd.r, 0.2426)).toBeLessThan(0.001);
    expect(j.interval).toBeNull();
  });
});

describe('clientele clv: other logs and mistakes', () => {
  it('recovers the parameters a purchase log was drawn from (demo-data purchases)', async () => {
    const log = join(dir, 'purchases.csv');
    expect(
      (await run('demo-data', 'purchases', '--customers', '20000', '--seed', '5', '--out', log)).code,
    ).toBe(0);
    const r = await run('clv', '--input', log, '--interval-draws', '0', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    // Truth: CDNOW's r 0.243, alpha 4.414, a 0.793, b 2.426; p 6.25, q 3.74, gamma 15.44. Allow
    // three standard errors (a and b are loosely pinned by 20,000 customers) plus day rounding.
    const truth = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 } as const;
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(j.bgnbd[k] - truth[k])).toBeLessThan(3 * j.bgnbd.standard_errors[k] + 0.02 * truth[k]);
    }
    const ggTruth = { p: 6.25, q: 3.74, v: 15.44 } as const;
    for (const k of ['p', 'q', 'v'] as const) {
      expect(Math.abs(j.gamma_gamma[k] - ggTruth[k])).toBeLessThan(3 * j.gamma_gamma.standard_errors[k]);
    }
  });

  it('reads day/month/year text dates and quantity x price, one purchase per customer per day', async () => {
    // demo-data purchases rewritten as a shop would export it: 31/12/1997 dates, each purchase
    // as two lines (2 x half the amount less 1, and 1 x 2.00).
    const log = join(dir, 'iso.csv');
    expect(
      (await run('demo-data', 'purchases', '--customers', '3000', '--seed', '2', '--out', log)).code,
    ).toBe(0);
    const rows = ['Customer,Date,Qty,Unit Price'];
    const days = new Set<string>();
    let last = '';
    for (const line of readFileSync(log, 'utf8').trim().split('\n').slice(1)) {
      const [c, iso, amount] = line.split(',');
      const [y, m, d] = iso!.split('-');
      rows.push(`${c},${d}/${m}/${y},2,${(Number(amount) / 2 - 1).toFixed(3)}`, `${c},${d}/${m}/${y},1,2.00`);
      days.add(`${c} ${iso}`);
      if (iso! > last) last = iso!;
    }
    const input = file('dmy.csv', `${rows.join('\n')}\n`);
    const r = await run('clv', '--input', input, '--interval-draws', '0', '--json');
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    // DuckDB's CSV sniffer reads 31/12/1997 as a DATE itself; as text we would read it as %d/%m/%Y.
    expect(['date', '%d/%m/%Y']).toContain(j.date_form);
    expect(j.last_day).toBe(last);
    expect(j.mapping).toEqual({
      customer: 'Customer',
      date: 'Date',
      amount: null,
      quantity: 'Qty',
      price: 'Unit Price',
    });
    expect(j.purchase_days).toBe(days.size);
    expect(j.n_customers).toBe(3000);
  });

  it('values at zero a repeat buyer whose returns outweigh the repeat purchases, and fits the rest', async () => {
    const log = join(dir, 'returns.csv');
    expect(
      (await run('demo-data', 'purchases', '--customers', '3000', '--seed', '4', '--out', log)).code,
    ).toBe(0);
    // Customer R buys on two days; on the second day a larger return cancels the purchase.
    const extra = ['R,1997-02-01,40.00', 'R,1997-03-01,20.00', 'R,1997-03-01,-90.00'].join('\n');
    writeFileSync(log, `${readFileSync(log, 'utf8')}${extra}\n`);
    const out = join(dir, 'returns_clv.csv');
    const r = await run('clv', '--input', log, '--interval-draws', '0', '--out', out, '--json');
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(j.n_repeat_buyers_nonpositive_spend).toBe(1);
    const row = readFileSync(out, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('R,'))!;
    const cells = row.split(',');
    expect(Number(cells[7])).toBe(0);
    expect(Number(cells[8])).toBe(0);
  });

  it('says in words why a log where everyone bought once cannot be fitted, and exits non-zero', async () => {
    const rows = ['customer_id,date,amount'];
    for (let c = 1; c <= 50; c++) rows.push(`${c},2011-01-${String(1 + (c % 28)).padStart(2, '0')},10`);
    const out = join(dir, 'once.csv');
    const r = await run('clv', '--input', file('once_log.csv', `${rows.join('\n')}\n`), '--out', out);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/could not be fitted.*repeat purchase/);
    expect(existsSync(out)).toBe(false);
  });

  it('rejects a calibration end outside the data and a missing spend column', async () => {
    const bad = await run('clv', '--input', CDNOW, '--map', 'customer=id', '--calibration-end', '1999-01-01');
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/--calibration-end 1999-01-01 must fall between/);
    const noSpend = file('nospend.csv', 'customer_id,date\n1,2011-01-01\n');
    const r = await run('clv', '--input', noSpend);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no spend found.*--map amount=COLUMN/);
  });
});
