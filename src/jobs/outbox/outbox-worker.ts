import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ChatAdapter, DeliveryOutcome, OutboundMessage } from '../../core/chat-adapter.ts';
import type { Clock } from '../../runtime/clock.ts';
import { type CrashPoint, crashNow } from '../../runtime/crash-point.ts';
import type { Metrics } from '../../runtime/metrics.ts';
import { withTimeLimit } from '../../runtime/time-limit.ts';
import type { Claimed, OutboxStore } from '../../store/outbox/index.ts';
import type { PromptRunStore } from '../../store/prompt-runs.ts';
import type { TeamAnswerStore } from '../../store/team-answers.ts';
import type { OutboxHooks } from './outbox-hooks.ts';

// The outbox worker: claims one delivery at a time with its send slot, waits for the slot,
// hands the message to its adapter and records what happened. Between claim and record a row is
// `sending`: if this process dies there, another instance takes the row over once the lease has
// passed, and before sending it again asks the adapter whether a message with that key already
// left (`wasDelivered`); so a crash repeats at most the one message in flight, and only on a
// transport that cannot tell.

export interface OutboxWorkerOptions {
  store: { outbox: OutboxStore; promptRuns: PromptRunStore; teamAnswers: TeamAnswerStore };
  adapters: readonly ChatAdapter[];
  hooks: OutboxHooks;
  instanceId: string;
  /** The outbox store's clock: slots, leases, retries and every wait are measured on it. */
  clock: Clock;
  /** Messages per second on each transport, for all instances together. */
  rate: number;
  /** Least time between two messages to one channel or person. */
  targetIntervalMs: number;
  /** A claim older than this is taken to be abandoned. */
  leaseMs: number;
  logger: Logger;
  /** Counts prompts and reminders sent (/metrics). */
  metrics?: Pick<Metrics, 'promptsSent'>;
  /** Test seam (OKRBOT_CRASH_AT): the process kills itself at this point, once. */
  crashAt?: CrashPoint | undefined;
  /** First retry delay after a transient failure; doubles per attempt up to 30 minutes. */
  retryBaseMs?: number;
  /** How often an idle worker looks for work queued by other instances. */
  pollMs?: number;
}

export interface OutboxWorker {
  start(): void;
  /**
   * Stops claiming; the messages already handed to their adapter are sent and recorded, the
   * others (waiting for their send slot or a transport's Retry-After) are given back at once.
   */
  stop(): Promise<void>;
  /** Sends everything that may go now, then resolves (tests, `okrbot run --send`). */
  drain(): Promise<void>;
}

/** How far ahead of its send slot a delivery is claimed: keeps the pipeline full, claims short. */
const LOOKAHEAD_MS = 250;
/** A second's worth of a transport's slots left unused may be made up for (see ClaimOptions). */
const BURST_MS = 1000;
const MAX_RETRY_MS = 30 * 60_000;
/** A message still failing after this long is dead-lettered: it would arrive too late to help. */
const GIVE_UP_AFTER_MS = 3 * 86_400_000;

/**
 * Attempts after which a delivery whose earlier attempt may have left, and which nobody can
 * check, is given up (with the default 5 s base: checks over about two and a half minutes).
 */
const MAX_UNCHECKED_ATTEMPTS = 6;

/** Longest wait for one database call before the worker moves on (see withTimeLimit). */
const DATABASE_LIMIT_MS = 15_000;

export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { store, logger, instanceId, clock } = options;
  const now = () => clock.now().getTime();
  const adapters = new Map(options.adapters.map((adapter) => [adapter.transport, adapter]));
  const transports = [...adapters.keys()];
  const retryBaseMs = options.retryBaseMs ?? 5000;
  const pollMs = options.pollMs ?? 1000;
  const maxInFlight = Math.ceil(options.rate * 2) + 4;
  const inFlight = new Set<Promise<void>>();
  let running = false;
  let loop: Promise<void> | undefined;
  /** Ends the idle wait of the loop (new work queued here, a person came online, stop). */
  let wakeUp: AbortController | undefined;
  /** A wake-up came while the loop was busy: the claim it made may have missed the new work. */
  let woken = false;
  let crashed = false;
  /** Aborted by stop: claims still waiting for their slot are given back instead of sent. */
  let stopping = new AbortController();
  /**
   * Deliveries whose last attempt here certainly posted nothing (a 429): their retry need not
   * check first. Kept in memory only; another instance retrying one checks, which is safe.
   */
  const certainlyUnsent = new Set<string>();
  /** A transport's Retry-After, for the messages this worker already holds (others see the database). */
  const pausedUntil = new Map<string, number>();

  const crash = (point: CrashPoint) => {
    if (options.crashAt !== point || crashed) return;
    crashed = true;
    crashNow(point, logger);
  };

  const wake = () => {
    woken = true;
    wakeUp?.abort();
  };

  /** Waits `ms`, or less when woken (at once when a wake-up came since the last claim). */
  const idle = async (ms: number) => {
    if (woken || !running) return;
    wakeUp = new AbortController();
    await clock.sleep(ms, wakeUp.signal);
    wakeUp = undefined;
  };

  /** Records an outcome; the database may be restarting, so it tries for up to half a lease. */
  const record = async (what: string, write: () => Promise<boolean>) => {
    const deadline = now() + options.leaseMs / 2;
    for (let delay = 200; ; delay = Math.min(delay * 2, 2000)) {
      try {
        if (!(await withTimeLimit(write(), DATABASE_LIMIT_MS, what)))
          logger.warn(
            { what },
            'a delivery was taken over by another instance before it was recorded',
          );
        return;
      } catch (error) {
        if (now() + delay > deadline) {
          logger.error(
            { err: error, what },
            'could not record a delivery outcome; another instance will re-check it',
          );
          return;
        }
        await clock.sleep(delay);
      }
    }
  };

  const send = async ({ delivery, slot }: Claimed) => {
    const adapter = adapters.get(delivery.transport as ChatAdapter['transport']) as ChatAdapter;
    const claim = { id: delivery.id, attempts: delivery.attempts };
    const { signal } = stopping;
    await clock.sleep(slot.getTime() - now(), signal);
    for (;;) {
      const until = pausedUntil.get(adapter.transport) ?? 0;
      if (until <= now() || signal.aborted) break;
      await clock.sleep(until - now(), signal);
    }
    if (signal.aborted) {
      await record(delivery.key, () => store.outbox.release(claim, instanceId));
      return;
    }
    const message: OutboundMessage = {
      key: delivery.key,
      to:
        delivery.personId === null
          ? { kind: 'channel', channel: delivery.target }
          : { kind: 'person', personId: delivery.personId },
      content: delivery.content,
    };
    if (message.content.type === 'prompt' && message.content.reminder > 0) {
      // The team may have answered anywhere since the reminder was queued.
      if (await store.teamAnswers.forPrompt(message.content.promptId)) {
        await record(delivery.key, () =>
          store.outbox.markSkipped(claim, instanceId, 'answered before the reminder went out'),
        );
        return;
      }
    }
    // A delivery claimed before (its process died, or a response was lost) may have left
    // already: what the outbox saw of it, else the adapter, checks by key before it is sent
    // again. When neither can tell, it is not sent blind: checked again later, a few times,
    // then dead-lettered with the reason (a duplicate is worse than a message to resend).
    if (delivery.attempts > 1 && !certainlyUnsent.delete(delivery.key)) {
      let found: { messageId: string; conversation?: string } | undefined;
      if (delivery.sentMessageId) found = { messageId: delivery.sentMessageId };
      else if (adapter.wasDelivered) {
        try {
          found = await adapter.wasDelivered(message);
        } catch (error) {
          const reason = `could not check whether an earlier attempt already left (${(error as Error).message})`;
          logger.warn({ key: delivery.key, reason }, 'not sending a message that may have left');
          if (delivery.attempts > MAX_UNCHECKED_ATTEMPTS) {
            await record(delivery.key, () =>
              store.outbox.markDead(claim, instanceId, `not sent again: ${reason}`),
            );
            return;
          }
          const retryIn = Math.min(retryBaseMs * 2 ** (delivery.attempts - 1), MAX_RETRY_MS);
          await record(delivery.key, () =>
            store.outbox.markFailed(claim, instanceId, `${reason}; checking again`, retryIn),
          );
          return;
        }
      }
      if (found) {
        await record(delivery.key, () =>
          store.outbox.markSent(claim, instanceId, {
            messageId: found.messageId,
            note: 'found already delivered after an interrupted attempt; not sent again',
          }),
        );
        await afterSent(
          delivery.key,
          message,
          delivery.transport as ChatAdapter['transport'],
          delivery.target,
          { ok: true, ...found },
        );
        return;
      }
    }
    const outcome = await adapter.deliver(message).catch(
      (error): DeliveryOutcome => ({
        ok: false,
        retry: 'later',
        error: (error as Error).message,
      }),
    );
    if (outcome.ok) {
      crash('after-send');
      const { note } = outcome;
      await record(delivery.key, () =>
        store.outbox.markSent(claim, instanceId, {
          messageId: outcome.messageId,
          ...(note ? { note } : {}),
        }),
      );
      await afterSent(delivery.key, message, adapter.transport, delivery.target, outcome);
      return;
    }
    if (outcome.unsent && outcome.retry === 'later') certainlyUnsent.add(delivery.key);
    const age = now() - delivery.createdAt.getTime();
    if (outcome.retry === 'never' || age > GIVE_UP_AFTER_MS) {
      const error =
        outcome.retry === 'never'
          ? outcome.error
          : `gave up after ${delivery.attempts} attempts: ${outcome.error}`;
      logger.warn({ key: delivery.key, error }, 'delivery dead-lettered');
      await record(delivery.key, () => store.outbox.markDead(claim, instanceId, error));
      return;
    }
    const backoff = Math.min(retryBaseMs * 2 ** (delivery.attempts - 1), MAX_RETRY_MS);
    const retryIn = Math.max(outcome.retryAfterMs ?? 0, backoff * (0.8 + Math.random() * 0.4));
    if (outcome.retryAfterMs) {
      pausedUntil.set(adapter.transport, now() + outcome.retryAfterMs);
      await store.outbox.pauseTransport(adapter.transport, outcome.retryAfterMs).catch(() => {});
    }
    logger.info(
      { key: delivery.key, error: outcome.error, retryInMs: Math.round(retryIn) },
      'delivery failed; will retry',
    );
    await record(delivery.key, () =>
      store.outbox.markFailed(claim, instanceId, outcome.error, retryIn),
    );
  };

  /** What a sent prompt or reminder changes beyond its own row. */
  const afterSent = async (
    key: string,
    message: OutboundMessage,
    transport: ChatAdapter['transport'],
    target: string,
    outcome: Extract<DeliveryOutcome, { ok: true }>,
  ) => {
    if (message.content.type !== 'prompt') return;
    const { promptId, reminder } = message.content;
    options.metrics?.promptsSent.inc({ transport });
    await record(key, async () => {
      if (reminder) await store.promptRuns.reminded(promptId, reminder);
      else
        await store.promptRuns.deliveredUnlessKnown(
          promptId,
          transport,
          outcome.conversation ?? target,
          outcome.messageId,
        );
      return true;
    });
  };

  const track = (claimed: Claimed) => {
    const sending = send(claimed)
      .catch((error) => {
        const errorId = randomBytes(4).toString('hex');
        logger.error(
          { err: error, errorId, key: claimed.delivery.key },
          'delivery failed unexpectedly',
        );
      })
      .finally(() => inFlight.delete(sending));
    inFlight.add(sending);
  };

  /** Claims the next delivery and starts sending it; what to do next. */
  const step = async (): Promise<'claimed' | 'idle' | { waitMs: number }> => {
    if (inFlight.size >= maxInFlight) {
      await Promise.race(inFlight);
      return 'claimed';
    }
    const claimed = await withTimeLimit(
      store.outbox.claim({
        transports,
        instanceId,
        leaseMs: options.leaseMs,
        transportIntervalMs: 1000 / options.rate,
        targetIntervalMs: options.targetIntervalMs,
        lookaheadMs: LOOKAHEAD_MS,
        burstMs: BURST_MS,
      }),
      DATABASE_LIMIT_MS,
      'claiming a delivery',
    );
    if (claimed === undefined) return 'idle';
    if (!('delivery' in claimed)) return claimed;
    if (claimed.retaken)
      logger.warn(
        { key: claimed.delivery.key, attempt: claimed.delivery.attempts },
        'taking over an abandoned delivery',
      );
    crash('after-claim');
    track(claimed);
    return 'claimed';
  };

  /** What failed while a transport was down goes as soon as its adapter reconnects. */
  const connected = new Map<string, boolean>();
  const noticeReconnects = () => {
    for (const adapter of adapters.values()) {
      const now = adapter.health().connected;
      if (now && connected.get(adapter.transport) === false)
        void options.hooks.transportReady(adapter.transport);
      connected.set(adapter.transport, now);
    }
  };

  const run = async () => {
    let errors = 0;
    while (running) {
      noticeReconnects();
      try {
        woken = false;
        const next = await step();
        errors = 0;
        if (next === 'idle') await idle(pollMs);
        else if (next !== 'claimed') await idle(Math.min(next.waitMs, pollMs));
      } catch (error) {
        errors++;
        // The database is away (restarting, connections cut): back off, keep what is in flight.
        logger.warn({ err: error }, 'outbox could not claim work; retrying');
        await idle(Math.min(1000 * errors, 10_000));
      }
    }
  };

  return {
    start() {
      if (running || transports.length === 0) return;
      running = true;
      stopping = new AbortController();
      options.hooks.onWake(wake);
      loop = run();
    },
    async stop() {
      running = false;
      stopping.abort();
      options.hooks.onWake(undefined);
      wake();
      await loop;
      await Promise.all(inFlight);
    },
    async drain() {
      for (;;) {
        const next = await step();
        if (next === 'idle') {
          if (inFlight.size === 0) return;
          await Promise.race(inFlight);
        } else if (next !== 'claimed') await clock.sleep(next.waitMs);
      }
    },
  };
}
