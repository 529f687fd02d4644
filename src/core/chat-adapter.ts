import { type ChatTransport, isChatTransport, type TransportId } from '../domain/transports.ts';
import type { OutboundContent } from '../store/outbox/index.ts';

// What the rest of okrbot sees of a transport. Every adapter is made from an AdapterContext
// (adapter-context.ts): inbound, it turns messages into lines for the context to answer and
// renders the replies itself. A chat adapter also sends: the outbox hands it one message at a
// time and records what it answers.

/** Where an outgoing message goes. */
export type Destination =
  /** A person, directly (a direct or private message); the adapter finds their account. */
  | { kind: 'person'; personId: number }
  /** A channel by its id on the transport (see the table in domain/transports.ts). */
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
      /** The transport's id of the sent message (a transport without ids gives the target). */
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
      /** The transport asked for a pause (a `Retry-After`). */
      retryAfterMs?: number;
      /**
       * The transport certainly posted nothing (it refused before storing: a rate limit, an
       * error answer), so a retry need not first check whether the message already left.
       */
      unsent?: boolean;
    };

export interface AdapterHealth {
  connected: boolean;
  /** One line for /healthz and logs: `connected to chat.example.org as okrbot`. */
  detail: string;
  /** Reconnections since start. */
  reconnects: number;
  /** Lines waiting to be written, where the transport paces them (IRC). */
  waiting?: number;
}

/** Any transport's adapter, the local one included. */
export interface Adapter {
  readonly transport: TransportId;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** An adapter that reaches people over a network: /healthz watches it, the outbox sends through it. */
export interface ChatAdapter extends Adapter {
  readonly transport: ChatTransport;
  health(): AdapterHealth;
  deliver(message: OutboundMessage): Promise<DeliveryOutcome>;
  /**
   * Optional: whether a message with this key already left, and its id. The outbox asks before
   * it sends a delivery again whose earlier attempt may have gone out unrecorded (the process
   * died after sending, or the response was lost). A transport that can carry the key with the
   * message finds it in the conversation's recent history; one that cannot tell leaves this
   * out, and such a crash may repeat that one message. It throws when it cannot tell this time
   * (the history cannot be read): the outbox then waits and asks again, and never sends blind.
   */
  wasDelivered?(
    message: OutboundMessage,
  ): Promise<{ messageId: string; conversation?: string } | undefined>;
}

export function isChatAdapter(adapter: Adapter): adapter is ChatAdapter {
  return isChatTransport(adapter.transport);
}

/** An adapter could not start for a reason the operator must fix (a refused token, a failed login). */
export class AdapterStartError extends Error {
  override name = 'AdapterStartError';
}
