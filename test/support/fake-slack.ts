import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

// A stand-in for Slack's Web API and response_urls on 127.0.0.1: it records every call,
// answers like Slack, and can be told to answer 429 with Retry-After or an error.
// Tests find calls by method and predicate, never by position: a message okrbot sends in the
// background (a nudge, a reminder) must not take the place of the one a test waits for.

export interface SlackCall {
  method: string;
  /** Form fields (objects decoded from their JSON) or the JSON body. */
  body: Record<string, unknown>;
  headers: IncomingMessage['headers'];
  at: number;
  /** What the fake answered (a post's `ts`, say); set before any wait sees the call. */
  answer?: Record<string, unknown>;
}

export interface FakeUser {
  id: string;
  email?: string;
  tz?: string;
  deleted?: boolean;
}

/**
 * A channel as conversations.info describes it. A channel the fake is not told about is a
 * public one okrbot was invited to.
 */
export interface FakeChannel {
  id: string;
  name?: string;
  isPrivate?: boolean;
  /** Default true. */
  isMember?: boolean;
  isArchived?: boolean;
  /** Slack answers channel_not_found: no such channel, or a private one okrbot is not in. */
  hidden?: boolean;
}

export type Failure =
  | { status: 429; retryAfter: number }
  | { error: string }
  | { status: number }
  /** Slack does the call (a post is stored), but its answer never arrives: the connection drops. */
  | { lost: true };

/** Which calls a test means. */
export type CallMatch = (call: SlackCall) => boolean;

export interface WaitOptions {
  /** Only calls after the first `since` calls of all (`fake.calls.length` at some point). */
  since?: number;
  timeoutMs?: number;
}

export interface FakeSlack {
  /** `http://127.0.0.1:port/api/` for SLACK_API_URL. */
  readonly apiUrl: string;
  readonly baseUrl: string;
  readonly calls: SlackCall[];
  users: FakeUser[];
  channels: FakeChannel[];
  /**
   * A Web API rate limit for chat.postMessage: this many posts a second, with bursts of up to
   * a second's worth (a token bucket, as rate limits usually are); a post beyond it is answered
   * 429 with `Retry-After: 1` and not stored.
   */
  postsPerSecond: number | undefined;
  /** chat.postMessage answers 429 because of postsPerSecond, so far. */
  readonly rateLimited: number;
  /**
   * Every message posted (not refused), in order, with the outbox key okrbot puts in its
   * metadata (none for a thread's continuation or an answer) and when it arrived.
   */
  posts(): { channel: string; ts: string; key: string | undefined; at: number }[];
  /** A response_url on this server; its posts are recorded as method `respond:<id>`. */
  responseUrl(id: string): string;
  /** The next `times` (default 1) calls of `method` that match `when` (default: any) fail as given. */
  fail(method: string, failure: Failure, options?: { when?: CallMatch; times?: number }): void;
  /** Calls of `method` wait unanswered until the returned function is called (a slow Slack). */
  hold(method: string): () => void;
  /** The calls of `method` so far that match. */
  callsOf(method: string, match?: CallMatch): SlackCall[];
  /**
   * Socket Mode: sends an envelope to the connected app (waiting for it to connect) and
   * resolves with its acknowledgement.
   */
  sendEnvelope(envelope: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Runs `action` and resolves with the first call of `method` matching `match` that came after it started. */
  next(method: string, action: () => Promise<unknown>, match?: CallMatch): Promise<SlackCall>;
  /** Resolves with the first call of `method` matching `match` (already there or to come). */
  waitFor(method: string, match?: CallMatch, options?: WaitOptions): Promise<SlackCall>;
  /** Resolves with the matching calls of `method` once there are `count` of them. */
  waitForCalls(
    method: string,
    count: number,
    options?: WaitOptions & { match?: CallMatch },
  ): Promise<SlackCall[]>;
  close(): Promise<void>;
}

/** The outbox key okrbot puts in a delivery's metadata; undefined for answers and confirmations. */
export function deliveryKey(call: SlackCall): string | undefined {
  return (call.body.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload
    ?.key;
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if ((request.headers['content-type'] ?? '').includes('application/json'))
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    // The Web API client sends arrays and objects as JSON strings.
    body[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return body;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  // What chat.postMessage stored, per channel, oldest first: conversations.history serves it.
  const history = new Map<
    string,
    { ts: string; thread_ts?: unknown; text?: unknown; metadata?: unknown; at: number }[]
  >();
  const bucket = { tokens: 0, at: 0 };
  let rateLimited = 0;
  const failures: { method: string; failure: Failure; when: CallMatch; times: number }[] = [];
  const held = new Map<string, Promise<void>>();
  /** Waits in progress: each checks the calls again whenever one arrives. */
  const waiters = new Set<() => void>();
  const matching = (method: string, match: CallMatch = () => true, since = 0) =>
    calls.slice(since).filter((call) => call.method === method && match(call));
  /** Resolves with `found()` once it is defined, checking on every call; fails after `timeoutMs`. */
  const waitUntil = <T>(found: () => T | undefined, describe: () => string, timeoutMs = 30_000) =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const result = found();
        if (result === undefined) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(result);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${describe()}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  let ts = 1_700_000_000_000_100;

  const answer = (method: string, body: Record<string, unknown>, fake: FakeSlack): unknown => {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          team_id: 'T0OKR',
          team: 'OKR Test',
          user_id: 'UOKRBOT',
          user: 'okrbot',
          bot_id: 'BOKRBOT',
        };
      case 'users.info': {
        const user = fake.users.find((u) => u.id === body.user);
        return user
          ? {
              ok: true,
              user: {
                id: user.id,
                deleted: user.deleted ?? false,
                tz: user.tz,
                profile: { email: user.email },
              },
            }
          : { ok: false, error: 'user_not_found' };
      }
      case 'users.lookupByEmail': {
        const email = String(body.email).toLowerCase();
        const user = fake.users.find((u) => u.email?.toLowerCase() === email);
        return user
          ? { ok: true, user: { id: user.id, tz: user.tz, profile: { email: user.email } } }
          : { ok: false, error: 'users_not_found' };
      }
      case 'conversations.info': {
        const id = String(body.channel);
        const known = fake.channels.find((c) => c.id === id);
        if (known?.hidden) return { ok: false, error: 'channel_not_found' };
        return {
          ok: true,
          channel: {
            id,
            name: known?.name ?? id.toLowerCase(),
            is_private: known?.isPrivate ?? false,
            is_member: known?.isMember ?? true,
            is_archived: known?.isArchived ?? false,
          },
        };
      }
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(body.users)}` } };
      case 'chat.postMessage': {
        ts += 100;
        const stamp = `${String(ts).slice(0, 10)}.${String(ts).slice(10)}`;
        const channel = String(body.channel);
        history.set(channel, [
          ...(history.get(channel) ?? []),
          {
            ts: stamp,
            thread_ts: body.thread_ts,
            text: body.text,
            metadata: body.metadata,
            at: Date.now(),
          },
        ]);
        return { ok: true, channel, ts: stamp, message: { ts: stamp } };
      }
      case 'conversations.history': {
        // Newest first, top-level messages only, metadata only when asked for, as Slack does.
        const limit = Number(body.limit ?? 100);
        const messages = [...(history.get(String(body.channel)) ?? [])]
          .filter((m) => !m.thread_ts)
          .reverse()
          .slice(0, limit)
          .map(({ ts: stamp, text, metadata }) => ({
            type: 'message',
            ts: stamp,
            text,
            ...(body.include_all_metadata === 'true' || body.include_all_metadata === true
              ? { metadata }
              : {}),
          }));
        return { ok: true, messages, has_more: false };
      }
      case 'apps.connections.open':
        return { ok: true, url: `${fake.baseUrl.replace('http', 'ws')}/socket` };
      default:
        return { ok: true };
    }
  };

  let server: Server;
  // Socket Mode: apps.connections.open hands out this server's /socket address.
  const sockets = new WebSocketServer({ noServer: true });
  let socket: WebSocket | undefined;
  const connected: (() => void)[] = [];
  const acks = new Map<string, (payload: Record<string, unknown>) => void>();
  sockets.on('connection', (ws) => {
    socket = ws;
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as {
        envelope_id: string;
        payload?: Record<string, unknown>;
      };
      acks.get(message.envelope_id)?.(message.payload ?? {});
    });
    ws.send(
      JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0OKR' } }),
    );
    for (const resolve of connected.splice(0)) resolve();
  });
  let envelopes = 0;
  const fake: FakeSlack = {
    apiUrl: '',
    baseUrl: '',
    calls,
    users: [],
    channels: [],
    postsPerSecond: undefined,
    get rateLimited() {
      return rateLimited;
    },
    posts() {
      return [...history]
        .flatMap(([channel, messages]) =>
          messages.map((m) => ({
            channel,
            ts: m.ts,
            key: (m.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload
              ?.key,
            at: m.at,
          })),
        )
        .sort((a, b) => a.ts.localeCompare(b.ts));
    },
    responseUrl: (id) => `${fake.baseUrl}/respond/${id}`,
    fail(method, failure, { when = () => true, times = 1 } = {}) {
      failures.push({ method, failure, when, times });
    },
    hold(method) {
      let release = () => {};
      held.set(
        method,
        new Promise<void>((resolve) => {
          release = () => {
            held.delete(method);
            resolve();
          };
        }),
      );
      return release;
    },
    callsOf: (method, match) => matching(method, match),
    async next(method, action, match) {
      const since = calls.length;
      await action();
      return fake.waitFor(method, match, { since });
    },
    waitFor(method, match, { since, timeoutMs } = {}) {
      return waitUntil(
        () => matching(method, match, since)[0],
        () => `a matching ${method} call; got ${matching(method, undefined, since).length} others`,
        timeoutMs,
      );
    },
    waitForCalls(method, count, { match, since, timeoutMs } = {}) {
      return waitUntil(
        () => {
          const found = matching(method, match, since);
          return found.length >= count ? found : undefined;
        },
        () => `${count} matching ${method} call(s); got ${matching(method, match, since).length}`,
        timeoutMs,
      );
    },
    async sendEnvelope(envelope) {
      if (!socket || socket.readyState !== socket.OPEN)
        await new Promise<void>((resolve) => connected.push(resolve));
      const id = `env-${++envelopes}`;
      return new Promise((resolve) => {
        acks.set(id, resolve);
        socket?.send(JSON.stringify({ envelope_id: id, ...envelope }));
      });
    },
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };

  server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const body = await readBody(request);
    const method = path.startsWith('/respond/')
      ? `respond:${decodeURIComponent(path.slice(9))}`
      : path.replace(/^\/api\//, '');
    const call: SlackCall = { method, body, headers: request.headers, at: Date.now() };
    calls.push(call);
    // Waits see a call once it is answered, with what it was answered.
    response.on('close', () => {
      for (const check of [...waiters]) check();
    });
    await held.get(method);
    const limit = fake.postsPerSecond;
    if (method === 'chat.postMessage' && limit !== undefined) {
      const now = Date.now();
      bucket.tokens = bucket.at
        ? Math.min(limit, bucket.tokens + ((now - bucket.at) / 1000) * limit)
        : limit;
      bucket.at = now;
      if (bucket.tokens < 1) {
        rateLimited++;
        response.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
        response.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        return;
      }
      bucket.tokens -= 1;
    }
    const rule = failures.find((f) => f.method === method && f.times > 0 && f.when(call));
    if (rule) rule.times--;
    const failure = rule?.failure;
    if (failure && 'lost' in failure) {
      call.answer = answer(method, body, fake) as Record<string, unknown>;
      request.socket.destroy();
      return;
    }
    if (failure && 'retryAfter' in failure) {
      response.writeHead(429, {
        'retry-after': String(failure.retryAfter),
        'content-type': 'application/json',
      });
      response.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    } else if (failure && 'error' in failure) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: false, error: failure.error }));
      return;
    } else if (failure && 'status' in failure) {
      response.writeHead(failure.status, { 'content-type': 'text/plain' });
      response.end('failure');
      return;
    }
    call.answer = (
      method.startsWith('respond:') ? { ok: true } : answer(method, body, fake)
    ) as Record<string, unknown>;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(call.answer));
  });
  server.on('upgrade', (request, stream, head) => {
    sockets.handleUpgrade(request, stream, head, (ws) => sockets.emit('connection', ws, request));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  Object.assign(fake, {
    baseUrl: `http://127.0.0.1:${port}`,
    apiUrl: `http://127.0.0.1:${port}/api/`,
  });
  return fake;
}
