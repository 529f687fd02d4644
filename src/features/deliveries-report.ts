import type { Services } from '../core/command.ts';
import {
  dayIn,
  monthName,
  nextMonth,
  previousMonth,
  startOfDayIn,
} from '../domain/fiscal-calendar.ts';
import { formatRunKey, promptDeliveryKey, reminderKey } from '../domain/keys.ts';
import { daysLater, promptInstant } from '../domain/schedules.ts';
import { CHAT_TRANSPORT_NAMES } from '../domain/transports.ts';
import {
  type Block,
  code,
  context,
  heading,
  type Line,
  list,
  paragraph,
  type Reply,
  reply,
  strong,
} from '../reply/document.ts';
import { formatMoment, plural } from '../reply/format.ts';
import type { DeliveryRow, DeliveryState } from '../store/outbox/index.ts';
import type { PersonRow } from '../store/people.ts';
import type { TeamAnswer } from '../store/team-answers.ts';
import type { TeamRow } from '../store/teams.ts';

// "Why was I not reminded?": what okrbot sent, skipped or failed to send to a person, and for
// the monthly prompts of the teams they manage, what happened or will happen and why. Shared by
// `okrbot deliveries --why` and the `deliveries` chat command.

export type DeliveriesDeps = Pick<
  Services,
  'people' | 'teams' | 'outbox' | 'schedules' | 'promptRuns' | 'deliveryStats' | 'teamAnswers'
>;

const TIMELINE = 25;

/**
 * One delivery's state in words. The outbox keeps the database's real time, even when the
 * bot's clock is pinned (OKRBOT_NOW), so waits are judged against the real time too.
 */
export function describeDelivery(d: DeliveryRow, zone: string): string {
  const note = d.note ? ` (${d.note})` : '';
  switch (d.state) {
    case 'sent':
      return `sent ${d.sentAt ? formatMoment(d.sentAt, zone) : ''} on ${d.transport} (message ${d.sentMessageId})${note}`;
    case 'pending':
      // Queued to wait (an away manager's return), not merely queued a moment ago.
      return d.notBefore.getTime() > Math.max(Date.now(), d.createdAt.getTime() + 1000)
        ? `waiting until ${formatMoment(d.notBefore, zone)}${note}`
        : `queued on ${d.transport}, not sent yet${note}`;
    case 'sending':
      return `being sent on ${d.transport} (attempt ${d.attempts})`;
    case 'failed':
      return `failed ${plural(d.attempts, 'time')} (${d.lastError}); next try ${formatMoment(d.notBefore, zone)}`;
    case 'dead':
      return `not delivered: ${d.lastError} (given up after ${plural(d.attempts, 'attempt')})`;
    case 'skipped':
      return `skipped: ${d.skipReason}`;
  }
}

export async function explainPerson(
  person: PersonRow,
  now: Date,
  defaultZone: string,
  deps: DeliveriesDeps,
): Promise<Reply> {
  const [roles, accounts, behalf] = await Promise.all([
    deps.people.roles(person.id),
    deps.people.identities(person.id),
    deps.promptRuns.onBehalfOf(person.id),
  ]);
  const zone = person.timeZone ?? defaultZone;
  const blocks: Block[] = [heading(`Deliveries for ${person.name} (${person.handle})`)];
  const facts: string[] = [
    accounts.length
      ? `Chat accounts: ${accounts.map((a) => `${a.transport} ${a.externalId}`).join(', ')}.`
      : 'No chat account: nothing reaches them until an admin links one with `person link`.',
  ];
  if (person.deactivatedAt) facts.push('Deactivated: okrbot writes to them no more.');
  else if (person.awayUntil && person.awayUntil > now)
    facts.push(
      `Away until ${formatMoment(person.awayUntil, zone)}: their teams' delegates get the prompts meanwhile.`,
    );
  const managed = roles.filter((r) => r.role === 'manager');
  const delegating = roles.filter((r) => r.role === 'delegate');
  facts.push(
    managed.length
      ? `Manager of ${managed.map((r) => r.teamName).join(', ')}.`
      : 'Manages no team, so no monthly prompt of their own.',
  );
  if (delegating.length)
    facts.push(
      `Delegate of ${delegating.map((r) => r.teamName).join(', ')}: gets its prompt while its managers are away.`,
    );
  blocks.push(paragraph(facts.join(' ')));

  const teams = (await Promise.all(managed.map((r) => deps.teams.find(r.teamSlug)))).filter(
    (t): t is TeamRow => t !== undefined,
  );
  if (teams.length) {
    const schedules = await deps.schedules.effective([
      ...new Set(teams.map((t) => t.departmentId)),
    ]);
    const items: { content: Line }[] = [];
    for (const team of teams) {
      const promptZone = person.timeZone ?? team.timeZone;
      const schedule = schedules.get(team.departmentId)?.prompt;
      if (!schedule) continue;
      const thisMonth = dayIn(now, promptZone).slice(0, 7);
      for (const month of [previousMonth(thisMonth), thisMonth]) {
        const story = schedule.enabled
          ? await promptStory(person, team, month, promptZone, schedule, now, deps)
          : `${team.departmentName}'s monthly prompt is switched off (\`schedule ${team.departmentSlug} prompt on\`).`;
        items.push({ content: [strong(`${team.name}, ${monthName(month)}`), `: ${story}`] });
      }
    }
    blocks.push(
      paragraph(strong('Monthly prompts')),
      context(
        `times in ${person.timeZone ? 'their own zone' : "the department's zone"}, where prompts come at the local hour`,
      ),
      list(items),
    );
  }

  const timeline = await deps.outbox.forPerson(
    person.id,
    behalf.map((b) => promptDeliveryKey(b.teamSlug, b.handle, b.month)),
    TIMELINE,
  );
  blocks.push(
    paragraph(
      strong(
        `Latest deliveries (${timeline.length === TIMELINE ? `last ${TIMELINE}` : timeline.length})`,
      ),
    ),
  );
  blocks.push(
    timeline.length
      ? list(
          timeline.map((d) => ({
            content: [
              `${formatMoment(d.createdAt, zone)} `,
              code(d.key),
              d.personId === person.id ? '' : ' (to a delegate, in their place)',
              `: ${describeDelivery(d, zone)}`,
            ],
          })),
        )
      : paragraph('Nothing was ever sent to them or skipped for them.'),
  );
  return reply(...blocks);
}

/** What happened, or will, to one month's prompt of one team for a manager, and why. */
async function promptStory(
  person: PersonRow,
  team: TeamRow,
  month: string,
  zone: string,
  schedule: { settings: { day: number; time: string; reminders: number[] } },
  now: Date,
  deps: DeliveriesDeps,
): Promise<string> {
  const due = promptInstant(month, schedule.settings, zone);
  const delivery = await deps.outbox.byKey(promptDeliveryKey(team.slug, person.handle, month));
  if (!delivery) {
    if (due > now) return `due ${formatMoment(due, zone)}.`;
    const key = formatRunKey({
      kind: 'prompt',
      department: team.departmentSlug,
      zone,
      manual: false,
    });
    const run = (await deps.schedules.runs([key], 50)).find(
      (r) => r.dueAt.getTime() === due.getTime(),
    );
    if (!run)
      return `due ${formatMoment(due, zone)}, but no prompt run was recorded then: no okrbot instance ran the schedules (they run when ${CHAT_TRANSPORT_NAMES} is configured, or with OKRBOT_SCHEDULER=on).`;
    if (run.state === 'skipped')
      return `the prompt run due ${formatMoment(due, zone)} was skipped: ${run.detail}.`;
    if (run.state === 'running' || run.state === 'failed')
      return `the prompt run due ${formatMoment(due, zone)} is ${run.state}${run.detail ? `: ${run.detail}` : ''}.`;
    return `the prompt run at ${formatMoment(due, zone)} (${run.detail}) had nothing for them: they were not a manager of ${team.name} in that zone then.`;
  }
  const parts = [`prompt ${describeDelivery(delivery, zone)}.`];
  if (delivery.state !== 'sent') return parts.join(' ');
  const prompt = await deps.promptRuns.find({ teamId: team.id, personId: person.id, month });
  if (!prompt) return parts.join(' ');
  const answer = await deps.teamAnswers.first(team.id, month, team.timeZone);
  if (answer) {
    parts.push(`${describeAnswer(answer, team, zone)}, so no more reminders.`);
    return parts.join(' ');
  }
  const monthEnd = startOfDayIn(nextMonth(month), team.timeZone);
  for (const [i, days] of schedule.settings.reminders.entries()) {
    const reminder = await deps.outbox.byKey(reminderKey(prompt.id, i + 1));
    const at = daysLater(prompt.dueAt, days, zone);
    if (reminder) parts.push(`Reminder ${i + 1} ${describeDelivery(reminder, zone)}.`);
    else if (at >= monthEnd)
      parts.push(`No reminder ${i + 1}: it would fall after the month's end.`);
    else if (at > now)
      parts.push(`Reminder ${i + 1} due ${formatMoment(at, zone)} if still unanswered.`);
    else
      parts.push(
        `Reminder ${i + 1} was due ${formatMoment(at, zone)} and has not been queued yet.`,
      );
  }
  if (now >= monthEnd)
    parts.push('The month ended unanswered: the report is late, and the digest names the team.');
  return parts.join(' ');
}

/** "Answered 2026-11-22 11:00 UTC on slack by Ana Berlin (a status of T208612)". */
function describeAnswer(answer: TeamAnswer, team: TeamRow, zone: string): string {
  const what = {
    status: `a status of ${answer.ref}`,
    value: `a value of ${answer.ref}`,
    note: `a note in ${team.name}'s report`,
    reply: 'a reply to the prompt',
  }[answer.kind];
  return [
    `Answered ${formatMoment(answer.at, zone)}`,
    answer.source ? ` ${SOURCE_WORDS[answer.source] ?? `on ${answer.source}`}` : '',
    answer.personName ? ` by ${answer.personName}` : '',
    ` (${what})`,
  ].join('');
}

/** How a source reads after "Answered <when>". */
const SOURCE_WORDS: Partial<Record<NonNullable<TeamAnswer['source']>, string>> = {
  import: 'in an import',
  wiki: 'on the wiki page',
  web: 'on the dashboard',
  system: 'by okrbot',
};

/** Counts by state, the latest problems and the latest schedule runs. */
export async function deliveriesOverview(zone: string, deps: DeliveriesDeps): Promise<Reply> {
  const [counts, problems, runs] = await Promise.all([
    deps.deliveryStats.countsByState(),
    deps.outbox.latest(['failed', 'dead'], 10),
    deps.schedules.runs([], 10),
  ]);
  const order: DeliveryState[] = ['sent', 'pending', 'sending', 'failed', 'dead', 'skipped'];
  const total = order.reduce((sum, state) => sum + (counts.get(state) ?? 0), 0);
  return reply(
    heading('Deliveries'),
    paragraph(
      total
        ? order.map((state) => `${state} ${counts.get(state) ?? 0}`).join(' · ')
        : 'Nothing was ever queued.',
    ),
    paragraph(strong(`Failed and dead-lettered (${problems.length})`)),
    problems.length
      ? list(problems.map((d) => ({ content: [code(d.key), `: ${describeDelivery(d, zone)}`] })))
      : paragraph('None.'),
    paragraph(strong('Latest schedule runs')),
    runs.length
      ? list(
          runs.map((r) => ({
            content: [
              code(r.scheduleKey),
              ` due ${formatMoment(r.dueAt, zone)}: ${r.state}${r.claimedBy ? ` on ${r.claimedBy}` : ''}${r.detail ? ` — ${r.detail}` : ''}`,
            ],
          })),
        )
      : paragraph('None yet.'),
    paragraph('For one person: ', code('okrbot deliveries --why <handle>'), '.'),
  );
}
