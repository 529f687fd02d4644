import type { Logger } from 'pino';
import type { AdapterContext } from '../core/adapter-context.ts';
import type { Services } from '../core/command.ts';
import type { Dispatch } from '../core/dispatch.ts';
import { actorResolver } from '../core/identity.ts';
import type { RunningWork } from '../core/running-work.ts';
import type { DataVersion } from '../db/data-version.ts';
import type { FiscalSettings } from '../domain/fiscal-calendar.ts';
import { type ChatTransport, isChatTransport, type TransportId } from '../domain/transports.ts';
import { answerLine } from '../features/open-prompt.ts';
import type { HttpServer } from '../runtime/http-server.ts';
import type { Metrics } from '../runtime/metrics.ts';

/** The parts of a running bot an adapter's context is made of (tests pass their own). */
export interface AdapterContextParts {
  services: Services;
  dispatch: Dispatch;
  /** OKRBOT_ADMINS. */
  admins: readonly string[];
  logger: Logger;
  metrics: Metrics;
  clock: () => Date;
  fiscal: FiscalSettings;
  publicUrl: string | undefined;
  dataVersion: DataVersion;
  http: HttpServer | undefined;
  chatTransports: readonly ChatTransport[];
  work: RunningWork;
  personOnline(personId: number): void;
  requestStop(): void;
}

/** The context one transport's adapter is started with: the bot's parts, bound to the transport. */
export function createAdapterContext(
  transport: TransportId,
  parts: AdapterContextParts,
): AdapterContext {
  const { services, dispatch } = parts;
  return {
    transport,
    services,
    dispatch,
    actor: actorResolver(services.people, parts.admins, transport),
    answer: (line, actor) => answerLine(line, actor, transport, { services, dispatch }),
    // The local chat has one reader and nothing is redelivered to it.
    claimInbound: (id) =>
      isChatTransport(transport)
        ? services.inboundEvents.claim(transport, id)
        : Promise.resolve(true),
    work: parts.work,
    personOnline: parts.personOnline,
    requestStop: parts.requestStop,
    logger: parts.logger.child({ transport }),
    metrics: parts.metrics,
    clock: parts.clock,
    fiscal: parts.fiscal,
    publicUrl: parts.publicUrl,
    dataVersion: parts.dataVersion,
    http: parts.http,
    chatTransports: parts.chatTransports,
  };
}
