import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { adjustedRandIndex, rocAuc } from '@clientele/ml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTelcoSnapshotCsv } from '../src/demo/telcoSnapshot.ts';
import { writeTransactionLogCsv } from '../src/demo/transactionLog.ts';
import { InputError } from '../src/errors.ts';
import { type AnalyzeResult, analyze } from '../src/pipeline/analyzeRun.ts';
import { defaultRunConfig } from '../src/pipeline/runConfig.ts';
import { renderRunReport, runReportSectionIds } from '../src/report/renderRunReport.ts';
import { isPng, launchChromium, watchedPage } from './browser.ts';

const dir = mkdtempSync(join(tmpdir(), 'clientele-analyze-'));

function csv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const names = header!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i]!, v])));
}

/** A log line's date, by its form: descriptions may hold commas, so not by its position. */
const day = (line: string): string => /\d{4}-\d{2}-\d{2}/.exec(line)![0];

/** Customer ids as the truth files write them (17850.0) and as the run does (17850). */
const idKey = (id: string): string => String(Number(id));

describe('analyze a transaction log', () => {
  const log = join(dir, 'log.csv');
  const truthPath = join(dir, 'log_truth.csv');
  let run: AnalyzeResult;
  const steps: string[] = [];

  beforeAll(async () => {
    await writeTransactionLogCsv(log, { customers: 700, seed: 3, truthOut: truthPath });
    run = await analyze({
      input: log,
      out: join(dir, 'tx'),
      renderReport: renderRunReport,
      onProgress: (e) => steps.push(`${e.step}:${e.fraction.toFixed(2)}`),
    });
  }, 240_000);

  it('finds the planted high-value customers as the Insiders', () => {
    const truth = new Map(csv(truthPath).map((r) => [idKey(r['CustomerID']!), r['segment']!]));
    const insiders = csv(join(run.out, 'insiders.csv')).map((r) => r['customer_id']!);
    const planted = [...truth.values()].filter((s) => s === 'high-value').length;
    const hits = insiders.filter((id) => truth.get(idKey(id)) === 'high-value').length;
    expect(hits / insiders.length).toBeGreaterThan(0.9);
    expect(hits / planted).toBeGreaterThan(0.9);
    const v = run.report.value!;
    expect(v.insiders.count).toBe(insiders.length);
    expect(v.insiders.revenueShare).toBeGreaterThan(0.1);
    expect(v.evidence.map((e) => e.id)).toEqual([
      'items-share',
      'revenue-share',
      'returns-below-average',
      'revenue-above-rest',
      'purchases-above-rest',
    ]);
    expect(v.evidence.find((e) => e.id === 'revenue-above-rest')!.holds).toBe(true);
    expect(v.insiders.forecast.length).toBe(3);
    expect(v.insiders.conditions.length).toBeGreaterThan(0);
    expect(v.actions.length).toBeGreaterThanOrEqual(2);
  });

  it('writes every artifact, exports as CSV and Parquet, and a manifest', () => {
    for (const f of [
      'run.json',
      'manifest.json',
      'profile.json',
      'segments.json',
      'segmentation.json',
      'selection.csv',
      'assignments.csv',
      'assignments.parquet',
      'insiders.csv',
      'insiders.parquet',
      'value.csv',
      'value.parquet',
      'report.html',
    ]) {
      expect(existsSync(join(run.out, f)), f).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(join(run.out, 'manifest.json'), 'utf8'));
    expect(manifest.input.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.seed).toBe(0);
    expect(Object.keys(manifest.timings)).toContain('segments');
    expect(manifest.versions['@duckdb/node-api']).not.toBe('unknown');
    expect(existsSync(`${run.out}.tmp-${process.pid}`)).toBe(false);
    expect(steps.at(-1)).toBe('write:1.00');
    const assignments = csv(join(run.out, 'assignments.csv'));
    expect(assignments.length).toBe(run.report.value!.customers);
    const value = csv(join(run.out, 'value.csv'));
    expect(value.length).toBe(assignments.length);
    expect(value.filter((r) => r['insider'] === '1').length).toBe(run.report.value!.insiders.count);
    expect(value.every((r) => /^[1-5][1-5][1-5]$/.test(r['rfm_segment']!))).toBe(true);
  });

  it('gives the same artifacts for the same input and seed', async () => {
    const again = await analyze({ input: log, out: join(dir, 'tx2'), renderReport: renderRunReport });
    for (const f of [
      'assignments.csv',
      'insiders.csv',
      'segments.json',
      'selection.csv',
      'segmentation.json',
    ]) {
      expect(readFileSync(join(again.out, f), 'utf8'), f).toBe(readFileSync(join(run.out, f), 'utf8'));
    }
    const strip = (p: string): unknown => {
      const r = JSON.parse(readFileSync(p, 'utf8'));
      r.createdAt = null;
      r.timings = null;
      r.input.path = null;
      return r;
    };
    expect(strip(join(again.out, 'run.json'))).toEqual(strip(join(run.out, 'run.json')));
  }, 240_000);

  it('a second run on a later cut keeps the segment names and reports who entered and left', async () => {
    // The first run sees the log up to 2011-09-01; the second the whole log.
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    const early = join(dir, 'early.csv');
    writeFileSync(
      early,
      `${[lines[0], ...lines.slice(1).filter((l) => day(l) < '2011-09-01')].join('\n')}\n`,
    );
    const first = await analyze({ input: early, out: join(dir, 'early_run') });
    const second = await analyze({ input: log, out: join(dir, 'late_run'), previous: first.out });
    const changes = second.report.value!.changes!;
    expect(changes.entered + changes.left).toBeGreaterThan(0);
    expect(changes.stayed).toBeGreaterThan(0);
    expect(second.report.segmentation.matchedToPrevious).not.toBeNull();
    for (const m of second.report.segmentation.matchedToPrevious!) {
      if (m.previous < 0) continue;
      const before = first.report.segmentation.segments.find((s) => s.id === m.previous)!;
      const now = second.report.segmentation.segments.find((s) => s.id === m.previous)!;
      expect(now.name).toBe(before.name);
    }
  }, 240_000);

  it('a log too short for a forecast still gets its Insiders, with the reason instead of a forecast', async () => {
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    const short = join(dir, 'short.csv');
    writeFileSync(
      short,
      `${[lines[0], ...lines.slice(1).filter((l) => day(l) < '2011-01-15')].join('\n')}\n`,
    );
    const r = await analyze({ input: short, out: join(dir, 'short_run') });
    const ins = r.report.value!.insiders;
    expect(ins.count).toBeGreaterThan(0);
    expect(ins.forecast).toEqual([]);
    expect(ins.forecastModel).toMatch(/needs 3/);
  }, 240_000);

  it('opens in headless chromium with every section and no console error', async () => {
    const browser = await launchChromium();
    try {
      const { page, problems } = await watchedPage(browser);
      await page.goto(pathToFileURL(join(run.out, 'report.html')).href, { waitUntil: 'load' });
      for (const id of runReportSectionIds(run.report)) {
        expect(await page.locator(`section#${id}`).isVisible(), id).toBe(true);
      }
      const png = join(dir, 'analyze-transactions.png');
      await page.screenshot({ path: png, fullPage: true });
      expect(isPng(readFileSync(png))).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});

describe('analyze a telco snapshot', () => {
  const path = join(dir, 'telco.csv');
  const truthPath = join(dir, 'telco_truth.csv');
  let run: AnalyzeResult;

  beforeAll(async () => {
    await writeTelcoSnapshotCsv(path, { rows: 10_000, seed: 5, truthOut: truthPath });
    const config = defaultRunConfig();
    // The planted structure has four segments; the automatic choices (silhouette, elbow) take
    // three on this data (see the README), so the check of recovery fixes k as the seed project
    // did after reading its elbow chart.
    config.segmentation.algorithm = 'kmeans';
    config.segmentation.k = 4;
    run = await analyze({
      input: path,
      out: join(dir, 'telco_run'),
      config,
      lang: 'es',
      renderReport: renderRunReport,
    });
  }, 240_000);

  it('recovers the planted segments and predicts churn nearly as well as the true probabilities', () => {
    const truth = new Map(csv(truthPath).map((r) => [r['IMEI']!, r]));
    const assignments = csv(join(run.out, 'assignments.csv'));
    const names = [...new Set([...truth.values()].map((r) => r['segment']!))];
    const planted = Int32Array.from(assignments, (r) =>
      names.indexOf(truth.get(r['customer_id']!)!['segment']!),
    );
    const found = Int32Array.from(assignments, (r) => Number(r['segment']));
    expect(adjustedRandIndex(found, planted)).toBeGreaterThanOrEqual(0.9);
    const seg = run.report.segmentation;
    expect(seg.chosenBy).toBe('config');
    expect(seg.elbowCurve.map((c) => c.k)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // The cleaning steps keep the file's row order in a column of their own: never a feature.
    expect(seg.features).not.toContain('__row');
    expect(seg.features.length).toBe(27);

    const c = run.report.churn!;
    const scores = csv(join(run.out, 'scores.csv'));
    expect(scores.length).toBe(assignments.length);
    // The best possible AUC: the generator's own probabilities against the labels in the file.
    const labels = new Map(
      readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => {
          const cells = l.split(',');
          return [cells[0]!, Number(cells.at(-1))];
        }),
    );
    const ids = scores.map((r) => r['customer_id']!);
    const best = rocAuc(
      Float64Array.from(ids, (id) => labels.get(id)!),
      Float64Array.from(ids, (id) => Number(truth.get(id)!['churn_probability'])),
    );
    // 10,000 rows leave about 2,000 test rows: AUC noise near 0.01; the full-size figure is in the bench.
    expect(c.auc).toBeGreaterThan(best - 0.03);
    expect(Object.values(c.tiers).reduce((a, b) => a + b, 0)).toBe(assignments.length);
    expect(c.byGroup.map((g) => g.column)).toEqual(expect.arrayContaining(['REGION']));
    const top = scores.filter((r) => r['reason_1_feature'] !== '');
    expect(top.length).toBeGreaterThan(0);
  });

  it('writes the report in Spanish', () => {
    const html = readFileSync(join(run.out, 'report.html'), 'utf8');
    expect(html).toMatch(/lang="es"/);
    expect(run.report.segmentation.segments[0]!.name).toMatch(/Más|menos|Clientes/);
  });
});

describe('a run that fails', () => {
  it('stops when cancelled, at the next step', async () => {
    const path = join(dir, 'cancel.csv');
    writeFileSync(path, 'id,a,b\n1,1,2\n2,3,4\n3,5,6\n');
    const ac = new AbortController();
    ac.abort();
    const out = join(dir, 'cancelled');
    const err = await analyze({ input: path, out, signal: ac.signal }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/analyze failed at step "load": the run was cancelled/);
    expect(existsSync(out)).toBe(false);
  });

  it('names the step, leaves no run folder, and keeps the cause in <out>.failed', async () => {
    const path = join(dir, 'small.csv');
    writeFileSync(path, 'id,a,b\n1,1,2\n2,3,4\n3,5,6\n');
    const out = join(dir, 'bad_run');
    const err = await analyze({ input: path, out, kind: 'snapshot', target: 'nope' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/analyze failed at step "profile": --target nope/);
    expect(existsSync(out)).toBe(false);
    expect(JSON.parse(readFileSync(join(`${out}.failed`, 'FAILED.json'), 'utf8')).step).toBe('profile');
  });
});

afterAll(() => {
  // The folder stays for inspection when CLIENTELE_KEEP_REPORTS is set.
});
