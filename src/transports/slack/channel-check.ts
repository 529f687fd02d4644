import type { ChannelCheck } from '../../core/channel-checks.ts';
import { slackErrorCode, type WebClient, withRateLimit } from './slack-api.ts';

// A Slack channel an admin adds must be one okrbot can use: it exists in this workspace, is not
// archived, and okrbot is a member (to read answers in its threads, message.channels or
// message.groups, and to check its history before a retry). A private channel cannot even be
// seen until okrbot is invited; both cases are answered with how to invite it.

const invite = (channel: string) =>
  `In Slack, open the channel and type \`/invite @okrbot\`, then add ${channel} again.`;

export function slackChannelCheck(client: WebClient): ChannelCheck {
  return async (channel) => {
    let info: Awaited<ReturnType<WebClient['conversations']['info']>>;
    try {
      info = await withRateLimit(() => client.conversations.info({ channel }));
    } catch (error) {
      const code = slackErrorCode(error);
      if (code === 'channel_not_found')
        return `okrbot cannot see a Slack channel ${channel}: the id is wrong, or it is a private channel okrbot is not in. ${invite(channel)}`;
      return `okrbot could not check the Slack channel ${channel} (${code}); try again in a moment.`;
    }
    const found = info.channel;
    const name = found?.name ? `#${found.name}` : channel;
    if (found?.is_archived) return `${name} is archived: okrbot cannot post there.`;
    if (!found?.is_member)
      return `okrbot is not a member of ${name}${found?.is_private ? ' (a private channel)' : ''}, so it would not see answers there. ${invite(channel)}`;
    return undefined;
  };
}
