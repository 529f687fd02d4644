import type { Client } from 'irc-framework';
import type { CaseFold } from './casemapping.ts';

// Nicks okrbot must hear about when they go (quit, or change to another nick), although it
// shares no channel with them: people who wrote to it privately. What it remembers of such a
// nick (the account a WHOIS gave, lines still waiting for it) must not outlive the person, or it
// would reach whoever takes the nick next. The server's MONITOR list says when a nick goes
// offline; it holds a limited number (ISUPPORT MONITOR=n), so the longest unused is let go.

/** Nicks watched when the server announces MONITOR without a limit. */
const DEFAULT_LIMIT = 100;

export class WatchedNicks {
  /** Folded nick → nick as written, least recently used first. */
  private readonly nicks = new Map<string, string>();

  constructor(
    private readonly client: Client,
    private readonly fold: () => CaseFold,
    /** Told of a watched nick that stopped being watched (offline, or let go for room). */
    private readonly onLetGo: (nick: string) => void,
  ) {}

  /** Whether the server can watch nicks at all. */
  get available(): boolean {
    return Boolean(this.client.network.supports('MONITOR'));
  }

  /**
   * Watches `nick`; false when the server cannot, or okrbot is not connected to ask it (its
   * departures will not be heard).
   */
  watch(nick: string): boolean {
    if (!this.available || !this.client.connection.connected) return false;
    const key = this.fold()(nick);
    if (this.nicks.has(key)) {
      this.nicks.delete(key);
      this.nicks.set(key, nick);
      return true;
    }
    const limit = Number(this.client.network.supports('MONITOR')) || DEFAULT_LIMIT;
    while (this.nicks.size >= limit) {
      const [oldest, written] = this.nicks.entries().next().value as [string, string];
      this.nicks.delete(oldest);
      this.client.raw(`MONITOR - ${written}`);
      this.onLetGo(written);
    }
    this.nicks.set(key, nick);
    this.client.raw(`MONITOR + ${nick}`);
    return true;
  }

  isWatched(nick: string): boolean {
    return this.nicks.has(this.fold()(nick));
  }

  /** The server said `nick` is offline: it is no longer watched. */
  offline(nick: string): void {
    const key = this.fold()(nick);
    const written = this.nicks.get(key);
    if (written === undefined) return;
    this.nicks.delete(key);
    this.client.raw(`MONITOR - ${written}`);
  }

  /** Disconnected: the server forgot the list. */
  clear(): void {
    this.nicks.clear();
  }
}
