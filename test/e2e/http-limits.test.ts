import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer } from '../../src/runtime/http-server.ts';
import { silentLogger } from '../support/http-fixture.ts';
import { waitFor } from '../support/instances.ts';

// Slow clients against okrbot's HTTP server (issue 19, item 6): connections that send their
// headers a byte at a time are cut off, connections beyond the cap are closed as they arrive, and
// the server answers again as soon as they are gone.

const LIMITS = { headersTimeoutMs: 1000, requestTimeoutMs: 2000, maxConnections: 20 };

describe('HTTP server limits', () => {
  let http: HttpServer | undefined;
  let sockets: Socket[] = [];

  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    sockets = [];
    await http?.close();
    http = undefined;
  });

  async function start(): Promise<URL> {
    http = createHttpServer({ port: 0, host: '127.0.0.1', logger: silentLogger, limits: LIMITS });
    http.route(['GET'], '/ping', (_request, response) => {
      response.end('pong');
    });
    return new URL(await http.listen());
  }

  /** A client that sends a request line, then one header byte every 100 ms, forever. */
  function slowClient(url: URL): { closed: () => boolean; answer: () => string } {
    let closed = false;
    let answer = '';
    const socket = connect(Number(url.port), url.hostname);
    sockets.push(socket);
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
    });
    socket.once('close', () => {
      closed = true;
    });
    socket.once('connect', () => {
      socket.write('GET /ping HTTP/1.1\r\nHost: okrbot\r\nX-Slow: ');
      const trickle = setInterval(() => {
        if (closed) clearInterval(trickle);
        else socket.write('a');
      }, 100);
    });
    return { closed: () => closed, answer: () => answer };
  }

  it('cuts off clients that send their headers slowly', async () => {
    const url = await start();
    const clients = Array.from({ length: 10 }, () => slowClient(url));
    // Node's defaults (60 s, checked every 30 s) would keep every one of them open.
    await waitFor('every slow client cut off', () => clients.every((c) => c.closed()), 20_000);
    for (const client of clients) expect(client.answer()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes connections beyond the cap at once, and answers again once the slow ones are cut off', async () => {
    const url = await start();
    const clients = Array.from({ length: LIMITS.maxConnections + 10 }, () => slowClient(url));
    await waitFor('every slow client gone', () => clients.every((c) => c.closed()), 20_000);
    // The ten beyond the cap were closed as they came, without an answer; the others were cut
    // off by the header timeout (408).
    const refused = clients.filter((c) => c.answer() === '');
    expect(refused).toHaveLength(10);
    await waitFor(
      '/ping answered',
      async () => {
        const text = await fetch(new URL('/ping', url))
          .then((response) => response.text())
          .catch(() => '');
        return text === 'pong';
      },
      20_000,
    );
  });
});
