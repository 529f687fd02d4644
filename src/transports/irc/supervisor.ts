import type { Client, ConnectOptions } from 'irc-framework';
import { AdapterStartError } from '../../core/chat-adapter.ts';

// irc-framework reconnects by itself only after a connection that was registered for 5 s, gives
// up after a few tries, and never retries a failed first connect. okrbot turns its reconnection
// off and keeps the connection alive here instead: forever, with capped exponential backoff and
// jitter, and a connection that never registers is dropped and tried again.

export interface BackoffOptions {
  /** Longest wait before the first retry. */
  initialMs: number;
  /** Longest wait between retries. */
  maxMs: number;
  /** A connection that stayed up this long starts the backoff over. */
  stableMs: number;
  /** A connection not registered by then is dropped and tried again. */
  registrationTimeoutMs: number;
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialMs: 2_000,
  maxMs: 300_000,
  stableMs: 60_000,
  registrationTimeoutMs: 60_000,
};

/**
 * The wait before retry `attempt` (from 1): doubling from `initialMs`, capped at `maxMs`, then
 * between half and all of that at random, so bots restarted together do not reconnect in step.
 */
export function backoffDelay(
  attempt: number,
  options: Pick<BackoffOptions, 'initialMs' | 'maxMs' | 'random'>,
): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt - 1, 30));
  const random = options.random ?? Math.random;
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** The bot's SASL login was refused: running unidentified instead would be worse than stopping. */
export class IrcLoginError extends AdapterStartError {
  override name = 'IrcLoginError';
  constructor(account: string, reason: string) {
    super(
      `IRC: the SASL login as "${account}" failed (${reason}). Check IRC_SASL_ACCOUNT and IRC_SASL_PASSWORD; the IRC adapter stopped rather than run without its account.`,
    );
  }
}

export interface SupervisorEvents {
  /** Registered with the server; `reconnected` after a lost connection. */
  onRegistered(reconnected: boolean): void;
  /** The connection is gone (or an attempt failed); nothing may be written until registered. */
  onDisconnected(error: Error | undefined): void;
  /** A retry is scheduled. */
  onRetry(attempt: number, waitMs: number): void;
  /** Stopped for good (SASL refused). */
  onFatal(error: Error): void;
}

export type SupervisorState =
  | { phase: 'connecting'; attempt: number }
  | { phase: 'registered'; since: number }
  | { phase: 'waiting'; attempt: number; retryAt: number }
  | { phase: 'stopped'; error?: Error };

export class ConnectionSupervisor {
  private current: SupervisorState = { phase: 'stopped' };
  private attempt = 0;
  private registeredOnce = false;
  private registeredAt: number | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private registrationTimer: NodeJS.Timeout | undefined;
  private lastError: Error | undefined;
  private loggedIn = false;
  private firstOutcome: { resolve(): void; reject(error: Error): void } | undefined;

  constructor(
    private readonly client: Client,
    private readonly options: ConnectOptions,
    private readonly backoff: BackoffOptions,
    private readonly events: SupervisorEvents,
  ) {
    client.on('socket connected', () => {
      clearTimeout(this.registrationTimer);
      this.registrationTimer = setTimeout(() => {
        this.lastError = new Error(
          `not registered within ${Math.round(backoff.registrationTimeoutMs / 1000)} s`,
        );
        client.connection.end();
      }, backoff.registrationTimeoutMs);
    });
    client.on('loggedin', () => {
      this.loggedIn = true;
    });
    client.on('registered', () => {
      clearTimeout(this.registrationTimer);
      // irc-framework checks for SASL only when the server acknowledged some capability: a
      // server that offers none would let it register without the account.
      if (options.account?.account && !this.loggedIn) {
        this.lastError = new Error('the server registered okrbot without its SASL login');
        client.quit('SASL login missing');
        return;
      }
      this.registeredAt = Date.now();
      this.current = { phase: 'registered', since: this.registeredAt };
      const reconnected = this.registeredOnce;
      this.registeredOnce = true;
      this.events.onRegistered(reconnected);
      this.settle();
    });
    client.on('socket close', (error) => {
      if (error) this.lastError = error;
    });
    client.on('close', () => this.lost());
    client.on('sasl failed', (event) => {
      const account = options.account?.account;
      if (!account) return;
      const reason = event.message ?? event.reason.replace(/_/g, ' ');
      // A server offers SASL only while its services are linked: after a restart or a split
      // that is a wait, not a refusal. irc-framework drops the connection; it is tried again.
      if (event.reason === 'capability_missing' || event.reason === 'unsupported_mechanism')
        this.lastError = new Error(`the server does not offer SASL PLAIN now (${reason})`);
      else this.fail(new IrcLoginError(account, reason));
    });
  }

  get state(): SupervisorState {
    return this.current;
  }

  /**
   * Connects; resolves once the first attempt registered or failed for a reason retrying can
   * cure (the server may come up later), rejects when the login was refused.
   */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.firstOutcome = { resolve, reject };
      this.connect();
    });
  }

  stop(): void {
    this.halt();
    if (this.current.phase !== 'stopped') this.current = { phase: 'stopped' };
    this.client.quit('okrbot stopping');
  }

  private connect(): void {
    this.current = { phase: 'connecting', attempt: this.attempt };
    this.lastError = undefined;
    this.loggedIn = false;
    this.client.connect(this.options);
  }

  private lost(): void {
    clearTimeout(this.registrationTimer);
    if (this.current.phase === 'stopped') return;
    const error = this.lastError;
    this.events.onDisconnected(error);
    this.settle();
    const stable =
      this.registeredAt !== undefined && Date.now() - this.registeredAt >= this.backoff.stableMs;
    this.registeredAt = undefined;
    this.attempt = stable ? 1 : this.attempt + 1;
    const wait = backoffDelay(this.attempt, this.backoff);
    this.current = { phase: 'waiting', attempt: this.attempt, retryAt: Date.now() + wait };
    this.events.onRetry(this.attempt, wait);
    this.retryTimer = setTimeout(() => this.connect(), wait);
  }

  private fail(error: Error): void {
    this.halt();
    this.current = { phase: 'stopped', error };
    this.client.connection.end();
    if (this.firstOutcome) {
      this.firstOutcome.reject(error);
      this.firstOutcome = undefined;
    } else {
      this.events.onFatal(error);
    }
  }

  private halt(): void {
    clearTimeout(this.retryTimer);
    clearTimeout(this.registrationTimer);
  }

  /** The first attempt is over, well or not: start() may return. */
  private settle(): void {
    this.firstOutcome?.resolve();
    this.firstOutcome = undefined;
  }
}
