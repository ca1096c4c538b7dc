import { type Comparison, compareGroups, loadTable, TEST_KINDS, type TestKind } from '@clientele/analytics';
import { type Alternative, twoProportionSampleSize } from '@clientele/ml';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { addLoadFlags, type LoadFlags, loadOptions } from '../loadFlags.ts';
import { parseIntOption, parseList, printJson } from '../options.ts';

interface TestFlags extends LoadFlags {
  input: string;
  group: string;
  metric: string;
  kind: TestKind;
  groups?: string[];
  alternative: Alternative;
  confidence: number;
  resamples: number;
  seed: number;
  json?: boolean;
}

interface SampleSizeFlags {
  p1: number;
  p2: number;
  alpha: number;
  power: number;
  ratio: number;
  alternative: Alternative;
  json?: boolean;
}

const ALTERNATIVES = ['two-sided', 'less', 'greater'] as const;

export function registerTest(program: Command): void {
  const cmd = program
    .command('test')
    .description(
      'does a metric differ between two groups (e.g. Insiders vs the rest, treatment vs control)? ' +
        'a statistical test with its effect size, interval and a verdict in words',
    )
    .requiredOption('--input <file>', 'one row per customer (CSV, Parquet, JSON lines)')
    .requiredOption('--group <column>', 'the column that says which group a row is in')
    .requiredOption(
      '--metric <column>',
      'the column compared: a number, a yes/no outcome (ztest, bayes-ab) or a category (chisq)',
    )
    .requiredOption('--kind <kind>', TEST_KINDS.join(' | '), parseKind)
    .option(
      '--groups <A,B>',
      'the two groups compared, reference first (default: the two the column has, sorted)',
      parseList,
    )
    .option(
      '--alternative <a>',
      'two-sided | less | greater (B compared with A)',
      parseAlternative,
      'two-sided',
    )
    .option(
      '--confidence <c>',
      'confidence level of the interval; the test is significant below 1 - c',
      parseLevel('--confidence'),
      0.95,
    )
    .option('--resamples <n>', 'bootstrap resamples', parseIntOption('resamples', 100), 10_000)
    .option('--seed <s>', 'bootstrap seed', parseIntOption('seed', 0), 0)
    .option('--json', 'print one JSON object on stdout and nothing else');
  addLoadFlags(cmd).action(async (flags: TestFlags) => runTest(flags));

  program
    .command('sample-size')
    .description('customers needed per group to detect a change of rate from p1 to p2 (two-proportion test)')
    .requiredOption('--p1 <rate>', 'the reference rate, e.g. 0.10', parseLevel('--p1'))
    .requiredOption('--p2 <rate>', 'the rate to detect, e.g. 0.12', parseLevel('--p2'))
    .option('--alpha <a>', 'significance level', parseLevel('--alpha'), 0.05)
    .option('--power <p>', 'chance of detecting the change when it is there', parseLevel('--power'), 0.8)
    .option('--ratio <r>', 'size of group B over group A', Number, 1)
    .option('--alternative <a>', 'two-sided | less | greater', parseAlternative, 'two-sided')
    .option('--json', 'print one JSON object on stdout and nothing else')
    .action((flags: SampleSizeFlags) => runSampleSize(flags));
}

function parseKind(v: string): TestKind {
  if ((TEST_KINDS as readonly string[]).includes(v)) return v as TestKind;
  throw new UsageError(`--kind is one of ${TEST_KINDS.join(', ')}; got "${v}"`);
}

function parseAlternative(v: string): Alternative {
  if ((ALTERNATIVES as readonly string[]).includes(v)) return v as Alternative;
  throw new UsageError(`--alternative is one of ${ALTERNATIVES.join(', ')}; got "${v}"`);
}

function parseLevel(flag: string): (v: string) => number {
  return (v) => {
    const x = Number(v);
    if (!(x > 0 && x < 1)) throw new UsageError(`${flag} is a number between 0 and 1, e.g. 0.95; got "${v}"`);
    return x;
  };
}

async function runTest(flags: TestFlags): Promise<void> {
  const loaded = await loadTable(flags.input, loadOptions(flags));
  let c: Comparison;
  try {
    c = await compareGroups(loaded, {
      kind: flags.kind,
      group: flags.group,
      metric: flags.metric,
      groups: flags.groups,
      alternative: flags.alternative,
      confidence: flags.confidence,
      resamples: flags.resamples,
      seed: flags.seed,
    });
  } finally {
    loaded.close();
  }
  if (flags.json) {
    printJson(c);
    return;
  }
  const sizes = Object.entries(c.n)
    .map(([g, n]) => `${g} ${n}`)
    .join(', ');
  const lines = [c.verdict, `  test      ${c.kind} on ${c.metric} by ${c.group} (${sizes})`];
  if (c.effect_size) lines.push(`  effect    ${c.effect_size.name} ${c.effect_size.value.toPrecision(4)}`);
  const out = Object.entries(c.left_out).filter(([, n]) => n > 0);
  if (out.length > 0)
    lines.push(`  left out  ${out.map(([why, n]) => `${n} rows (${why.replaceAll('_', ' ')})`).join(', ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function runSampleSize(flags: SampleSizeFlags): void {
  const r = twoProportionSampleSize({
    p1: flags.p1,
    p2: flags.p2,
    alpha: flags.alpha,
    power: flags.power,
    ratio: flags.ratio,
    alternative: flags.alternative,
  });
  const result = {
    p1: flags.p1,
    p2: flags.p2,
    n_a: r.nA,
    n_b: r.nB,
    n_a_exact: r.nAExact,
    n_b_exact: r.nBExact,
    achieved_power: r.achievedPower,
    cohen_h: r.cohenH,
    alpha: r.alpha,
    power: r.power,
    ratio: r.ratio,
    alternative: r.alternative,
  };
  if (flags.json) printJson(result);
  else {
    process.stdout.write(
      `To detect a change from ${(100 * flags.p1).toFixed(2)}% to ${(100 * flags.p2).toFixed(2)}% with ${(100 * r.power).toFixed(0)}% power at a ${(100 * r.alpha).toFixed(1)}% significance level (${r.alternative}): ` +
        `${r.nA} customers in group A and ${r.nB} in group B (power achieved ${(100 * r.achievedPower).toFixed(1)}%).\n`,
    );
  }
}
