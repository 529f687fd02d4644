import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { Logger } from 'pino';
import type { HttpServer, RouteHandler } from '../runtime/http-server.ts';
import type { AccessConfig } from './access-config.ts';

// The access rules of the pages, applied per request. A sign-in proxy (oauth2-proxy, an SSO
// gateway) authenticates people and names them in a header; that header is believed only from
// the proxy's own addresses, since anyone else could send it too.

export interface AccessGuard {
  /** Who reads the dashboard: the user the proxy named, `anyone` when it is public; else undefined. */
  reader(request: IncomingMessage): string | undefined;
  /** Whether the request may read /metrics and the detail of /healthz. */
  operator(request: IncomingMessage): boolean;
  /** Why nobody may read the pages, when okrbot was not told who may. */
  closed: string | undefined;
}

const MAX_USER_LENGTH = 256;
/** Untrusted addresses warned about; a cap, so a flood of them cannot grow memory. */
const MAX_WARNED = 100;

export function createAccessGuard(config: AccessConfig, logger: Logger): AccessGuard {
  const { dashboard } = config;
  const trusted = new BlockList();
  if (dashboard.mode === 'proxy')
    for (const entry of dashboard.trustedProxies) {
      const [address = '', prefix] = entry.split('/');
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) trusted.addAddress(address, family);
      else trusted.addSubnet(address, Number(prefix), family);
    }
  const warned = new Set<string>();
  const expected = config.metricsToken ? digest(config.metricsToken) : undefined;

  const reader = (request: IncomingMessage): string | undefined => {
    if (dashboard.mode === 'public') return 'anyone';
    if (dashboard.mode === 'closed') return undefined;
    const value = request.headers[dashboard.header];
    const user = (Array.isArray(value) ? value[0] : value)?.trim();
    if (!user || user.length > MAX_USER_LENGTH) return undefined;
    const peer = request.socket.remoteAddress ?? '';
    if (trusted.check(peer, isIP(peer) === 6 ? 'ipv6' : 'ipv4')) return user;
    // Someone sends the header without the proxy, or the proxy's address is not listed.
    if (!warned.has(peer) && warned.size < MAX_WARNED) {
      warned.add(peer);
      logger.warn(
        { peer, header: dashboard.header },
        'a request named a user but did not come from OKRBOT_WEB_TRUSTED_PROXIES; refused (list the sign-in proxy there if it is one)',
      );
    }
    return undefined;
  };

  return {
    reader,
    closed: dashboard.mode === 'closed' ? dashboard.reason : undefined,
    operator(request) {
      if (!expected) return reader(request) !== undefined;
      const [scheme, token] = (request.headers.authorization ?? '').split(' ');
      return (
        scheme?.toLowerCase() === 'bearer' &&
        token !== undefined &&
        timingSafeEqual(digest(token), expected)
      );
    },
  };
}

/** Equal-length values for a constant-time comparison whatever was sent. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The answer to a request without credentials (`closed`: nobody chose who may read the pages). */
export function refuse(response: ServerResponse, bearer: boolean, closed?: string): void {
  response.writeHead(closed ? 403 : 401, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    ...(bearer && { 'www-authenticate': 'Bearer realm="okrbot"' }),
  });
  response.end(
    closed
      ? `These pages are closed: ${closed}.\n`
      : bearer
        ? 'This needs Authorization: Bearer <OKRBOT_METRICS_TOKEN> (without a token set, the same sign-in as the dashboard).\n'
        : 'Sign in first: these pages are served through the sign-in proxy.\n',
  );
}

/**
 * The server as the dashboard registers its routes on it: every handler runs only for a reader
 * (so pages, downloads, charts and even 404 pages, which suggest names, are covered at once).
 */
export function readersOnly(http: HttpServer, guard: AccessGuard): Pick<HttpServer, 'route'> {
  return {
    route(methods, path, handler: RouteHandler) {
      http.route(methods, path, (request, response, url) =>
        guard.reader(request) === undefined
          ? refuse(response, false, guard.closed)
          : handler(request, response, url),
      );
    },
  };
}
