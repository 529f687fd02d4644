import type { App } from '@slack/bolt';

// Slack's word that okrbot may no longer post: the app was uninstalled, or its bot token was
// revoked. Every later call would fail with invalid_auth or token_revoked; okrbot stops sending
// at once instead, and says why.

export function registerUninstall(
  app: App,
  /** okrbot's bot user (auth.test): Bolt does not authorize these events, so context has none. */
  botUserId: string | undefined,
  onRevoked: (reason: string) => Promise<void>,
): void {
  app.event('app_uninstalled', async ({ body }) => {
    await onRevoked(`the app was uninstalled from Slack workspace ${body.team_id}`);
  });
  app.event('tokens_revoked', async ({ event, body }) => {
    // User tokens okrbot never held may be revoked too; only its bot's matters.
    const bots = (event as { tokens?: { bot?: string[] } }).tokens?.bot ?? [];
    if (botUserId && bots.includes(botUserId))
      await onRevoked(`the bot token for Slack workspace ${body.team_id} was revoked`);
  });
}
