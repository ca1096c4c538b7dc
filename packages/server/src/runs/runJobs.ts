import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { analyze, parseRunConfig, type RunConfig } from '@clientele/analytics';
import { Cron } from 'croner';
import { sql } from 'kysely';
import { datasetFile } from '../datasets/paths.ts';
import type { Store } from '../store/index.ts';
import { jsonb } from '../store/jsonb.ts';
import { createRun } from '../store/repos/runs.ts';
import type { JsonObject, Run } from '../store/schema.ts';
import { publishRunFolder } from './publishRunFolder.ts';
import { runDir } from './runPaths.ts';

/** What a runner runs: `analyze` by default; tests hand in a slower or failing one. */
export type AnalyzeFn = typeof analyze;

export interface RunJobsOptions {
  store: Store;
  /** The files folder (datasets and run folders). */
  dataDir: string;
  /** How often the runner looks for queued runs and due schedules (default 1 s). */
  pollMs?: number;
  /** Progress is written at most this often, and at every step change (default 500 ms). */
  progressMs?: number;
  analyze?: AnalyzeFn;
  /** The report renderer handed to analyze (loaded once, lazily, by default). */
  renderReport?: (report: never) => string;
}

/** A run cut short by a stopped server is started again this many times, then failed. */
export const MAX_ATTEMPTS = 2;

/**
 * The durable job runner: `clientele analyze` runs as rows of `runs`, one at a time per server.
 * A run is claimed with `for update skip locked`, so two servers on one PostgreSQL never take the
 * same run. Progress, step and a log are written as it goes; a cancel (`cancel_requested`, from
 * any process) stops it at the next step. The results are published in one transaction at the
 * end (publishRunFolder), so a reader sees the old version or the new one. A run found
 * `running` at start belonged to a server that stopped: it is queued again (attempts < 2) or
 * failed; its half-written folder is removed. Schedules (cron) enqueue runs when due.
 */
export class RunJobs {
  private readonly store: Store;
  private readonly dataDir: string;
  private readonly pollMs: number;
  private readonly progressMs: number;
  private readonly analyzeFn: AnalyzeFn;
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private current: { runId: string; controller: AbortController } | null = null;
  private stopped = true;
  private recovered = false;
  private renderReport: ((report: never) => string) | undefined;

  constructor(options: RunJobsOptions) {
    this.store = options.store;
    this.dataDir = options.dataDir;
    this.pollMs = options.pollMs ?? 1000;
    this.progressMs = options.progressMs ?? 500;
    this.analyzeFn = options.analyze ?? analyze;
    this.renderReport = options.renderReport;
  }

  /**
   * Starts polling. The first round recovers the runs a stopped server left `running`; a store
   * that does not answer (yet) only delays that to a later round, it does not stop the app.
   */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Stops polling; a run in progress is interrupted and queued again for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.current?.controller.abort();
    await this.busy;
  }

  /** Looks for work now (after an enqueue) instead of at the next poll. */
  kick(): void {
    if (this.stopped || this.busy) return;
    this.busy = this.work()
      .catch(() => {
        // A store error while claiming: the next poll tries again.
      })
      .finally(() => {
        this.busy = null;
      });
  }

  /** Creates a queued run of a dataset and starts it when the runner is free. */
  async enqueue(input: {
    orgId: string;
    datasetId: string;
    config: JsonObject;
    createdBy: string | null;
    /** The cleaning plan a person edited (checked by the caller); none: the automatic steps. */
    plan?: JsonObject | null;
  }): Promise<Run> {
    const run = await createRun(this.store.db, input);
    await this.log(run.id, 'queued');
    this.kick();
    return run;
  }

  /**
   * Cancels a run: a queued one at once; a running one at its next step (here or in another
   * process sharing the store). Returns the run as it is now, or undefined if not found.
   */
  async cancel(orgId: string, runId: string): Promise<Run | undefined> {
    const db = this.store.db;
    const queued = await db
      .updateTable('runs')
      .set((eb) => ({
        status: 'cancelled',
        finished_at: new Date(),
        updated_at: new Date(),
        error: 'cancelled before it started',
        version: eb('version', '+', 1),
      }))
      .where('org_id', '=', orgId)
      .where('id', '=', runId)
      .where('status', '=', 'queued')
      .returningAll()
      .executeTakeFirst();
    if (queued) return queued;
    const running = await db
      .updateTable('runs')
      .set((eb) => ({ cancel_requested: true, updated_at: new Date(), version: eb('version', '+', 1) }))
      .where('org_id', '=', orgId)
      .where('id', '=', runId)
      .where('status', '=', 'running')
      .returningAll()
      .executeTakeFirst();
    if (running && this.current?.runId === runId) this.current.controller.abort();
    return (
      running ??
      (await db
        .selectFrom('runs')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('id', '=', runId)
        .executeTakeFirst())
    );
  }

  private async recover(): Promise<void> {
    const db = this.store.db;
    const stale = await db.selectFrom('runs').selectAll().where('status', '=', 'running').execute();
    for (const run of stale) {
      rmSync(runDir(this.dataDir, run.org_id, run.id), { recursive: true, force: true });
      rmSync(`${runDir(this.dataDir, run.org_id, run.id)}.plan.json`, { force: true });
      const again = run.attempts < MAX_ATTEMPTS && !run.cancel_requested;
      await db
        .updateTable('runs')
        .set((eb) => ({
          status: again ? 'queued' : run.cancel_requested ? 'cancelled' : 'failed',
          error: again
            ? null
            : `the server stopped during the run ${run.attempts} times (last at step ${run.step ?? '?'})`,
          finished_at: again ? null : new Date(),
          progress: 0,
          updated_at: new Date(),
          version: eb('version', '+', 1),
          log: sql<string>`log || ${`${new Date().toISOString()} the server stopped during step ${run.step ?? '?'}; ${again ? 'queued again' : 'failed'}\n`}`,
        }))
        .where('id', '=', run.id)
        .where('status', '=', 'running')
        .execute();
    }
  }

  private async work(): Promise<void> {
    if (!this.recovered) {
      await this.recover();
      this.recovered = true;
    }
    await this.enqueueDueSchedules();
    while (!this.stopped) {
      const run = await this.claim();
      if (!run) return;
      await this.execute(run);
    }
  }

  /** Takes the oldest queued run, if any, and marks it running (one statement, skip locked). */
  private async claim(): Promise<Run | undefined> {
    const rows = await sql<Run>`
      update runs set status = 'running', started_at = now(), updated_at = now(), progress = 0,
        step = 'load', attempts = attempts + 1, version = version + 1
      where id = (
        select id from runs where status = 'queued' order by created_at, id limit 1 for update skip locked
      )
      returning *
    `.execute(this.store.db);
    return rows.rows[0];
  }

  private async execute(run: Run): Promise<void> {
    const controller = new AbortController();
    this.current = { runId: run.id, controller };
    const out = runDir(this.dataDir, run.org_id, run.id);
    let lastWrite = 0;
    let lastStep = '';
    let writing: Promise<unknown> = Promise.resolve();
    // analyze reads the plan from a file; it sits beside the folder analyze writes (which must
    // not exist before it renames its own into place) and moves into it once the run is done.
    const planFile = run.plan ? `${out}.plan.json` : undefined;
    try {
      if (planFile) mkdirSync(dirname(planFile), { recursive: true });
      if (planFile) writeFileSync(planFile, `${JSON.stringify(run.plan, null, 2)}\n`);
      await this.log(run.id, `started (attempt ${run.attempts})`);
      const config = parseRunConfig(run.config, `run ${run.id}`) as RunConfig;
      const previous = await this.previousFolder(run);
      this.renderReport ??= (await import('@clientele/analytics/run-report')).renderRunReport as never;
      await this.analyzeFn({
        input: datasetFile(this.dataDir, run.org_id, run.dataset_id),
        out,
        config,
        previous,
        ...(planFile ? { plan: planFile } : {}),
        signal: controller.signal,
        renderReport: this.renderReport as never,
        onProgress: ({ step, fraction }) => {
          const now = Date.now();
          if (step === lastStep && now - lastWrite < this.progressMs) return;
          const changed = step !== lastStep;
          lastStep = step;
          lastWrite = now;
          writing = writing.then(() => this.progress(run.id, step, fraction, changed, controller));
        },
      });
      await writing;
      if (controller.signal.aborted) throw new Error('cancelled');
      if (planFile) renameSync(planFile, join(out, 'plan.json'));
      await this.log(run.id, 'analysis complete; publishing');
      await publishRunFolder(this.store.db, {
        orgId: run.org_id,
        datasetId: run.dataset_id,
        runId: run.id,
        folder: out,
        publishedBy: run.created_by,
      });
    } catch (err) {
      await writing.catch(() => undefined);
      const stopping = this.stopped && !(await this.cancelRequested(run.id));
      rmSync(out, { recursive: true, force: true });
      if (planFile) rmSync(planFile, { force: true });
      if (stopping) {
        // Interrupted by our own stop: queued again, as a restart would.
        await this.finish(run.id, 'queued', null, 'interrupted by a server stop; queued again');
      } else if (controller.signal.aborted || (await this.cancelRequested(run.id))) {
        await this.finish(run.id, 'cancelled', 'cancelled', 'cancelled');
      } else {
        const message = (err as Error).message;
        await this.finish(run.id, 'failed', message, `failed: ${message}`);
      }
    } finally {
      this.current = null;
    }
  }

  /** The dataset's published run folder, so segments keep their names and Insiders changes are found. */
  private async previousFolder(run: Run): Promise<string | undefined> {
    const p = await this.store.db
      .selectFrom('published_results')
      .select('run_id')
      .where('org_id', '=', run.org_id)
      .where('dataset_id', '=', run.dataset_id)
      .executeTakeFirst();
    if (!p) return undefined;
    const dir = runDir(this.dataDir, run.org_id, p.run_id);
    return existsSync(dir) ? dir : undefined;
  }

  private async progress(
    runId: string,
    step: string,
    fraction: number,
    changed: boolean,
    controller: AbortController,
  ): Promise<void> {
    const row = await this.store.db
      .updateTable('runs')
      .set((eb) => ({
        step,
        progress: Math.min(1, Math.max(0, fraction)),
        updated_at: new Date(),
        version: eb('version', '+', 1),
        ...(changed ? { log: sql<string>`log || ${`${new Date().toISOString()} ${step}\n`}` } : {}),
      }))
      .where('id', '=', runId)
      .returning('cancel_requested')
      .executeTakeFirst();
    if (row?.cancel_requested) controller.abort();
  }

  private async cancelRequested(runId: string): Promise<boolean> {
    const row = await this.store.db
      .selectFrom('runs')
      .select('cancel_requested')
      .where('id', '=', runId)
      .executeTakeFirst();
    return row?.cancel_requested ?? false;
  }

  private async finish(
    runId: string,
    status: 'queued' | 'failed' | 'cancelled',
    error: string | null,
    line: string,
  ): Promise<void> {
    await this.store.db
      .updateTable('runs')
      .set((eb) => ({
        status,
        error,
        finished_at: status === 'queued' ? null : new Date(),
        updated_at: new Date(),
        version: eb('version', '+', 1),
        log: sql<string>`log || ${`${new Date().toISOString()} ${line}\n`}`,
      }))
      .where('id', '=', runId)
      .execute();
  }

  private async log(runId: string, line: string): Promise<void> {
    await this.store.db
      .updateTable('runs')
      .set({ log: sql<string>`log || ${`${new Date().toISOString()} ${line}\n`}` })
      .where('id', '=', runId)
      .execute();
  }

  /** Enqueues a run for every schedule whose time has come, and moves it to its next time. */
  private async enqueueDueSchedules(): Promise<void> {
    const due = await this.store.db
      .selectFrom('schedules')
      .selectAll()
      .where('next_run_at', '<=', new Date())
      .execute();
    for (const s of due) {
      const next = nextRunAt(s.cron, new Date());
      // Compare-and-set on next_run_at: with two servers, one enqueues.
      const moved = await this.store.db
        .updateTable('schedules')
        .set({ next_run_at: next })
        .where('id', '=', s.id)
        .where('next_run_at', '=', s.next_run_at)
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) === 0) continue;
      const run = await createRun(this.store.db, {
        orgId: s.org_id,
        datasetId: s.dataset_id,
        config: s.config,
        createdBy: s.created_by,
      });
      await this.store.db
        .updateTable('schedules')
        .set({ last_run_id: run.id })
        .where('id', '=', s.id)
        .execute();
      await this.log(run.id, `queued by schedule ${s.id} (${s.cron})`);
    }
  }
}

/** The first time after `from` a cron expression fires (UTC; 5 fields, or 6 with seconds). */
export function nextRunAt(cron: string, from: Date): Date {
  const next = new Cron(cron, { paused: true, timezone: 'UTC' }).nextRun(from);
  if (!next) throw new Error(`cron "${cron}" never fires after ${from.toISOString()}`);
  return next;
}

/** jsonb of a config, for callers creating schedules. */
export const configJson = (config: JsonObject) => jsonb(config);
