import { defineCommand, type Services } from '../src/chat/command.ts';
import { dayIn } from '../src/domain/fiscal-calendar.ts';
import { code, heading, type Line, list, paragraph, reply } from '../src/reply/document.ts';

type Deps = Pick<Services, 'people'>;

export const whoamiCommand = defineCommand<Deps>({
  name: 'whoami',
  summary: 'Who okrbot thinks you are: your teams, roles, chat accounts and time zone',
  usage: 'whoami',
  examples: ['whoami'],
  async run(_request, ctx, deps) {
    const { actor } = ctx;
    if (!actor.person) {
      return reply(
        heading(actor.label),
        paragraph(
          actor.transport === 'shell'
            ? 'You are the local operator of this okrbot: you may read and change everything. Set OKRBOT_AS=<handle> to act as a person, e.g. '
            : 'Your chat account is not linked to a person yet, so you can read but not change anything. An admin can link it with ',
          code(actor.transport === 'shell' ? 'OKRBOT_AS=nuria-ruiz' : 'person link'),
          '.',
        ),
      );
    }
    const person = actor.person;
    const [roles, identities] = await Promise.all([
      deps.people.roles(person.id),
      deps.people.identities(person.id),
    ]);
    const facts: Line[] = [[`Handle: ${person.handle}`]];
    if (person.email) facts.push([`Email: ${person.email}`]);
    facts.push([`Time zone: ${person.timeZone ?? `${ctx.timeZone} (default)`}`]);
    if (person.isAdmin || actor.isAdmin) facts.push(['Admin: may change any team']);
    if (person.awayUntil && person.awayUntil > ctx.now) {
      facts.push([
        `Away until ${dayIn(person.awayUntil, person.timeZone ?? ctx.timeZone)}: prompts go to your delegates`,
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
    return reply(
      heading(`${person.name} (${actor.transport})`),
      list(facts.map((content) => ({ content }))),
    );
  },
});
