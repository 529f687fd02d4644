import type { ChatAdapter, DeliveryOutcome, OutboundMessage } from '../../src/core/chat-adapter.ts';
import type { ChatTransport } from '../../src/domain/transports.ts';
import type { Clock } from '../../src/runtime/clock.ts';

// A chat adapter for tests: records every message it is handed, and can be told to fail
// (transiently, permanently, with a Retry-After), to treat people as offline, or to answer
// `wasDelivered` from what it recorded.

export interface Sent {
  key: string;
  message: OutboundMessage;
  /** When it was handed over: milliseconds on the adapter's clock, else performance.now(). */
  at: number;
}

type Failure = Extract<DeliveryOutcome, { ok: false }>;

export interface RecordingAdapter extends ChatAdapter {
  readonly sent: Sent[];
  /** The next `times` messages matching `match` (all when omitted) fail with `outcome`. */
  failNext(outcome: Failure, times?: number, match?: (message: OutboundMessage) => boolean): void;
  /** These people are offline: messages to them fail with `recipient offline` until removed. */
  readonly offline: Set<number>;
  /** Records the message, then throws as if the response were lost (it did leave). */
  loseResponseOnce(): void;
  keys(): string[];
}

export function createRecordingAdapter(
  transport: ChatTransport = 'slack',
  options: { keyCheck?: boolean; clock?: Clock } = {},
): RecordingAdapter {
  const { clock } = options;
  const now = () => (clock ? clock.now().getTime() : performance.now());
  const sent: Sent[] = [];
  const failures: { outcome: Failure; times: number; match: (m: OutboundMessage) => boolean }[] =
    [];
  const offline = new Set<number>();
  let loseResponse = false;
  const adapter: RecordingAdapter = {
    transport,
    sent,
    offline,
    async start() {},
    async stop() {},
    health: () => ({ connected: true, detail: 'recording', reconnects: 0 }),
    async deliver(message) {
      const failure = failures.find((f) => f.times > 0 && f.match(message));
      if (failure) {
        failure.times--;
        return failure.outcome;
      }
      if (message.to.kind === 'person' && offline.has(message.to.personId))
        return { ok: false, retry: 'later', error: 'recipient offline' };
      sent.push({ key: message.key, message, at: now() });
      if (loseResponse) {
        loseResponse = false;
        throw new Error('socket hang up');
      }
      return { ok: true, messageId: `m${sent.length}` };
    },
    failNext(outcome, times = 1, match = () => true) {
      failures.push({ outcome, times, match });
    },
    loseResponseOnce() {
      loseResponse = true;
    },
    keys: () => sent.map((s) => s.key),
  };
  if (options.keyCheck)
    adapter.wasDelivered = async (message) => {
      const index = sent.findIndex((s) => s.key === message.key);
      return index === -1 ? undefined : { messageId: `m${index + 1}` };
    };
  return adapter;
}
