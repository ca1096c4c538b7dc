import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rocAuc, stratifiedSplit } from '@clientele/ml';
import { describe, expect, it } from 'vitest';
import { buildChurnDataset } from '../src/churn/churnDataset.ts';
import { ChurnModel, DEFAULT_TRAIN_OPTIONS, trainChurnModel } from '../src/churn/churnModel.ts';
import { writeTelcoSnapshotCsv } from '../src/demo/telcoSnapshot.ts';
import { loadTable } from '../src/ingest/loadTable.ts';

const ibm = join(import.meta.dirname, 'fixtures', 'ibm_telco_churn.csv');
const dir = mkdtempSync(join(tmpdir(), 'clientele-churn-'));

async function ibmDataset() {
  const t = await loadTable(ibm);
  try {
    return await buildChurnDataset(t, { target: 'Churn', id: 'customerID' });
  } finally {
    t.close();
  }
}

describe('churn model on the synthetic telco (true churn probabilities known)', () => {
  it('the GBDT test AUC is within 0.01 of the AUC of the true probabilities on the same customers', async () => {
    const path = join(dir, 'telco.csv');
    const truthPath = join(dir, 'truth.csv');
    await writeTelcoSnapshotCsv(path, { rows: 30_000, seed: 21, truthOut: truthPath });
    const t = await loadTable(path);
    const ds = await buildChurnDataset(t, { target: 'CHURN', id: 'IMEI' });
    t.close();
    const { report } = trainChurnModel(ds, { ...DEFAULT_TRAIN_OPTIONS, seed: 4 });
    const truth = new Map(
      readFileSync(truthPath, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => {
          const [id, p] = line.split(',');
          return [id!, Number(p)] as const;
        }),
    );
    const test = stratifiedSplit(ds.y!, DEFAULT_TRAIN_OPTIONS.testSize, 4).test;
    const yTest = Float64Array.from(test, (i) => ds.y![i]!);
    const pTrue = Float64Array.from(test, (i) => truth.get(ds.ids[i]!)!);
    const best = rocAuc(yTest, pTrue);
    expect(best).toBeGreaterThan(0.8);
    expect(report.test.auc).toBeGreaterThan(best - 0.01);
  }, 120_000);
});

describe('churn models on IBM Telco', () => {
  it('GBDT, logistic and MLP all beat chance by far; a saved model predicts the same after JSON', async () => {
    const ds = await ibmDataset();
    for (const model of ['gbdt', 'logistic', 'mlp'] as const) {
      const { file, report } = trainChurnModel(ds, { ...DEFAULT_TRAIN_OPTIONS, model });
      expect(report.test.auc, model).toBeGreaterThan(0.8);
      expect(report.n_test).toBe(1409);
      const again = new ChurnModel(JSON.parse(JSON.stringify(file)));
      const direct = new ChurnModel(file);
      expect(Array.from(again.predict(ds.x).slice(0, 50))).toEqual(
        Array.from(direct.predict(ds.x).slice(0, 50)),
      );
    }
  }, 120_000);

  it('explanations add up: log-odds SHAP to the model output, probability contributions to p minus the base', async () => {
    const ds = await ibmDataset();
    for (const model of ['gbdt', 'logistic'] as const) {
      const m = new ChurnModel(trainChurnModel(ds, { ...DEFAULT_TRAIN_OPTIONS, model }).file);
      const rows = { data: ds.x.data.subarray(0, 200 * ds.x.cols), rows: 200, cols: ds.x.cols };
      const p = m.predict(rows);
      const e = m.explain(rows);
      for (let i = 0; i < rows.rows; i++) {
        let logOdds = e.expectedLogOdds;
        let prob = e.expectedProbability;
        for (let j = 0; j < rows.cols; j++) {
          logOdds += e.logOdds[i * rows.cols + j]!;
          prob += e.probability[i * rows.cols + j]!;
        }
        expect(1 / (1 + Math.exp(-logOdds)), model).toBeCloseTo(p[i]!, 9);
        expect(prob, model).toBeCloseTo(p[i]!, 9);
      }
    }
  }, 60_000);

  it('--calibrate: isotonic and Platt on held-out training rows lower the test ECE; reasons add up to the calibrated probability', async () => {
    const ds = await ibmDataset();
    for (const calibrate of ['isotonic', 'platt'] as const) {
      const { file, report } = trainChurnModel(ds, { ...DEFAULT_TRAIN_OPTIONS, calibrate });
      const c = report.calibration!;
      expect(c.method).toBe(calibrate);
      expect(c.test_ece_after, calibrate).toBeLessThan(c.test_ece_before);
      const m = new ChurnModel(JSON.parse(JSON.stringify(file)));
      const rows = { data: ds.x.data.subarray(0, 100 * ds.x.cols), rows: 100, cols: ds.x.cols };
      const p = m.predict(rows);
      const e = m.explain(rows);
      for (let i = 0; i < rows.rows; i++) {
        let prob = e.expectedProbability;
        for (let j = 0; j < rows.cols; j++) prob += e.probability[i * rows.cols + j]!;
        expect(prob, calibrate).toBeCloseTo(p[i]!, 9);
      }
    }
  }, 60_000);

  it('cross-validation reports the mean and spread of the fold AUCs', async () => {
    const ds = await ibmDataset();
    const { report } = trainChurnModel(ds, { ...DEFAULT_TRAIN_OPTIONS, cv: 3 });
    expect(report.cv!.auc).toHaveLength(3);
    expect(report.cv!.auc_mean).toBeCloseTo(report.cv!.auc.reduce((a, b) => a + b, 0) / 3, 12);
    expect(report.cv!.auc_mean).toBeGreaterThan(0.8);
  }, 60_000);
});
