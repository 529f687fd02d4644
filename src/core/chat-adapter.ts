import type { ChatTransport } from '../domain/transports.ts';
import type { OutboundContent } from '../store/outbox/index.ts';

// What the rest of okrbot sees of a chat transport. Inbound, an adapter turns messages into
// `dispatch` calls and renders the replies itself; outbound, the outbox hands it one message
// at a time and records what it answers.

/** Where an outgoing message goes. */
export type Destination =
  /** A person, directly (Slack DM, IRC private message); the adapter finds their account. */
  | { kind: 'person'; personId: number }
  /** A channel by its transport id (Slack channel id, IRC channel name). */
  | { kind: 'channel'; channel: string };

export interface OutboundMessage {
  /** The outbox's idempotency key, unique per message. */
  key: string;
  to: Destination;
  content: OutboundContent;
}

export type DeliveryOutcome =
  | {
      ok: true;
      /** The transport's id of the sent message (Slack `ts`; IRC has none: the target). */
      messageId: string;
      /**
       * The conversation it went to, when the address alone does not say (a person's DM
       * channel, a team channel after a fallback): a prompt's replies are found by it.
       */
      conversation?: string;
      /** Why it went elsewhere, recorded with the delivery. */
      note?: string;
    }
  | {
      ok: false;
      /** `later`: transient (rate limit, disconnected); `never`: permanent, dead-letter it. */
      retry: 'later' | 'never';
      error: string;
      /** The transport asked for a pause (Slack `Retry-After`). */
      retryAfterMs?: number;
    };

export interface AdapterHealth {
  connected: boolean;
  /** One line for /healthz and logs: `connected to irc.libera.chat as okrbot`. */
  detail: string;
  /** Reconnections since start. */
  reconnects: number;
}

export interface ChatAdapter {
  readonly transport: ChatTransport;
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): AdapterHealth;
  deliver(message: OutboundMessage): Promise<DeliveryOutcome>;
  /**
   * Optional: whether a message with this key already left, and its id. The outbox asks before
   * it sends a delivery again whose earlier attempt may have gone out unrecorded (the process
   * died after sending, or the response was lost). Slack can tell (the key travels in the
   * message's metadata; look for it in the conversation's recent history); a transport that
   * cannot tell leaves it out, and such a crash may repeat that one message.
   */
  wasDelivered?(
    message: OutboundMessage,
  ): Promise<{ messageId: string; conversation?: string } | undefined>;
}

/** An adapter could not start for a reason the operator must fix (a refused token, a failed login). */
export class AdapterStartError extends Error {
  override name = 'AdapterStartError';
}
