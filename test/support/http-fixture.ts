import pino from 'pino';
import type { DataVersion } from '../../src/db/data-version.ts';
import { createHttpServer, type HttpServer } from '../../src/runtime/http-server.ts';

const logger = pino({ level: 'silent' });

/** An okrbot HTTP server on a free loopback port, with whatever routes the test registers. */
export async function startTestServer(
  register: (http: HttpServer) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const http = createHttpServer({ port: 0, host: '127.0.0.1', logger });
  register(http);
  const url = await http.listen();
  return { url, close: () => http.close() };
}

export { logger as silentLogger };

/**
 * A data version that moves at every look, for dashboards over a database the test writes to
 * directly (no query hook sees those writes): no page is ever served from memory.
 */
export function changingVersion(): DataVersion {
  let version = 0;
  return { current: () => ++version, bump: () => {}, onChange: () => () => {}, observe: () => {} };
}
