import { randomBytes } from 'node:crypto';
import { formatRunKey, parseRunKey } from '../../domain/keys.ts';
import {
  type AnySchedule,
  dueInstants,
  MAX_LOOKBACK_DAYS,
  type ScheduleKind,
} from '../../domain/schedules.ts';
import type { ChatTransport } from '../../domain/transports.ts';
import type { Department } from '../../features/lookups.ts';
import type { Clock } from '../../runtime/clock.ts';
import { withTimeLimit } from '../../runtime/time-limit.ts';
import type { DepartmentSchedules } from '../../store/schedules.ts';
import { runDigest } from './digest-run.ts';
import {
  describeSummary,
  emptySummary,
  type JobDeps,
  type RunContext,
  type RunSummary,
} from './job-context.ts';
import { runOverdue } from './overdue-run.ts';
import { runPrompts } from './prompt-run.ts';
import { runReminders } from './reminders.ts';

// The scheduler decides in the database, and its clock only ticks. A tick works out which runs
// of which schedules are due at `now`, claims each by inserting its (key, due instant) row
// (whoever inserts first runs it; every other instance's insert is a no-op), catches up missed
// runs inside each schedule's window once, records older ones as skipped, and takes over runs
// whose instance died or failed.

export interface SchedulerOptions {
  deps: JobDeps;
  instanceId: string;
  /** What a tick calls now, and what it waits on between ticks: OKRBOT_NOW when pinned, else the database's. */
  clock: Clock;
  /** Told when runs queued messages, so the outbox looks at once. */
  onQueued?: () => void;
  /**
   * Called after a department's weekly digest ran (app/ publishes its wiki page from here);
   * what it throws is logged and does not fail the run.
   */
  afterDigest?: (department: Department, due: Date) => Promise<void>;
  /** A run still `running` after this long lost its instance and is taken over. */
  runLeaseMs?: number;
  /** A failed run is tried again after this (up to three attempts in all). */
  runRetryAfterMs?: number;
}

export interface Scheduler {
  /** One tick at `now` (the clock's when omitted); what it ran, for logs and tests. */
  tick(now?: Date): Promise<TickReport>;
  /**
   * Runs a schedule now for some departments (all when none is named): `okrbot run`. Messages
   * are queued for `transports` when given (what the running instances send on), else for the
   * scheduler's own.
   */
  runNow(
    kind: ScheduleKind | 'reminders',
    options: { departments?: readonly string[]; at?: Date; transports?: readonly ChatTransport[] },
  ): Promise<{ department: string; summary: RunSummary }[]>;
  /** Ticks once now and then at the start of every minute on the clock, until stopped. */
  start(): void;
  stop(): Promise<void>;
  /** When the last tick finished (for /healthz): undefined before the first. */
  readonly lastTickAt: Date | undefined;
}

export interface TickReport {
  now: Date;
  ran: { key: string; due: Date; state: 'done' | 'late' | 'failed'; detail: string }[];
  skipped: { key: string; due: Date; detail: string }[];
}

const MINUTE_MS = 60_000;
/** A run that starts within this of its due instant is on time, later ones are marked late. */
const ON_TIME_MS = 5 * 60_000;
const MAX_ATTEMPTS = 3;
/** A tick still waiting after this gives way to the next one (see withTimeLimit). */
const TICK_LIMIT_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

const JOBS: {
  [K in ScheduleKind]: (ctx: RunContext<K>, deps: JobDeps) => Promise<RunSummary>;
} = { prompt: runPrompts, digest: runDigest, overdue: runOverdue };

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { deps, instanceId } = options;
  const { store, logger } = deps;
  const leaseMs = options.runLeaseMs ?? 120_000;
  const retryAfterMs = options.runRetryAfterMs ?? 60_000;
  let ticker: { stopping: AbortController; done: Promise<void> } | undefined;
  let ticking: Promise<unknown> | undefined;
  let lastTickAt: Date | undefined;

  const execute = async (
    runId: number | null,
    key: string,
    ctx: RunContext,
    jobDeps: JobDeps = deps,
  ): Promise<{ ran: TickReport['ran'][number]; summary: RunSummary }> => {
    const started = performance.now();
    try {
      const job = JOBS[ctx.schedule.kind] as (c: RunContext, d: JobDeps) => Promise<RunSummary>;
      const summary = await job(ctx, jobDeps);
      const detail = describeSummary(summary);
      const state = ctx.late ? 'late' : 'done';
      if (runId !== null) await store.schedules.finish(runId, state, detail);
      logger.info(
        {
          run: key,
          due: ctx.due.toISOString(),
          state,
          ms: Math.round(performance.now() - started),
        },
        `schedule run: ${detail}`,
      );
      if (summary.queued) options.onQueued?.();
      if (ctx.schedule.kind === 'digest' && options.afterDigest)
        await options
          .afterDigest(ctx.department, ctx.due)
          .catch((error: unknown) =>
            logger.error(
              { err: error, run: key },
              'after the digest: publishing the wiki page failed',
            ),
          );
      return { ran: { key, due: ctx.due, state, detail }, summary };
    } catch (error) {
      const errorId = randomBytes(4).toString('hex');
      logger.error(
        { err: error, errorId, run: key, due: ctx.due.toISOString() },
        'schedule run failed',
      );
      const detail = `failed (error id ${errorId}): ${(error as Error).message}`;
      // When the database itself is gone this fails too; the run stays `running` and another
      // tick takes it over once its lease has passed.
      if (runId !== null) await store.schedules.finish(runId, 'failed', detail).catch(() => {});
      return {
        ran: { key, due: ctx.due, state: 'failed', detail },
        summary: { ...emptySummary(), notes: [detail] },
      };
    }
  };

  const contextOf = (
    department: Department,
    schedule: AnySchedule,
    due: Date,
    now: Date,
    runId: number | null,
    zone: string,
  ): RunContext => ({
    department,
    schedule,
    due,
    now,
    runId,
    zone,
    late: now.getTime() - due.getTime() > ON_TIME_MS,
  });

  const tick = async (given?: Date): Promise<TickReport> => {
    const now = given ?? options.clock.now();
    const report: TickReport = { now, ran: [], skipped: [] };
    const departments = await store.teams.departments();
    const ids = departments.map((d) => d.id);
    const [schedules, promptZones] = await Promise.all([
      store.schedules.effective(ids),
      store.schedules.promptZones(ids),
    ]);
    const plans = departments.flatMap((department) =>
      Object.values(schedules.get(department.id) as DepartmentSchedules)
        .filter((schedule) => schedule.enabled)
        .flatMap((schedule) =>
          (schedule.kind === 'prompt'
            ? (promptZones.get(department.id) ?? [])
            : [department.timeZone]
          ).map((zone) => ({
            department,
            schedule,
            zone,
            key: formatRunKey({
              kind: schedule.kind,
              department: department.slug,
              zone,
              manual: false,
            }),
          })),
        ),
    );
    // Reminders, then prompts (the first of the plans), before the overdue check: a person's
    // nudges wait a day when the prompt or a reminder reaches them today.
    const reminders = await runReminders(now, deps);
    if (reminders.queued || reminders.skipped)
      logger.info({ at: now.toISOString() }, `reminders: ${describeSummary(reminders)}`);
    if (reminders.queued) options.onQueued?.();
    const lastDue = await store.schedules.lastDue(plans.map((p) => p.key));
    for (const plan of plans) {
      const window = plan.schedule.catchUpSeconds * 1000;
      // Look back to the last recorded run; a schedule never run before looks back only over its
      // catch-up window (runs due before okrbot knew of it are none of its business).
      const after = new Date(
        Math.max(
          (lastDue.get(plan.key) ?? new Date(now.getTime() - window)).getTime(),
          now.getTime() - MAX_LOOKBACK_DAYS * DAY_MS,
        ),
      );
      const due = dueInstants(plan.schedule, plan.zone, after, now);
      const latest = due.at(-1);
      if (!latest) continue;
      const skip = async (at: Date, detail: string) => {
        if (await store.schedules.skip(plan.key, at, detail, instanceId))
          report.skipped.push({ key: plan.key, due: at, detail });
      };
      // Never a burst: of several missed runs, only the latest may still run.
      for (const older of due.slice(0, -1))
        await skip(older, `superseded by the run due ${latest.toISOString()}`);
      if (now.getTime() - latest.getTime() > window) {
        await skip(
          latest,
          `missed: okrbot was not running, and it is more than ${plan.schedule.catchUpSeconds / 86_400} days late (the catch-up window)`,
        );
        continue;
      }
      const runId = await store.schedules.claim(plan.key, latest, instanceId);
      if (runId === undefined) continue;
      const { ran } = await execute(
        runId,
        plan.key,
        contextOf(plan.department, plan.schedule, latest, now, runId, plan.zone),
      );
      report.ran.push(ran);
    }
    await takeOver(now, departments, schedules, report);
    await promptAgain(now, departments, schedules);
    await store.outbox.prunePace();
    // This process's own time: /healthz and /metrics report when it last ticked, not the clock's
    // (pinned) instant.
    lastTickAt = new Date();
    return report;
  };

  /** Runs whose instance died mid-run, or that failed and may be tried again. */
  const takeOver = async (
    now: Date,
    departments: Department[],
    schedules: Map<number, DepartmentSchedules>,
    report: TickReport,
  ) => {
    for (const run of await store.schedules.takeOver(
      instanceId,
      leaseMs,
      retryAfterMs,
      MAX_ATTEMPTS,
    )) {
      const key = parseRunKey(run.scheduleKey);
      const department = departments.find((d) => d.slug === key?.department);
      const schedule = department && key ? schedules.get(department.id)?.[key.kind] : undefined;
      if (!key || !department || !schedule) {
        await store.schedules.finish(
          run.id,
          'failed',
          'its department or schedule no longer exists',
        );
        continue;
      }
      if (!key.manual && now.getTime() - run.dueAt.getTime() > schedule.catchUpSeconds * 1000) {
        await store.schedules.finish(
          run.id,
          'failed',
          `given up after ${run.attempts - 1} attempts: past the catch-up window`,
        );
        continue;
      }
      logger.warn(
        { run: run.scheduleKey, due: run.dueAt.toISOString(), attempt: run.attempts },
        'taking over a schedule run',
      );
      const { ran } = await execute(
        run.id,
        run.scheduleKey,
        contextOf(department, schedule, run.dueAt, now, run.id, key.zone ?? department.timeZone),
      );
      report.ran.push(ran);
    }
  };

  /**
   * Prompt runs inside their catch-up window that left someone skipped run again: whoever became
   * reachable since (linked, back from away, reactivated) gets the month's prompt once, without
   * an operator. What was queued or sent keeps its key; only skips can turn into prompts.
   */
  const promptAgain = async (
    now: Date,
    departments: Department[],
    schedules: Map<number, DepartmentSchedules>,
  ) => {
    const since = new Date(now.getTime() - MAX_LOOKBACK_DAYS * DAY_MS);
    for (const run of await store.schedules.promptRunsWithSkips(since)) {
      const key = parseRunKey(run.scheduleKey);
      const department = departments.find((d) => d.slug === key?.department);
      const schedule = department ? schedules.get(department.id)?.prompt : undefined;
      if (!key?.zone || key.manual || !department || !schedule?.enabled) continue;
      if (now.getTime() - run.dueAt.getTime() > schedule.catchUpSeconds * 1000) continue;
      try {
        const summary = await runPrompts(
          {
            ...contextOf(department, schedule, run.dueAt, now, run.id, key.zone),
            schedule,
            again: true,
          },
          deps,
        );
        if (summary.queued === 0) continue;
        logger.info(
          { run: run.scheduleKey, due: run.dueAt.toISOString() },
          `prompt run again for people now reachable: ${describeSummary(summary)}`,
        );
        options.onQueued?.();
      } catch (error) {
        logger.warn({ err: error, run: run.scheduleKey }, 'prompting the newly reachable failed');
      }
    }
  };

  const safeTick = () => {
    if (ticking) return ticking;
    ticking = withTimeLimit(tick(), TICK_LIMIT_MS, 'scheduler tick')
      .catch((error) =>
        logger.error({ err: error }, 'scheduler tick failed; the next tick tries again'),
      )
      .finally(() => {
        ticking = undefined;
      });
    return ticking;
  };

  return {
    tick,
    async runNow(kind, { departments: wanted, at, transports }) {
      const now = at ?? options.clock.now();
      const runDeps = transports ? { ...deps, transports } : deps;
      const all = await store.teams.departments();
      const chosen = wanted?.length ? all.filter((d) => wanted.includes(d.slug)) : all;
      if (kind === 'reminders') {
        const summary = await runReminders(now, runDeps, {
          departmentIds: chosen.map((d) => d.id),
        });
        if (summary.queued) options.onQueued?.();
        return [{ department: chosen.map((d) => d.slug).join(', '), summary }];
      }
      const schedules = await store.schedules.effective(chosen.map((d) => d.id));
      const results: { department: string; summary: RunSummary }[] = [];
      for (const department of chosen) {
        const schedule = schedules.get(department.id)?.[kind] as AnySchedule;
        const key = formatRunKey({ kind, department: department.slug, zone: '*', manual: true });
        // The same instant twice (the same `--at` again) has its run row already: the messages'
        // own keys keep the second run from sending anything twice.
        const runId = (await store.schedules.claim(key, now, instanceId)) ?? null;
        const { summary } = await execute(
          runId,
          key,
          contextOf(department, schedule, now, now, runId, '*'),
          runDeps,
        );
        results.push({ department: department.slug, summary });
      }
      return results;
    },
    start() {
      if (ticker) return;
      const stopping = new AbortController();
      const { clock } = options;
      // A tick that overran its minute is not followed by a second at once: the next one catches
      // up from the database at the next minute.
      const loop = async () => {
        while (!stopping.signal.aborted) {
          await safeTick();
          const ms = clock.now().getTime() % MINUTE_MS;
          await clock.sleep(MINUTE_MS - ms, stopping.signal);
        }
      };
      ticker = { stopping, done: loop() };
    },
    async stop() {
      ticker?.stopping.abort();
      await ticker?.done;
      ticker = undefined;
      await ticking;
    },
    get lastTickAt() {
      return lastTickAt;
    },
  };
}
