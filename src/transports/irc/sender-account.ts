import type { Client, MessageEvent } from 'irc-framework';
import type { Actor, Services } from '../../chat/command.ts';
import { chatActor } from '../../chat/identity.ts';
import type { AccountTracker } from './accounts.ts';
import { type CaseFold, serverFold } from './casemapping.ts';
import { withTimeout } from './timeout.ts';

// The services account a message came from. With account-tag, the server says it on every
// message, so a logout or a login as someone else counts from the very next line. Without it,
// account-notify keeps the state of people in shared channels current; failing both, WHOIS is
// asked (briefly cached, forgotten on any account, nick or quit change). Unknown means none.

const WHOIS_TTL_MS = 30_000;
const LOOKUP_TIMEOUT_MS = 5_000;

export class SenderAccounts {
  private readonly whoisCache = new Map<string, { account: string | undefined; at: number }>();
  private readonly pending = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly client: Client,
    private readonly tracker: AccountTracker,
    private readonly fold: () => CaseFold,
    /** Counts a WHOIS against the flood allowance. */
    private readonly charge: () => void,
  ) {}

  /** The account the message was sent from; undefined when none or when it cannot be known. */
  async of(event: MessageEvent): Promise<string | undefined> {
    const { cap } = this.client.network;
    // Only the tag named exactly `account` is set by the server; `+account` is any client's.
    if (cap.isEnabled('account-tag')) return event.tags.account || undefined;
    if (cap.isEnabled('account-notify')) {
      const known = this.tracker.accountOf(event.nick);
      if (known !== undefined) return known || undefined;
    }
    return this.whois(event.nick);
  }

  /** The nick's account changed, or the nick now belongs to someone else. */
  forget(nick: string): void {
    const key = this.fold()(nick);
    this.whoisCache.delete(key);
    this.pending.delete(key);
  }

  clear(): void {
    this.whoisCache.clear();
    this.pending.clear();
  }

  private whois(nick: string): Promise<string | undefined> {
    const key = this.fold()(nick);
    const cached = this.whoisCache.get(key);
    if (cached && Date.now() - cached.at < WHOIS_TTL_MS) return Promise.resolve(cached.account);
    const running = this.pending.get(key);
    if (running) return running;
    this.charge();
    const asked = Date.now();
    const lookup = withTimeout(
      new Promise<string | undefined>((resolve) =>
        this.client.whois(nick, (event) => resolve(event.account || undefined)),
      ),
      LOOKUP_TIMEOUT_MS,
      undefined,
    ).then((account) => {
      // Not cached when the nick changed hands or account while WHOIS was out.
      if (this.pending.get(key) === lookup) {
        this.pending.delete(key);
        this.whoisCache.set(key, { account, at: asked });
      }
      return account;
    });
    this.pending.set(key, lookup);
    return lookup;
  }
}

/** The actor behind an IRC services account (none: not logged in), found the way the server compares names. */
export function ircActor(
  services: Pick<Services, 'people'>,
  admins: readonly string[],
  client: Client,
  account: string | undefined,
  nick: string,
): Promise<Actor> {
  const people = {
    findByIdentity: (_transport: 'slack' | 'irc', id: string) =>
      services.people.findByIrcAccount(id, serverFold(client.network)),
  };
  return chatActor(people, admins, 'irc', account, nick);
}
