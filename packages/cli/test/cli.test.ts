import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@clientele/ml';
import { describe, expect, it } from 'vitest';
import { cliRunner, tempDir } from './runCli.ts';

const dir = tempDir('clientele-cli-');
const run = cliRunner(dir);

/** Three well-apart 2-D blobs, 40 points each, plus a text column the CLI must leave out. */
function blobsCsv(name: string, extra = ''): { path: string; truth: number[] } {
  const rng = new Rng(5);
  const centres = [
    [0, 0],
    [10, 10],
    [0, 10],
  ];
  const lines = ['id,name,a,b'];
  const truth: number[] = [];
  for (let i = 0; i < 120; i++) {
    const c = i % 3;
    truth.push(c);
    lines.push(`${i},n${i},${centres[c]![0]! + rng.normal()},${centres[c]![1]! + rng.normal()}`);
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n${extra}`);
  return { path, truth };
}

/** `clientele cluster` with k-means at k = 2 on a file, plus any further flags. */
function kmeans2(input: string, ...flags: string[]): ReturnType<typeof run> {
  return run('cluster', '--input', input, '--algorithm', 'kmeans', '--k', '2', ...flags);
}

function samePartition(a: number[], b: number[]): boolean {
  const ab = new Map<number, number>();
  const ba = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    if ((ab.get(a[i]!) ?? b[i]) !== b[i] || (ba.get(b[i]!) ?? a[i]) !== a[i]) return false;
    ab.set(a[i]!, b[i]!);
    ba.set(b[i]!, a[i]!);
  }
  return true;
}

function readLabels(path: string): string[] {
  return readFileSync(path, 'utf8').trimEnd().split('\n');
}

describe('clientele cluster', () => {
  const { path, truth } = blobsCsv('blobs.csv');

  it('prints one JSON object with the promised fields and writes one label per input row', async () => {
    const out = join(dir, 'labels.csv');
    const r = await run(
      'cluster',
      '--input',
      path,
      '--columns',
      'a,b',
      '--algorithm',
      'kmeans',
      '--k',
      '3',
      '--json',
      '--labels-out',
      out,
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({
      algorithm: 'kmeans',
      k: 3,
      n_rows: 120,
      silhouette_sampled: false,
      n_dropped: 0,
    });
    for (const f of ['seconds', 'inertia', 'silhouette', 'calinski_harabasz', 'davies_bouldin']) {
      expect(typeof j[f]).toBe('number');
    }
    const lines = readLabels(out);
    expect(lines[0]).toBe('label');
    expect(lines).toHaveLength(121);
    expect(samePartition(lines.slice(1).map(Number), truth)).toBe(true);
  });

  // GMM's partition is checked with its log-likelihood below, off the same run of the command.
  for (const algorithm of ['minibatch-kmeans', 'ward', 'average', 'complete', 'single']) {
    it(`finds the three blobs with ${algorithm}`, async () => {
      const out = join(dir, `labels-${algorithm}.csv`);
      const r = await run(
        'cluster',
        '--input',
        path,
        '--columns',
        'a,b',
        '--algorithm',
        algorithm,
        '--k',
        '3',
        '--labels-out',
        out,
      );
      expect(r.code, r.stderr).toBe(0);
      expect(samePartition(readLabels(out).slice(1).map(Number), truth)).toBe(true);
    });
  }

  it('cuts a hierarchical tree by height', async () => {
    // The blobs are about 10 apart and 1 wide: a cut at height 20 (Ward, unscaled) leaves the three.
    const args = [
      '--input',
      path,
      '--columns',
      'a,b',
      '--scale',
      'none',
      '--algorithm',
      'ward',
      '--height',
      '20',
    ];
    const r = await run('cluster', ...args, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).k).toBe(3);
    const low = await run('cluster', ...args.slice(0, -1), '0.001', '--json');
    expect(JSON.parse(low.stdout).k).toBe(120);
  });

  it('finds the three blobs with gmm and reports its log-likelihood and BIC', async () => {
    const out = join(dir, 'labels-gmm.csv');
    const r = await run(
      'cluster',
      '--input',
      path,
      '--columns',
      'a,b',
      '--scale',
      'none',
      '--algorithm',
      'gmm',
      '--k',
      '3',
      '--json',
      '--labels-out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(samePartition(readLabels(out).slice(1).map(Number), truth)).toBe(true);
    const j = JSON.parse(r.stdout);
    // Unit-variance blobs: each point's density is well below 1, so the log-likelihood is negative.
    expect(j.log_likelihood).toBeLessThan(0);
    expect(j.bic).toBeCloseTo(-2 * j.log_likelihood + 17 * Math.log(120), 6);
  });

  it('marks DBSCAN noise as -1 and counts it', async () => {
    const withOutlier = blobsCsv('blobs-noise.csv', '999,far,50,-40\n');
    const out = join(dir, 'labels-dbscan.csv');
    const r = await run(
      'cluster',
      '--input',
      withOutlier.path,
      '--columns',
      'a,b',
      '--scale',
      'none',
      '--algorithm',
      'dbscan',
      '--eps',
      '2',
      '--min-samples',
      '4',
      '--json',
      '--labels-out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.k).toBe(3);
    expect(j.n_noise).toBeGreaterThanOrEqual(1);
    expect(readLabels(out).at(-1)).toBe('-1');
  });

  it('names an unknown column, a non-numeric column and an empty file, with exit code 3', async () => {
    const unknown = await run(
      'cluster',
      '--input',
      path,
      '--columns',
      'a,revenue',
      '--algorithm',
      'kmeans',
      '--k',
      '2',
    );
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('"revenue"');
    const text = await run(
      'cluster',
      '--input',
      path,
      '--columns',
      'a,name',
      '--algorithm',
      'kmeans',
      '--k',
      '2',
    );
    expect(text.code).toBe(3);
    expect(text.stderr).toContain('"name"');
    writeFileSync(join(dir, 'empty.csv'), '');
    const empty = await kmeans2(join(dir, 'empty.csv'));
    expect(empty.code).toBe(3);
    expect(empty.stderr).toContain('empty');
  });

  it('drops rows with missing values and says how many; --missing error names the line', async () => {
    const p = join(dir, 'holes.csv');
    writeFileSync(p, 'a,b\n1,2\n1.1,2.1\n,3\n5,6\n5.1,6.1\n');
    const out = join(dir, 'labels-holes.csv');
    const r = await kmeans2(p, '--json', '--labels-out', out);
    expect(JSON.parse(r.stdout).n_dropped).toBe(1);
    expect(readLabels(out)[3]).toBe('');
    const strict = await kmeans2(p, '--missing', 'error');
    expect(strict.code).toBe(3);
    expect(strict.stderr).toContain('line 4');
  });

  it('rejects a wrong flag with exit code 2 and k larger than the rows with a clear message', async () => {
    const bad = await run('cluster', '--input', path, '--algorithm', 'kmedoids', '--k', '3');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('kmeans');
    const p = join(dir, 'tiny.csv');
    writeFileSync(p, 'a,b\n1,2\n3,4\n');
    const big = await run('cluster', '--input', p, '--algorithm', 'kmeans', '--k', '5');
    expect(big.code).toBe(3);
    expect(big.stderr).toMatch(/k/);
  });
});

describe('clientele select and embed', () => {
  const { path } = blobsCsv('blobs-select.csv');

  it('gives the model-selection table as JSON, best at k = 3', async () => {
    const r = await run(
      'select',
      '--input',
      path,
      '--columns',
      'a,b',
      '--algorithms',
      'kmeans,gmm,ward,dbscan',
      '--k',
      '2..5',
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    const km = j.rows.filter((row: { algorithm: string }) => row.algorithm === 'kmeans');
    expect(km.map((row: { k: number }) => row.k)).toEqual([2, 3, 4, 5]);
    expect(km.every((row: { inertia: number }) => row.inertia > 0)).toBe(true);
    expect(
      j.rows
        .filter((row: { algorithm: string }) => row.algorithm === 'gmm')
        .every((row: { bic: number }) => Number.isFinite(row.bic)),
    ).toBe(true);
    expect(j.rows.some((row: { algorithm: string }) => row.algorithm === 'dbscan')).toBe(true);
    expect(j.best.k).toBe(3);
  });

  it('prints the table on a terminal', async () => {
    const r = await run(
      'select',
      '--input',
      path,
      '--columns',
      'a,b',
      '--algorithms',
      'kmeans,ward',
      '--k',
      '2..4',
    );
    expect(r.stdout).toMatch(/algorithm\s+k\s+n_rows\s+silhouette/);
    expect(r.stdout).toContain('highest silhouette: ');
  });

  it('writes a PCA view with one line per row', async () => {
    const out = join(dir, 'pca.csv');
    const r = await run(
      'embed',
      '--input',
      path,
      '--columns',
      'a,b',
      '--method',
      'pca',
      '--out',
      out,
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).explained_variance_ratio).toHaveLength(2);
    const lines = readLabels(out);
    expect(lines[0]).toBe('row,x,y');
    expect(lines).toHaveLength(121);
  });

  for (const method of ['tsne', 'umap', 'tree']) {
    it(`writes a ${method} view that keeps the three blobs apart`, async () => {
      const out = join(dir, `${method}.csv`);
      // The tree view embeds what predicts its target: give it a revenue that each blob sets.
      const input = join(dir, 'blobs-revenue.csv');
      const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
      writeFileSync(
        input,
        `${lines.map((l, i) => `${l},${i === 0 ? 'revenue' : 100 * ((i - 1) % 3)}`).join('\n')}\n`,
      );
      const target = method === 'tree' ? ['--target', 'revenue'] : [];
      const args = [
        '--input',
        input,
        '--columns',
        'a,b',
        ...target,
        '--method',
        method,
        '--out',
        out,
        '--json',
      ];
      const r = await run('embed', ...args);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ method, n_rows: 120 });
      const rows = readLabels(out)
        .slice(1)
        .map((l) => l.split(',').map(Number));
      expect(rows).toHaveLength(120);
      // Each point's nearest neighbour in the view comes from the same blob (rows cycle blobs 0, 1, 2).
      let same = 0;
      for (const [i, xi, yi] of rows as [number, number, number][]) {
        let best = -1;
        let bestD = Number.POSITIVE_INFINITY;
        for (const [j, xj, yj] of rows as [number, number, number][]) {
          const d = (xi - xj) ** 2 + (yi - yj) ** 2;
          if (j !== i && d < bestD) {
            bestD = d;
            best = j;
          }
        }
        if (best % 3 === i % 3) same++;
      }
      expect(same / 120).toBeGreaterThan(0.9);
    });
  }

  it('needs --target for the tree embedding', async () => {
    const r = await run('embed', '--input', path, '--method', 'tree', '--out', join(dir, 't.csv'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--target');
  });
});
