import type { z } from 'zod';
import type { AdapterContext, AdapterFactory } from '../core/adapter-context.ts';
import type { Adapter } from '../core/chat-adapter.ts';
import type { TransportId } from '../domain/transports.ts';
import { type ConfigSection, type Env, readSection } from '../runtime/config-section.ts';
import { ircConfig } from '../transports/irc/irc-config.ts';
import { shellConfig } from '../transports/shell/shell-config.ts';
import { slackConfig } from '../transports/slack/slack-config.ts';

// The transports this build can run: each one's settings (checked with the rest of the
// configuration) and its adapter, imported only when it is configured, so a network's
// libraries load only where they are used. Adding one is its folder, its row in
// domain/transports.ts, a migration adding its id to the enums, and its entry here.

/** The general settings a transport's own may build on. */
export interface BaseSettings {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
}

/** Settings by transport id, as loadConfig stores them (TransportSettings, untied from the list). */
type SettingsById = Readonly<Partial<Record<TransportId, unknown>>>;

export interface AvailableTransport<Id extends TransportId, Settings> {
  readonly id: Id;
  /** Its variables' problems, and its settings when they have none (undefined: it is off). */
  read(env: Env, base: BaseSettings | undefined): { problems: string[]; settings?: Settings };
  /** Its settings as they may be logged; `(off)` when it is not configured. */
  describe(all: SettingsById): unknown;
  /** Its adapter, when it is configured (its module is imported only then). */
  create(all: SettingsById, context: AdapterContext): Promise<Adapter | undefined>;
}

function available<Id extends TransportId, Fields extends z.ZodRawShape, Settings>(
  id: Id,
  section: ConfigSection<Fields, Settings, BaseSettings>,
  load: () => Promise<AdapterFactory<Settings>>,
): AvailableTransport<Id, Settings> {
  // loadConfig stored what this entry's `read` returned under its id.
  const own = (all: SettingsById) => all[id] as Settings | undefined;
  return {
    id,
    read(env, base) {
      const { problems, settings } = readSection(section, env, base);
      return settings === undefined ? { problems } : { problems, settings };
    },
    describe(all) {
      const settings = own(all);
      return settings === undefined ? '(off)' : section.describe(settings);
    },
    async create(all, context) {
      const settings = own(all);
      return settings === undefined ? undefined : (await load())(context, settings);
    },
  };
}

export const AVAILABLE_TRANSPORTS = [
  available(
    'slack',
    slackConfig,
    async () => (await import('../transports/slack/slack-adapter.ts')).createSlackAdapter,
  ),
  available(
    'irc',
    ircConfig,
    async () => (await import('../transports/irc/irc-adapter.ts')).createIrcAdapter,
  ),
  available(
    'shell',
    shellConfig,
    async () => (await import('../transports/shell/shell-adapter.ts')).createShellAdapter,
  ),
] as const;

type Available = (typeof AVAILABLE_TRANSPORTS)[number];

/** Each available transport's settings, undefined when it is not configured. */
export type TransportSettings = {
  readonly [Entry in Available as Entry['id']]: Entry extends AvailableTransport<
    TransportId,
    infer Settings
  >
    ? Settings | undefined
    : never;
};
