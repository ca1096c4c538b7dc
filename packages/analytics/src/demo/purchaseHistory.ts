import { writeFile } from 'node:fs/promises';
import { Rng } from '@clientele/ml';
import { AtomicCsvFile } from './atomicCsvFile.ts';
import { gamma } from './randomDraws.ts';

/** The parameters the purchases are drawn from (BG/NBD in weeks, Gamma-Gamma for spend). */
export interface PurchaseHistoryTruth {
  r: number;
  alpha: number;
  a: number;
  b: number;
  p: number;
  q: number;
  gamma: number;
}

/** CDNOW's published fits: BG/NBD (Fader, Hardie & Lee 2005) and Gamma-Gamma (Fader & Hardie 2013). */
export const CDNOW_TRUTH: PurchaseHistoryTruth = {
  r: 0.243,
  alpha: 4.414,
  a: 0.793,
  b: 2.426,
  p: 6.25,
  q: 3.74,
  gamma: 15.44,
};

export interface PurchaseHistoryOptions {
  customers: number;
  seed?: number;
  /** Weeks from the first day to the last day observed (default 78, CDNOW's). */
  weeks?: number;
  /** First purchases fall uniformly in the first this many weeks (default 12, CDNOW's quarter). */
  cohortWeeks?: number;
  truth?: PurchaseHistoryTruth;
  /** Also write customer_id, lambda, p (dropout), nu (mean spend), purchases to this file. */
  truthOut?: string;
}

const START = Date.UTC(1997, 0, 1);
const DAY = 86_400_000;

/**
 * A purchase log drawn from the BG/NBD and Gamma-Gamma models themselves, so that a fit must
 * recover the parameters: customer i buys at Poisson rate lambda ~ Gamma(r, alpha) per week,
 * after each repeat purchase drops out with probability p ~ Beta(a, b), and spends z ~ Gamma(p_spend, nu)
 * per purchase with nu ~ Gamma(q, gamma). Columns customer_id, date (YYYY-MM-DD, from 1997-01-01),
 * amount; one row per purchase, several purchases on one day stay separate rows. Deterministic
 * by seed.
 */
export async function writePurchaseHistoryCsv(
  path: string,
  opts: PurchaseHistoryOptions,
): Promise<{ rows: number; customers: number; lastDay: string }> {
  const truth = opts.truth ?? CDNOW_TRUTH;
  const weeks = opts.weeks ?? 78;
  const cohortWeeks = opts.cohortWeeks ?? 12;
  const rng = new Rng(opts.seed ?? 42);
  const file = new AtomicCsvFile(path);
  const truthLines: string[] = ['customer_id,lambda,dropout,mean_spend,purchases'];
  let rows = 0;
  try {
    file.text('customer_id,date,amount\n');
    for (let c = 1; c <= opts.customers; c++) {
      const lambda = gamma(rng, truth.r) / truth.alpha;
      const x = gamma(rng, truth.a);
      const dropout = x / (x + gamma(rng, truth.b));
      const nu = gamma(rng, truth.q) / truth.gamma;
      let t = rng.next() * cohortWeeks;
      let n = 0;
      while (t <= weeks) {
        const amount = Math.max(0.01, gamma(rng, truth.p) / nu);
        file.int(c).text(',').text(dayString(t)).text(',').fixed(amount, 2).text('\n');
        if (file.full) await file.flush();
        n++;
        // BG/NBD: the drop-out coin is tossed after each repeat purchase, not after the first.
        if (n > 1 && rng.next() < dropout) break;
        t += -Math.log(1 - rng.next()) / lambda;
      }
      rows += n;
      if (opts.truthOut) truthLines.push(`${c},${lambda},${dropout},${(truth.p / nu).toFixed(6)},${n}`);
    }
    await file.commit();
  } catch (err) {
    await file.abort();
    throw err;
  }
  if (opts.truthOut) await writeFile(opts.truthOut, `${truthLines.join('\n')}\n`);
  return { rows, customers: opts.customers, lastDay: dayString(weeks) };
}

/** The calendar day `weeks` after 1997-01-01 00:00. */
function dayString(weeks: number): string {
  return new Date(START + Math.floor(weeks * 7) * DAY).toISOString().slice(0, 10);
}
