import { createHmac, randomBytes } from 'node:crypto';

// Requests as Slack sends them to an app: signed with the signing secret over the raw body,
// form-encoded for slash commands and interactions, JSON for events.

export const SIGNING_SECRET = '8f742231b10e8888abcd99edabcd00d6';

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

export function sign(
  body: string,
  contentType: string,
  options: { secret?: string; timestamp?: number } = {},
): SignedRequest {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', options.secret ?? SIGNING_SECRET)
    .update(`v0:${timestamp}:${body}`)
    .digest('hex')}`;
  return {
    body,
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
    },
  };
}

export const triggerId = () => `${Date.now()}.${randomBytes(4).toString('hex')}`;

export function slashCommand(
  text: string,
  options: { user?: string; channel?: string; responseUrl: string; trigger?: string },
): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0OKR',
    team_domain: 'okr-test',
    channel_id: options.channel ?? 'C0GENERAL',
    channel_name: 'general',
    user_id: options.user ?? 'U0NURIA',
    user_name: 'someone',
    command: '/okr',
    text,
    api_app_id: 'A0OKR',
    response_url: options.responseUrl,
    trigger_id: options.trigger ?? triggerId(),
  }).toString();
}

export function interaction(payload: Record<string, unknown>): string {
  return new URLSearchParams({
    payload: JSON.stringify({
      team: { id: 'T0OKR', domain: 'okr-test' },
      api_app_id: 'A0OKR',
      token: 'x',
      trigger_id: triggerId(),
      ...payload,
    }),
  }).toString();
}

/** A click or a menu choice in a message (block_actions). */
export function blockAction(
  user: string,
  action: Record<string, unknown>,
  message?: { channel: string; ts: string; threadTs?: string },
): string {
  return interaction({
    type: 'block_actions',
    user: { id: user },
    ...(message
      ? {
          channel: { id: message.channel },
          message: { ts: message.ts, thread_ts: message.threadTs, type: 'message' },
        }
      : {}),
    actions: [{ action_ts: '1', ...action }],
  });
}

/** A submitted form: `values` by block id, then action id. */
export function viewSubmission(
  user: string,
  view: { id: string; callbackId: string; metadata: string; values: Record<string, unknown> },
): string {
  return interaction({
    type: 'view_submission',
    user: { id: user },
    view: {
      id: view.id,
      hash: `${view.id}-hash`,
      callback_id: view.callbackId,
      private_metadata: view.metadata,
      state: { values: view.values },
    },
  });
}

export function eventEnvelope(
  event: Record<string, unknown>,
  eventId = `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
): string {
  return JSON.stringify({
    token: 'x',
    team_id: 'T0OKR',
    api_app_id: 'A0OKR',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T0OKR', user_id: 'UOKRBOT', is_bot: true }],
    event,
  });
}

/** POSTs a signed request to the bot; the HTTP status and body text. */
export async function post(
  url: string,
  request: SignedRequest,
  extraHeaders: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...request.headers, ...extraHeaders },
    body: request.body,
  });
  return { status: response.status, text: await response.text() };
}
