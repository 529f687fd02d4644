import type { Logger } from 'pino';
import type { ChatTransport } from '../../domain/transports.ts';
import type { OutboxStore } from '../../store/outbox/index.ts';

// How the rest of okrbot pokes the outbox: adapters say when a person comes online (a transport
// that can only reach people online answers `recipient offline` until then) or when they reconnect; the scheduler says it queued work.
// The worker of this process listens; other instances see the rows on their next poll.

export interface OutboxHooks {
  /** A person appeared (joined a channel, logged in): their waiting messages are due now. */
  personOnline(personId: number): Promise<void>;
  /** A transport (re)connected: what failed on it is due now. */
  transportReady(transport: ChatTransport): Promise<void>;
  /** Messages were queued in this process. */
  queued(): void;
  /** The worker's wake-up call; one listener. */
  onWake(listener: (() => void) | undefined): void;
}

export function createOutboxHooks(outbox: OutboxStore, logger: Logger): OutboxHooks {
  let listener: (() => void) | undefined;
  const wake = () => listener?.();
  return {
    async personOnline(personId) {
      const woken = await outbox.wakePerson(personId).catch((err) => {
        logger.warn({ err, personId }, 'could not wake the deliveries of a person who came online');
        return 0;
      });
      if (woken) wake();
    },
    async transportReady(transport) {
      const woken = await outbox.wakeTransport(transport).catch((err) => {
        logger.warn({ err, transport }, 'could not wake the deliveries of a reconnected transport');
        return 0;
      });
      if (woken) wake();
    },
    queued: wake,
    onWake(next) {
      listener = next;
    },
  };
}
