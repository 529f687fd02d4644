import type { CaseFold } from './casemapping.ts';

// Who is logged in to which services account, for the people okrbot shares a channel with:
// learnt from extended-join, WHOX and account-notify, kept current through nick changes, parts
// and quits. A nick is never an identity; it is only where an account can be reached.

/** `false`: known not to be logged in; `undefined`: not known. */
export type AccountState = string | false | undefined;

interface Member {
  nick: string;
  account: AccountState;
  channels: Set<string>;
}

/** How many people who wrote to okrbot from outside its channels are remembered. */
const SPEAKERS = 1000;

export class AccountTracker {
  private readonly members = new Map<string, Member>();
  /** The nick each account last wrote from, by folded account: a hint, checked before use. */
  private readonly speakers = new Map<string, string>();

  /**
   * @param fold the server's case mapping (read on each call: ISUPPORT arrives after connecting)
   * @param onLogin told when a nick is seen logged in to an account it was not known to be in
   */
  constructor(
    private readonly fold: () => CaseFold,
    private readonly onLogin: (account: string, nick: string) => void,
  ) {}

  /** Someone (okrbot included) joined a channel okrbot is in. */
  joined(nick: string, channel: string, account: AccountState): void {
    const member = this.member(nick);
    member.channels.add(this.fold()(channel));
    if (account !== undefined) this.setAccount(member, account);
  }

  /** Someone left a channel; once okrbot shares none with them, their account is not followed. */
  left(nick: string, channel: string): void {
    const key = this.fold()(nick);
    const member = this.members.get(key);
    if (!member) return;
    member.channels.delete(this.fold()(channel));
    if (member.channels.size === 0) this.members.delete(key);
  }

  /** okrbot itself left (or was kicked from) a channel: nobody is seen there any more. */
  leftChannel(channel: string): void {
    const folded = this.fold()(channel);
    for (const [key, member] of this.members) {
      member.channels.delete(folded);
      if (member.channels.size === 0) this.members.delete(key);
    }
  }

  quit(nick: string): void {
    this.members.delete(this.fold()(nick));
  }

  renamed(nick: string, newNick: string): void {
    const member = this.members.get(this.fold()(nick));
    if (!member) return;
    this.members.delete(this.fold()(nick));
    member.nick = newNick;
    this.members.set(this.fold()(newNick), member);
  }

  /** A login or logout (account-notify), or the account a message was tagged with. */
  account(nick: string, account: string | false): void {
    const member = this.members.get(this.fold()(nick));
    if (member) this.setAccount(member, account);
    else if (account) this.onLogin(account, nick);
  }

  /** A message came from `nick`, logged in to `account` (the server's account tag or WHOIS). */
  spoke(nick: string, account: string): void {
    const key = this.fold()(account);
    this.speakers.delete(key);
    this.speakers.set(key, nick);
    if (this.speakers.size > SPEAKERS)
      this.speakers.delete(this.speakers.keys().next().value as string);
    this.account(nick, account);
  }

  /** The nick `account` last wrote from; it may have changed hands since. */
  lastNickOf(account: string): string | undefined {
    return this.speakers.get(this.fold()(account));
  }

  /** Whether okrbot shares a channel with `nick` (and so sees it quit or change). */
  shares(nick: string): boolean {
    return this.members.has(this.fold()(nick));
  }

  /** What is known of a nick in a shared channel. */
  accountOf(nick: string): AccountState {
    return this.members.get(this.fold()(nick))?.account;
  }

  /** A nick logged in to the account, among the people okrbot shares a channel with. */
  nickOf(account: string): string | undefined {
    const wanted = this.fold()(account);
    for (const member of this.members.values())
      if (member.account && this.fold()(member.account) === wanted) return member.nick;
    return undefined;
  }

  /** Disconnected: everything is learnt again after rejoining. */
  clear(): void {
    this.members.clear();
  }

  private member(nick: string): Member {
    const key = this.fold()(nick);
    let member = this.members.get(key);
    if (!member) {
      member = { nick, account: undefined, channels: new Set() };
      this.members.set(key, member);
    }
    member.nick = nick;
    return member;
  }

  private setAccount(member: Member, account: string | false): void {
    const before = member.account;
    member.account = account;
    if (account && (!before || this.fold()(before) !== this.fold()(account)))
      this.onLogin(account, member.nick);
  }
}
