import { meanAbsShap, takeRows, topReasons } from '@clientele/ml';
import { buildChurnDataset } from '../churn/churnDataset.ts';
import { ChurnModel, DEFAULT_TRAIN_OPTIONS, trainChurnModel } from '../churn/churnModel.ts';
import { DEFAULT_TIERS, RISK_TIERS, type RiskTier, riskTier } from '../churn/riskTier.ts';
import { showValue } from '../churn/scoreChurn.ts';
import { quoteIdent } from '../duckdb.ts';
import type { LoadedTable } from '../ingest/loadTable.ts';
import type { RunConfig } from './runConfig.ts';
import type { ChurnReport } from './runReport.ts';

export interface ChurnScores {
  report: ChurnReport;
  /** Per customer, in the order of `customerIds` given to runChurn. */
  probability: Float64Array;
  tier: RiskTier[];
  /** The top reasons (feature, value, probability points) of the riskiest customers; null for the others. */
  reasons: ({ feature: string; value: string; contribution: number }[] | null)[];
  reasonsComputed: number;
}

/** Column names that mark a store, region or city, for risk counts per place. */
const GROUP_NAMES =
  /^(store|shop|branch|tienda|loja|region|regi[oó]n|city|ciudad|cidade|state|estado|province|provincia|zone|zona)(_?(name|id|code))?$/i;

function emptyTiers(): Record<string, number> {
  return Object.fromEntries(RISK_TIERS.map((t) => [t, 0]));
}

/**
 * The churn part of a snapshot run: a GBDT trained and tested on a stratified split (see
 * trainChurnModel), every customer scored (probability, retention tier), the top reasons of
 * the riskiest `reasonsFor` customers by exact TreeSHAP (it costs about a millisecond a row, so
 * not all 371,589 of a big snapshot), global importance, and risk counts per segment and per
 * store / region column.
 */
export async function runChurn(
  t: LoadedTable,
  opts: {
    target: string;
    positive?: string;
    id: string | null;
    customerIds: string[];
    labels: Int32Array;
    k: number;
    config: RunConfig['churn'];
    seed: number;
  },
): Promise<ChurnScores> {
  const ds = await buildChurnDataset(t, {
    target: opts.target,
    positive: opts.positive,
    id: opts.id ?? undefined,
  });
  const { file, report } = trainChurnModel(ds, {
    ...DEFAULT_TRAIN_OPTIONS,
    trees: opts.config.trees,
    leaves: opts.config.leaves,
    learningRate: opts.config.learningRate,
    seed: opts.seed,
  });
  const model = new ChurnModel(file);
  const p = model.predict(ds.x);
  // Rows line up with the customer matrix by id (the churn data leave out rows without a target).
  const position = new Map(opts.customerIds.map((id, i) => [id, i]));
  const n = opts.customerIds.length;
  const probability = new Float64Array(n).fill(Number.NaN);
  const rowOf = new Int32Array(n).fill(-1);
  for (let r = 0; r < ds.ids.length; r++) {
    const i = position.get(ds.ids[r]!);
    if (i === undefined) continue;
    probability[i] = p[r]!;
    rowOf[i] = r;
  }
  const tier = Array.from(probability, (q) =>
    Number.isNaN(q) ? ('Low' as RiskTier) : riskTier(1 - q, DEFAULT_TIERS),
  );

  const order = Array.from({ length: n }, (_, i) => i)
    .filter((i) => rowOf[i]! >= 0)
    .sort((a, b) => probability[b]! - probability[a]! || a - b)
    .slice(0, opts.config.reasonsFor);
  const reasons: ChurnScores['reasons'] = new Array(n).fill(null);
  const names = model.featureNames;
  let importance: { feature: string; importance: number }[] = [];
  if (order.length > 0 && file.model === 'gbdt') {
    const xs = takeRows(
      ds.x,
      Int32Array.from(order, (i) => rowOf[i]!),
    );
    const ex = model.explain(xs);
    order.forEach((i, q) => {
      const row = ex.probability.subarray(q * xs.cols, (q + 1) * xs.cols);
      reasons[i] = topReasons(row, names, opts.config.reasons, {
        direction: 'up',
        row: xs.data.subarray(q * xs.cols, (q + 1) * xs.cols),
      }).map((r) => ({
        feature: r.name,
        value: showValue(model, r.feature, r.value),
        contribution: r.contribution,
      }));
    });
    const mean = meanAbsShap(ex.probability, xs.cols).total;
    importance = names
      .map((feature, j) => ({ feature, importance: mean[j]! }))
      .sort((a, b) => b.importance - a.importance)
      .slice(0, 15);
  }

  const tiers = emptyTiers();
  for (let i = 0; i < n; i++) if (rowOf[i]! >= 0) tiers[tier[i]!]!++;
  const bySegment = churnBySegment(opts.labels, opts.k, probability, tier, rowOf);

  const groupColumns =
    opts.config.groupBy ?? t.columns.filter((c) => GROUP_NAMES.test(c.name.trim())).map((c) => c.name);
  const byGroup: ChurnReport['byGroup'] = [];
  if (groupColumns.length > 0) {
    // One scored row per customer, joined to the file by id in SQL: counting in JS meant pulling
    // 371,589 pairs of strings out of DuckDB per column.
    await t.db.run('CREATE OR REPLACE TEMP TABLE run_scores (id VARCHAR, p DOUBLE, high INTEGER)');
    const app = await t.db.createAppender('run_scores');
    for (let i = 0; i < n; i++) {
      if (rowOf[i]! < 0) continue;
      app.appendVarchar(opts.customerIds[i]!);
      app.appendDouble(probability[i]!);
      app.appendInteger(tier[i] === 'High' || tier[i] === 'Critical' ? 1 : 0);
      app.endRow();
    }
    app.closeSync();
    const idExpr = opts.id
      ? `CAST(${quoteIdent(opts.id)} AS VARCHAR)`
      : 'CAST(row_number() OVER () AS VARCHAR)';
    for (const column of groupColumns) {
      const rows = (
        await t.db.runAndReadAll(`
          WITH f AS (SELECT ${idExpr} AS id, coalesce(CAST(${quoteIdent(column)} AS VARCHAR), '(missing)') AS v FROM ${quoteIdent(t.table)})
          SELECT v, CAST(count(*) AS DOUBLE), avg(p), CAST(sum(high) AS DOUBLE)
          FROM f JOIN run_scores s USING (id)
          GROUP BY v ORDER BY 4 DESC, 2 DESC, v LIMIT 50`)
      ).getRows();
      byGroup.push({
        column,
        rows: rows.map(([v, customers, mean, high]) => ({
          value: String(v),
          customers: Number(customers),
          meanProbability: Number(mean),
          highOrCritical: Number(high),
        })),
      });
    }
    await t.db.run('DROP TABLE run_scores');
  }

  return {
    report: {
      target: opts.target,
      positive: file.schema.positive ?? opts.positive ?? '1',
      model: file.model,
      auc: report.test.auc,
      accuracy: report.test.accuracy,
      logloss: report.test.logloss,
      brier: report.test.brier,
      tiers,
      bySegment,
      byGroup,
      importance,
    },
    probability,
    tier,
    reasons,
    reasonsComputed: order.length,
  };
}

/**
 * Customers, mean churn probability and customers per risk tier in each segment of `labels`;
 * customers not scored (`rowOf` < 0, or a NaN probability) and noise (-1) are left out.
 */
export function churnBySegment(
  labels: Int32Array,
  k: number,
  probability: Float64Array,
  tier: string[],
  rowOf?: Int32Array,
): ChurnReport['bySegment'] {
  const bySegment = Array.from({ length: k }, (_, s) => ({
    segment: s,
    customers: 0,
    meanProbability: 0,
    tiers: emptyTiers(),
  }));
  for (let i = 0; i < labels.length; i++) {
    const s = labels[i]!;
    if (s < 0 || (rowOf && rowOf[i]! < 0) || Number.isNaN(probability[i]!)) continue;
    bySegment[s]!.customers++;
    bySegment[s]!.meanProbability += probability[i]!;
    bySegment[s]!.tiers[tier[i]!]!++;
  }
  for (const b of bySegment) b.meanProbability = b.customers > 0 ? b.meanProbability / b.customers : 0;
  return bySegment;
}
