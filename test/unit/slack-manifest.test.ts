import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SLACK_EVENTS_PATH } from '../../src/transports/slack/slack-adapter.ts';

// The manifest asks for exactly what the Slack adapter uses, both ways: a scope or event it
// does not use is a permission an admin is asked for in vain (and should refuse); one it uses
// and lacks fails in production only. What is used is read from the adapter's source: every
// Web API method it calls and every event it listens to, mapped here to the scopes Slack
// documents for them. A new method or event fails this test until it has its row.

const ROOT = join(import.meta.dirname, '../..');
const SOURCE_DIR = join(ROOT, 'src/transports/slack');

/** The bot scopes each Web API method needs (Slack's method pages). */
const METHOD_SCOPES: Readonly<Record<string, readonly string[]>> = {
  'auth.test': [],
  // chat:write.public: digests and prompts go to channels okrbot was not invited to (YAML).
  'chat.postMessage': ['chat:write', 'chat:write.public'],
  'chat.postEphemeral': ['chat:write'],
  'chat.update': ['chat:write'],
  'conversations.open': ['im:write'],
  // The history of a DM, a public or a private channel, before a retry.
  'conversations.history': ['im:history', 'channels:history', 'groups:history'],
  'conversations.info': ['channels:read', 'groups:read'],
  'users.info': ['users:read'],
  'users.lookupByEmail': ['users:read.email'],
  'views.open': [],
  'views.publish': [],
};

/** The manifest's event subscriptions each listener needs, and their scopes. */
const EVENT_SUBSCRIPTIONS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  // DMs, public and private channels' prompt threads (events.ts reads all three).
  message: {
    'message.im': ['im:history'],
    'message.channels': ['channels:history'],
    'message.groups': ['groups:history'],
  },
  app_home_opened: { app_home_opened: [] },
  app_mention: { app_mention: ['app_mentions:read'] },
  app_uninstalled: { app_uninstalled: [] },
  tokens_revoked: { tokens_revoked: [] },
  user_change: { user_change: ['users:read'] },
  // A new workspace member, linked by email (users:read.email is the lookup's scope).
  team_join: { team_join: ['users:read'] },
  message_metadata_posted: { message_metadata_posted: ['metadata.message:read'] },
};

function adapterSource(): string {
  return readdirSync(SOURCE_DIR)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => readFileSync(join(SOURCE_DIR, file), 'utf8'))
    .join('\n');
}

interface Manifest {
  features: {
    slash_commands?: { command: string; url: string }[];
    app_home: Record<string, unknown>;
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { bot_events: string[]; request_url: string };
    interactivity: { request_url: string };
  };
}

const manifest = parse(readFileSync(join(ROOT, 'slack/manifest.yml'), 'utf8')) as Manifest;
const source = adapterSource();
const methods = new Set(
  [...source.matchAll(/client\.([a-z]+)\.([a-zA-Z]+)\(/g)].map((m) => `${m[1]}.${m[2]}`),
);
const listened = new Set([...source.matchAll(/\.event\('([a-z_]+)'/g)].map((m) => m[1] as string));

describe('the Slack manifest', () => {
  it('points every request at the receiver and turns the Home and Messages tabs on', () => {
    const [command] = manifest.features.slash_commands ?? [];
    expect(command?.command).toBe('/okr');
    for (const url of [
      command?.url ?? '',
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
    ])
      expect(new URL(url).pathname).toBe(SLACK_EVENTS_PATH);
    expect(manifest.features.app_home).toMatchObject({
      home_tab_enabled: true,
      messages_tab_enabled: true,
    });
  });

  it('knows the scopes of every Web API method and event the adapter uses', () => {
    expect([...methods].filter((method) => !(method in METHOD_SCOPES))).toEqual([]);
    expect([...listened].filter((event) => !(event in EVENT_SUBSCRIPTIONS))).toEqual([]);
    // The table lists nothing the adapter no longer calls.
    expect(Object.keys(METHOD_SCOPES).filter((method) => !methods.has(method))).toEqual([]);
  });

  it('subscribes to exactly the events the adapter listens to', () => {
    const needed = [...listened].flatMap((event) => Object.keys(EVENT_SUBSCRIPTIONS[event] ?? {}));
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(needed.sort());
  });

  it('requests exactly the bot scopes those methods, events and /okr need', () => {
    const needed = new Set([
      ...(manifest.features.slash_commands?.length ? ['commands'] : []),
      ...[...methods].flatMap((method) => METHOD_SCOPES[method] ?? []),
      ...[...listened].flatMap((event) => Object.values(EVENT_SUBSCRIPTIONS[event] ?? {}).flat()),
    ]);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });
});
