import pino, { type Logger } from 'pino';
import { createServices } from '../../../src/app/services.ts';
import type { ChatAdapter } from '../../../src/core/chat-adapter.ts';
import type { Services } from '../../../src/core/command.ts';
import type { Dispatch } from '../../../src/core/dispatch.ts';
import { importDemo } from '../../../src/formats/import/demo.ts';
import { createMetrics, type Metrics } from '../../../src/runtime/metrics.ts';
import { createIrcAdapter, type IrcTuning } from '../../../src/transports/irc/irc-adapter.ts';
import type { IrcConfig } from '../../../src/transports/irc/irc-config.ts';
import type { BackoffOptions } from '../../../src/transports/irc/supervisor.ts';
import { testAdapterContext } from '../adapter-context.ts';
import { createTestDatabase, type TestDatabase } from '../databases.ts';
import { testDispatcher } from '../dispatcher.ts';
import type { IrcNetwork } from './network.ts';

// okrbot's IRC adapter as app/bot.ts wires it, on a fresh database with the demo data and the
// clock pinned to 2019-08-28, against a test network.

export const BOT_PASSWORD = 'pw-okrbot-test';

export interface TestBot {
  adapter: ChatAdapter;
  services: Services;
  database: TestDatabase;
  dispatch: Dispatch;
  metrics: Metrics;
  /** Links a person (by handle) to an IRC services account, as `person link` does. */
  link(handle: string, account: string): Promise<void>;
  /** Another okrbot instance on the same database (stopped with close()). */
  twin(irc: Partial<IrcConfig>): Promise<ChatAdapter>;
  /** Stops the adapter only (the database stays: a restart reuses it). */
  stopAdapter(): Promise<void>;
  /** Starts a new adapter (a new process, as far as memory goes) on the same database. */
  restartAdapter(): Promise<void>;
  close(): Promise<void>;
}

export interface BotOptions {
  network: IrcNetwork;
  channels?: string[];
  irc?: Partial<IrcConfig>;
  adapter?: {
    /** As app/bot.ts wires it to the outbox. */
    onPersonOnline?: (personId: number) => void;
    backoff?: Partial<BackoffOptions>;
    kickRejoin?: IrcTuning['kickRejoin'];
  };
  /** Where the adapter logs (silent by default). */
  logger?: Logger;
  /** Wraps the dispatcher (to hold an answer back, say). */
  wrapDispatch?: (dispatch: Dispatch) => Dispatch;
  /** false: the test starts the adapter itself. */
  start?: boolean;
}

export function ircConfig(network: IrcNetwork, overrides: Partial<IrcConfig> = {}): IrcConfig {
  return {
    host: network.host,
    port: network.port,
    tls: false,
    tlsVerify: true,
    nick: 'okrbot',
    sasl: { account: 'okrbot', password: BOT_PASSWORD },
    channels: ['#okr'],
    formatting: true,
    // Faster than the default: most test networks set no flood limit (see delivery.test.ts).
    floodBurst: 4,
    floodRate: 20,
    ...overrides,
  };
}

export function quietLogger(): Logger {
  return pino({ level: process.env.IRC_TEST_LOG ?? 'silent' });
}

export async function startBot(options: BotOptions): Promise<TestBot> {
  const database = await createTestDatabase('pglite');
  await importDemo(database.db, { fiscal: { startMonth: 7 }, defaultTimeZone: 'UTC' });
  const services: Services = createServices(database.db);
  const metrics = createMetrics();
  const twins: ChatAdapter[] = [];
  const make = (irc = options.irc) => {
    const base = testDispatcher(services);
    const dispatch = options.wrapDispatch ? options.wrapDispatch(base) : base;
    return {
      dispatch,
      adapter: createIrcAdapter(
        testAdapterContext('irc', services, {
          dispatch,
          logger: options.logger ?? quietLogger(),
          metrics,
          ...(options.adapter?.onPersonOnline && { personOnline: options.adapter.onPersonOnline }),
        }),
        ircConfig(options.network, irc),
        {
          backoff: {
            initialMs: 200,
            maxMs: 1_000,
            stableMs: 60_000,
            registrationTimeoutMs: 10_000,
            ...options.adapter?.backoff,
          },
          ...(options.adapter?.kickRejoin && { kickRejoin: options.adapter.kickRejoin }),
        },
      ),
    };
  };
  let current = make();
  if (options.start !== false) {
    try {
      await current.adapter.start();
    } catch (error) {
      await current.adapter.stop();
      await database.close();
      throw error;
    }
  }
  const bot: TestBot = {
    get adapter() {
      return current.adapter;
    },
    get dispatch() {
      return current.dispatch;
    },
    services,
    database,
    metrics,
    async link(handle, account) {
      const person = await services.people.findByHandle(handle);
      if (!person) throw new Error(`no person ${handle}`);
      await services.admin.linkIdentity(person.id, 'irc', account, {
        personId: null,
        at: new Date('2019-08-28T12:00:00Z'),
        source: 'shell',
      });
    },
    async twin(irc) {
      const { adapter } = make({ ...options.irc, ...irc });
      twins.push(adapter);
      await adapter.start();
      return adapter;
    },
    stopAdapter: () => current.adapter.stop(),
    async restartAdapter() {
      await current.adapter.stop();
      current = make();
      await current.adapter.start();
    },
    async close() {
      for (const twin of twins) await twin.stop();
      await current.adapter.stop();
      await database.close();
    },
  };
  return bot;
}
