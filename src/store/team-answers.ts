import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { idList, queryRows, type RawRow } from '../db/rows.ts';
import type { changeSource } from '../db/schema/enums.ts';

// One meaning of "the team answered this month", wherever it is asked (reminders, the outbox
// before a reminder leaves, the digest's "Teams without a report", `deliveries why`): any status,
// value or report note recorded that month for the team's goals or key results by one of its
// managers or delegates, through any transport, form, command or App Home; a monthly report
// note from an import or the wiki page (the team's own report, whoever typed it); or a reply
// that answered one of the month's prompts. "All on track" and "nothing changed" record a
// report note, so they count too. Statuses an import dates in the month are the page's state,
// not an answer: they do not count unless a manager or delegate is their author.

export type AnswerKind = 'status' | 'value' | 'note' | 'reply';

export interface TeamAnswer {
  at: Date;
  kind: AnswerKind;
  /** The goal's or key result's ref for statuses and values. */
  ref: string | null;
  source: (typeof changeSource.enumValues)[number] | null;
  personName: string | null;
}

/** Where month `month` (a `YYYY-MM` expression) starts, and the next one, in `zone`. */
const monthStart = (month: SQL, zone: SQL) =>
  sql`((${month} || '-01')::timestamp at time zone ${zone})`;
const monthEnd = (month: SQL, zone: SQL) =>
  sql`((((${month} || '-01')::date + interval '1 month')::timestamp) at time zone ${zone})`;

/**
 * Every answer of `team` for `month` (the month taken in `zone`), up to `upTo` when given: rows
 * of (at, kind, ref, source, person_id). The arguments are SQL expressions, so it works per row
 * of an outer query as well as for one team; its aliases start with `ta` so that they never
 * capture the outer query's columns.
 */
function answers(team: SQL, month: SQL, zone: SQL, upTo?: SQL): SQL {
  const from = monthStart(month, zone);
  const to = upTo ? sql`least(${monthEnd(month, zone)}, ${upTo})` : monthEnd(month, zone);
  const inMonth = (at: SQL) => sql`${at} >= ${from} and ${at} < ${to}`;
  const byTeam = (alias: SQL) =>
    sql`${alias}.person_id in (select tatr.person_id from team_roles tatr where tatr.team_id = ${team})`;
  const teamKeyResults = sql`(select tak.key_result_id from goals tak where tak.team_id = ${team} and tak.key_result_id is not null)`;
  return sql`
    select tase.at, 'status' as kind, coalesce(tag.task_ids[1], 'G' || tag.id) as ref, tase.source::text as source, tase.person_id
      from status_entries tase join goals tag on tag.id = tase.goal_id
      where tag.team_id = ${team} and ${inMonth(sql`tase.at`)} and ${byTeam(sql`tase`)}
    union all
    select tase.at, 'status', tao.code || '-' || takr.code, tase.source::text, tase.person_id
      from status_entries tase join key_results takr on takr.id = tase.key_result_id join objectives tao on tao.id = takr.objective_id
      where tase.key_result_id in ${teamKeyResults} and ${inMonth(sql`tase.at`)} and ${byTeam(sql`tase`)}
    union all
    select tamv.at, 'value', tao.code || '-' || takr.code, tamv.source::text, tamv.person_id
      from metric_values tamv join key_results takr on takr.id = tamv.key_result_id join objectives tao on tao.id = takr.objective_id
      where tamv.key_result_id in ${teamKeyResults} and ${inMonth(sql`tamv.at`)} and ${byTeam(sql`tamv`)}
    union all
    select tan.at, 'note', null, tan.source::text, tan.person_id
      from report_notes tan join status_reports tar on tar.id = tan.report_id
      where tar.team_id = ${team} and ${inMonth(sql`tan.at`)}
        and (${byTeam(sql`tan`)} or tan.source in ('import', 'wiki'))
    union all
    select tap.answered_at, 'reply', null, tap.transport::text, tap.person_id
      from prompts tap
      where tap.team_id = ${team} and tap.month = ${month} and tap.answered_at is not null
        ${upTo ? sql`and tap.answered_at <= ${upTo}` : sql``}`;
}

/** `exists (...)`: whether `team` answered for `month` (see `answers`). */
export function teamAnswered(team: SQL, month: SQL, zone: SQL, upTo?: SQL): SQL {
  return sql`exists (${answers(team, month, zone, upTo)})`;
}

/** A team's month: its first answer, if any, and how many reminders its prompts took. */
export interface Participation {
  teamName: string;
  teamSlug: string;
  month: string;
  /** Whether anyone of the team was sent the month's prompt. */
  prompted: boolean;
  answer: TeamAnswer | undefined;
  reminders: number;
}

export function createTeamAnswerStore(db: Db) {
  /** The team's first answer for the month (`YYYY-MM` in `zone`), if it answered. */
  const first = async (
    teamId: number,
    month: string,
    zone: string,
  ): Promise<TeamAnswer | undefined> => {
    const [row] = await queryRows<RawRow<TeamAnswer>>(
      db,
      sql`select a.at, a.kind, a.ref, a.source, p.name as "personName"
          from (${answers(sql`${teamId}::int`, sql`${month}::text`, sql`${zone}::text`)}) a
          left join people p on p.id = a.person_id
          order by a.at, a.kind limit 1`,
    );
    return row && { ...row, at: new Date(row.at) };
  };
  return {
    first,

    /** Every team of a department (not archived) for each month (`YYYY-MM`), by team name. */
    async participation(departmentId: number, months: readonly string[]): Promise<Participation[]> {
      if (months.length === 0) return [];
      const rows = await queryRows<
        RawRow<Omit<Participation, 'answer'> & Partial<TeamAnswer> & { at: string | null }>
      >(
        db,
        sql`select t.name as "teamName", t.slug as "teamSlug", m.month,
                   exists (select 1 from prompts p where p.team_id = t.id and p.month = m.month) as prompted,
                   coalesce((select max(p.reminders_sent) from prompts p where p.team_id = t.id and p.month = m.month), 0)::int as reminders,
                   a.at, a.kind, a.ref, a.source, pe.name as "personName"
            from teams t join departments d on d.id = t.department_id
            cross join (values ${sql.join(
              months.map((month) => sql`(${month}::text)`),
              sql`, `,
            )}) as m(month)
            left join lateral (select x.* from (${answers(sql`t.id`, sql`m.month`, sql`d.time_zone`)}) x
                               order by x.at, x.kind limit 1) a on true
            left join people pe on pe.id = a.person_id
            where t.department_id = ${departmentId} and t.archived_at is null
            order by t.name, m.month`,
      );
      return rows.map(({ at, kind, ref, source, personName, ...row }) => ({
        ...row,
        answer:
          at && kind
            ? {
                at: new Date(at),
                kind,
                ref: ref ?? null,
                source: source ?? null,
                personName: personName ?? null,
              }
            : undefined,
      }));
    },

    /** Which of some teams answered for the month (`YYYY-MM` in `zone`). */
    async answered(teamIds: readonly number[], month: string, zone: string): Promise<Set<number>> {
      if (teamIds.length === 0) return new Set();
      const rows = await queryRows<{ id: number }>(
        db,
        sql`select t.id from teams t where t.id in (${idList(teamIds)})
              and ${teamAnswered(sql`t.id`, sql`${month}::text`, sql`${zone}::text`)}`,
      );
      return new Set(rows.map((row) => row.id));
    },

    /** The first answer of a prompt's team for the prompt's month (the department's zone). */
    async forPrompt(promptId: number): Promise<TeamAnswer | undefined> {
      const [row] = await queryRows<{ teamId: number; month: string; zone: string }>(
        db,
        sql`select p.team_id as "teamId", p.month, d.time_zone as zone
            from prompts p join teams t on t.id = p.team_id join departments d on d.id = t.department_id
            where p.id = ${promptId}`,
      );
      return row && first(row.teamId, row.month, row.zone);
    },
  };
}

export type TeamAnswerStore = ReturnType<typeof createTeamAnswerStore>;
