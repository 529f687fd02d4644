import { defineCommand, type Services } from '../src/core/command.ts';
import { promptRecipients } from '../src/domain/delegation.ts';
import { dayIn, monthName } from '../src/domain/fiscal-calendar.ts';
import { LOCAL_TRANSPORT } from '../src/domain/transports.ts';
import { unlinkedReason } from '../src/features/updates.ts';
import { code, heading, type Line, list, paragraph, reply } from '../src/reply/document.ts';
import type { RoleRow } from '../src/store/people.ts';

type Deps = Pick<Services, 'people' | 'teams' | 'teamAnswers'>;

/** While someone is away: who gets each of their teams' prompts, or that they wait. */
async function whoAnswers(
  personId: number,
  roles: RoleRow[],
  now: Date,
  deps: Deps,
): Promise<string> {
  const managed = [...new Set(roles.filter((r) => r.role === 'manager').map((r) => r.teamSlug))];
  const parts: string[] = [];
  for (const slug of managed) {
    const team = await deps.teams.find(slug);
    if (!team) continue;
    const [managers, delegates] = await Promise.all([
      deps.people.members([team.id], 'manager'),
      deps.people.members([team.id], 'delegate'),
    ]);
    const { to } = promptRecipients(managers.get(team.id) ?? [], delegates.get(team.id) ?? [], now);
    const others = to.filter((m) => m.id !== personId).map((m) => m.name);
    parts.push(
      others.length
        ? `${team.name} prompts go to ${others.join(', ')}.`
        : `${team.name} prompts wait until you are back (it has no delegate: a manager can add one with team delegate add).`,
    );
  }
  return parts.join(' ') || 'Nudges wait until you are back.';
}

/** The person's own record: whether each of their teams answered this month, when and by whom. */
async function thisMonth(roles: RoleRow[], now: Date, deps: Deps): Promise<Line[]> {
  const lines: Line[] = [];
  for (const slug of new Set(roles.map((r) => r.teamSlug))) {
    const team = await deps.teams.find(slug);
    if (!team) continue;
    const month = dayIn(now, team.timeZone).slice(0, 7);
    const answer = await deps.teamAnswers.first(team.id, month, team.timeZone);
    lines.push([
      `${team.name}, ${monthName(month)}: ${
        answer
          ? `answered ${dayIn(answer.at, team.timeZone)}${answer.personName ? ` by ${answer.personName}` : ''}`
          : 'no answer yet'
      }`,
    ]);
  }
  return lines;
}

export const whoamiCommand = defineCommand<Deps>({
  name: 'whoami',
  summary: 'Who okrbot thinks you are: your teams, roles, chat accounts and time zone',
  usage: 'whoami',
  examples: [{ input: 'whoami', result: 'Teams: Analytics (manager)' }],
  readOnly: true,
  async run(_request, ctx, deps) {
    const { actor } = ctx;
    if (!actor.person && (actor.anonymous || actor.deactivated))
      return reply(heading(actor.label), paragraph(...unlinkedReason(actor)));
    if (!actor.person) {
      return reply(
        heading(actor.label),
        paragraph(
          actor.transport === LOCAL_TRANSPORT
            ? 'You are the local operator of this okrbot: you may read and change everything. Set OKRBOT_AS=<handle> to act as a person, e.g. '
            : 'Your chat account is not linked to a person yet, so you can read but not change anything. An admin can link it with ',
          code(actor.transport === LOCAL_TRANSPORT ? 'OKRBOT_AS=nuria-ruiz' : 'person link'),
          '.',
        ),
      );
    }
    // Read afresh: `away` may have changed the person since the chat started.
    const person = (await deps.people.findByHandle(actor.person.handle)) ?? actor.person;
    const [roles, identities] = await Promise.all([
      deps.people.roles(person.id),
      deps.people.identities(person.id),
    ]);
    const facts: Line[] = [[`Handle: ${person.handle}`]];
    if (person.email) facts.push([`Email: ${person.email}`]);
    facts.push([`Time zone: ${person.timeZone ?? `${ctx.timeZone} (default)`}`]);
    if (person.isAdmin || actor.isAdmin) facts.push(['Admin: may change any team']);
    if (person.awayUntil && person.awayUntil > ctx.now) {
      const last = dayIn(new Date(person.awayUntil.getTime() - 1), person.timeZone ?? ctx.timeZone);
      facts.push([
        `Away until the end of ${last}. ${await whoAnswers(person.id, roles, ctx.now, deps)}`,
      ]);
    }
    facts.push([
      roles.length
        ? `Teams: ${roles.map((r) => `${r.teamName} (${r.role})`).join(', ')}`
        : 'Teams: none (you can read everything; a team manager or admin can add you)',
    ]);
    facts.push([
      identities.length
        ? `Chat accounts: ${identities.map((i) => `${i.transport} ${i.workspace ? `${i.workspace}/` : ''}${i.externalId}`).join(', ')}`
        : 'Chat accounts: none linked',
    ]);
    facts.push(...(await thisMonth(roles, ctx.now, deps)));
    return reply(
      heading(`${person.name} (${actor.transport})`),
      list(facts.map((content) => ({ content }))),
    );
  },
});
