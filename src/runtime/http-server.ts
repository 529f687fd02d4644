import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';

// okrbot's one HTTP server: chat transports' requests, /healthz, /metrics and the dashboard share it, so
// an operator opens one port. Routes are a small table: an exact path, or a prefix ending in /.

export type RouteHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
) => void | Promise<void>;

interface Route {
  methods: readonly string[];
  path: string;
  handler: RouteHandler;
}

export interface HttpServer {
  /** `path` is exact, or a prefix when it ends in `/` (longest prefix wins). */
  route(methods: readonly string[], path: string, handler: RouteHandler): void;
  /** Starts listening; the address people and tests reach it at. */
  listen(): Promise<string>;
  /** The base address once listening (`http://127.0.0.1:3000`). */
  readonly url: string | undefined;
  /**
   * The first step of a stop: no new connections, idle kept-alive ones closed, and those with a
   * request in progress closed once it is answered; the requests in progress finish.
   */
  stopListening(): void;
  close(): Promise<void>;
}

export class PortInUseError extends Error {
  constructor(port: number) {
    super(
      `Port ${port} is in use by another program. Set PORT to a free port (PORT=0 picks one), or stop the other program.`,
    );
    this.name = 'PortInUseError';
  }
}

/**
 * What one client may hold of the server. A client that sends its headers slowly (or never) is
 * cut off after `headersTimeout`, one that sends its body slowly after `requestTimeout`, and
 * connections beyond `maxConnections` are closed as they arrive, so slow clients can neither run
 * the process out of file descriptors nor keep Slack and /healthz waiting for long.
 */
export interface HttpLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnections: number;
}

/** Slack's requests and page loads send their headers in milliseconds; ulimit -n is often 1024. */
export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxConnections: 512,
};

export function createHttpServer(options: {
  port: number;
  host: string;
  logger: Logger;
  limits?: Partial<HttpLimits>;
}): HttpServer {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  const routes: Route[] = [];
  let server: Server | undefined;
  let url: string | undefined;
  let stopping = false;

  const find = (path: string): Route[] => {
    const exact = routes.filter((route) => route.path === path);
    if (exact.length) return exact;
    const prefixes = routes
      .filter((route) => route.path.endsWith('/') && path.startsWith(route.path))
      .sort((a, b) => b.path.length - a.path.length);
    const longest = prefixes[0]?.path;
    return prefixes.filter((route) => route.path === longest);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    // A stopping server answers what it was sent and lets the client go elsewhere for more.
    if (stopping) response.shouldKeepAlive = false;
    const requestUrl = new URL(request.url ?? '/', 'http://okrbot.invalid');
    const candidates = find(requestUrl.pathname);
    const route = candidates.find((r) => r.methods.includes(request.method ?? 'GET'));
    if (!route) {
      const status = candidates.length ? 405 : 404;
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(status === 404 ? 'Not found\n' : 'Method not allowed\n');
      return;
    }
    try {
      await route.handler(request, response, requestUrl);
    } catch (error) {
      const errorId = randomBytes(4).toString('hex');
      options.logger.error(
        { err: error, errorId, path: requestUrl.pathname },
        'HTTP request failed',
      );
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(`Internal error (error id ${errorId})\n`);
      } else response.end();
    }
  };

  return {
    route(methods, path, handler) {
      routes.push({ methods, path, handler });
    },
    get url() {
      return url;
    },
    async listen() {
      const created = createServer(
        {
          headersTimeout: limits.headersTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          // How often the timeouts are checked (Node's default, 30 s, would let them overrun).
          connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
        },
        (request, response) => void handle(request, response),
      );
      created.maxConnections = limits.maxConnections;
      await new Promise<void>((resolve, reject) => {
        created.once('error', (error: NodeJS.ErrnoException) =>
          reject(error.code === 'EADDRINUSE' ? new PortInUseError(options.port) : error),
        );
        created.listen(options.port, options.host, () => resolve());
      });
      server = created;
      const { port } = created.address() as AddressInfo;
      const host = ['0.0.0.0', '::'].includes(options.host) ? '127.0.0.1' : options.host;
      url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      return url;
    },
    stopListening() {
      if (!server || stopping) return;
      stopping = true;
      server.close();
      server.closeIdleConnections();
    },
    async close() {
      if (!server) return;
      const closing = server;
      server = undefined;
      await new Promise<void>((resolve) => {
        if (closing.listening) closing.close(() => resolve());
        else resolve();
        // Keep-alive connections (chat webhooks, browsers) would hold the close open.
        closing.closeAllConnections();
      });
    },
  };
}
