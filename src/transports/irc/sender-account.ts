import type { Client, MessageEvent, WhoisEvent } from 'irc-framework';
import type { AccountTracker } from './accounts.ts';
import type { CaseFold } from './casemapping.ts';
import { withTimeout } from './timeout.ts';
import type { WatchedNicks } from './watched-nicks.ts';

// The services account a message came from. With account-tag, the server says it on every
// message, so a logout or a login as someone else counts from the very next line. Without it,
// account-notify keeps the state of people in shared channels current; failing both, WHOIS is
// asked. A WHOIS answer is kept while the nick is watched (MONITOR: dropped the moment the nick
// quits or changes), updated by account-notify, and for a few minutes at most, since a logout
// on the same connection is not announced to okrbot; without MONITOR nothing would say when it
// goes stale, and each message asks again. Lookups for one nick are asked once however many
// messages wait on them, at most a few at a time: beyond that the sender is told to wait
// rather than anyone's WHOIS queuing up without bound. Unknown means none.

/** Generous: the WHOIS waits its turn in the paced queue, behind other lookups. */
const WHOIS_TIMEOUT_MS = 20_000;
/** How long a WHOIS answer stands for a watched nick. */
const CACHE_MS = 5 * 60_000;
/** Lookups in flight at once. */
export const MAX_LOOKUPS = 4;

/** The sender's account (undefined: none or unknown), or `busy`: too many lookups in flight. */
export type SenderLookup = { account: string | undefined } | 'busy';

export class SenderAccounts {
  /** Folded nick → what WHOIS said and when. */
  private readonly known = new Map<string, { account: string | undefined; at: number }>();
  /** Folded nick → the WHOIS in flight. */
  private readonly pending = new Map<string, Promise<string | undefined>>();
  private readonly answers = new Map<string, (account: string | undefined) => void>();

  constructor(
    private readonly client: Client,
    private readonly tracker: AccountTracker,
    private readonly watched: WatchedNicks,
    private readonly fold: () => CaseFold,
    private readonly now: () => number = Date.now,
  ) {
    client.on('whois', (event: WhoisEvent) => {
      const key = this.fold()(event.nick);
      this.answers.get(key)?.(event.error ? undefined : event.account || undefined);
    });
  }

  /** The account a message (or an INVITE) was sent from. */
  async of(event: Pick<MessageEvent, 'nick' | 'tags'>): Promise<SenderLookup> {
    const { cap } = this.client.network;
    // Only the tag named exactly `account` is set by the server; `+account` is any client's.
    if (cap.isEnabled('account-tag')) return { account: event.tags.account || undefined };
    if (cap.isEnabled('account-notify')) {
      const known = this.tracker.accountOf(event.nick);
      if (known !== undefined) return { account: known || undefined };
    }
    const key = this.fold()(event.nick);
    const cached = this.known.get(key);
    if (cached && this.now() - cached.at < CACHE_MS && this.watched.isWatched(event.nick))
      return { account: cached.account };
    const inFlight = this.pending.get(key);
    if (inFlight) return { account: await inFlight };
    if (this.pending.size >= MAX_LOOKUPS) return 'busy';
    return { account: await this.lookUp(event.nick, key) };
  }

  /** account-notify: a login or logout of a nick whose WHOIS answer is kept. */
  account(nick: string, account: string | false): void {
    const key = this.fold()(nick);
    if (this.known.has(key)) this.known.set(key, { account: account || undefined, at: this.now() });
  }

  /** The nick quit, changed or stopped being watched: what WHOIS said of it is void. */
  forget(nick: string): void {
    this.known.delete(this.fold()(nick));
  }

  /** Disconnected: nothing said on the last connection stands. */
  clear(): void {
    this.known.clear();
  }

  private lookUp(nick: string, key: string): Promise<string | undefined> {
    const answered = new Promise<{ account: string | undefined }>((resolve) => {
      this.answers.set(key, (account) => resolve({ account }));
      this.client.raw(`WHOIS ${nick}`);
    });
    const lookup = withTimeout(answered, WHOIS_TIMEOUT_MS, undefined).then((whois) => {
      this.answers.delete(key);
      this.pending.delete(key);
      // Kept only where a departure will be heard (the MONITOR line is paced like the rest),
      // and never a lookup that got no answer.
      if (whois && this.watched.watch(nick))
        this.known.set(key, { account: whois.account, at: this.now() });
      return whois?.account;
    });
    this.pending.set(key, lookup);
    return lookup;
  }
}
