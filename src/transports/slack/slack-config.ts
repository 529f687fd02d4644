import { defineConfigSection, redact } from '../../runtime/config-section.ts';
import { httpUrl, optionalText } from '../../runtime/env-fields.ts';

// Slack's variables. SLACK_BOT_TOKEN turns Slack on; requests are verified with the signing
// secret (HTTP) or arrive over Socket Mode (an app-level token).

export interface SlackConfig {
  readonly botToken: string;
  /** Verifies the HTTP receiver's requests; Socket Mode needs none. */
  readonly signingSecret: string | undefined;
  /** Set: Socket Mode, no public URL needed. */
  readonly appToken: string | undefined;
  /** Base of the Web API, ending in `/`. */
  readonly apiUrl: string;
  /** The one workspace served (default: the token's, from auth.test). */
  readonly teamId: string | undefined;
  /** The Enterprise Grid org of an org-wide install (default: the token's, if any). */
  readonly enterpriseId: string | undefined;
  /** The app whose requests are answered (`api_app_id`); unset: not checked. */
  readonly appId: string | undefined;
}

/** An optional Slack id: a capital letter (its kind) and capitals or digits. */
const slackId = (kind: string, what: string) =>
  optionalText.refine(
    (value) => value === undefined || new RegExp(`^${kind}[A-Z0-9]{2,}$`).test(value),
    {
      message: `expected ${what} starting with ${kind}`,
    },
  );

export const slackConfig = defineConfigSection({
  fields: {
    SLACK_BOT_TOKEN: optionalText.refine((value) => value === undefined || /^xoxb-/.test(value), {
      message: 'expected a bot token starting with xoxb- (OAuth & Permissions page of the app)',
    }),
    SLACK_SIGNING_SECRET: optionalText.refine(
      (value) => value === undefined || /^[0-9a-f]{16,}$/i.test(value),
      { message: 'expected the hexadecimal signing secret from the Basic Information page' },
    ),
    SLACK_APP_TOKEN: optionalText.refine((value) => value === undefined || /^xapp-/.test(value), {
      message: 'expected an app-level token starting with xapp- (for Socket Mode)',
    }),
    SLACK_TEAM_ID: slackId('T', 'the workspace id (T0123ABCD, in the workspace URL or auth.test)'),
    SLACK_ENTERPRISE_ID: slackId('E', 'the Enterprise Grid org id (E0123ABCD)'),
    SLACK_APP_ID: slackId('A', 'the app id (A0123ABCD, Basic Information page of the app)'),
    SLACK_API_URL: httpUrl('expected the http(s) base URL of the Slack Web API', true).transform(
      (value) => value ?? 'https://slack.com/api/',
    ),
  },

  problems(env) {
    const set = (name: string) => Boolean(env[name]?.trim());
    if (!set('SLACK_BOT_TOKEN'))
      return ['SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN']
        .filter(set)
        .map((name) => `${name}: is set but SLACK_BOT_TOKEN is not; Slack needs the bot token`);
    if (!set('SLACK_SIGNING_SECRET') && !set('SLACK_APP_TOKEN'))
      return [
        'SLACK_SIGNING_SECRET: is required with SLACK_BOT_TOKEN to verify requests (or set SLACK_APP_TOKEN for Socket Mode)',
      ];
    return [];
  },

  read(values): SlackConfig | undefined {
    if (!values.SLACK_BOT_TOKEN) return undefined;
    return Object.freeze({
      botToken: values.SLACK_BOT_TOKEN,
      signingSecret: values.SLACK_SIGNING_SECRET,
      appToken: values.SLACK_APP_TOKEN,
      apiUrl: values.SLACK_API_URL,
      teamId: values.SLACK_TEAM_ID,
      enterpriseId: values.SLACK_ENTERPRISE_ID,
      appId: values.SLACK_APP_ID,
    });
  },

  describe: (config) => ({
    mode: config.appToken ? 'socket' : 'http',
    apiUrl: config.apiUrl,
    teamId: config.teamId,
    enterpriseId: config.enterpriseId,
    appId: config.appId,
    botToken: redact(config.botToken),
  }),
});
