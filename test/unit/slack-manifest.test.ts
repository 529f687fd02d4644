import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SLACK_EVENTS_PATH } from '../../src/transports/slack/slack-adapter.ts';

// The manifest people create the app from must ask for what the adapter listens to.
describe('the Slack app manifest', () => {
  it('points every request at the receiver and subscribes to the events okrbot handles', async () => {
    const manifest = parse(
      await readFile(new URL('../../slack/manifest.yml', import.meta.url), 'utf8'),
    );
    const [command] = manifest.features.slash_commands;
    expect(command.command).toBe('/okr');
    for (const url of [
      command.url,
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
    ])
      expect(new URL(url).pathname).toBe(SLACK_EVENTS_PATH);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['app_home_opened', 'message.im', 'user_change', 'team_join']),
    );
    expect(manifest.features.app_home).toMatchObject({
      home_tab_enabled: true,
      messages_tab_enabled: true,
    });
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining([
        'commands',
        'chat:write',
        'im:write',
        'im:history',
        'users:read',
        'users:read.email',
      ]),
    );
  });
});
