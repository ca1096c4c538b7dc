import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildChurnDataset, readWithSchema } from '../src/churn/churnDataset.ts';
import { parseTierThresholds, riskTier } from '../src/churn/riskTier.ts';
import { InputError } from '../src/errors.ts';
import { loadTable } from '../src/ingest/loadTable.ts';

const ibm = join(import.meta.dirname, 'fixtures', 'ibm_telco_churn.csv');

describe('buildChurnDataset on IBM Telco', () => {
  it('reads the target as 0/1, numbers (TotalCharges blanks missing), booleans 0/1, text as codes; id and target set aside', async () => {
    const t = await loadTable(ibm);
    try {
      const d = await buildChurnDataset(t, { target: 'Churn', id: 'customerID' });
      expect(d.schema.positive).toBe('true');
      expect(d.x.rows).toBe(7043);
      expect(d.y!.reduce((a, b) => a + b, 0)).toBe(1869);
      const names = d.schema.features.map((f) => f.name);
      expect(names).not.toContain('customerID');
      expect(names).not.toContain('Churn');
      const col = (name: string): number[] => {
        const j = names.indexOf(name);
        return Array.from({ length: d.x.rows }, (_, i) => d.x.data[i * d.x.cols + j]!);
      };
      expect(d.schema.features.find((f) => f.name === 'TotalCharges')!.kind).toBe('numeric');
      expect(col('TotalCharges').filter(Number.isNaN).length).toBe(11);
      expect(new Set(col('Partner'))).toEqual(new Set([0, 1]));
      const contract = d.schema.features.find((f) => f.name === 'Contract')!;
      expect(contract.categories).toEqual(['Month-to-month', 'Two year', 'One year']);
      expect(col('Contract')[0]).toBe(0);
      expect(d.ids[0]).toBe('7590-VHVEG');
    } finally {
      t.close();
    }
  });

  it('names what is wrong: unknown target, one class, several values without --positive, a wrong --positive', async () => {
    const t = await loadTable(ibm);
    const message = async (opts: Parameters<typeof buildChurnDataset>[1]): Promise<string> => {
      try {
        await buildChurnDataset(t, opts);
      } catch (err) {
        expect(err).toBeInstanceOf(InputError);
        return (err as Error).message;
      }
      throw new Error('should have failed');
    };
    try {
      expect(await message({ target: 'churned' })).toMatch(/--target "churned" is not a column.*Churn/);
      expect(await message({ target: 'Contract' })).toMatch(
        /3 values \(Month-to-month, Two year, One year\); say which one means churn with --positive/,
      );
      expect(await message({ target: 'gender' })).toMatch(
        /which value of "gender" means churn, Male or Female\?/,
      );
      // The loader reads Yes/No as BOOLEAN: Yes means true, another word is refused.
      expect(await message({ target: 'Churn', positive: 'Maybe' })).toMatch(
        /"Maybe" is not a value of "Churn"; its values: false, true/,
      );
      const yes = await buildChurnDataset(t, { target: 'Churn', positive: 'Yes', id: 'customerID' });
      expect(yes.schema.positive).toBe('true');
      expect(yes.y!.reduce((a, v) => a + v, 0)).toBe(1869);
      expect(await message({ target: 'Churn', id: 'id' })).toMatch(/--id "id"/);
    } finally {
      t.close();
    }
    const one = await loadTable(ibm, { types: { SeniorCitizen: 'VARCHAR' } });
    try {
      await one.db.run('DELETE FROM data WHERE PhoneService');
      expect(
        await (async () => {
          try {
            await buildChurnDataset(one, { target: 'PhoneService' });
          } catch (err) {
            return (err as Error).message;
          }
          return '';
        })(),
      ).toMatch(/one value only \(false\)/);
    } finally {
      one.close();
    }
  });

  it('reads a scoring file with the training schema: unseen categories get the other code, a missing column is named', async () => {
    const t = await loadTable(ibm);
    const d = await buildChurnDataset(t, { target: 'Churn', id: 'customerID' });
    await t.db.run("UPDATE data SET Contract = 'Three year' WHERE customerID = '7590-VHVEG'");
    const again = await readWithSchema(t, d.schema);
    const j = d.schema.features.findIndex((f) => f.name === 'Contract');
    expect(again.x.data[j]).toBe(3);
    await t.db.run('ALTER TABLE data DROP COLUMN tenure');
    t.columns = t.columns.filter((c) => c.name !== 'tenure');
    await expect(readWithSchema(t, d.schema)).rejects.toThrow(
      /lacks column the model was trained on: tenure/,
    );
    t.close();
  });
});

describe('risk tiers', () => {
  it('Low >= 85% retention, Moderate 70-85, High 50-70, Critical below', () => {
    expect([0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.49].map((r) => riskTier(r))).toEqual([
      'Low',
      'Low',
      'Moderate',
      'Moderate',
      'High',
      'High',
      'Critical',
    ]);
    expect(riskTier(0.8, parseTierThresholds('0.9,0.8,0.6'))).toBe('Moderate');
    expect(() => parseTierThresholds('0.5,0.7,0.85')).toThrow(/falling/);
  });
});
