import { isIP } from 'node:net';
import { z } from 'zod';
import { defineConfigSection } from '../runtime/config-section.ts';
import { optionalText } from '../runtime/env-fields.ts';

// Who may read the dashboard, /metrics and the detail of /healthz. Slack's route is not covered:
// Slack signs its requests, and that signature is its only check.

export type DashboardAccess =
  /** Anyone who reaches the port (set explicitly, or the shell demo on a loopback address). */
  | { readonly mode: 'public' }
  /**
   * Only requests from a trusted sign-in proxy (oauth2-proxy, an SSO gateway) that name the
   * signed-in user in `header`.
   */
  | { readonly mode: 'proxy'; readonly header: string; readonly trustedProxies: readonly string[] }
  /**
   * Nobody: okrbot is reachable by others and nobody chose who reads its pages. The bot itself
   * runs (chat, Slack's route, the bare /healthz); the pages say what to set.
   */
  | { readonly mode: 'closed'; readonly reason: string };

export interface AccessConfig {
  readonly dashboard: DashboardAccess;
  /** When set, /metrics and the detail of /healthz need it as a bearer token. */
  readonly metricsToken: string | undefined;
}

/** What the access rules depend on besides their own variables. */
export interface AccessBase {
  /** Slack or IRC is configured: okrbot runs as a service, reachable through its port. */
  readonly serving: boolean;
  readonly host: string;
}

export const DEFAULT_PROXY_HEADER = 'x-forwarded-user';
const MIN_TOKEN_LENGTH = 16;

/** `127.0.0.1`, `::1`, `localhost`: an address only this machine reaches. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** `10.0.0.5`, `10.0.0.0/8`, `::1`, `fd00::/8`: a proxy's address or network. */
function isAddressOrNetwork(entry: string): boolean {
  const [address = '', prefix, ...extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra.length) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

export const accessConfig = defineConfigSection({
  fields: {
    OKRBOT_WEB_ACCESS: optionalText
      .transform((value) => value?.toLowerCase())
      .refine((value) => value === undefined || value === 'public' || value === 'proxy', {
        message:
          'expected public (anyone who reaches the port reads the dashboard) or proxy (only through a sign-in proxy, see OKRBOT_WEB_TRUSTED_PROXIES)',
      }),
    OKRBOT_WEB_PROXY_HEADER: optionalText
      .transform((value) => value?.toLowerCase() ?? DEFAULT_PROXY_HEADER)
      .refine((value) => /^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(value), {
        message: 'expected an HTTP header name such as X-Forwarded-User or X-Auth-Request-Email',
      }),
    OKRBOT_WEB_TRUSTED_PROXIES: optionalText.transform((value, ctx) => {
      const entries = (value ?? '')
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean);
      const bad = entries.filter((entry) => !isAddressOrNetwork(entry));
      if (bad.length) {
        ctx.addIssue({
          code: 'custom',
          message: `expected comma-separated IP addresses or networks of the sign-in proxy, such as 127.0.0.1 or 10.0.0.0/8 (not ${bad.map((b) => `"${b}"`).join(', ')})`,
        });
        return z.NEVER;
      }
      return entries;
    }),
    OKRBOT_METRICS_TOKEN: optionalText.refine(
      (value) => value === undefined || value.length >= MIN_TOKEN_LENGTH,
      {
        message: `expected a secret of at least ${MIN_TOKEN_LENGTH} characters (e.g. from openssl rand -hex 32)`,
      },
    ),
  },

  problems(env) {
    const access = env.OKRBOT_WEB_ACCESS?.trim().toLowerCase();
    const proxies = env.OKRBOT_WEB_TRUSTED_PROXIES?.trim();
    if (access === 'proxy' && !proxies)
      return [
        'OKRBOT_WEB_TRUSTED_PROXIES: is required with OKRBOT_WEB_ACCESS=proxy: the addresses the sign-in proxy connects from (only their user header is believed)',
      ];
    if (access !== 'proxy' && (proxies || env.OKRBOT_WEB_PROXY_HEADER?.trim()))
      return [
        'OKRBOT_WEB_TRUSTED_PROXIES, OKRBOT_WEB_PROXY_HEADER: are set but OKRBOT_WEB_ACCESS is not proxy',
      ];
    return [];
  },

  read(values, base: AccessBase): AccessConfig {
    const reason = closedReason(values.OKRBOT_WEB_ACCESS, base);
    const dashboard: DashboardAccess =
      values.OKRBOT_WEB_ACCESS === 'proxy'
        ? Object.freeze({
            mode: 'proxy',
            header: values.OKRBOT_WEB_PROXY_HEADER,
            trustedProxies: Object.freeze(values.OKRBOT_WEB_TRUSTED_PROXIES),
          })
        : reason
          ? Object.freeze({ mode: 'closed', reason })
          : Object.freeze({ mode: 'public' });
    return Object.freeze({ dashboard, metricsToken: values.OKRBOT_METRICS_TOKEN });
  },

  describe: (config) => ({
    dashboard:
      config.dashboard.mode === 'proxy'
        ? `through a sign-in proxy (${config.dashboard.header} from ${config.dashboard.trustedProxies.join(', ')})`
        : config.dashboard.mode === 'closed'
          ? 'closed until OKRBOT_WEB_ACCESS is set'
          : 'public',
    metrics: config.metricsToken ? 'bearer token' : 'as the dashboard',
  }),
});

/**
 * Why the pages stay closed, if they do: an okrbot others can reach must be told who reads its
 * dashboard, since it shows every goal, note and person. Until then it runs, and its pages say
 * this (refusing to start would stop a working bot at an upgrade for a page nobody asked for).
 */
function closedReason(access: string | undefined, base: AccessBase): string | undefined {
  if (access !== undefined) return undefined;
  if (!base.serving && isLoopback(base.host)) return undefined;
  const why = base.serving
    ? 'Slack or IRC is configured, so okrbot serves its pages to whoever reaches its port'
    : `HOST=${base.host} serves the pages beyond this machine`;
  return `${why}, and they show every goal, note and person. Set OKRBOT_WEB_ACCESS=proxy behind a sign-in proxy (with OKRBOT_WEB_TRUSTED_PROXIES; see "Access" in README.md), or OKRBOT_WEB_ACCESS=public if everyone may read them`;
}
