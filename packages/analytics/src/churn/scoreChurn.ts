import { topReasons } from '@clientele/ml';
import { quoteIdent } from '../duckdb.ts';
import type { LoadedTable } from '../ingest/loadTable.ts';
import { writeQuery } from '../writeTable.ts';
import { readWithSchema } from './churnDataset.ts';
import type { ChurnModel } from './churnModel.ts';
import { DEFAULT_TIERS, type RiskTier, riskTier, type TierThresholds } from './riskTier.ts';

export interface ScoreOptions {
  /** Top reasons per customer (0 = none). */
  explain: number;
  tiers?: TierThresholds;
}

export interface ScoreSummary {
  n_rows: number;
  tiers: Record<RiskTier, number>;
  mean_churn_probability: number;
  columns: string[];
}

/**
 * Scores every row of a file with a churn model and writes one line per customer: id, churn and
 * retention probability, risk tier and, with `explain`, the top reasons pushing the churn
 * probability up (feature, the customer's value, contribution in probability points).
 */
export async function writeChurnScores(
  t: LoadedTable,
  model: ChurnModel,
  out: string,
  opts: ScoreOptions,
): Promise<ScoreSummary> {
  const schema = model.file.schema;
  const { x, ids } = await readWithSchema(t, schema);
  const p = model.predict(x);
  const explained = opts.explain > 0 ? model.explain(x) : null;
  const names = model.featureNames;
  const idName = schema.id ?? 'row';
  const columns = [idName, 'churn_probability', 'retention_probability', 'risk_tier'];
  for (let k = 1; k <= opts.explain; k++)
    columns.push(`reason_${k}_feature`, `reason_${k}_value`, `reason_${k}_contribution`);
  const types = columns.map((c) =>
    c === 'churn_probability' || c === 'retention_probability' || c.endsWith('_contribution')
      ? 'DOUBLE'
      : 'VARCHAR',
  );
  await t.db.run(
    `CREATE OR REPLACE TABLE scores (${columns.map((c, i) => `${quoteIdent(c)} ${types[i]}`).join(', ')})`,
  );
  const appender = await t.db.createAppender('scores');
  const counts: Record<RiskTier, number> = { Low: 0, Moderate: 0, High: 0, Critical: 0 };
  let sum = 0;
  for (let i = 0; i < x.rows; i++) {
    const tier = riskTier(1 - p[i]!, opts.tiers ?? DEFAULT_TIERS);
    counts[tier]++;
    sum += p[i]!;
    appender.appendVarchar(ids[i]!);
    appender.appendDouble(p[i]!);
    appender.appendDouble(1 - p[i]!);
    appender.appendVarchar(tier);
    if (explained) {
      const row = explained.probability.subarray(i * x.cols, (i + 1) * x.cols);
      const reasons = topReasons(row, names, opts.explain, {
        direction: 'up',
        row: x.data.subarray(i * x.cols, (i + 1) * x.cols),
      });
      for (let k = 0; k < opts.explain; k++) {
        const r = reasons[k];
        if (r) {
          appender.appendVarchar(r.name);
          appender.appendVarchar(showValue(model, r.feature, r.value));
          appender.appendDouble(r.contribution);
        } else {
          appender.appendNull();
          appender.appendNull();
          appender.appendNull();
        }
      }
    }
    appender.endRow();
  }
  appender.closeSync();
  await writeQuery(t.db, 'SELECT * FROM scores', out);
  await t.db.run('DROP TABLE scores');
  return { n_rows: x.rows, tiers: counts, mean_churn_probability: x.rows > 0 ? sum / x.rows : 0, columns };
}

/**
 * The full SHAP matrix: one line per customer with each feature's contribution to the churn
 * log-odds (or, with scale 'probability', to the churn probability), the expected value and the
 * model's output, which is their sum.
 */
export async function writeShapMatrix(
  t: LoadedTable,
  model: ChurnModel,
  out: string,
  scale: 'logodds' | 'probability',
): Promise<{ n_rows: number; expected_value: number; features: string[] }> {
  const { x, ids } = await readWithSchema(t, model.file.schema);
  const e = model.explain(x);
  const values = scale === 'logodds' ? e.logOdds : e.probability;
  const expected = scale === 'logodds' ? e.expectedLogOdds : e.expectedProbability;
  const names = model.featureNames;
  const idName = model.file.schema.id ?? 'row';
  const output = scale === 'logodds' ? 'log_odds' : 'churn_probability';
  const columns = [idName, ...names, 'expected_value', output];
  await t.db.run(
    `CREATE OR REPLACE TABLE shap (${columns.map((c, i) => `${quoteIdent(c)} ${i === 0 ? 'VARCHAR' : 'DOUBLE'}`).join(', ')})`,
  );
  const appender = await t.db.createAppender('shap');
  for (let i = 0; i < x.rows; i++) {
    appender.appendVarchar(ids[i]!);
    let total = expected;
    for (let j = 0; j < x.cols; j++) {
      const v = values[i * x.cols + j]!;
      total += v;
      appender.appendDouble(v);
    }
    appender.appendDouble(expected);
    appender.appendDouble(total);
    appender.endRow();
  }
  appender.closeSync();
  await writeQuery(t.db, 'SELECT * FROM shap', out);
  await t.db.run('DROP TABLE shap');
  return { n_rows: x.rows, expected_value: expected, features: names };
}

/** A feature's value as a person reads it: the category's name, or the number. */
export function showValue(model: ChurnModel, feature: number, value: number): string {
  if (Number.isNaN(value)) return '';
  const spec = model.file.schema.features[feature]!;
  if (spec.kind === 'categorical') return spec.categories![value] ?? '(other)';
  return String(Number(value.toPrecision(10)));
}
