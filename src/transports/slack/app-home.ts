import type { types } from '@slack/bolt';
import type { Actor, CommandContext, Services } from '../../core/command.ts';
import { dayIn, monthName } from '../../domain/fiscal-calendar.ts';
import { assess } from '../../domain/overdue.ts';
import { goalRef } from '../../domain/refs.ts';
import { findingItem } from '../../features/findings.ts';
import { teamQuarter } from '../../features/lookups.ts';
import type { PromptDeps } from '../../features/prompt-content.ts';
import { formatNumber, statusSummary } from '../../reply/format.ts';
import { ACTION } from './interactive-blocks.ts';
import { lineMrkdwn, type SlackBlock, statusBadge } from './render-blocks.ts';
import { escapeMrkdwn, splitMrkdwn, truncate } from './slack-text.ts';

// The App Home tab: a person's teams and key results with their status, what they owe this
// month (unanswered prompts, overdue and stale items), and buttons that open the update forms.

export type HomeDeps = PromptDeps & Pick<Services, 'tracking' | 'teams'>;

// A home view holds at most 100 blocks.
const MAX_BLOCKS = 100;

const section = (text: string, accessory?: types.Button): SlackBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, 3000) },
  ...(accessory ? { accessory } : {}),
});

const button = (actionId: string, value: string, text: string): types.Button => ({
  type: 'button',
  action_id: actionId,
  value,
  text: { type: 'plain_text', text },
});

export async function homeView(
  actor: Actor,
  ctx: CommandContext,
  deps: HomeDeps,
): Promise<types.HomeView> {
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Your goals and key results' } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `As of ${dayIn(ctx.now, ctx.timeZone)} · \`/okr help\` lists every command · \`/okr status <team>\` shows any team`,
        },
      ],
    },
  ];
  const { person } = actor;
  if (!person) {
    blocks.push(
      section(
        'Your Slack account is not linked to a person in okrbot yet, so there is nothing of yours to show. An admin can link it with `/okr person link <handle> slack <your user id>`; people whose email is in the quarter files are linked automatically.',
      ),
    );
    return { type: 'home', blocks };
  }
  const roles = await deps.people.roles(person.id);
  const teamSlugs = [...new Set(roles.map((r) => r.teamSlug))];
  const teams = (await Promise.all(teamSlugs.map((slug) => deps.teams.find(slug)))).filter(
    (team) => team !== undefined,
  );
  const [prompts, keyResults] = await Promise.all([
    deps.prompts.openFor(person.id),
    deps.keyResults.managedBy(person.id, ctx.now),
  ]);

  // What they owe: unanswered prompts, then what is overdue or stale in their teams.
  const owed: string[] = [];
  const teamNames = new Map(teams.map((t) => [t.id, t.name]));
  for (const prompt of prompts)
    owed.push(
      `• The monthly update of *${escapeMrkdwn(teamNames.get(prompt.teamId) ?? 'a team')}* for ${monthName(prompt.month)}`,
    );
  // Their teams' goals, and every key result they manage wherever its goals are (a key-result
  // manager is often in none of the teams working on it).
  const [teamItems, managed] = await Promise.all([
    teams.length
      ? deps.tracking.items(
          {
            departmentIds: [...new Set(teams.map((t) => t.departmentId))],
            teamIds: teams.map((t) => t.id),
          },
          ctx.now,
        )
      : undefined,
    deps.tracking.items(
      {
        departmentIds: (await deps.teams.departments()).map((d) => d.id),
        keyResultsOnly: true,
        managerId: person.id,
      },
      ctx.now,
    ),
  ]);
  for (const item of [...(teamItems?.goals ?? []), ...managed.keyResults])
    for (const finding of assess(item, ctx.now, ctx.rules))
      if (!finding.snoozed)
        owed.push(`• ${lineMrkdwn(findingItem(item, finding, ctx.timeZone).content)}`);
  // Their answers to the monthly prompts over the last six months, themselves included.
  const [year = 0, month = 1] = dayIn(ctx.now, ctx.timeZone).split('-').map(Number);
  const first = year * 12 + month - 1 - 5;
  const since = `${Math.floor(first / 12)}-${String((first % 12) + 1).padStart(2, '0')}`;
  const { asked, answered } = await deps.prompts.participation(person.id, since);
  blocks.push(section('*What you owe*'));
  for (const text of splitMrkdwn(
    owed.length ? owed.join('\n') : 'Nothing: you are up to date. :tada:',
    3000,
  ).slice(0, 3))
    blocks.push(section(text));

  blocks.push(
    section(
      asked
        ? `*Your monthly updates* since ${monthName(since)}: ${answered} of ${asked} answered.`
        : `*Your monthly updates*: okrbot has not asked you for one since ${monthName(since)}.`,
    ),
  );

  for (const team of teams) {
    const role = roles
      .filter((r) => r.teamSlug === team.slug)
      .map((r) => r.role)
      .join(', ');
    const quarter = await teamQuarter(team, ctx, deps);
    const top = (quarter?.goals ?? []).filter((g) => g.parentId === null);
    blocks.push(
      { type: 'divider' },
      section(
        `*${escapeMrkdwn(team.name)}* (${role})${quarter ? ` — ${quarter.cycleLabel} · ${statusSummary(top.map((g) => g.status))}` : ' — no goals yet'}`,
        button(ACTION.openUpdate, String(team.id), 'Update'),
      ),
    );
    const lines = top.map(
      (g) => `${statusBadge(g.status)}  ${escapeMrkdwn(g.title)} · ${goalRef(g)}`,
    );
    for (const text of splitMrkdwn(lines.join('\n'), 3000)) blocks.push(section(text));
  }

  if (keyResults.length) {
    blocks.push({ type: 'divider' }, section('*Key results you manage*'));
    for (const kr of keyResults) {
      const unit = kr.unit ? ` ${kr.unit}` : '';
      const measure =
        kr.value === null
          ? 'no value yet'
          : `${formatNumber(kr.value)}${unit}${kr.target === null ? '' : ` of ${formatNumber(kr.target)}${unit}`}`;
      blocks.push(
        section(
          `*${kr.objectiveCode}-${kr.code}* ${escapeMrkdwn(kr.text)}\n${statusBadge(kr.status)} · ${measure}`,
          button(ACTION.openKeyResult, String(kr.id), 'Update'),
        ),
      );
    }
  }
  if (blocks.length > MAX_BLOCKS) {
    blocks.length = MAX_BLOCKS - 1;
    blocks.push(section('_More than fits here: `/okr status` shows the rest._'));
  }
  return { type: 'home', blocks };
}
