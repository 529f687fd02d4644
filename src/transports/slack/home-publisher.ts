import { homeView } from './app-home.ts';
import { slackErrorCode, withRateLimit } from './slack-api.ts';
import type { SlackContext } from './slack-context.ts';

// The App Home tab is a view Slack keeps until okrbot publishes another. It is published when
// someone opens it, and again (debounced) after any change to the data it is made of, for the
// people who opened it here, so a status recorded elsewhere shows without reopening the tab.
// A view identical to the one last published is not sent again.

export interface HomePublisher {
  /** The person opened their Home tab: published now, and kept up to date from then on. */
  opened(userId: string): Promise<void>;
  stop(): void;
}

export interface HomePublisherOptions {
  /** Quiet time after the last change before republishing: a burst of writes costs one round. */
  debounceMs?: number;
  /** The most people kept up to date (the latest to open their Home). */
  maxUsers?: number;
}

export function createHomePublisher(
  slack: SlackContext,
  { debounceMs = 2000, maxUsers = 500 }: HomePublisherOptions = {},
): HomePublisher {
  // By user, the view last published (as JSON); insertion order is the order of opening.
  const published = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();

  const publish = async (userId: string) => {
    const { actor, ctx } = await slack.as(userId);
    const view = await homeView(actor, ctx, slack.deps);
    const json = JSON.stringify(view);
    if (published.get(userId) === json) return;
    // Publishing the same view twice is harmless, so rate limits may be waited out.
    await withRateLimit(() => slack.client.views.publish({ user_id: userId, view }));
    if (published.has(userId)) published.set(userId, json);
  };

  const flush = async () => {
    for (const userId of [...published.keys()])
      await publish(userId).catch((error) =>
        slack.logger.warn(
          { user: userId, error: slackErrorCode(error) },
          'could not republish an App Home',
        ),
      );
  };

  const unsubscribe = slack.context.dataVersion.onChange(() => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      flushing = flushing.then(flush);
    }, debounceMs);
  });

  return {
    async opened(userId) {
      // Moved to the end: the latest to open are the ones kept.
      published.delete(userId);
      published.set(userId, '');
      for (const oldest of published.keys()) {
        if (published.size <= maxUsers) break;
        published.delete(oldest);
      }
      await publish(userId);
    },
    stop() {
      clearTimeout(timer);
      unsubscribe();
    },
  };
}
