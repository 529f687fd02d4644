import type { ChatTransport } from '../domain/transports.ts';
import type { PeopleStore } from '../store/people.ts';
import type { Actor } from './command.ts';

/**
 * The actor behind a verified chat account (a Slack user id, an IRC services account). An
 * unknown or missing account is an actor without a person: it may read, never change; a missing
 * one (an IRC sender not logged in) is also `anonymous`, so refusals say how to identify.
 */
export async function chatActor(
  people: Pick<PeopleStore, 'findByIdentity'>,
  admins: readonly string[],
  transport: ChatTransport,
  account: string | undefined,
  label: string,
): Promise<Actor> {
  const person = account ? await people.findByIdentity(transport, account) : undefined;
  return {
    person,
    isAdmin: person ? person.isAdmin || admins.includes(person.handle) : false,
    transport,
    label: person?.handle ?? label,
    ...(account ? {} : { anonymous: true }),
  };
}
