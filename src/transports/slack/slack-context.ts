import type { Logger } from 'pino';
import type { AdapterContext } from '../../core/adapter-context.ts';
import type { Actor, CommandContext, Services } from '../../core/command.ts';
import type { Reply } from '../../reply/document.ts';
import { renderSlack, type SlackMessage } from './render-blocks.ts';
import { slackErrorCode, type WebClient, withRateLimit } from './slack-api.ts';
import type { SlackIdentity } from './slack-identity.ts';

/** What every Slack listener works with. */
export interface SlackContext {
  /** What the adapter was started with. */
  readonly context: AdapterContext;
  readonly deps: Services;
  readonly client: WebClient;
  readonly identity: SlackIdentity;
  readonly logger: Logger;
  /** True the first time an inbound id is seen: Slack redelivers events, and requests can be replayed. */
  firstTime(id: string): Promise<boolean>;
  /** The actor and command context of a Slack user. */
  as(userId: string): Promise<{ actor: Actor; ctx: CommandContext }>;
  /**
   * Shows a reply to one person only, in a channel or one of its threads: refusals and errors
   * in a shared conversation are nobody else's business.
   */
  postEphemeral(channel: string, user: string, reply: Reply, threadTs?: string): Promise<void>;
  /** Posts a reply (several messages when it is long; the rest in the first one's thread). */
  post(
    channel: string,
    reply: Reply | SlackMessage[],
    threadTs?: string,
  ): Promise<string | undefined>;
}

export function createSlackContext(options: {
  context: AdapterContext;
  client: WebClient;
  identity: SlackIdentity;
}): SlackContext {
  const { context, client, identity } = options;
  const { logger } = context;
  return {
    context,
    deps: context.services,
    client,
    identity,
    logger,
    firstTime: (id) => context.claimInbound(id),
    async as(userId) {
      const actor = await identity.actor(userId);
      return { actor, ctx: context.dispatch.contextFor(actor) };
    },
    async postEphemeral(channel, user, reply, threadTs) {
      for (const message of renderSlack(reply))
        await withRateLimit(() =>
          client.chat.postEphemeral({
            channel,
            user,
            text: message.text,
            blocks: message.blocks,
            ...(threadTs ? { thread_ts: threadTs } : {}),
          }),
        );
    },
    async post(channel, reply, threadTs) {
      const messages = Array.isArray(reply) ? reply : renderSlack(reply);
      let first: string | undefined;
      for (const message of messages) {
        try {
          // A 429 means nothing was posted, so waiting and posting again cannot double it.
          const posted = await withRateLimit(() =>
            client.chat.postMessage({
              channel,
              text: message.text,
              blocks: message.blocks,
              ...((threadTs ?? first) ? { thread_ts: threadTs ?? first } : {}),
              unfurl_links: false,
              unfurl_media: false,
            }),
          );
          first ??= posted.ts;
        } catch (error) {
          logger.warn({ channel, error: slackErrorCode(error) }, 'chat.postMessage failed');
          throw error;
        }
      }
      return first;
    },
  };
}
