// irc-framework 4.14 ships no typings (kiwiirc/irc-framework#166). This declares only what
// okrbot's IRC adapter uses, from the package's source (src/client.js, src/connection.js and
// src/commands/handlers/*.js).

declare module 'irc-framework' {
  export interface ConnectOptions {
    host: string;
    port: number;
    tls?: boolean;
    /** Passed to tls.connect; Node verifies certificates unless this is false. */
    rejectUnauthorized?: boolean;
    nick: string;
    username?: string;
    gecos?: string;
    /** SASL PLAIN credentials; `{}` turns off the server-password-as-SASL fallback. */
    account?: { account?: string; password?: string };
    sasl_disconnect_on_fail?: boolean;
    auto_reconnect?: boolean;
    /** Request the chghost capability (CHGHOST lines become 'user updated'). */
    enable_chghost?: boolean;
    /** Bytes per PRIVMSG chunk in `say()`; okrbot splits lines itself. */
    message_max_length?: number;
    ping_interval?: number;
    ping_timeout?: number;
    /** irc-framework's own VERSION answer; empty: VERSION is a 'ctcp request' like any other. */
    version?: string;
  }

  /** Fields common to events that come from a user. */
  export interface SourceEvent {
    nick: string;
    ident: string;
    hostname: string;
    /** Message tags by lower-cased name: `account` (server-set) differs from `+account` (client-sent). */
    tags: Record<string, string>;
  }

  export interface MessageEvent extends SourceEvent {
    target: string;
    message: string;
    /** The `account` tag (account-tag cap): undefined when the sender is not logged in. */
    account?: string;
    from_server: boolean;
  }

  export interface JoinEvent extends SourceEvent {
    channel: string;
    /** With extended-join: the account, or false when not logged in; undefined without the cap. */
    account?: string | false;
  }

  export interface PartEvent extends SourceEvent {
    channel: string;
  }

  export interface KickEvent extends SourceEvent {
    channel: string;
    kicked: string;
  }

  export interface NickEvent extends SourceEvent {
    new_nick: string;
  }

  export interface AccountEvent {
    nick: string;
    /** The account logged in to, or false after a logout. */
    account: string | false;
  }

  export interface WhoisEvent {
    nick: string;
    account?: string;
    error?: string;
  }

  export interface WhoUser {
    nick: string;
    ident: string;
    hostname: string;
    /** With WHOX: the account, '' when not logged in; undefined on servers without WHOX. */
    account?: string;
    channel: string;
  }

  export interface WhoEvent {
    target: string;
    users: WhoUser[];
  }

  export interface SaslFailedEvent {
    reason: 'fail' | 'nick_locked' | 'too_long' | 'capability_missing' | 'unsupported_mechanism';
    message?: string;
  }

  export interface IrcErrorEvent {
    error: string;
    reason?: string;
    nick?: string;
    channel?: string;
  }

  interface ClientEvents {
    registered: (event: { nick: string }) => void;
    privmsg: (event: MessageEvent) => void;
    notice: (event: MessageEvent) => void;
    'ctcp response': (event: MessageEvent & { type: string }) => void;
    /** A CTCP request other than ACTION (VERSION too when `version` is empty). */
    'ctcp request': (event: MessageEvent & { type: string | null }) => void;
    join: (event: JoinEvent) => void;
    part: (event: PartEvent) => void;
    kick: (event: KickEvent) => void;
    quit: (event: SourceEvent) => void;
    nick: (event: NickEvent) => void;
    account: (event: AccountEvent) => void;
    /** okrbot's own SASL login succeeded (RPL_LOGGEDIN). */
    loggedin: (event: { account: string }) => void;
    'sasl failed': (event: SaslFailedEvent) => void;
    'nick in use': (event: { nick: string }) => void;
    'irc error': (event: IrcErrorEvent) => void;
    /** WHOIS answered (RPL_ENDOFWHOIS), or `error` 'not_found' for a nick nobody holds. */
    whois: (event: WhoisEvent) => void;
    /** MONITOR: watched nicks that went offline (quit or changed), or were offline when added. */
    'users offline': (event: { nicks: string[] }) => void;
    /** A mode change of a channel or of okrbot itself. */
    mode: (event: { target: string; nick: string; raw_modes: string }) => void;
    /** okrbot was invited to `channel` by `nick`. */
    invite: (event: SourceEvent & { channel: string; invited: string }) => void;
    /** CHGHOST: someone's (okrbot's own, too) user or host changed. */
    'user updated': (event: SourceEvent & { new_ident?: string; new_hostname?: string }) => void;
    /** The end of the MOTD (or its absence): registration is over, ISUPPORT known. */
    motd: () => void;
    'socket connected': () => void;
    /** The socket closed; `error` is the socket error, false for a clean close. */
    'socket close': (error: Error | false) => void;
    /** Emitted after 'socket close' when irc-framework does not reconnect by itself. */
    close: () => void;
  }

  export class Client {
    constructor(options?: Partial<ConnectOptions>);
    connect(options?: ConnectOptions): void;
    on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): this;
    removeAllListeners(): this;
    quit(message?: string): void;
    changeNick(nick: string): void;
    join(channel: string, key?: string): void;
    /** Writes a raw line (through `connection.write`). */
    raw(line: string): void;
    who(target: string, callback: (event: WhoEvent) => void): void;
    whois(nick: string, callback: (event: WhoisEvent) => void): void;
    readonly connected: boolean;
    readonly user: { nick: string; username: string; host: string };
    readonly network: {
      options: Record<string, unknown>;
      cap: { isEnabled(cap: string): boolean };
      supports(feature: string): unknown;
    };
    /** The line writer under `raw()`; `write` returns false (and drops the line) when disconnected. */
    readonly connection: {
      connected: boolean;
      write(line: string, callback?: (error?: Error | null) => void): unknown;
      end(): void;
    };
  }

  const IRC: { Client: typeof Client };
  export default IRC;
}
