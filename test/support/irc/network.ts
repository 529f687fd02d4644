import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// A real IRC network for the tests: InspIRCd linked to Atheme services (NickServ, SASL PLAIN,
// account-tag, account-notify, extended-join), started by the vendored start-irc-network.sh on
// free ports. Each test file starts its own, so one file stopping it affects no other.

const SCRIPT = fileURLToPath(new URL('./start-irc-network.sh', import.meta.url));
const run = promisify(execFile);

export interface NetworkOptions {
  /** NickServ accounts to register: name → password. */
  accounts: Record<string, string>;
  /** Server flood limit: a client whose command penalty passes `threshold` is killed. */
  flood?: { threshold: number; linesPerSecond: number };
  /** false: the server does not offer account-tag, so a message does not say who sent it. */
  accountTag?: boolean;
}

/**
 * A strict network's flood class: no fake lag, killed ("Excess Flood") past a penalty of 10
 * lines, which drains at one a second. A client that writes more than 10 lines at once dies.
 */
export const STRICT_FLOOD = { threshold: 10, linesPerSecond: 1 } as const;

export interface IrcNetwork {
  host: string;
  port: number;
  /** Stops both daemons (the network is down; accounts stay in its directory). */
  stop(): Promise<void>;
  /** Starts it again on the same ports, with the same accounts. */
  restart(): Promise<void>;
  /** Stops it for good and removes its directory. */
  close(): Promise<void>;
}

/** Installs InspIRCd and Atheme once when missing (the script knows how), before tests run in parallel. */
export async function ensureIrcPackages(): Promise<void> {
  if (existsSync('/usr/sbin/inspircd') && existsSync('/usr/bin/atheme-services')) return;
  const dir = await mkdtemp(join(tmpdir(), 'okrbot-irc-install-'));
  try {
    await run('bash', [SCRIPT, 'start', dir], {
      env: { ...process.env, IRC_PORT: 'auto', IRC_LINK_PORT: 'auto' },
    });
    await run('bash', [SCRIPT, 'stop', dir]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function startIrcNetwork(options: NetworkOptions): Promise<IrcNetwork> {
  const dir = await mkdtemp(join(tmpdir(), 'okrbot-irc-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    IRC_PORT: 'auto',
    IRC_LINK_PORT: 'auto',
    IRC_ACCOUNTS: Object.entries(options.accounts)
      .map(([name, password]) => `${name}:${password}`)
      .join(' '),
    ...(options.flood
      ? {
          IRC_THRESHOLD: String(options.flood.threshold),
          IRC_COMMANDRATE: String(options.flood.linesPerSecond * 1000),
        }
      : {}),
    ...(options.accountTag === false ? { IRC_NO_ACCOUNT_TAG: '1' } : {}),
  };
  let launcher = await launch(dir, env);
  const ports = launcher.ports;
  // Later starts reuse the ports, so the bot reconnects to the same address, and the accounts
  // the services keep (registering again would race the bot for its nick).
  env.IRC_PORT = String(ports.port);
  env.IRC_LINK_PORT = String(ports.linkPort);
  env.IRC_ACCOUNTS = '';
  let running = true;

  const stop = async () => {
    if (!running) return;
    running = false;
    const exited = new Promise((resolve) => launcher.child.once('exit', resolve));
    launcher.child.kill('SIGTERM');
    await exited;
  };
  return {
    host: '127.0.0.1',
    port: ports.port,
    stop,
    async restart() {
      await stop();
      launcher = await launch(dir, env);
      running = true;
    },
    async close() {
      await stop();
      await run('bash', [SCRIPT, 'stop', dir]).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the script in the foreground (its daemons die with it) and waits for READY. */
async function launch(
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; ports: { port: number; linkPort: number } }> {
  const child = spawn('bash', [SCRIPT, 'run', dir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const values: Record<string, string> = {};
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const ready = await new Promise<boolean>((resolve) => {
    lines.on('line', (line) => {
      if (line === 'READY') resolve(true);
      const [name, value] = line.split('=', 2);
      if (name && value !== undefined) values[name] = value;
    });
    child.once('exit', () => resolve(false));
  });
  lines.close();
  if (!ready)
    throw new Error(`The IRC test network did not start (start-irc-network.sh):\n${stderr}`);
  return {
    child,
    ports: { port: Number(values.IRC_PORT), linkPort: Number(values.IRC_LINK_PORT) },
  };
}
