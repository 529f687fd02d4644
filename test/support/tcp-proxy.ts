import { createServer, type Server, Socket } from 'node:net';

/**
 * A TCP proxy in front of Postgres for fault injection: `drop()` cuts every connection and
 * refuses new ones (the database is gone), `stall()` keeps connections open but passes nothing
 * (a hung server), `restore()` goes back to forwarding.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  let mode: 'forward' | 'drop' | 'stall' = 'forward';
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (mode === 'drop') return client.destroy();
    const upstream = new Socket();
    upstream.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.on('data', (chunk) => mode === 'forward' && upstream.write(chunk));
    upstream.on('data', (chunk) => mode === 'forward' && client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    drop() {
      mode = 'drop';
      for (const socket of sockets) socket.destroy();
    },
    stall() {
      mode = 'stall';
    },
    restore() {
      mode = 'forward';
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
