import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, parseRunConfig, writeTelcoSnapshotCsv } from '@clientele/analytics';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliRunner, tempDir } from './runCli.ts';

const dir = tempDir('clientele-segmentations-cli-');
const run = cliRunner(dir);
const out = join(dir, 'run');

beforeAll(async () => {
  const input = join(dir, 'telco.csv');
  await writeTelcoSnapshotCsv(input, { rows: 400, seed: 2 });
  const config = parseRunConfig(
    {
      segmentation: { algorithm: 'kmeans', k: 3, selectionRows: 400, silhouetteRows: 200 },
      views: { methods: ['pca'], sample: 100 },
      churn: { trees: 5, reasonsFor: 10 },
      segmentations: [{ id: 'pca-km', space: 'pca', components: 2, algorithm: 'kmeans', k: 2 }],
    },
    'test',
  );
  await analyze({ input, out, config });
}, 120_000);

describe('clientele segmentations', { timeout: 120_000 }, () => {
  it('lists them for a person, and crosses two as JSON counted as the files say', async () => {
    const list = await run('segmentations', '--run', out);
    expect(list.code, list.stderr).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^id\s+name\s+space\s+algorithm\s+k\s+silhouette\s+on_features\s+sizes$/);
    expect(lines[2]).toMatch(/^main\s+Main segmentation\s+features\s+kmeans\s+3\s/);
    expect(lines[3]).toMatch(/^pca-km\s+kmeans on principal components\s+pca\s+kmeans\s+2\s/);

    const cross = await run('segmentations', '--run', out, '--cross', 'main,pca-km', '--json');
    expect(cross.code, cross.stderr).toBe(0);
    const body = JSON.parse(cross.stdout) as { cells: { from: number; to: number; customers: number }[] };
    const rows = (name: string) =>
      readFileSync(join(out, name), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(','));
    const other = new Map(rows('segmentations.csv').map((r) => [r[0]!, r[1]!]));
    const expected = new Map<string, number>();
    for (const r of rows('assignments.csv')) {
      const key = `${r[1]}>${other.get(r[0]!)}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    expect(new Map(body.cells.map((c) => [`${c.from}>${c.to}`, c.customers]))).toEqual(expected);
  });
});
