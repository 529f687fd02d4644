import {
  App,
  type Logger as BoltLogger,
  HTTPReceiver,
  LogLevel,
  type Receiver,
  SocketModeReceiver,
} from '@slack/bolt';
import type { Logger } from 'pino';
import type { AdapterContext } from '../../core/adapter-context.ts';
import {
  type AdapterHealth,
  AdapterStartError,
  type ChatAdapter,
} from '../../core/chat-adapter.ts';
import { systemClock } from '../../runtime/clock.ts';
import { slackChannelCheck } from './channel-check.ts';
import { createSlackDelivery } from './deliver.ts';
import { registerEvents } from './events.ts';
import { registerForms } from './forms.ts';
import { createHomePublisher, type HomePublisher } from './home-publisher.ts';
import { registerPromptActions } from './prompt-actions.ts';
import { registerProposalActions } from './proposals.ts';
import { createWebClient, slackErrorCode, withRateLimit } from './slack-api.ts';
import type { SlackConfig } from './slack-config.ts';
import { createSlackContext } from './slack-context.ts';
import { createSlackIdentity } from './slack-identity.ts';
import { registerSlashCommand } from './slash-command.ts';
import { registerUninstall } from './uninstall.ts';
import { registerWorkspaceGate, servedBy } from './workspace-gate.ts';

/** Where Slack sends events, commands and interactions in HTTP mode. */
export const SLACK_EVENTS_PATH = '/slack/events';

// Slack's requests are small (the largest, a submitted form, is a few tens of KB); anything
// much bigger is refused with 413 before it is read.
const BODY_LIMIT = 1024 * 1024;

/** A command's answer when this instance has as much running as OKRBOT_WORK_LIMIT allows. */
export const BUSY = 'okrbot is busy right now; try again in a moment.';

/** Bolt's logger interface on top of the bot's pino logger. */
function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  const say =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...msg: unknown[]) =>
      child[level](msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' '));
  return {
    debug: say('debug'),
    info: say('info'),
    warn: say('warn'),
    error: say('error'),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}

/**
 * The Slack adapter: `/okr`, the interactive monthly prompts and their forms, the App Home and
 * direct messages, over Bolt's HTTP receiver (on okrbot's HTTP server) or Socket Mode.
 */
export function createSlackAdapter(context: AdapterContext, config: SlackConfig): ChatAdapter {
  const { logger, http } = context;
  const client = createWebClient(config.botToken, config.apiUrl);
  const identity = createSlackIdentity({
    client,
    store: context.services,
    resolve: context.actor,
    version: context.dataVersion,
    logger,
  });
  const slack = createSlackContext({ context, client, identity });
  const delivery = createSlackDelivery(slack);
  let app: App | undefined;
  let home: HomePublisher | undefined;
  let workspace = '';
  let lastError: string | undefined;
  // Socket Mode's connection; HTTP mode has none of its own to lose.
  let socketUp = !config.appToken;
  let reconnects = 0;
  let linking = new AbortController();

  /** Email linking at start, again after passing failures (30 s doubling to an hour), until done. */
  const linkByEmailUntilDone = async () => {
    for (let wait = 30_000; !linking.signal.aborted; wait = Math.min(wait * 2, 3_600_000)) {
      try {
        const { linked, retry } = await identity.linkByEmail();
        if (linked) logger.info({ linked }, 'Slack users linked by email');
        if (!retry) return;
      } catch (err) {
        logger.warn({ err }, 'linking Slack users by email failed; trying again later');
      }
      await systemClock.sleep(wait, linking.signal);
    }
  };
  /** Set once Slack said the app was uninstalled or its token revoked: nothing more is sent. */
  let revoked: string | undefined;

  async function stopSending(reason: string): Promise<void> {
    if (revoked) return;
    revoked = reason;
    logger.error({ reason }, 'Slack: sending stopped');
    const dead = await context.services.outbox.markTransportDead('slack', `not sent: ${reason}`);
    logger.error({ deadLettered: dead }, 'Slack: the queued messages were dead-lettered');
  }

  return {
    transport: 'slack',

    async start() {
      let auth: Awaited<ReturnType<typeof client.auth.test>>;
      try {
        auth = await withRateLimit(() => client.auth.test());
      } catch (error) {
        const code = slackErrorCode(error);
        throw new AdapterStartError(
          code.startsWith('request_failed') || code.startsWith('http_')
            ? `Could not reach the Slack Web API at ${config.apiUrl} (${code}): check SLACK_API_URL and the network.`
            : `Slack refused SLACK_BOT_TOKEN (${code}): check the token (OAuth & Permissions page of the app).`,
        );
      }
      workspace = `${auth.team ?? auth.team_id} as @${auth.user}`;
      const served = servedBy(config, { teamId: auth.team_id, enterpriseId: auth.enterprise_id });
      // A token of another workspace or org than the one configured serves the wrong people.
      if (
        (config.teamId && !auth.is_enterprise_install && auth.team_id !== config.teamId) ||
        (config.enterpriseId && auth.enterprise_id !== config.enterpriseId)
      )
        throw new AdapterStartError(
          `SLACK_BOT_TOKEN belongs to workspace ${auth.team_id ?? '?'}${auth.enterprise_id ? ` of org ${auth.enterprise_id}` : ''}, not to the configured ${[config.teamId, config.enterpriseId].filter(Boolean).join(' / ')}: check SLACK_TEAM_ID, SLACK_ENTERPRISE_ID and the token.`,
        );
      const log = boltLogger(logger);
      const clientOptions = {
        slackApiUrl: config.apiUrl,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
      };
      let receiver: Receiver;
      if (config.appToken) {
        const socket = new SocketModeReceiver({
          appToken: config.appToken,
          logger: log,
          installerOptions: { clientOptions },
        });
        // The socket client reconnects by itself; health and metrics follow it.
        socket.client.on('connected', () => {
          socketUp = true;
        });
        socket.client.on('disconnected', () => {
          socketUp = false;
        });
        socket.client.on('reconnecting', () => {
          reconnects += 1;
          context.metrics.adapterReconnects.inc({ transport: 'slack' });
        });
        receiver = socket;
      } else {
        if (!http) throw new AdapterStartError('Slack in HTTP mode needs the HTTP server');
        const httpReceiver = new HTTPReceiver({
          signingSecret: config.signingSecret as string,
          endpoints: SLACK_EVENTS_PATH,
          bodyLimit: BODY_LIMIT,
          logger: log,
        });
        http.route(['POST'], SLACK_EVENTS_PATH, (request, response) => {
          // Refused before reading, and the connection closed: its unread body must not be
          // taken for the next request on a kept-alive connection.
          if (Number(request.headers['content-length'] ?? 0) > BODY_LIMIT) {
            response.writeHead(413, { connection: 'close' }).end();
            return;
          }
          httpReceiver.requestListener(request, response);
        });
        receiver = httpReceiver;
      }
      const created = new App({
        token: config.botToken,
        botId: auth.bot_id,
        botUserId: auth.user_id,
        // auth.test above has checked the token.
        tokenVerificationEnabled: false,
        // okrbot's own messages tell it which deliveries left (events.ts); the listeners ignore
        // bot messages otherwise.
        ignoreSelf: false,
        receiver,
        logger: log,
        clientOptions,
      });
      // Every request is work taken on until its listener is done (for a command, until its
      // answer reached the response_url, well after the ack). Beyond the bound a command is told
      // at once, in its ack, to try again; events are already acknowledged when they get here,
      // and clicks are few, so those are taken on anyway.
      created.use(async (args) => {
        const finished = context.work.begin();
        if (finished !== 'busy') {
          try {
            await args.next();
          } finally {
            finished();
          }
        } else if ('command' in args) {
          context.metrics.busyRefusals.inc({ transport: 'slack' });
          await args.ack({ response_type: 'ephemeral', text: BUSY });
        } else await context.work.run(args.next);
      });
      registerWorkspaceGate(created, served, logger);
      registerUninstall(created, auth.user_id, stopSending);
      home = createHomePublisher(slack);
      registerEvents(created, slack, home);
      registerSlashCommand(created, slack);
      registerPromptActions(created, slack);
      registerProposalActions(created, slack);
      registerForms(created, slack);
      created.error(async (error) => {
        lastError = error.message;
        logger.error({ err: error }, 'Slack listener failed');
      });
      if (config.appToken) await created.start();
      app = created;
      context.services.channelChecks.register('slack', slackChannelCheck(client));
      logger.info(
        { workspace, mode: config.appToken ? 'socket' : `HTTP ${SLACK_EVENTS_PATH}` },
        'Slack connected',
      );
      // People with an email in the quarter files are linked without anyone typing `person link`;
      // lookups that failed for a passing reason are tried again with backoff.
      linking = new AbortController();
      void linkByEmailUntilDone();
      // People linked while okrbot was not running take their time zones now.
      void identity
        .readProfiles()
        .catch((err) => logger.warn({ err }, 'reading the Slack profiles of linked people failed'));
    },

    async stop() {
      linking.abort();
      home?.stop();
      if (app && config.appToken) await app.stop();
      app = undefined;
    },

    health(): AdapterHealth {
      if (revoked)
        return {
          connected: false,
          detail: `Slack workspace ${workspace}: ${revoked}; sending stopped (reinstall the app, set the new token and restart okrbot)`,
          reconnects,
        };
      const mode = config.appToken ? `Socket Mode${socketUp ? '' : ', reconnecting'}` : 'HTTP';
      return {
        connected: app !== undefined && socketUp,
        detail: app
          ? `Slack workspace ${workspace} (${mode})${lastError ? `; last error: ${lastError}` : ''}`
          : 'Slack not started',
        reconnects,
      };
    },

    async deliver(message) {
      if (revoked) return { ok: false, retry: 'never', error: `not sent: ${revoked}` };
      const outcome = await delivery.deliver(message);
      if (!outcome.ok) lastError = outcome.error;
      return outcome;
    },

    // Nothing can be read any more either; deliver dead-letters the message.
    wasDelivered: async (message) => (revoked ? undefined : delivery.wasDelivered(message)),
  };
}
