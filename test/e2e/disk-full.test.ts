import { execFileSync } from 'node:child_process';
import { mkdtemp, open, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Instance, startInstance, waitFor } from '../support/instances.ts';
import { runCli } from '../support/run-cli.ts';

// A full disk under the embedded database (issue 19, item 7), on a real small tmpfs: the first
// start says so in one line, and a running okrbot answers "the disk is full" instead of "failed
// unexpectedly". Mounting needs root (as on the CI machine); elsewhere the suite is skipped, but
// in CI a suite that cannot run fails.

const isRoot = process.getuid?.() === 0;
if (!isRoot && process.env.CI)
  throw new Error('the disk-full tests mount a tmpfs and need root; CI must run them');

/** A tmpfs of `size` (e.g. `8m`) at a new directory; undone by `unmount`. */
async function mountTmpfs(size: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'okrbot-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  return dir;
}

async function unmount(dir: string): Promise<void> {
  execFileSync('umount', [dir]);
  await rmdir(dir);
}

/** Writes zeros to `file` until the file system is full. */
async function fill(file: string): Promise<void> {
  const handle = await open(file, 'w');
  const chunk = Buffer.alloc(1024 * 1024);
  try {
    for (;;) {
      try {
        await handle.write(chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
        throw error;
      }
    }
    // The last partial megabyte too.
    for (let size = 512 * 1024; size >= 512; size /= 2) {
      await handle.write(Buffer.alloc(size)).catch(() => {});
    }
  } finally {
    await handle.close();
  }
}

describe.runIf(isRoot)('a full disk under the embedded database', () => {
  let mounted: string | undefined;
  let instance: Instance | undefined;

  afterEach(async () => {
    await instance?.stop();
    instance = undefined;
    if (mounted) await unmount(mounted);
    mounted = undefined;
  });

  it('first start: one line that says the disk is full, no stack, no SQL; exit 1', async () => {
    mounted = await mountTmpfs('8m');
    const result = await runCli(['start'], { OKRBOT_DATA_DIR: join(mounted, 'data') });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      `okrbot: the disk is full: the embedded database in ${join(mounted, 'data')} could not be written. Free some space there (or set OKRBOT_DATA_DIR to a bigger disk), then start again.`,
    ]);
  });

  it('later commands: "the disk is full", never "failed unexpectedly"; once there is room again, notes are stored', {
    timeout: 180_000,
  }, async () => {
    mounted = await mountTmpfs('80m');
    const dataDir = join(mounted, 'data');
    const env = { OKRBOT_DATA_DIR: dataDir, OKRBOT_NOW: '2019-08-28T12:00:00Z' };
    const shell = startInstance(['start'], env, { keepStdin: true });
    instance = shell;
    let stdout = '';
    shell.child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    await waitFor('the chat ready', () => shell.stderr().includes('dashboard at'), 90_000);
    const filler = join(mounted, 'filler');
    await fill(filler);
    // Long notes fill the report's pages, so the table must grow onto the full disk.
    for (let i = 0; i < 40; i++)
      shell.child.stdin.write(`note analytics ${'n'.repeat(1900)} ${i}\n`);
    await waitFor('an answer about the disk', () => stdout.includes('the disk is full'), 60_000);
    await rm(filler);
    shell.child.stdin.write('note analytics room again\n');
    await waitFor('the note after', () => stdout.includes('room again'), 60_000);
    shell.child.stdin.end();
    expect(await shell.exited).toEqual({ code: 0, signal: null });
    expect(stdout).not.toContain('failed unexpectedly');
    expect(stdout).toContain('Sorry, the disk is full, so okrbot could not store that (error id');
    expect(stdout).toContain(
      'Recorded: Note added to the Analytics report for 2019-08: room again',
    );
  });
});
