import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { idList, instant, queryRows, type RawRow } from '../db/rows.ts';
import {
  auditLog,
  channels,
  type departments,
  scheduleRuns,
  schedules,
  type teams,
} from '../db/schema/index.ts';
import {
  type AnySchedule,
  DEFAULT_SCHEDULES,
  SCHEDULE_KINDS,
  type ScheduleKind,
} from '../domain/schedules.ts';
import { type ChatTransport, isChatTransport } from '../domain/transports.ts';
import type { Change } from './changes.ts';

// Schedules per department (defaults until someone configures one), their runs, and the
// department's digest channels. A run is a row keyed by (schedule key, due instant): inserting it
// is how an instance claims the run, so any number of instances produce one.

export type RunRow = typeof scheduleRuns.$inferSelect;
export type RunState = RunRow['state'];

export type DepartmentSchedules = { [K in ScheduleKind]: Extract<AnySchedule, { kind: K }> };

export interface DigestChannel {
  transport: ChatTransport;
  channel: string;
}

/** A stored schedule over the defaults: settings missing from the row keep their default. */
function merged(
  row: Pick<typeof schedules.$inferSelect, 'kind' | 'settings' | 'catchUpSeconds' | 'enabled'>,
): AnySchedule | undefined {
  const kind = SCHEDULE_KINDS.find((known) => known === row.kind);
  if (!kind) return undefined;
  const base = DEFAULT_SCHEDULES[kind];
  // The casts: jsonb settings are whatever was stored, and the compiler cannot tie a kind chosen
  // at run time to its settings type.
  return {
    kind,
    settings: { ...base.settings, ...(row.settings as object) },
    catchUpSeconds: row.catchUpSeconds,
    enabled: row.enabled,
  } as AnySchedule;
}

/** JSON with sorted keys: jsonb keeps its own key order, so plain JSON would never compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

export function createScheduleStore(db: Db) {
  return {
    /** Every department's schedules: stored ones, else the defaults. */
    async effective(departmentIds: readonly number[]): Promise<Map<number, DepartmentSchedules>> {
      const rows = departmentIds.length
        ? await db
            .select({
              departmentId: schedules.departmentId,
              kind: schedules.kind,
              settings: schedules.settings,
              catchUpSeconds: schedules.catchUpSeconds,
              enabled: schedules.enabled,
            })
            .from(schedules)
            .where(inArray(schedules.departmentId, [...departmentIds]))
        : [];
      const result = new Map<number, DepartmentSchedules>();
      for (const id of departmentIds) result.set(id, { ...DEFAULT_SCHEDULES });
      for (const row of rows) {
        const schedule = merged(row);
        const entry = result.get(row.departmentId);
        if (schedule && entry)
          (entry as Record<ScheduleKind, AnySchedule>)[schedule.kind] = schedule;
      }
      return result;
    },

    /** Stores a department's schedule: what that did. */
    async set(
      departmentId: number,
      schedule: AnySchedule,
      change: Change | null,
    ): Promise<'created' | 'updated' | 'unchanged'> {
      const values = {
        departmentId,
        kind: schedule.kind,
        settings: schedule.settings,
        catchUpSeconds: schedule.catchUpSeconds,
        enabled: schedule.enabled,
      };
      const [current] = await db
        .select({
          settings: schedules.settings,
          catchUpSeconds: schedules.catchUpSeconds,
          enabled: schedules.enabled,
        })
        .from(schedules)
        .where(and(eq(schedules.departmentId, departmentId), eq(schedules.kind, schedule.kind)));
      if (
        current &&
        canonical(current.settings) === canonical(values.settings) &&
        current.catchUpSeconds === values.catchUpSeconds &&
        current.enabled === values.enabled
      )
        return 'unchanged';
      await db
        .insert(schedules)
        .values(values)
        .onConflictDoUpdate({
          target: [schedules.departmentId, schedules.kind],
          set: {
            settings: values.settings,
            catchUpSeconds: values.catchUpSeconds,
            enabled: values.enabled,
          },
        });
      if (change)
        await db.insert(auditLog).values({
          personId: change.personId,
          source: change.source,
          action: 'schedule',
          detail: values,
        });
      return current ? 'updated' : 'created';
    },

    /** The zones the monthly prompt runs in: each manager's own, else the department's. */
    async promptZones(departmentIds: readonly number[]): Promise<Map<number, string[]>> {
      const zones = new Map<number, string[]>();
      if (departmentIds.length === 0) return zones;
      const rows = await queryRows<{
        departmentId: (typeof teams.$inferSelect)['departmentId'];
        zone: (typeof departments.$inferSelect)['timeZone'];
      }>(
        db,
        sql`select distinct t.department_id as "departmentId", coalesce(p.time_zone, d.time_zone) as zone
            from team_roles r join teams t on t.id = r.team_id join people p on p.id = r.person_id
            join departments d on d.id = t.department_id
            where r.role = 'manager' and t.archived_at is null
              and t.department_id in (${idList(departmentIds)})
            order by 2`,
      );
      for (const row of rows)
        zones.set(row.departmentId, [...(zones.get(row.departmentId) ?? []), row.zone]);
      return zones;
    },

    /** The latest recorded due instant of each schedule key. */
    async lastDue(keys: readonly string[]): Promise<Map<string, Date>> {
      if (keys.length === 0) return new Map();
      const rows = await db
        .select({
          key: scheduleRuns.scheduleKey,
          // Raw SQL: the instant arrives as text (see db/rows.ts).
          due: sql<string>`max(${scheduleRuns.dueAt})`,
        })
        .from(scheduleRuns)
        .where(inArray(scheduleRuns.scheduleKey, [...keys]))
        .groupBy(scheduleRuns.scheduleKey);
      return new Map(rows.map((row) => [row.key, new Date(row.due)]));
    },

    /** Claims a run: true for the one instance whose insert won. */
    async claim(key: string, dueAt: Date, instanceId: string): Promise<number | undefined> {
      const [row] = await db
        .insert(scheduleRuns)
        .values({ scheduleKey: key, dueAt, state: 'running', claimedBy: instanceId })
        .onConflictDoNothing()
        .returning({ id: scheduleRuns.id });
      return row?.id;
    },

    /** Records a run that will not happen, and why (first writer wins, like a claim). */
    async skip(key: string, dueAt: Date, detail: string, instanceId: string): Promise<boolean> {
      const rows = await db
        .insert(scheduleRuns)
        .values({
          scheduleKey: key,
          dueAt,
          state: 'skipped',
          claimedBy: instanceId,
          finishedAt: sql`now()`,
          detail,
        })
        .onConflictDoNothing()
        .returning({ id: scheduleRuns.id });
      return rows.length > 0;
    },

    async finish(id: number, state: RunState, detail: string): Promise<void> {
      await db
        .update(scheduleRuns)
        .set({ state, detail, finishedAt: sql`now()` })
        .where(eq(scheduleRuns.id, id));
    },

    /**
     * Runs to take over: ones that failed (tried fewer than `maxAttempts` times, the last at
     * least `retryAfterMs` ago) and ones still `running` after `leaseMs` (their instance died).
     * Each is claimed here for `instanceId`; another instance gets the others.
     */
    async takeOver(
      instanceId: string,
      leaseMs: number,
      retryAfterMs: number,
      maxAttempts: number,
    ): Promise<RunRow[]> {
      const rows = await queryRows<RawRow<RunRow>>(
        db,
        sql`update schedule_runs set state = 'running', claimed_by = ${instanceId},
                   attempts = attempts + 1, started_at = now(), finished_at = null
            where id in (
              select id from schedule_runs
              where (state = 'failed' and attempts < ${maxAttempts}
                     and finished_at < now() - make_interval(secs => ${retryAfterMs / 1000}))
                 or (state = 'running' and started_at < now() - make_interval(secs => ${leaseMs / 1000}))
              order by due_at limit 20 for update skip locked)
            returning id, schedule_key as "scheduleKey", due_at as "dueAt", state, claimed_by as "claimedBy",
                      attempts, started_at as "startedAt", finished_at as "finishedAt", detail`,
      );
      return rows.map((row) => ({
        ...row,
        dueAt: new Date(row.dueAt),
        startedAt: new Date(row.startedAt),
        finishedAt: instant(row.finishedAt),
      }));
    },

    /**
     * Scheduled prompt runs due after `since` that finished leaving someone's prompt skipped:
     * the cause may be gone (linked, back, reactivated) while the run can still catch up.
     */
    async promptRunsWithSkips(
      since: Date,
    ): Promise<Pick<RunRow, 'id' | 'scheduleKey' | 'dueAt'>[]> {
      const rows = await queryRows<RawRow<Pick<RunRow, 'id' | 'scheduleKey' | 'dueAt'>>>(
        db,
        sql`select r.id, r.schedule_key as "scheduleKey", r.due_at as "dueAt" from schedule_runs r
            where r.schedule_key like 'prompt:%' and r.state in ('done', 'late')
              and r.due_at > ${since.toISOString()}::timestamptz
              and exists (select 1 from deliveries d where d.run_id = r.id and d.kind = 'prompt'
                          and d.state = 'skipped')
            order by r.due_at`,
      );
      return rows.map((row) => ({ ...row, dueAt: new Date(row.dueAt) }));
    },

    /** Runs of some schedule keys (or key prefixes ending in `:`; all runs when none), newest first. */
    async runs(keys: readonly string[], limit = 20): Promise<RunRow[]> {
      const rows = await db
        .select()
        .from(scheduleRuns)
        .where(
          keys.length === 0
            ? undefined
            : sql`(${sql.join(
                keys.map((key) =>
                  key.endsWith(':')
                    ? sql`${scheduleRuns.scheduleKey} like ${`${key.replace(/[\\%_]/g, '\\$&')}%`}`
                    : sql`${scheduleRuns.scheduleKey} = ${key}`,
                ),
                sql` or `,
              )})`,
        )
        .orderBy(desc(scheduleRuns.dueAt), desc(scheduleRuns.id))
        .limit(limit);
      return rows;
    },

    async digestChannels(departmentId: number): Promise<DigestChannel[]> {
      const rows = await db
        .select({ transport: channels.transport, channel: channels.externalId })
        .from(channels)
        .where(and(eq(channels.departmentId, departmentId), eq(channels.purpose, 'digest')))
        .orderBy(channels.id);
      return rows.filter((row): row is DigestChannel => isChatTransport(row.transport));
    },

    /** Adds or removes a digest channel of a department; false when there was nothing to do. */
    async setDigestChannel(
      departmentId: number,
      channel: DigestChannel,
      present: boolean,
      change: Change | null,
    ): Promise<boolean> {
      const rows = present
        ? await db
            .insert(channels)
            .values({
              departmentId,
              transport: channel.transport,
              externalId: channel.channel,
              purpose: 'digest',
            })
            .onConflictDoNothing()
            .returning({ id: channels.id })
        : await db
            .delete(channels)
            .where(
              and(
                eq(channels.departmentId, departmentId),
                eq(channels.purpose, 'digest'),
                eq(channels.transport, channel.transport),
                eq(channels.externalId, channel.channel),
              ),
            )
            .returning({ id: channels.id });
      if (rows.length && change)
        await db.insert(auditLog).values({
          personId: change.personId,
          source: change.source,
          action: present ? 'digest channel add' : 'digest channel remove',
          detail: { departmentId, ...channel },
        });
      return rows.length > 0;
    },
  };
}

export type ScheduleStore = ReturnType<typeof createScheduleStore>;
