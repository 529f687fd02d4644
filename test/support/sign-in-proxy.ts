import { createServer, request as forward } from 'node:http';
import type { AddressInfo } from 'node:net';

// What oauth2-proxy does for okrbot once someone has signed in: it forwards each request and
// names the user in a header, replacing any the client sent. It connects from its own address
// (127.0.0.2, loopback too on Linux), so okrbot can tell it from a client on 127.0.0.1.

export const PROXY_ADDRESS = '127.0.0.2';

export interface SignInProxy {
  readonly url: string;
  close(): Promise<void>;
}

export async function startSignInProxy(
  upstream: string,
  user: string,
  header = 'x-forwarded-user',
): Promise<SignInProxy> {
  const target = new URL(upstream);
  const server = createServer((incoming, outgoing) => {
    const headers = { ...incoming.headers, host: target.host, [header]: user };
    const upstreamRequest = forward(
      {
        host: target.hostname,
        port: target.port,
        localAddress: PROXY_ADDRESS,
        method: incoming.method,
        path: incoming.url,
        headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstreamRequest.on('error', () => outgoing.writeHead(502).end());
    incoming.pipe(upstreamRequest);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
