import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { Rng } from '@clientele/ml';

/**
 * A prepaid-telco customer snapshot shaped like the seed project's, with planted segments and a
 * known churn mechanism, so a test or a demo knows the right answer. Deterministic by seed.
 */
export interface SyntheticTelcoOptions {
  rows: number;
  seed?: number;
}

/** The 12 numeric feature columns, in file order. */
export const TELCO_FEATURES = [
  'recharge_amount',
  'recharge_count',
  'days_between_recharges',
  'voice_out_minutes',
  'voice_in_minutes',
  'sms_out',
  'data_mb',
  'roaming_minutes',
  'tenure_months',
  'distinct_contacts',
  'complaints',
  'balance',
] as const;

interface Segment {
  name: string;
  share: number;
  /** Log-scale centre of each feature (same order as TELCO_FEATURES), and its spread. */
  logMean: number[];
  logSd: number;
}

// Centres chosen so the five groups are apart on a few features each, like real segments.
const SEGMENTS: Segment[] = [
  {
    name: 'prodigious rechargers',
    share: 0.12,
    logMean: [4.6, 2.5, 1.2, 5.5, 5.3, 3.5, 7.5, 0.5, 3.5, 4.0, 0.2, 3.5],
    logSd: 0.35,
  },
  {
    name: 'travellers',
    share: 0.08,
    logMean: [4.2, 1.8, 2.0, 5.0, 4.8, 2.5, 6.5, 4.5, 3.2, 3.5, 0.3, 3.0],
    logSd: 0.35,
  },
  {
    name: 'data lovers',
    share: 0.25,
    logMean: [3.6, 1.5, 2.3, 3.5, 3.8, 1.5, 9.0, 0.3, 2.8, 2.8, 0.4, 2.2],
    logSd: 0.35,
  },
  {
    name: 'cautious rechargers',
    share: 0.35,
    logMean: [2.3, 0.5, 3.5, 3.0, 3.9, 1.0, 5.0, 0.1, 2.2, 2.2, 0.6, 1.0],
    logSd: 0.35,
  },
  {
    name: 'chatters',
    share: 0.2,
    logMean: [3.8, 1.6, 2.2, 6.2, 6.0, 5.0, 5.5, 0.4, 3.0, 4.6, 0.3, 2.0],
    logSd: 0.35,
  },
];

export const TELCO_SEGMENTS: readonly string[] = SEGMENTS.map((s) => s.name);

export interface TelcoRow {
  customerId: string;
  segment: string;
  /** Index of the planted segment in TELCO_SEGMENTS. */
  segmentIndex: number;
  values: Float64Array;
  churn: boolean;
}

/** Yields rows one by one, so a 371,589-row file never sits in memory. */
export function* syntheticTelcoRows(opts: SyntheticTelcoOptions): Generator<TelcoRow> {
  const rng = new Rng(opts.seed ?? 42);
  const cum = new Float64Array(SEGMENTS.length);
  let acc = 0;
  SEGMENTS.forEach((s, i) => {
    acc += s.share;
    cum[i] = acc;
  });
  const p = TELCO_FEATURES.length;
  for (let r = 0; r < opts.rows; r++) {
    const u = rng.next() * acc;
    let s = 0;
    while (s < SEGMENTS.length - 1 && u > cum[s]!) s++;
    const seg = SEGMENTS[s]!;
    const values = new Float64Array(p);
    for (let j = 0; j < p; j++)
      values[j] = Math.expm1(Math.max(0, seg.logMean[j]! + seg.logSd * rng.normal()));
    // Whole-number columns are counts in the real data.
    for (const j of [1, 2, 5, 8, 9, 10]) values[j] = Math.round(values[j]!);
    // The churn mechanism: short tenure, long gaps between recharges and complaints raise the risk.
    const logit =
      -1.2 - 0.35 * Math.log1p(values[8]!) + 0.45 * Math.log1p(values[2]!) + 0.6 * values[10]! - 0.25;
    const churn = rng.next() < 1 / (1 + Math.exp(-logit));
    yield {
      customerId: `C${String(r + 1).padStart(7, '0')}`,
      segment: seg.name,
      segmentIndex: s,
      values,
      churn,
    };
  }
}

/**
 * Writes the snapshot as CSV: customer_id, the 12 features, segment (planted), churn (Yes/No).
 * Returns each row's planted segment index, for checking a segmentation against the truth.
 */
export async function writeSyntheticTelcoCsv(path: string, opts: SyntheticTelcoOptions): Promise<Int32Array> {
  const planted = new Int32Array(opts.rows);
  let r = 0;
  const out = createWriteStream(path);
  const header = ['customer_id', ...TELCO_FEATURES, 'segment', 'churn'].join(',');
  out.write(`${header}\n`);
  let buf = '';
  for (const row of syntheticTelcoRows(opts)) {
    planted[r++] = row.segmentIndex;
    const vals = Array.from(row.values, (v) => (Number.isInteger(v) ? String(v) : v.toFixed(2)));
    buf += `${row.customerId},${vals.join(',')},${row.segment},${row.churn ? 'Yes' : 'No'}\n`;
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
  return planted;
}
