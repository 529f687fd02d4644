import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { instant, queryRows, type RawRow } from '../db/rows.ts';
import { type departments, type people, prompts, type teams } from '../db/schema/index.ts';
import type { ChatTransport } from '../domain/transports.ts';
import { teamAnswered } from './team-answers.ts';

// What the monthly prompt run and the reminders need, a department at a time and in a fixed
// number of queries, so a run for a thousand teams stays a handful of statements.

type Prompt = typeof prompts.$inferSelect;
type Team = typeof teams.$inferSelect;
type Department = typeof departments.$inferSelect;

export type TeamToPrompt = Pick<Team, 'id' | 'slug' | 'name'> & {
  /** Whether the team has goals in the quarter asked about (no goals: nothing to ask). */
  hasGoals: boolean;
};

export type PromptKey = Pick<Prompt, 'teamId' | 'personId' | 'month'>;

export type AwaitingReminder = Pick<Prompt, 'personId' | 'month' | 'dueAt' | 'remindersSent'> &
  Pick<typeof people.$inferSelect, 'awayUntil' | 'deactivatedAt'> & {
    promptId: Prompt['id'];
    teamSlug: Team['slug'];
    departmentId: Team['departmentId'];
    /** The recipient's zone, else the department's: reminders come at the prompt's local hour. */
    zone: Department['timeZone'];
    /** The department's zone: the month ends there. */
    departmentZone: Department['timeZone'];
  };

/** A prompt that went to someone in another's place: to whom, for which team and month. */
export type StandInPrompt = Pick<Prompt, 'month'> &
  Pick<typeof people.$inferSelect, 'handle'> & { teamSlug: Team['slug'] };

/** How `ensure` names a prompt in the map it returns. */
export const promptKey = (k: PromptKey) => `${k.teamId}:${k.personId}:${k.month}`;

export function createPromptRunStore(db: Db) {
  return {
    /** A department's teams (not archived), each with whether it has goals in a cycle. */
    async teams(departmentId: number, cycleId: number | null): Promise<TeamToPrompt[]> {
      return queryRows<TeamToPrompt>(
        db,
        sql`select t.id, t.slug, t.name,
                   exists (select 1 from goals g where g.team_id = t.id and g.cycle_id = ${cycleId ?? -1}) as "hasGoals"
            from teams t
            where t.department_id = ${departmentId} and t.archived_at is null
            order by t.name`,
      );
    },

    /** The prompts for (team, person, month), created when new; ids by `team:person:month`. */
    async ensure(
      values: readonly (PromptKey & Pick<Prompt, 'dueAt' | 'onBehalfOfId'>)[],
    ): Promise<Map<string, number>> {
      const ids = new Map<string, number>();
      for (let start = 0; start < values.length; start += 500) {
        const chunk = values.slice(start, start + 500);
        await db.insert(prompts).values(chunk).onConflictDoNothing();
        const rows = await db
          .select({
            id: prompts.id,
            teamId: prompts.teamId,
            personId: prompts.personId,
            month: prompts.month,
          })
          .from(prompts)
          .where(
            and(
              inArray(
                prompts.teamId,
                chunk.map((v) => v.teamId),
              ),
              inArray(
                prompts.month,
                chunk.map((v) => v.month),
              ),
            ),
          );
        for (const row of rows) ids.set(promptKey(row), row.id);
      }
      return ids;
    },

    /**
     * Prompts that went out (the adapter recorded where), whose team has not answered for the
     * month (see team-answers.ts), were due after `since`, and have had fewer than
     * `maxReminders` reminders.
     */
    async awaitingReminders(since: Date, maxReminders: number): Promise<AwaitingReminder[]> {
      if (maxReminders === 0) return [];
      const rows = await queryRows<RawRow<AwaitingReminder>>(
        db,
        sql`select p.id as "promptId", t.slug as "teamSlug", t.department_id as "departmentId",
                   p.person_id as "personId", p.month, p.due_at as "dueAt",
                   p.reminders_sent as "remindersSent", coalesce(pe.time_zone, d.time_zone) as zone,
                   d.time_zone as "departmentZone", pe.away_until as "awayUntil",
                   pe.deactivated_at as "deactivatedAt"
            from prompts p join teams t on t.id = p.team_id join departments d on d.id = t.department_id
            join people pe on pe.id = p.person_id
            where p.conversation_id is not null
              and not ${teamAnswered(sql`p.team_id`, sql`p.month`, sql`d.time_zone`)}
              and p.due_at > ${since.toISOString()}::timestamptz and p.reminders_sent < ${maxReminders}
            order by p.id`,
      );
      return rows.map((row) => ({
        ...row,
        dueAt: new Date(row.dueAt),
        awayUntil: instant(row.awayUntil),
        deactivatedAt: instant(row.deactivatedAt),
      }));
    },

    /** The prompt of (team, person, month), if one was made. */
    async find(k: PromptKey): Promise<Pick<Prompt, 'id' | 'answeredAt' | 'dueAt'> | undefined> {
      const [row] = await db
        .select({ id: prompts.id, answeredAt: prompts.answeredAt, dueAt: prompts.dueAt })
        .from(prompts)
        .where(
          and(
            eq(prompts.teamId, k.teamId),
            eq(prompts.personId, k.personId),
            eq(prompts.month, k.month),
          ),
        );
      return row;
    },

    /** Prompts that went to others in a person's place (they were away). */
    async onBehalfOf(personId: number): Promise<StandInPrompt[]> {
      return queryRows<StandInPrompt>(
        db,
        sql`select t.slug as "teamSlug", pe.handle, p.month
            from prompts p join teams t on t.id = p.team_id join people pe on pe.id = p.person_id
            where p.on_behalf_of_id = ${personId} order by p.month desc`,
      );
    },

    /**
     * Where a prompt went, unless its adapter recorded that already (with the ids its replies
     * are matched by): replies in its conversation find it by this.
     */
    async deliveredUnlessKnown(
      promptId: number,
      transport: ChatTransport,
      conversationId: string,
      messageId: string,
    ): Promise<void> {
      await db
        .update(prompts)
        .set({ transport, conversationId, messageId })
        .where(and(eq(prompts.id, promptId), isNull(prompts.conversationId)));
    },

    /** Counts a reminder that went out (kept when a later one already counted). */
    async reminded(promptId: number, reminder: number): Promise<void> {
      await db
        .update(prompts)
        .set({ remindersSent: sql`greatest(${prompts.remindersSent}, ${reminder})` })
        .where(eq(prompts.id, promptId));
    },
  };
}

export type PromptRunStore = ReturnType<typeof createPromptRunStore>;
