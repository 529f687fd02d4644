import type { Client, MessageEvent } from 'irc-framework';
import type { AccountTracker } from './accounts.ts';
import { withTimeout } from './timeout.ts';

// The services account a message came from. With account-tag, the server says it on every
// message, so a logout or a login as someone else counts from the very next line. Without it,
// account-notify keeps the state of people in shared channels current; failing both, WHOIS is
// asked for each command (not cached: nothing would say when the answer goes stale). Unknown
// means none.

const WHOIS_TIMEOUT_MS = 5_000;

export class SenderAccounts {
  constructor(
    private readonly client: Client,
    private readonly tracker: AccountTracker,
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
    const answered = new Promise<string | undefined>((resolve) =>
      this.client.whois(event.nick, (whois) => resolve(whois.account || undefined)),
    );
    return withTimeout(answered, WHOIS_TIMEOUT_MS, undefined);
  }
}
