import { readFileSync } from 'node:fs';
import net from 'node:net';
import { createInterface } from 'node:readline';
import tls from 'node:tls';

// A few lines of IRC server for what the real network cannot be made to do on demand: offer no
// SASL, never finish registration, hold the bot's nick, present an untrusted certificate, or
// say a nick went offline.

export interface FakeServerOptions {
  /** Capabilities offered in CAP LS. */
  caps?: string;
  /** false: never send the welcome (001). */
  welcome?: boolean;
  /** Nicks answered with 433 (in use). */
  nicksInUse?: string[];
  /** Serve TLS with the self-signed certificate in test/fixtures/tls. */
  tls?: boolean;
  /** What WHOIS answers: the account a nick is logged in to, null for none (changeable). */
  whois?: Record<string, string | null>;
  /** ISUPPORT tokens sent after the welcome (`MONITOR=10`). */
  isupport?: string;
}

export interface FakeServer {
  port: number;
  /** Every line received, on any connection. */
  lines: string[];
  /** Connections accepted (for TLS: handshakes that succeeded). */
  connections(): number;
  /** TLS handshakes the client gave up on. */
  tlsFailures(): number;
  /** Sends a raw line to every client (a message from someone, say). */
  broadcast(line: string): void;
  close(): Promise<void>;
}

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/tls/${name}`, import.meta.url));

export async function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  const lines: string[] = [];
  const sockets = new Set<net.Socket>();
  let connections = 0;
  let tlsFailures = 0;
  const serve = (socket: net.Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let nick = '*';
    let capEnded = false;
    let welcomed = false;
    const send = (line: string) => socket.write(`${line}\r\n`);
    // Registration ends when capability negotiation has and a free nick was given.
    const welcome = () => {
      if (welcomed || !capEnded || nick === '*' || options.welcome === false) return;
      welcomed = true;
      send(`:fake.test 001 ${nick} :Welcome ${nick}`);
      if (options.isupport) send(`:fake.test 005 ${nick} ${options.isupport} :are supported`);
    };
    createInterface({ input: socket }).on('line', (raw) => {
      const line = raw.replace(/\r$/, '');
      lines.push(line);
      const [command = '', ...params] = line.split(' ');
      if (command === 'CAP' && params[0] === 'LS')
        send(`:fake.test CAP * LS :${options.caps ?? ''}`);
      else if (command === 'CAP' && params[0] === 'REQ')
        send(`:fake.test CAP ${nick} ACK ${params.slice(1).join(' ')}`);
      else if (command === 'CAP' && params[0] === 'END') {
        capEnded = true;
        welcome();
      } else if (command === 'NICK') {
        const wanted = params[0] ?? '';
        if (options.nicksInUse?.includes(wanted))
          send(`:fake.test 433 ${nick} ${wanted} :Nickname is already in use`);
        else {
          nick = wanted;
          welcome();
        }
      } else if (command === 'QUIT') {
        send(
          `ERROR :Closing link: (${nick}@127.0.0.1) [Quit: ${line.split(':').slice(1).join(':')}]`,
        );
        socket.end();
      } else if (command === 'PING') send(`:fake.test PONG fake.test ${params.join(' ')}`);
      else if (command === 'WHOIS') {
        const target = params[0] ?? '';
        const account = options.whois?.[target];
        if (account !== undefined) send(`:fake.test 311 ${nick} ${target} user host * :real`);
        if (account) send(`:fake.test 330 ${nick} ${target} ${account} :is logged in as`);
        send(`:fake.test 318 ${nick} ${target} :End of /WHOIS list.`);
      }
    });
  };
  const server = options.tls
    ? tls.createServer({ key: fixture('self-signed.key'), cert: fixture('self-signed.crt') }, serve)
    : net.createServer(serve);
  server.on('tlsClientError', () => tlsFailures++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    lines,
    connections: () => connections,
    tlsFailures: () => tlsFailures,
    broadcast(line) {
      for (const socket of sockets) socket.write(`${line}\r\n`);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
