import { suggest } from '../domain/text.ts';
import { isChatTransport, LOCAL_TRANSPORT, type TransportId } from '../domain/transports.ts';
import type { PeopleStore } from '../store/people.ts';
import type { Actor } from './command.ts';

/** How a transport's servers compare account names (a case mapping); exact when absent. */
export type AccountFold = (name: string) => string;

/**
 * The actor behind a verified account on one transport. On a chat network the account is the
 * transport's own id (user id, services account); an unknown one is an actor without a person,
 * who may read and never change; a missing one (a sender not logged in) is also `anonymous`, so
 * refusals say how to identify. On the local terminal the "account" is the handle the operator
 * chose to act as (OKRBOT_AS), or none: the operator.
 */
export type ResolveActor = (
  account: string | undefined,
  label: string,
  fold?: AccountFold,
) => Promise<Actor>;

type People = Pick<
  PeopleStore,
  'findByIdentity' | 'findByFoldedAccount' | 'findByHandle' | 'handles'
>;

export function actorResolver(
  people: People,
  admins: readonly string[],
  transport: TransportId,
): ResolveActor {
  if (!isChatTransport(transport)) return (handle) => localActor(people, handle, admins);
  return async (account, label, fold) => {
    const person = !account
      ? undefined
      : fold
        ? await people.findByFoldedAccount(transport, account, fold)
        : await people.findByIdentity(transport, account);
    return {
      person,
      isAdmin: person ? person.isAdmin || admins.includes(person.handle) : false,
      transport,
      label: person?.handle ?? label,
      ...(account ? {} : { anonymous: true }),
    };
  };
}

/** Thrown when OKRBOT_AS names nobody. */
export class UnknownPersonError extends Error {}

/** The local terminal's actor: the person whose handle the operator acts as, or the operator. */
export async function localActor(
  people: Pick<PeopleStore, 'findByHandle' | 'handles'>,
  handle: string | undefined,
  admins: readonly string[] = [],
): Promise<Actor> {
  if (!handle)
    return {
      person: undefined,
      isAdmin: true,
      transport: LOCAL_TRANSPORT,
      label: 'local operator',
    };
  const person = await people.findByHandle(handle);
  if (!person) {
    const close = suggest(handle, await people.handles(), 3);
    throw new UnknownPersonError(
      `OKRBOT_AS=${handle}: nobody has that handle.${close.length ? ` Did you mean ${close.join(', ')}?` : ''} Handles are names in lower case with dashes, e.g. nuria-ruiz.`,
    );
  }
  return {
    person,
    isAdmin: person.isAdmin || admins.includes(person.handle),
    transport: LOCAL_TRANSPORT,
    label: person.handle,
  };
}
