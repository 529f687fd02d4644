import type { Logger } from 'pino';
import type { Actor } from '../../core/command.ts';
import type { ResolveActor } from '../../core/identity.ts';
import type { DataVersion } from '../../db/data-version.ts';
import { isValidTimeZone } from '../../domain/time-zone.ts';
import type { Store } from '../../store/store.ts';
import { slackErrorCode, type WebClient, withRateLimit } from './slack-api.ts';

// Who a Slack user is. A Slack user id is linked to a person by `person link`, or found by the
// email address the quarter files give (users.lookupByEmail at start, users.info for someone
// new). Each link also takes the person's time zone from their Slack profile, so prompts come
// at a sane local hour; a deactivated account stops receiving prompts.

export interface SlackUser {
  id: string;
  deleted?: boolean;
  tz?: string;
  profile?: { email?: string };
}

export interface SlackIdentity {
  actor(userId: string): Promise<Actor>;
  /** The actor found earlier, while no person, identity or role changed since; no lookup. */
  known(userId: string): Actor | undefined;
  /**
   * Links every person with an email and no Slack account yet, by lookupByEmail; `retry` says
   * whether some lookups failed for a passing reason (so linking should run again later).
   */
  linkByEmail(): Promise<{ linked: number; retry: boolean }>;
  /** A `user_change` or `team_join` event: linked by email when new; time zone, deactivation. */
  userChanged(user: SlackUser): Promise<void>;
  /**
   * Reads the profile (users.info) of every linked person with no time zone yet, as after a
   * `person link`: their time zone, or that the account is deactivated. How many were read.
   */
  readProfiles(): Promise<number>;
}

// How long a user who matches nobody is not looked up again.
const UNKNOWN_TTL_MS = 10 * 60_000;
// After a failed lookup (Slack unreachable, a 5xx), the next try waits this, doubling each time
// up to UNKNOWN_TTL_MS: one passing failure must not leave a manager read-only for ten minutes.
const RETRY_FIRST_MS = 2_000;

export function createSlackIdentity(options: {
  client: WebClient;
  store: Pick<Store, 'people' | 'admin'>;
  /** The context's actor resolution, for Slack user ids. */
  resolve: ResolveActor;
  version: DataVersion;
  logger: Logger;
}): SlackIdentity {
  const { client, store, logger, version } = options;
  const unknownUntil = new Map<string, number>();
  const failures = new Map<string, number>();
  const actors = new Map<string, { actor: Actor; version: number }>();
  const remember = (userId: string, actor: Actor, at: number) => {
    actors.set(userId, { actor, version: at });
    return actor;
  };
  const system = () => ({ personId: null, at: new Date(), source: 'slack' as const });

  /** Links the user to the person with their email; the person's id, or undefined. */
  async function link(user: SlackUser): Promise<number | undefined> {
    const email = user.profile?.email;
    if (!email || user.deleted) return undefined;
    const person = await store.people.findByEmail(email);
    if (!person) return undefined;
    const { ownerId } = await store.admin.linkIdentity(person.id, 'slack', user.id, system());
    if (ownerId !== person.id) return undefined;
    if (user.tz && isValidTimeZone(user.tz)) await store.people.setTimeZone(person.id, user.tz);
    logger.info({ handle: person.handle, user: user.id }, 'linked a Slack user by email');
    return person.id;
  }

  return {
    known(userId) {
      const entry = actors.get(userId);
      return entry?.version === version.current() ? entry.actor : undefined;
    },

    async actor(userId) {
      const label = `slack:${userId}`;
      const at = version.current();
      const actor = await options.resolve(userId, label);
      // Slack said the account was deleted: whoever still holds it does not act for the person.
      if (actor.person?.deactivatedAt)
        return remember(
          userId,
          { ...actor, person: undefined, isAdmin: false, label, deactivated: true },
          at,
        );
      if (actor.person) return remember(userId, actor, at);
      if ((unknownUntil.get(userId) ?? 0) > Date.now()) return actor;
      try {
        const { user } = await withRateLimit(() => client.users.info({ user: userId }));
        if (user?.id && (await link(user as SlackUser))) {
          const linkedAt = version.current();
          const linked = await options.resolve(userId, label);
          return remember(userId, linked, linkedAt);
        }
      } catch (error) {
        logger.warn({ user: userId, error: slackErrorCode(error) }, 'users.info failed');
        const failed = (failures.get(userId) ?? 0) + 1;
        failures.set(userId, failed);
        unknownUntil.set(
          userId,
          Date.now() + Math.min(RETRY_FIRST_MS * 2 ** (failed - 1), UNKNOWN_TTL_MS),
        );
        return actor;
      }
      failures.delete(userId);
      unknownUntil.set(userId, Date.now() + UNKNOWN_TTL_MS);
      return remember(userId, actor, at);
    },

    async linkByEmail() {
      let linked = 0;
      let retry = false;
      for (const person of await store.people.unlinkedWithEmail('slack')) {
        try {
          const { user } = await withRateLimit(() =>
            client.users.lookupByEmail({ email: person.email }),
          );
          if (user?.id && (await link(user as SlackUser))) linked++;
        } catch (error) {
          // users_not_found is the common answer: that person is not in this workspace.
          const code = slackErrorCode(error);
          if (code !== 'users_not_found') {
            logger.warn({ handle: person.handle, error: code }, 'users.lookupByEmail failed');
            retry = true;
          }
        }
      }
      return { linked, retry };
    },

    async readProfiles() {
      let read = 0;
      for (const userId of await store.people.accountsWithoutTimeZone('slack')) {
        try {
          const { user } = await withRateLimit(() => client.users.info({ user: userId }));
          if (user?.id) await this.userChanged(user as SlackUser);
          read++;
        } catch (error) {
          logger.warn({ user: userId, error: slackErrorCode(error) }, 'users.info failed');
        }
      }
      return read;
    },

    async userChanged(user) {
      const person = await store.people.findByIdentity('slack', user.id);
      if (!person) {
        await link(user);
        return;
      }
      if (user.deleted && !person.deactivatedAt) {
        await store.people.setDeactivated(person.id, new Date());
        logger.info({ handle: person.handle }, 'Slack account deactivated: no more prompts');
      } else if (!user.deleted && person.deactivatedAt) {
        await store.people.setDeactivated(person.id, null);
      }
      if (user.tz && user.tz !== person.timeZone && isValidTimeZone(user.tz))
        await store.people.setTimeZone(person.id, user.tz);
    },
  };
}
