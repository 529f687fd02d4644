import {
  type Actor,
  type CommandContext,
  defineCommand,
  type Services,
} from '../src/core/command.ts';
import { dayIn } from '../src/domain/fiscal-calendar.ts';
import { parseRef } from '../src/domain/refs.ts';
import { paths, publicLink } from '../src/features/dashboard-paths.ts';
import { type GoalNode, goalTree, groupByHeading } from '../src/features/goal-tree.ts';
import { fallbackNote, findTeamOrExplain, teamQuarter } from '../src/features/lookups.ts';
import { showItem } from '../src/features/show-item.ts';
import {
  badge,
  code,
  context,
  date,
  heading,
  type Line,
  type ListItem,
  link,
  list,
  paragraph,
  type Reply,
  reply,
  strong,
} from '../src/reply/document.ts';
import { formatAge, statusSummary } from '../src/reply/format.ts';
import type { TeamRow } from '../src/store/teams.ts';

type Deps = Pick<Services, 'teams' | 'cycles' | 'goals' | 'reports' | 'people' | 'keyResults'>;

export const statusCommand = defineCommand<Deps>({
  name: 'status',
  summary: "A team's goals for the current quarter with their status, or one item with its history",
  usage: 'status [team | T123456 | G12 | OBJ-KR1]',
  examples: [
    {
      input: 'status analytics',
      result: '[In progress] Release Mediawiki History in JSON/CSV or mysql dump format',
    },
    { input: 'status T208612', result: 'Status: [In progress] (updated 2019-08-01)' },
    { input: 'status TCB-KR2', result: 'Baseline: 1974 tool maintainers' },
    // Nuria Ruiz asks: her own team.
    { input: 'status', result: 'Analytics — FY2019-20 Q1' },
  ],
  readOnly: true,
  async run({ text }, ctx, deps) {
    if (!text) return statusOfOwnTeams(ctx.actor, ctx, deps);
    const ref = parseRef(text);
    if (ref) return showItem(ref, ctx, deps);
    const found = await findTeamOrExplain(text, deps.teams, 'team or item');
    if ('reply' in found) return found.reply;
    return teamStatus(found.team, ctx, deps);
  },
});

async function statusOfOwnTeams(actor: Actor, ctx: CommandContext, deps: Deps): Promise<Reply> {
  const roles = actor.person ? await deps.people.roles(actor.person.id) : [];
  const slugs = [...new Set(roles.map((role) => role.teamSlug))];
  if (slugs.length === 0) {
    const names = (await deps.teams.list()).map((team) => team.slug);
    return reply(
      paragraph(
        'Which team? For example ',
        code('status analytics'),
        ', or a goal such as ',
        code('status T208612'),
        '.',
      ),
      paragraph('Teams: ', names.join(', ')),
    );
  }
  const replies = [];
  for (const slug of slugs) {
    const team = await deps.teams.find(slug);
    if (team) replies.push(await teamStatus(team, ctx, deps));
  }
  return reply(...replies.flatMap((r) => r.blocks));
}

async function teamStatus(team: TeamRow, ctx: CommandContext, deps: Deps): Promise<Reply> {
  const zone = team.timeZone;
  const [quarter, managers, subTeams, [lastReport]] = await Promise.all([
    teamQuarter(team, ctx, deps),
    deps.people.members([team.id], 'manager'),
    deps.teams.subTeams(team.id),
    deps.reports.latest(team.id, dayIn(ctx.now, zone)),
  ]);
  const about: Line = [`${team.departmentName}`];
  const names = managers.get(team.id)?.map((m) => m.name) ?? [];
  if (names.length)
    about.push(` · ${names.length === 1 ? 'Manager' : 'Managers'}: ${names.join(', ')}`);
  about.push(' · as of ', date(ctx.now, zone));
  if (!quarter) {
    return reply(
      heading(team.name),
      context(...about),
      paragraph(`${team.name} has no goals yet.`),
      ...subTeamsBlock(subTeams),
    );
  }
  const blocks = [heading(`${team.name} — ${quarter.cycleLabel}`), context(...about)];
  const note = fallbackNote(quarter);
  if (note) blocks.push(paragraph(note));
  blocks.push(
    paragraph(statusSummary(quarter.goals.filter((g) => g.parentId === null).map((g) => g.status))),
  );
  for (const group of groupByHeading(goalTree(quarter.goals))) {
    if (group.heading) blocks.push(paragraph(strong(group.heading)));
    blocks.push(list(group.nodes.map((node) => goalItem(node, ctx.now, zone))));
  }
  if (lastReport) {
    const when = lastReport.reportedOn ?? lastReport.month;
    blocks.push(
      paragraph(strong(`Last monthly note: ${when}`), ' ', badge(lastReport.status)),
      ...(lastReport.notes.length
        ? [list(lastReport.notes.map((note) => ({ content: [note] })))]
        : []),
    );
  }
  blocks.push(...subTeamsBlock(subTeams));
  if (ctx.publicUrl)
    blocks.push(
      context(
        link(
          publicLink(ctx.publicUrl, paths.team(team.slug, quarter.cycleLabel)),
          `${team.name} on the dashboard`,
        ),
      ),
    );
  return reply(...blocks);
}

function subTeamsBlock(subTeams: { slug: string }[]) {
  return subTeams.length ? [context('Sub-teams: ', subTeams.map((t) => t.slug).join(', '))] : [];
}

function goalItem(node: GoalNode, now: Date, zone: string): ListItem {
  const { goal } = node;
  const content: Line = [badge(goal.status), ' ', goal.title];
  if (goal.stretch) content.push(' (stretch)');
  if (goal.taskIds.length) content.push(' · ', goal.taskIds.join(', '));
  if (goal.keyResultCode) content.push(` · for ${goal.keyResultCode}`);
  if (goal.statusAt)
    content.push(
      ` · updated ${dayIn(goal.statusAt, zone)} (${formatAge(goal.statusAt, now, zone)})`,
    );
  if (goal.lastNote && goal.lastNoteAt)
    content.push(` · note ${dayIn(goal.lastNoteAt, zone)}: ${goal.lastNote}`);
  if (goal.dependsOn.length && goal.parentId === null)
    content.push(` · depends on ${goal.dependsOn.join(', ')}`);
  return { content, children: node.children.map((child) => goalItem(child, now, zone)) };
}
