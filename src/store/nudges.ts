import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { idList, queryRows, type RawRow } from '../db/rows.ts';
import {
  type goals,
  type keyResults,
  nudges,
  type objectives,
  type teams,
} from '../db/schema/index.ts';

// Nudges about overdue and stale items: who owns an item at each escalation level, what was
// nudged before, and the items escalated into a department's digest.

export type NudgeSubject = { goalId: number } | { keyResultId: number };

type Nudge = typeof nudges.$inferSelect;
type Team = typeof teams.$inferSelect;

export type NudgeRow = Pick<Nudge, 'goalId' | 'keyResultId' | 'level' | 'sentAt' | 'snoozed'> & {
  /** Its message was delivered: only such a nudge can have been ignored. */
  reached: boolean;
  /** Its message is still on its way (queued, being sent, or to be retried). */
  underway: boolean;
};

export type KeyResultOwners = Pick<typeof keyResults.$inferSelect, 'managerId'> & {
  objectiveManagerId: (typeof objectives.$inferSelect)['managerId'];
  /** Teams with goals linked to the key result: their managers answer for it next. */
  teamIds: Team['id'][];
};

/** A goal's team and that team's parent. */
export type GoalTeams = Pick<typeof goals.$inferSelect, 'teamId'> & {
  parentTeamId: Team['parentId'];
};

export interface Escalation {
  /** `T208612`, `G12` or `TCB-KR2`. */
  ref: string;
  /** The goal's title or the key result's text. */
  title: string;
  teamName: Team['name'] | null;
  sentAt: Nudge['sentAt'];
}

export function createNudgeStore(db: Db) {
  return {
    /** Nudges about some items since an instant, oldest first. */
    async history(
      goalIds: readonly number[],
      keyResultIds: readonly number[],
      since: Date,
    ): Promise<NudgeRow[]> {
      if (goalIds.length + keyResultIds.length === 0) return [];
      const rows = await queryRows<RawRow<NudgeRow>>(
        db,
        sql`select n.goal_id as "goalId", n.key_result_id as "keyResultId", n.level, n.sent_at as "sentAt",
                   n.snoozed, coalesce(d.state = 'sent', false) as reached,
                   coalesce(d.state in ('pending', 'sending', 'failed'), false) as underway
            from nudges n left join deliveries d on d.id = n.delivery_id
            where (n.goal_id in (${idList(goalIds)}) or n.key_result_id in (${idList(keyResultIds)}))
              and n.sent_at > ${since.toISOString()}::timestamptz
            order by n.sent_at, n.id`,
      );
      return rows.map((row) => ({ ...row, sentAt: new Date(row.sentAt) }));
    },

    /**
     * The monthly prompts and reminders on their way or sent to some people, of prompts due
     * after `since`: when each is due is the prompt's due instant plus the reminder's days.
     */
    async promptMessages(
      personIds: readonly number[],
      since: Date,
    ): Promise<{ personId: number; dueAt: Date; reminder: number }[]> {
      if (personIds.length === 0) return [];
      const rows = await queryRows<{ personId: number; dueAt: string; reminder: number }>(
        db,
        sql`select d.person_id as "personId", p.due_at as "dueAt",
                   coalesce((d.payload->>'reminder')::int, 0) as reminder
            from deliveries d join prompts p on p.id = (d.payload->>'promptId')::int
            where d.kind in ('prompt', 'reminder') and d.person_id in (${idList(personIds)})
              and d.state not in ('skipped', 'dead')
              and p.due_at > ${since.toISOString()}::timestamptz`,
      );
      return rows.map((row) => ({ ...row, dueAt: new Date(row.dueAt) }));
    },

    async record(
      rows: readonly (NudgeSubject & Pick<Nudge, 'level' | 'deliveryId' | 'sentAt' | 'snoozed'>)[],
    ): Promise<void> {
      if (rows.length) await db.insert(nudges).values([...rows]);
    },

    async keyResultOwners(keyResultIds: readonly number[]): Promise<Map<number, KeyResultOwners>> {
      if (keyResultIds.length === 0) return new Map();
      const rows = await queryRows<KeyResultOwners & { id: number }>(
        db,
        sql`select kr.id, kr.manager_id as "managerId", o.manager_id as "objectiveManagerId",
                   coalesce((select array_agg(distinct g.team_id) from goals g where g.key_result_id = kr.id), '{}') as "teamIds"
            from key_results kr join objectives o on o.id = kr.objective_id
            where kr.id in (${idList(keyResultIds)})`,
      );
      return new Map(rows.map(({ id, ...owners }) => [id, owners]));
    },

    /** Each goal's team and that team's parent. */
    async goalTeams(goalIds: readonly number[]): Promise<Map<number, GoalTeams>> {
      if (goalIds.length === 0) return new Map();
      const rows = await queryRows<GoalTeams & { id: number }>(
        db,
        sql`select g.id, g.team_id as "teamId", t.parent_id as "parentTeamId"
            from goals g join teams t on t.id = g.team_id where g.id in (${idList(goalIds)})`,
      );
      return new Map(rows.map(({ id, ...teams }) => [id, teams]));
    },

    /** Items of a department escalated into its digest (level 3) in a period, newest first. */
    async escalations(departmentId: number, from: Date, to: Date): Promise<Escalation[]> {
      const rows = await queryRows<RawRow<Escalation>>(
        db,
        sql`select distinct on (coalesce(g.id, -kr.id))
                   coalesce(coalesce(g.task_ids[1], 'G' || g.id), o.code || '-' || kr.code) as ref,
                   coalesce(g.title, kr.text) as title, t.name as "teamName", n.sent_at as "sentAt"
            from nudges n
            left join goals g on g.id = n.goal_id left join teams t on t.id = g.team_id
            left join key_results kr on kr.id = n.key_result_id left join objectives o on o.id = kr.objective_id
            where n.level = 3 and not n.snoozed
              and n.sent_at > ${from.toISOString()}::timestamptz and n.sent_at <= ${to.toISOString()}::timestamptz
              and (t.department_id = ${departmentId} or o.department_id = ${departmentId})
            order by coalesce(g.id, -kr.id), n.sent_at desc`,
      );
      return rows
        .map((row) => ({ ...row, sentAt: new Date(row.sentAt) }))
        .sort((a, b) => b.sentAt.getTime() - a.sentAt.getTime());
    },
  };
}

export type NudgeStore = ReturnType<typeof createNudgeStore>;
