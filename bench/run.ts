/**
 * `npm run bench [-- --quick] [-- --only kmeans,ward] [-- --timeout 300]`
 *
 * Every side-by-side speed measurement of the project: each task runs ours, scikit-learn and an
 * npm package (for `profile`: pandas) on the same CSV in the same run, one after another, and
 * prints the seconds as ratios with a quality check beside them. See bench/README.md.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { probePython, REPO_DIR, type RunContext } from './lib/contestants.ts';
import { BENCH_DIR, GENERATOR_VERSION } from './lib/data.ts';
import { machineInfo } from './lib/machine.ts';
import { ratio, renderTable } from './lib/table.ts';
import { type SectionResult, TASK_NAMES, type Task, type TaskName, type TaskResult } from './lib/task.ts';
import { analyzeTask } from './tasks/analyze.ts';
import { clvTask } from './tasks/clv.ts';
import { dbscanTask } from './tasks/dbscan.ts';
import { gbdtTask } from './tasks/gbdt.ts';
import { kmeansTask } from './tasks/kmeans.ts';
import { lookoutTask } from './tasks/lookout.ts';
import { profileTask } from './tasks/profile.ts';
import { segmentationsTask } from './tasks/segmentations.ts';
import { silhouetteTask } from './tasks/silhouette.ts';
import { umapTask } from './tasks/umap.ts';
import { wardTask } from './tasks/ward.ts';
import { webTask } from './tasks/web.ts';

const TASKS: Record<TaskName, Task> = {
  kmeans: kmeansTask,
  ward: wardTask,
  silhouette: silhouetteTask,
  dbscan: dbscanTask,
  umap: umapTask,
  segmentations: segmentationsTask,
  profile: profileTask,
  gbdt: gbdtTask,
  clv: clvTask,
  analyze: analyzeTask,
  lookout: lookoutTask,
  web: webTask,
};

const USAGE = `usage: npm run bench [-- options]
  --only a,b     run a subset of: ${TASK_NAMES.join(', ')}
  --quick        sizes / 10, to check the harness end to end
  --timeout S    kill any contestant after S seconds (default 300)
`;

function parseFlags(): { only: TaskName[]; quick: boolean; timeoutSeconds: number } {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '300' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...TASK_NAMES];
  for (const name of only) {
    if (!(TASK_NAMES as readonly string[]).includes(name)) {
      process.stderr.write(`bench: unknown task "${name}"\n${USAGE}`);
      process.exit(2);
    }
  }
  const timeoutSeconds = Number(values.timeout);
  if (!(timeoutSeconds > 0)) {
    process.stderr.write(`bench: --timeout must be a positive number of seconds\n`);
    process.exit(2);
  }
  return { only: only as TaskName[], quick: values.quick, timeoutSeconds };
}

const flags = parseFlags();
const log = (msg: string): void => {
  process.stderr.write(`${msg}\n`);
};
const python = await probePython();
log(
  python.available
    ? `scikit-learn ${python.versions['sklearn']} (python ${python.versions['python']})`
    : `scikit-learn contestant skipped: ${python.reason}`,
);
const workDir = await mkdtemp(join(tmpdir(), 'clientele-bench-'));
const ctx: RunContext = { quick: flags.quick, timeoutSeconds: flags.timeoutSeconds, workDir, python, log };
const started = new Date();
const results: (TaskResult | SectionResult)[] = [];
try {
  for (const name of flags.only) results.push(await TASKS[name].run(ctx));
} finally {
  await rm(workDir, { recursive: true, force: true });
}

const isSection = (r: TaskResult | SectionResult): r is SectionResult => 'section' in r;
const common = results.filter((r): r is TaskResult => !isSection(r));
const title = `Clientele bench${flags.quick ? ' (--quick: sizes / 10)' : ''}`;
if (common.length > 0) {
  process.stdout.write(
    `\n${title}: seconds of the fit or score alone; ratio = ours / other (below 1: ours is faster)\n\n`,
  );
  process.stdout.write(renderTable(common));
}
for (const s of results.filter(isSection)) process.stdout.write(`\n${title}: ${s.heading}\n\n${s.table}`);

const resultsDir = join(BENCH_DIR, 'results');
await mkdir(resultsDir, { recursive: true });
const file = join(resultsDir, flags.quick ? 'latest-quick.json' : 'latest.json');
const report = {
  started: started.toISOString(),
  finished: new Date().toISOString(),
  quick: flags.quick,
  timeout_seconds: flags.timeoutSeconds,
  generator_version: GENERATOR_VERSION,
  machine: machineInfo(python, REPO_DIR),
  tasks: results.map((r) =>
    isSection(r)
      ? { task: r.task, files: r.files.map((f) => relative(REPO_DIR, f)), ...r.report }
      : {
          ...r,
          files: r.files.map((f) => relative(REPO_DIR, f)),
          ratio_ours_sklearn: ratio(r.ours, r.sklearn),
          ratio_ours_peer: ratio(r.ours, r.peer),
        },
  ),
};
await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
log(`\nwrote ${file}`);
