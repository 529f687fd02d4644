import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/okrbot.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment a user would have: none of the runner's okrbot or database settings. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { PATH, HOME, TMPDIR } = process.env;
  // PORT 0: bots started side by side by the tests never fight over a port. Their pages are for
  // the tests alone, on loopback: public (test/e2e/web-access.test.ts tries the other settings).
  // Their data is thrown away, so no fsync at each commit (it costs seconds on a loaded machine;
  // test/store/embedded-durability.test.ts covers the durable default).
  return {
    PATH,
    HOME,
    TMPDIR,
    LOG_LEVEL: 'info',
    PORT: '0',
    OKRBOT_WEB_ACCESS: 'public',
    OKRBOT_EMBEDDED_FSYNC: '0',
    ...env,
  };
}

/** Starts `okrbot ARGS` as a child process, the way `npm start` does. */
export function spawnCli(
  args: string[],
  env: Record<string, string>,
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [BIN, ...args], { env: cleanEnv(env), stdio: 'pipe' });
}

/** Runs `okrbot ARGS` with `input` on standard input (then closed) and waits for it to exit. */
export async function runCli(
  args: string[],
  env: Record<string, string>,
  input = '',
): Promise<CliResult> {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, stdout, stderr };
}
