import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { failureReason, parseJsonOutput, runChild } from '../lib/child.ts';
import { type Outcome, REPO_DIR, type RunContext, runOursCli, skipped } from '../lib/contestants.ts';
import { BENCH_DIR, ensureDataset, sourceStamp } from '../lib/data.ts';
import { ratio, ratioCell, seconds, timeCell } from '../lib/table.ts';
import { num, type SectionResult, type Task } from '../lib/task.ts';

const PYTHON = '/usr/bin/python3';
const CLV_PEER = join(BENCH_DIR, 'peers/clv_peer.py');
const CDNOW = join(REPO_DIR, 'packages/analytics/test/fixtures/cdnow/cdnow_transactions.csv');
/** `clientele demo-data purchases --customers 362500 --seed 1` writes 1,001,246 rows (360,000: 994,190). */
const DEMO_CUSTOMERS = 362_500;
const DEMO_SEED = 1;
const CALIBRATION_END = '1997-09-30';
const INTERVAL_DRAWS = 100;
const HORIZON_MONTHS = 12;

/** The sources the demo purchase log's bytes come from: a change to one makes the cached file stale. */
const PURCHASE_HISTORY_SOURCES = [
  ...['purchaseHistory.ts', 'atomicCsvFile.ts', 'randomDraws.ts'].map((f) =>
    join(REPO_DIR, 'packages/analytics/src/demo', f),
  ),
  join(REPO_DIR, 'packages/ml/src/random.ts'),
];

interface Dataset {
  name: string;
  path: string;
  rows: number;
  customers: number;
  /** Flags of `clientele clv` naming the columns (none: recognised by name). */
  oursMap: string[];
  /** The columns and date format the peer reads. */
  peer: { customer: string; date: string; amount: string; dateFormat: string };
}

/** The CDNOW 1/10 sample (2,357 customers), as the paper fits it. */
function cdnow(): Dataset {
  return {
    name: 'CDNOW sample',
    path: CDNOW,
    rows: 6_919,
    customers: 2_357,
    oursMap: ['--map', 'customer=id'],
    peer: { customer: 'id', date: 'date', amount: 'spent', dateFormat: '%Y%m%d' },
  };
}

type PurchaseWriter = (
  path: string,
  opts: { customers: number; seed?: number },
) => Promise<{ rows: number; customers: number; lastDay: string }>;

/** `writePurchaseHistoryCsv` of @clientele/analytics (what `clientele demo-data purchases` runs). */
async function loadPurchaseWriter(): Promise<PurchaseWriter> {
  try {
    return (await import('@clientele/analytics')).writePurchaseHistoryCsv;
  } catch {
    return (await import('../../packages/analytics/src/demo/purchaseHistory.ts')).writePurchaseHistoryCsv;
  }
}

/** The demo purchase log (BG/NBD + Gamma-Gamma draws, CDNOW's parameters), seed 1; --quick: a tenth of the customers. */
async function demoPurchases(ctx: RunContext): Promise<Dataset> {
  const customers = ctx.quick ? DEMO_CUSTOMERS / 10 : DEMO_CUSTOMERS;
  const [csv, meta] = await ensureDataset(
    `clv-purchases-${customers}`,
    [`clv-purchases-${customers}c-seed${DEMO_SEED}.csv`, `clv-purchases-${customers}c-seed${DEMO_SEED}.json`],
    async ([c, m]) => {
      const write = await loadPurchaseWriter();
      const r = await write(c!, { customers, seed: DEMO_SEED });
      await writeFile(m!, `${JSON.stringify({ ...r, seed: DEMO_SEED })}\n`);
    },
    ctx.log,
    sourceStamp(PURCHASE_HISTORY_SOURCES),
  );
  const written = JSON.parse(readFileSync(meta!, 'utf8')) as { rows: number; customers: number };
  return {
    name: 'demo purchases',
    path: csv!,
    rows: written.rows,
    customers: written.customers,
    oursMap: [],
    peer: { customer: 'customer_id', date: 'date', amount: 'amount', dateFormat: '%Y-%m-%d' },
  };
}

/** The pandas + numpy + scipy peer (bench/peers/clv_peer.py), in a child process under the time limit. */
async function runClvPeer(ctx: RunContext, d: Dataset): Promise<Outcome> {
  const name = 'pandas+scipy';
  if (!existsSync(PYTHON)) {
    ctx.log(`  ${name}: skipped: ${PYTHON} not found`);
    return skipped(name, `${PYTHON} not found`, ctx.timeoutSeconds);
  }
  const args = [
    CLV_PEER,
    '--input',
    d.path,
    '--customer',
    d.peer.customer,
    '--date',
    d.peer.date,
    '--amount',
    d.peer.amount,
    '--date-format',
    d.peer.dateFormat,
    '--calibration-end',
    CALIBRATION_END,
    '--horizon-months',
    String(HORIZON_MONTHS),
  ];
  const run = await runChild(PYTHON, args, { timeoutSeconds: ctx.timeoutSeconds, cwd: REPO_DIR });
  const base = { contestant: name, limitSeconds: ctx.timeoutSeconds, figures: {} };
  const json = parseJsonOutput(run.stdout);
  let out: Outcome;
  if (run.timedOut) {
    out = {
      ...base,
      status: 'timeout',
      seconds: null,
      wallSeconds: run.wallSeconds,
      reason: `killed after the ${ctx.timeoutSeconds} s limit`,
    };
  } else if (json && typeof json['unavailable'] === 'string') {
    out = { ...base, status: 'not available', seconds: null, wallSeconds: null, reason: json['unavailable'] };
  } else if (run.code !== 0 || !json || typeof json['seconds'] !== 'number') {
    const reason = run.code !== 0 || !json ? failureReason(run) : 'printed no "seconds"';
    out = {
      ...base,
      status: 'failed',
      seconds: null,
      wallSeconds: run.wallSeconds,
      reason,
      figures: json ?? {},
    };
  } else {
    out = {
      ...base,
      status: 'ok',
      seconds: json['seconds'],
      wallSeconds: run.wallSeconds,
      reason: null,
      figures: json,
    };
  }
  ctx.log(
    `  ${name}: ${out.status === 'ok' ? `${out.seconds!.toFixed(3)} s (wall ${out.wallSeconds!.toFixed(1)} s)` : `${out.status}${out.reason ? `: ${out.reason}` : ''}`}`,
  );
  return out;
}

/** A number at a path of a contestant's JSON (e.g. ['bgnbd', 'r']), or null. */
function at(o: Outcome, path: string[]): number | null {
  if (o.status !== 'ok') return null;
  let v: unknown = o.figures;
  for (const k of path)
    v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The parts each side timed, in the order load/read, summary, fit BG/NBD, fit Gamma-Gamma, predict. */
const OURS_PARTS = ['load', 'summary', 'fit_bgnbd', 'fit_gamma_gamma', 'predict'].map((k) => ['timings', k]);
const PEER_PARTS = ['read', 'summary', 'fit_bgnbd', 'fit_gamma_gamma', 'predict'].map((k) => [
  `${k}_seconds`,
]);

function partsCell(o: Outcome, parts: string[][]): string {
  const v = parts.map((p) => at(o, p));
  return v.every((s) => s === null) ? '-' : v.map((s) => (s === null ? '-' : seconds(s))).join(' / ');
}

const PARAMS: [string, string][] = [
  ['bgnbd', 'r'],
  ['bgnbd', 'alpha'],
  ['bgnbd', 'a'],
  ['bgnbd', 'b'],
  ['gamma_gamma', 'p'],
  ['gamma_gamma', 'q'],
  ['gamma_gamma', 'v'],
];

interface Quality {
  maxRelParamDiff: number | null;
  maxRelParam: string | null;
  llDiffBgnbd: number | null;
  llDiffGammaGamma: number | null;
  expectedPurchasesOurs: number | null;
  expectedPurchasesPeer: number | null;
  expectedPurchasesRelDiff: number | null;
  customers: [number | null, number | null];
  repeatBuyers: [number | null, number | null];
  agree: boolean | null;
  text: string;
}

/** The fitted parameters, log-likelihoods, customer counts and 12-month expected purchases of the two. */
function quality(ours: Outcome, peer: Outcome): Quality {
  let maxRel: number | null = null;
  let maxName: string | null = null;
  for (const [model, p] of PARAMS) {
    const a = at(ours, [model, p]);
    const b = at(peer, [model, p]);
    if (a === null || b === null) continue;
    const rel = Math.abs(a - b) / Math.abs(b);
    if (maxRel === null || rel > maxRel) {
      maxRel = rel;
      maxName = p;
    }
  }
  const diff = (a: number | null, b: number | null): number | null =>
    a === null || b === null ? null : a - b;
  const llBg = diff(at(ours, ['bgnbd', 'loglik']), at(peer, ['bgnbd', 'loglik']));
  const llGg = diff(at(ours, ['gamma_gamma', 'loglik']), at(peer, ['gamma_gamma', 'loglik']));
  const eOurs = at(ours, ['totals', 'expected_purchases']);
  const ePeer = at(peer, ['expected_purchases_total']);
  const eRel = eOurs === null || ePeer === null ? null : Math.abs(eOurs - ePeer) / Math.abs(ePeer);
  const customers: [number | null, number | null] = [
    at(ours, ['bgnbd', 'n_customers']),
    at(peer, ['n_customers']),
  ];
  const repeaters: [number | null, number | null] = [
    at(ours, ['gamma_gamma', 'n_repeat_buyers']),
    at(peer, ['n_repeat_buyers']),
  ];
  const q: Omit<Quality, 'agree' | 'text'> = {
    maxRelParamDiff: maxRel,
    maxRelParam: maxName,
    llDiffBgnbd: llBg,
    llDiffGammaGamma: llGg,
    expectedPurchasesOurs: eOurs,
    expectedPurchasesPeer: ePeer,
    expectedPurchasesRelDiff: eRel,
    customers,
    repeatBuyers: repeaters,
  };
  if (maxRel === null || llBg === null || llGg === null || eRel === null) {
    return { ...q, agree: null, text: 'n/a (a side has no fit)' };
  }
  // Two maximum-likelihood fits of the same data: the same optimum up to the optimisers' tolerances.
  const agree =
    customers[0] === customers[1] &&
    repeaters[0] === repeaters[1] &&
    maxRel < 1e-3 &&
    Math.abs(llBg) < 1e-2 &&
    Math.abs(llGg) < 1e-2 &&
    eRel < 1e-3;
  const sci = (v: number): string => (v === 0 ? '0' : Math.abs(v) < 1e-3 ? v.toExponential(1) : num(v, 3));
  const same = (c: [number | null, number | null]): string =>
    c[0] === c[1] ? `${c[0]} =` : `${c[0]} != ${c[1]}`;
  return {
    ...q,
    agree,
    text:
      `params max rel diff ${sci(maxRel)} (${maxName}); LL diff BG/NBD ${sci(llBg)}, GG ${sci(llGg)}; ` +
      `E[X(12 mo)] rel diff ${sci(eRel)}; customers ${same(customers)}, repeaters ${same(repeaters)}: ` +
      `${agree ? 'agree' : 'DIFFER'}`,
  };
}

interface Measured {
  dataset: Dataset;
  ours: Outcome;
  peer: Outcome;
  quality: Quality;
}

/** Wall seconds of the two child processes (start-up included), as a ratio; a bound when one was killed. */
function wallRatio(ours: Outcome, peer: Outcome): number | string | null {
  if (ours.status === 'ok' && peer.status === 'ok') return ours.wallSeconds! / peer.wallSeconds!;
  return ratio(ours, peer);
}

const wallCell = (o: Outcome): string => (o.status === 'ok' ? seconds(o.wallSeconds!) : timeCell(o));

function render(measured: Measured[]): string {
  const header = [
    'dataset',
    'rows',
    'customers',
    'ours wall s',
    'ours in-CLI s',
    'ours load / summary / fit BG / fit GG / predict s',
    'peer wall s',
    'peer in-process s',
    'peer read / summary / fit BG / fit GG / predict s',
    'ours/peer wall',
    'ours/peer in-process',
    'quality',
  ];
  const rows = measured.map(({ dataset: d, ours, peer, quality: q }) => [
    d.name,
    String(d.rows),
    String(d.customers),
    wallCell(ours),
    timeCell(ours),
    partsCell(ours, OURS_PARTS),
    wallCell(peer),
    timeCell(peer),
    partsCell(peer, PEER_PARTS),
    ratioCell(wallRatio(ours, peer)),
    ratioCell(ratio(ours, peer)),
    q.text,
  ]);
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j]!.length)));
  const last = header.length - 1;
  const line = (cells: string[]): string =>
    cells
      .map((c, j) => (j === last ? c : j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!)))
      .join(' | ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)];
  const notes: string[] = [];
  for (const m of measured) {
    for (const o of [m.ours, m.peer]) {
      if (o.status !== 'ok')
        notes.push(`clv ${m.dataset.name} / ${o.contestant}: ${o.status}${o.reason ? `: ${o.reason}` : ''}`);
    }
  }
  if (notes.length > 0) out.push('', ...notes);
  return `${out.join('\n')}\n`;
}

/**
 * CLV from a raw transaction log, end to end: `clientele clv` (BG/NBD + Gamma-Gamma fits, holdout
 * check, 12-month CLV with 100-draw intervals, per-customer CSV) against lifetimes' pipeline in
 * pandas + numpy + scipy (bench/peers/clv_peer.py), on the CDNOW sample and on about a million
 * demo purchases.
 */
export const clvTask: Task = {
  name: 'clv',
  async run(ctx: RunContext): Promise<SectionResult> {
    const datasets = [cdnow(), await demoPurchases(ctx)];
    const measured: Measured[] = [];
    for (const [i, d] of datasets.entries()) {
      ctx.log(`[clv] ${d.name}, ${d.rows} rows, ${d.customers} customers`);
      const ours = await runOursCli(ctx, [
        'clv',
        '--input',
        d.path,
        ...d.oursMap,
        '--calibration-end',
        CALIBRATION_END,
        '--interval-draws',
        String(INTERVAL_DRAWS),
        '--out',
        join(ctx.workDir, `clv-${i}.csv`),
      ]);
      const peer = await runClvPeer(ctx, d);
      measured.push({ dataset: d, ours, peer, quality: quality(ours, peer) });
    }
    const versions = measured.map((m) => m.peer.figures).find((f) => typeof f['scipy'] === 'string');
    const peerName = versions
      ? `pandas ${String(versions['pandas'])} + scipy ${String(versions['scipy'])}`
      : 'pandas + scipy';
    return {
      task: 'clv',
      section: true,
      heading:
        `clv: BG/NBD + Gamma-Gamma from a transaction log, calibration through ${CALIBRATION_END}, weeks, ` +
        `${HORIZON_MONTHS}-month horizon; ours = \`clientele clv --interval-draws ${INTERVAL_DRAWS} --out\` ` +
        `(wall = the child process, start-up included; in-CLI = its own "seconds"); peer = ${peerName} ` +
        `(bench/peers/clv_peer.py); ratio = ours / peer (below 1: ours is faster)`,
      table: render(measured),
      files: datasets.map((d) => d.path),
      report: {
        title: 'clv: summary + BG/NBD + Gamma-Gamma fits + prediction',
        calibration_end: CALIBRATION_END,
        interval_draws: INTERVAL_DRAWS,
        horizon_months: HORIZON_MONTHS,
        demo_customers: ctx.quick ? DEMO_CUSTOMERS / 10 : DEMO_CUSTOMERS,
        demo_seed: DEMO_SEED,
        datasets: measured.map((m) => ({
          name: m.dataset.name,
          rows: m.dataset.rows,
          customers: m.dataset.customers,
          ours: m.ours,
          peer: m.peer,
          ratio_ours_peer_wall: wallRatio(m.ours, m.peer),
          ratio_ours_peer_in_process: ratio(m.ours, m.peer),
          quality: {
            max_rel_param_diff: m.quality.maxRelParamDiff,
            max_rel_param: m.quality.maxRelParam,
            loglik_diff_bgnbd: m.quality.llDiffBgnbd,
            loglik_diff_gamma_gamma: m.quality.llDiffGammaGamma,
            expected_purchases_12m_ours: m.quality.expectedPurchasesOurs,
            expected_purchases_12m_peer: m.quality.expectedPurchasesPeer,
            expected_purchases_rel_diff: m.quality.expectedPurchasesRelDiff,
            customers: m.quality.customers,
            repeat_buyers: m.quality.repeatBuyers,
            agree: m.quality.agree,
            text: m.quality.text,
          },
        })),
      },
    };
  },
};
