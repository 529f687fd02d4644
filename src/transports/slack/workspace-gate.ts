import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import type { SlackConfig } from './slack-config.ts';

// okrbot serves one workspace (or one Enterprise Grid org, for an org-wide install) and one
// app. A correctly signed request can still come from elsewhere: the signing secret is the
// app's, and an app distributed to other workspaces signs their requests too. So every request
// is checked against the configured (or the token's own) team, org and app, before any listener
// reads it; a request claiming an org-wide install is believed only for the configured org.

/** Whom the token belongs to, from auth.test. */
export interface TokenOwner {
  teamId: string | undefined;
  enterpriseId: string | undefined;
}

export interface Served {
  teamId: string | undefined;
  enterpriseId: string | undefined;
  appId: string | undefined;
}

/** The team, org and app served: the configured ones, else the token's. */
export function servedBy(config: SlackConfig, owner: TokenOwner): Served {
  return {
    teamId: config.teamId ?? owner.teamId,
    enterpriseId: config.enterpriseId ?? owner.enterpriseId,
    appId: config.appId,
  };
}

/** Why a request is not ours (undefined when it is). */
export function foreignRequest(
  served: Served,
  request: {
    teamId: string | undefined;
    enterpriseId: string | undefined;
    isEnterpriseInstall: boolean;
    appId: string | undefined;
  },
): string | undefined {
  if (served.appId && request.appId !== served.appId)
    return `app ${request.appId ?? '(none)'} is not ${served.appId}`;
  if (request.isEnterpriseInstall)
    return served.enterpriseId && request.enterpriseId === served.enterpriseId
      ? undefined
      : `org ${request.enterpriseId ?? '(none)'} is not ${served.enterpriseId ?? 'served'}`;
  return served.teamId && request.teamId === served.teamId
    ? undefined
    : `workspace ${request.teamId ?? '(none)'} is not ${served.teamId ?? 'served'}`;
}

export function registerWorkspaceGate(app: App, served: Served, logger: Logger): void {
  app.use(async (args) => {
    const { context, body, next } = args;
    const appId = (body as { api_app_id?: unknown }).api_app_id;
    const why = foreignRequest(served, {
      teamId: context.teamId,
      enterpriseId: context.enterpriseId,
      isEnterpriseInstall: context.isEnterpriseInstall === true,
      appId: typeof appId === 'string' ? appId : undefined,
    });
    if (!why) return next();
    logger.warn(
      { team: context.teamId, enterprise: context.enterpriseId, why },
      'foreign Slack request refused',
    );
    // Acknowledged, so Slack does not retry it, and answered with nothing.
    if ('ack' in args && typeof args.ack === 'function') await args.ack();
  });
}
