import { setTimeout as sleep } from 'node:timers/promises';
import { webApi } from '@slack/bolt';
import type { DeliveryOutcome } from '../../core/chat-adapter.ts';

// How okrbot talks to the Slack Web API. The client's own retries are off: a post retried after
// a lost response would appear twice, so posts are retried by the outbox, which checks its key
// first. Reads and idempotent writes (views.publish, users.info) may be repeated here, after
// the pause a 429 asks for.

export type WebClient = InstanceType<typeof webApi.WebClient>;

export function createWebClient(token: string, apiUrl: string): WebClient {
  return new webApi.WebClient(token, {
    slackApiUrl: apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logLevel: webApi.LogLevel.ERROR,
  });
}

/** The Slack error code of a failed call (`channel_not_found`), or a description. */
export function slackErrorCode(error: unknown): string {
  if (error instanceof webApi.WebAPIPlatformError) return error.data.error;
  if (error instanceof webApi.WebAPIRateLimitedError) return 'ratelimited';
  if (error instanceof webApi.WebAPIHTTPError) return `http_${error.statusCode}`;
  if (error instanceof webApi.WebAPIRequestError)
    return `request_failed: ${error.original.message}`;
  return error instanceof Error ? error.message : String(error);
}

// Errors that retrying cannot fix: the outbox dead-letters these instead of storming Slack.
const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'no_permission',
  'restricted_action',
  'msg_too_long',
  'no_text',
  'invalid_blocks',
  'invalid_arguments',
  'too_many_attachments',
  'user_not_found',
  'user_disabled',
  'user_not_visible',
  'cannot_dm_bot',
  'messages_tab_disabled',
  'ekm_access_denied',
]);

/** A failed call as the outbox needs it: retry later (and when), or never. */
export function failedDelivery(error: unknown): DeliveryOutcome & { ok: false } {
  if (error instanceof webApi.WebAPIRateLimitedError)
    return {
      ok: false,
      retry: 'later',
      error: 'rate limited by Slack',
      retryAfterMs: error.retryAfter * 1000,
      unsent: true,
    };
  const code = slackErrorCode(error);
  return {
    ok: false,
    retry: PERMANENT.has(code) ? 'never' : 'later',
    error: code,
    // Slack answered `ok: false`: nothing was posted. A timeout or an HTTP error may hide a post.
    ...(error instanceof webApi.WebAPIPlatformError ? { unsent: true } : {}),
  };
}

/**
 * Runs an idempotent call, waiting out rate limits (at most `attempts` times); anything else
 * fails at once.
 */
export async function withRateLimit<T>(call: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof webApi.WebAPIRateLimitedError) || attempt >= attempts) throw error;
      await sleep(Math.min(error.retryAfter, 30) * 1000);
    }
  }
}
