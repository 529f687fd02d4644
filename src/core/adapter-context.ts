import type { Logger } from 'pino';
import type { DataVersion } from '../db/data-version.ts';
import type { FiscalSettings } from '../domain/fiscal-calendar.ts';
import type { ChatTransport, TransportId } from '../domain/transports.ts';
import type { Reply } from '../reply/document.ts';
import type { HttpServer } from '../runtime/http-server.ts';
import type { Metrics } from '../runtime/metrics.ts';
import type { PromptRow } from '../store/prompts.ts';
import type { Adapter } from './chat-adapter.ts';
import type { Actor, Services } from './command.ts';
import type { Dispatch } from './dispatch.ts';
import type { ResolveActor } from './identity.ts';
import type { RunningWork } from './running-work.ts';

// The receiving half of the seam: what every adapter is started with, bound to its transport by
// the composition root. An adapter verifies who wrote (its protocol's business), asks `actor`
// who that is, hands the line to `answer`, and renders the reply its own way.

/** What a private line got: the reply, and the prompt it answered when it went to one. */
export interface LineAnswer {
  reply: Reply | undefined;
  /** Set when the line went to a prompt's conversation: threaded chats answer in its thread. */
  prompt?: PromptRow;
}

export interface AdapterContext {
  readonly transport: TransportId;
  /** The stores, the command registry and metrics, for the adapter's own lookups and features. */
  readonly services: Services;
  /** Runs a line as a command (channel lines; `commandsOnly` where every line is one). */
  readonly dispatch: Dispatch;
  /** The actor behind a verified account on this transport (see ResolveActor). */
  readonly actor: ResolveActor;
  /**
   * A line written to okrbot privately: commands run; other lines go to the open conversation;
   * with none, a line that is not a command answers the actor's open prompt on this transport
   * (and opens its conversation). The one rule for every transport.
   */
  answer(line: string, actor: Actor): Promise<LineAnswer>;
  /**
   * True the first time an inbound id is seen on this transport: chats redeliver events, and
   * several instances may read one channel; whichever claims it first answers.
   */
  claimInbound(id: string): Promise<boolean>;
  /** Someone a delivery found offline is seen again: the outbox retries their messages now. */
  personOnline(personId: number): void;
  /**
   * The chat work this process has taken on: an adapter runs what it accepted inside it, so a
   * stopping process finishes it first, and refuses new commands ("busy") beyond its bound.
   */
  readonly work: RunningWork;
  /** Stops okrbot, as SIGTERM does (the local chat's input ended, or its operator quit). */
  requestStop(): void;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The clock commands and prompts read: pinned by OKRBOT_NOW, else the system's. */
  readonly clock: () => Date;
  readonly fiscal: FiscalSettings;
  /** Where the dashboard is reached (OKRBOT_PUBLIC_URL): long answers point there. */
  readonly publicUrl: string | undefined;
  /** Moves whenever data answers are made of changes, in any process (for caches of actors). */
  readonly dataVersion: DataVersion;
  /** okrbot's HTTP server, for a transport that receives requests; undefined when it is off. */
  readonly http: HttpServer | undefined;
  /** The chat transports this instance runs (the ones messages go out on). */
  readonly chatTransports: readonly ChatTransport[];
}

/** How a transport's folder makes its adapter from the context and its own settings. */
export type AdapterFactory<Settings> = (context: AdapterContext, settings: Settings) => Adapter;
