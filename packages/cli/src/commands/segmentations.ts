import { crossSegmentations, InputError, listSegmentations } from '@clientele/analytics';
import type { Command } from 'commander';
import { printJson } from '../options.ts';
import { formatRows } from '../printRows.ts';

interface SegmentationsFlags {
  run: string;
  cross?: string;
  json?: boolean;
}

export function registerSegmentations(program: Command): void {
  program
    .command('segmentations')
    .description(
      "a run's segmentations side by side (the main one and the config's others: sizes, silhouette in its own space and on the features); with --cross, how customers move between two",
    )
    .requiredOption('--run <dir>', 'a run folder written by clientele analyze --out DIR')
    .option(
      '--cross <a,b>',
      'two segmentation ids, e.g. main,pca-gmm: their cross-table and adjusted Rand index',
    )
    .option('--json', 'print one JSON object on stdout and nothing else')
    .action(async (flags: SegmentationsFlags) => runSegmentations(flags));
}

async function runSegmentations(flags: SegmentationsFlags): Promise<void> {
  const list = listSegmentations(flags.run);
  if (flags.cross === undefined) {
    if (flags.json) {
      printJson({ run: flags.run, segmentations: list });
      return;
    }
    const three = (v: number | null): number | null => (v === null ? null : Math.round(v * 1000) / 1000);
    process.stdout.write(
      `${formatRows(
        ['id', 'name', 'space', 'algorithm', 'k', 'silhouette', 'on_features', 'sizes'].map((name) => ({
          name,
        })),
        list.map((s) => [
          s.id,
          s.name,
          s.space,
          s.algorithm,
          s.k,
          three(s.silhouette),
          three(s.silhouetteOnFeatures),
          s.segments.map((g) => g.size).join(' '),
        ]),
      )}\n`,
    );
    return;
  }
  const pair = flags.cross.split(',').map((v) => v.trim());
  if (pair.length !== 2 || pair.some((v) => v === '')) {
    throw new InputError(
      'BAD_OPTION',
      `--cross ${flags.cross}: give two segmentation ids, e.g. --cross main,pca-gmm`,
    );
  }
  const [a, b] = pair as [string, string];
  const cross = await crossSegmentations(flags.run, a, b);
  if (flags.json) {
    printJson(cross);
    return;
  }
  const named = (id: string) => list.find((s) => s.id === id)!;
  const rows = named(a).segments.map((from) => [
    `${from.id}. ${from.name}`,
    ...named(b).segments.map(
      (to) => cross.cells.find((c) => c.from === from.id && c.to === to.id)?.customers ?? 0,
    ),
  ]);
  process.stdout.write(
    `rows: ${a} (${named(a).name}); columns: ${b} (${named(b).name})\n${formatRows(
      [{ name: a }, ...named(b).segments.map((to) => ({ name: `${to.id}` }))],
      rows,
    )}\nadjusted Rand index ${cross.ari === null ? '-' : cross.ari.toFixed(3)} (1 = the same grouping, about 0 = no more alike than chance)\n`,
  );
}
