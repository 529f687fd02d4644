import type { CommandContext } from '../core/command.ts';
import { cycleAt, dayIn, formatCycle } from '../domain/fiscal-calendar.ts';
import { excerpt, suggest } from '../domain/text.ts';
import { code, commandCode, errorReply, type Reply } from '../reply/document.ts';
import type { CycleStore } from '../store/cycles.ts';
import type { GoalRow, GoalStore } from '../store/goals.ts';
import type { PeopleStore } from '../store/people.ts';
import type { TeamRow, TeamStore } from '../store/teams.ts';

/** A team by what the user typed, or an error reply that suggests close names. */
export async function findTeamOrExplain(
  name: string,
  teams: TeamStore,
  what = 'team',
): Promise<{ team: TeamRow } | { reply: Reply }> {
  const team = await teams.find(name);
  if (team) return { team };
  // Match on slugs and names alike, but offer each team once, by its slug.
  const all = await teams.list();
  const slugOf = new Map(
    all.flatMap((t) => [[t.slug, t.slug] as const, [t.name, t.slug] as const]),
  );
  const close = [
    ...new Set(suggest(name, slugOf.keys(), 6).map((match) => slugOf.get(match) as string)),
  ].slice(0, 3);
  if (close.length === 0) {
    return {
      reply: errorReply(
        `No ${what} "${excerpt(name, 60)}". Type `,
        commandCode('help status'),
        ' to see what you can ask for.',
      ),
    };
  }
  const options = close.flatMap((c, i) => [
    i === 0 ? '' : i === close.length - 1 ? ' or ' : ', ',
    code(c),
  ]);
  return { reply: errorReply(`No ${what} "${excerpt(name, 60)}". Did you mean `, ...options, '?') };
}

export interface TeamQuarter {
  cycleLabel: string;
  goals: GoalRow[];
  /** Set when the current quarter had no goals and another one is shown instead. */
  fallback?: { currentLabel: string; upcoming: boolean };
}

/**
 * The quarter to show for a team: the current one in the department's zone, or, when it has
 * no goals there, the most recent quarter that has (else the nearest one to come).
 */
export async function teamQuarter(
  team: TeamRow,
  context: Pick<CommandContext, 'now' | 'fiscal'>,
  deps: { cycles: CycleStore; goals: GoalStore },
): Promise<TeamQuarter | undefined> {
  const current = cycleAt(context.now, context.fiscal, team.timeZone);
  const currentLabel = formatCycle(current, context.fiscal);
  const row = await deps.cycles.find(current);
  if (row) {
    const goals = await deps.goals.ofTeam(team.id, row.id, context.now);
    if (goals.length > 0) return { cycleLabel: row.label, goals };
  }
  const today = dayIn(context.now, team.timeZone);
  const withGoals = await deps.cycles.withGoals(team.id);
  const chosen = withGoals.find((c) => c.startsOn <= today) ?? withGoals.at(-1);
  if (!chosen) return undefined;
  return {
    cycleLabel: chosen.label,
    goals: await deps.goals.ofTeam(team.id, chosen.id, context.now),
    fallback: { currentLabel, upcoming: chosen.startsOn > today },
  };
}

/** "No goals for FY2020-21 Q2; showing FY2019-20 Q1, the most recent quarter with goals." */
export function fallbackNote(quarter: TeamQuarter): string | undefined {
  if (!quarter.fallback) return undefined;
  const which = quarter.fallback.upcoming
    ? 'the next quarter with goals'
    : 'the most recent quarter with goals';
  return `No goals for ${quarter.fallback.currentLabel}; showing ${quarter.cycleLabel}, ${which}.`;
}

/**
 * The team a command's text starts with (`note release engineering hiring done` → Release
 * Engineering, "hiring done"), trying the longest name first; undefined when it names none.
 */
export async function teamAtStart(
  text: string,
  teams: TeamStore,
): Promise<{ team: TeamRow; rest: string } | undefined> {
  const words = [...text.matchAll(/\S+/g)];
  for (let count = Math.min(3, words.length); count >= 1; count--) {
    const name = words.slice(0, count).map((word) => word[0]);
    // A word without a letter or digit ("';") starts the rest: names are matched without
    // punctuation, and it must not vanish into one.
    if (name.some((word) => !/[\p{L}\p{N}]/u.test(word))) continue;
    const team = await teams.find(name.join(' '));
    const last = words[count - 1] as RegExpExecArray;
    // The rest as typed: its spacing and line breaks are part of a note.
    if (team) return { team, rest: text.slice(last.index + last[0].length).trim() };
  }
  return undefined;
}

/** The actor's own team when they have exactly one, for commands whose team is optional. */
export async function ownTeam(
  context: CommandContext,
  deps: { people: PeopleStore; teams: TeamStore },
): Promise<TeamRow | undefined> {
  if (!context.actor.person) return undefined;
  const slugs = [
    ...new Set((await deps.people.roles(context.actor.person.id)).map((role) => role.teamSlug)),
  ];
  return slugs.length === 1 ? deps.teams.find(slugs[0] as string) : undefined;
}

export type Department = Awaited<ReturnType<TeamStore['departments']>>[number];

/**
 * What `overdue` and `digest` look at: a team, a department, the actor's own team, or every
 * department; an error reply when the name fits none.
 */
export async function scopeOf(
  text: string,
  context: CommandContext,
  deps: { teams: TeamStore; people: PeopleStore },
): Promise<{ departments: Department[]; team?: TeamRow } | { reply: Reply }> {
  const all = await deps.teams.departments();
  if (text) {
    const department = await deps.teams.findDepartment(text);
    if (department) return { departments: [department] };
    const found = await findTeamOrExplain(text, deps.teams, 'team or department');
    if ('reply' in found) return found;
    return { departments: all.filter((d) => d.id === found.team.departmentId), team: found.team };
  }
  const own = await ownTeam(context, deps);
  if (own) return { departments: all.filter((d) => d.id === own.departmentId), team: own };
  return { departments: all };
}
