import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawnCli } from './run-cli.ts';

// okrbot instances as child processes, the way an operator runs several.

export interface Instance {
  child: ChildProcessWithoutNullStreams;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  /** Stops it as an operator would (SIGTERM): it finishes the messages in flight first. */
  stop(): Promise<void>;
}

export function startInstance(
  args: string[],
  env: Record<string, string>,
  options: { keepStdin?: boolean } = {},
): Instance {
  const child = spawnCli(args, env);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout.resume();
  // Closed, the local chat's input ends at once; kept open, it waits for lines as on a terminal.
  if (!options.keepStdin) child.stdin.end();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    exited,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls until `check` is true; fails with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The instance's HTTP address, once it said where its dashboard is. */
export function addressOf(instance: Instance): string | undefined {
  return /"address":"(http:\/\/[^"]+)"[^\n]*"msg":"dashboard at /.exec(instance.stderr())?.[1];
}

/**
 * Resolves once the instance's scheduler has finished a tick (its /healthz says when): the sign
 * that it has considered every run due at its clock, whatever it then did.
 */
export async function waitForTick(instance: Instance, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    'a finished scheduler tick',
    async () => {
      const address = addressOf(instance);
      if (!address) return false;
      const health = (await (await fetch(`${address}/healthz`)).json()) as {
        checks: { scheduler?: { lastTick: string | null } };
      };
      return Boolean(health.checks.scheduler?.lastTick);
    },
    timeoutMs,
  );
}
