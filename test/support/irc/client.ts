import IRC, { type MessageEvent } from 'irc-framework';

// An ordinary IRC client for the tests, on irc-framework: it logs in with SASL or not at all,
// joins channels, and records every message and notice it receives.

export interface Received {
  type: 'privmsg' | 'notice';
  from: string;
  target: string;
  text: string;
  account: string | undefined;
}

export interface TestClient {
  readonly irc: InstanceType<typeof IRC.Client>;
  readonly received: Received[];
  nick(): string;
  say(target: string, text: string): void;
  /** A raw line, for what a normal client would not send (forged tags, floods). */
  raw(line: string): void;
  join(channel: string): Promise<void>;
  /** The first message (already received or still to come) that matches. */
  waitFor(match: (message: Received) => boolean, timeoutMs?: number): Promise<Received>;
  /**
   * Resolves once `nick` answered a CTCP VERSION: by then it has read everything this client
   * did before (a JOIN, a login), as the server relays lines in order.
   */
  roundTrip(nick: string): Promise<void>;
  /** Resolves when the client's connection closed (ERROR from the server, QUIT). */
  closed(): Promise<void>;
  quit(): Promise<void>;
}

export interface ClientOptions {
  port: number;
  nick: string;
  /** SASL PLAIN login; none: not identified. */
  sasl?: { account: string; password: string };
  channels?: string[];
}

export async function connectClient(options: ClientOptions): Promise<TestClient> {
  const irc = new IRC.Client();
  const received: Received[] = [];
  const waiters = new Set<(message: Received) => void>();
  const record = (type: Received['type']) => (event: MessageEvent) => {
    if (event.from_server) return;
    const message = {
      type,
      from: event.nick,
      target: event.target,
      text: event.message,
      account: event.tags.account,
    };
    received.push(message);
    for (const waiter of waiters) waiter(message);
  };
  irc.on('privmsg', record('privmsg'));
  irc.on('notice', record('notice'));
  let open = true;
  const closed = new Promise<void>((resolve) =>
    irc.on('close', () => {
      open = false;
      resolve();
    }),
  );
  const registered = new Promise<void>((resolve, reject) => {
    irc.on('registered', () => resolve());
    irc.on('sasl failed', (event) => reject(new Error(`SASL failed: ${event.reason}`)));
    irc.on('close', () => reject(new Error(`${options.nick} could not connect`)));
  });
  irc.connect({
    host: '127.0.0.1',
    port: options.port,
    nick: options.nick,
    username: options.nick.slice(0, 10),
    gecos: 'okrbot test client',
    account: options.sasl ?? {},
    auto_reconnect: false,
  });
  await registered;

  const client: TestClient = {
    irc,
    received,
    nick: () => irc.user.nick,
    say: (target, text) => irc.connection.write(`PRIVMSG ${target} :${text}`),
    raw: (line) => irc.connection.write(line),
    async join(channel) {
      const joined = new Promise<void>((resolve) =>
        irc.on('join', (event) => {
          if (event.nick === irc.user.nick && event.channel.toLowerCase() === channel.toLowerCase())
            resolve();
        }),
      );
      irc.connection.write(`JOIN ${channel}`);
      await joined;
    },
    waitFor(match, timeoutMs = 15_000) {
      const seen = received.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(
              `${irc.user.nick} waited ${timeoutMs} ms in vain; received:\n${received
                .map((m) => `  ${m.type} ${m.from} -> ${m.target}: ${m.text}`)
                .join('\n')}`,
            ),
          );
        }, timeoutMs);
        const waiter = (message: Received) => {
          if (!match(message)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(message);
        };
        waiters.add(waiter);
      });
    },
    roundTrip(nick) {
      const answered = new Promise<void>((resolve) =>
        irc.on('ctcp response', (event) => {
          if (event.nick === nick && event.type === 'VERSION') resolve();
        }),
      );
      irc.connection.write(`PRIVMSG ${nick} :\x01VERSION\x01`);
      return answered;
    },
    closed: () => closed,
    async quit() {
      if (!open) return;
      irc.quit('bye');
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      irc.removeAllListeners();
    },
  };
  for (const channel of options.channels ?? []) await client.join(channel);
  return client;
}

/** The clients a test file connects, quit together at the end. */
export function clientPool() {
  const clients: TestClient[] = [];
  return {
    async connect(options: ClientOptions): Promise<TestClient> {
      const client = await connectClient(options);
      clients.push(client);
      return client;
    },
    async quitAll(): Promise<void> {
      for (const client of clients.splice(0)) await client.quit();
    },
  };
}

/** Matches okrbot's messages that contain `text`. */
export const fromBot =
  (text: string) =>
  (message: Received): boolean =>
    message.from === 'okrbot' && message.text.includes(text);

/** Polls until `condition` holds (a state only visible by asking, like the adapter's health). */
export async function until(
  condition: () => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
