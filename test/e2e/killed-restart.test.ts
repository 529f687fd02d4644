import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { queryRows } from '../../src/db/rows.ts';
import { runCli, spawnCli } from '../support/run-cli.ts';

// Issue #18: okrbot on the embedded database, SIGKILLed at the moment PGlite creates
// postmaster.pid and at random points of start-up and of a stream of writes, opens again every
// time, and every write whose reply was printed is stored exactly once.

const AUGUST = { OKRBOT_NOW: '2019-08-28T12:00:00Z' };
const RANDOM_KILLS = 10;
const WRITES_PER_START = 8;
/** How long one start may take to show what is awaited, on a loaded two-core machine. */
const UNTIL_MS = 60_000;

/** The n-th write: a note, a status or a key result's value, each carrying its own token. */
function write(n: number): string {
  const token = `crash-w${n}`;
  return [
    `note analytics ${token}`,
    `set T211248 done ${token}`,
    `metric TCB-KR2 ${2000 + n} ${token}`,
  ][n % 3] as string;
}

/** A small seeded generator, so a failing run can be told apart and its seed reported. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Bot {
  /** Resolves when `ready(stdout, stderr)` holds; rejects if the bot exits first. */
  until(what: string, ready: (stdout: string, stderr: string) => boolean): Promise<void>;
  kill(): Promise<void>;
  /** Closes standard input: the bot answers what is left and exits. */
  finish(): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
}

/** `okrbot start` with `lines` piped in and standard input left open, so it waits to be killed. */
function startBot(env: Record<string, string>, lines: readonly string[]): Bot {
  const child = spawnCli(['start'], { ...AUGUST, ...env });
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  const changed = () => {
    for (const watcher of watchers) watcher();
  };
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    changed();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    changed();
  });
  // A bot killed before it read its input makes the pipe fail; that is expected here.
  child.stdin.on('error', () => {});
  child.stdin.write(lines.map((line) => `${line}\n`).join(''));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    until(what, ready) {
      return new Promise((resolve, reject) => {
        const fail = (why: string) => {
          if (!watchers.delete(check)) return;
          clearTimeout(deadline);
          reject(new Error(`${why} before ${what}:\n${stderr}`));
        };
        const check = () => {
          if (!ready(stdout, stderr)) return;
          watchers.delete(check);
          clearTimeout(deadline);
          resolve();
        };
        const deadline = setTimeout(() => fail(`no sign after ${UNTIL_MS} ms`), UNTIL_MS);
        watchers.add(check);
        check();
        void exited.then(({ code, signal }) => fail(`okrbot exited (${signal ?? code})`));
      });
    },
    async kill() {
      child.kill('SIGKILL');
      const { signal } = await exited;
      // Exiting by itself (a failed start) instead of by our signal is a failure.
      expect(signal, stderr).toBe('SIGKILL');
    },
    async finish() {
      child.stdin.end();
      expect((await exited).code, stderr).toBe(0);
    },
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
  };
}

const acknowledged = (stdout: string) =>
  [...stdout.matchAll(/^Recorded: .*\b(crash-w\d+)\b/gm)].map((match) => match[1] as string);

describe('okrbot killed at any point of start-up or of writes', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'okrbot-killed-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('opens again every time, and every acknowledged write is there exactly once', async () => {
    const seed = Number(process.env.OKRBOT_KILL_SEED ?? Date.now() % 1_000_000);
    const next = random(seed);
    const context = `seed ${seed} (rerun with OKRBOT_KILL_SEED=${seed})`;
    const env = { OKRBOT_DATA_DIR: join(dir, 'data') };
    const sent: string[] = [];
    const written: string[] = [];
    const batch = () =>
      Array.from({ length: WRITES_PER_START }, () => {
        const line = write(sent.length);
        sent.push(`crash-w${sent.length}`);
        return line;
      });

    // A first, undisturbed start creates the database and loads the demo.
    const first = startBot(env, batch());
    await first.until(
      'every reply of the first start',
      (out) => acknowledged(out).length === WRITES_PER_START,
    );
    await first.finish();
    written.push(...acknowledged(first.stdout()));

    // The moment of the issue: the process dies as PGlite creates postmaster.pid, empty.
    const seam = startBot({ ...env, OKRBOT_CRASH_AT: 'postmaster-pid' }, batch());
    expect((await seam.exited).signal, seam.stderr()).toBe('SIGKILL');
    expect((await stat(join(env.OKRBOT_DATA_DIR, 'postmaster.pid'))).size).toBe(0);

    // The next start says what it removed, opens, and goes on writing; then random kills.
    let startUpMs = 0;
    for (let kill = 0; kill < RANDOM_KILLS; kill++) {
      const started = performance.now();
      const bot = startBot(env, batch());
      if (kill % 2 === 1) {
        // Somewhere between launching and being ready, as long as the last start took. This
        // delay picks the kill point, it waits for nothing: any point must be survivable.
        const at = next() * startUpMs;
        await new Promise((resolve) => setTimeout(resolve, at));
      } else {
        await bot.until('okrbot ready', (_, err) => err.includes('okrbot ready'));
        startUpMs = performance.now() - started;
        // In the middle of the stream of writes: after 1 to 11 replies.
        const replies = 1 + Math.floor(next() * (WRITES_PER_START - 1));
        await bot.until(`${replies} replies`, (out) => acknowledged(out).length >= replies);
      }
      await bot.kill();
      written.push(...acknowledged(bot.stdout()));
      if (kill === 0)
        expect(bot.stderr(), context).toMatch(
          /removed the leftover .*postmaster\.pid \(empty: the process was killed while PGlite was creating it/,
        );
    }

    // A last start opens, answers and exits cleanly.
    const last = await runCli(['start'], { ...AUGUST, ...env }, 'status T211248\n');
    expect(last.code, `${context}\n${last.stderr}`).toBe(0);
    expect(last.stdout).toContain('T211248');

    const database = await openDatabase({ url: undefined, dataDir: env.OKRBOT_DATA_DIR });
    try {
      const rows = await queryRows<{ token: string; n: number }>(
        database.db,
        sql`select token, count(*)::int as n from (
              select note as token from status_entries
              union all select note from metric_values
              union all select text from report_notes
            ) writes where token like 'crash-w%' group by token`,
      );
      const stored = new Map(rows.map((row) => [row.token, row.n]));
      // Acknowledged: stored exactly once. In flight when killed: at most once.
      expect(
        written.filter((token) => stored.get(token) !== 1),
        context,
      ).toEqual([]);
      expect(
        [...stored].filter(([token, n]) => n !== 1 || !sent.includes(token)),
        context,
      ).toEqual([]);
      expect(written.length, context).toBeGreaterThan(WRITES_PER_START);
    } finally {
      await database.close();
    }
    // Thirteen starts of a whole bot: about 30 s on two quiet cores, twice that when loaded.
  }, 240_000);

  it('creates the database again when its first start was killed halfway', async () => {
    const env = { OKRBOT_DATA_DIR: join(dir, 'fresh') };
    // On a new directory the first postmaster.pid comes out of the unpacked template.
    const seam = startBot({ ...env, OKRBOT_CRASH_AT: 'postmaster-pid' }, []);
    expect((await seam.exited).signal, seam.stderr()).toBe('SIGKILL');
    await expect(stat(join(env.OKRBOT_DATA_DIR, 'okrbot-creating'))).resolves.toBeTruthy();

    const again = await runCli(['start'], { ...AUGUST, ...env }, 'status analytics\n');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('okrbot was stopped while it created this database');
    expect(again.stderr).toContain('loaded the demo quarters');
    expect(again.stdout).toContain('Analytics — FY2019-20 Q1');
    await expect(stat(join(env.OKRBOT_DATA_DIR, 'okrbot-creating'))).rejects.toThrow();
  });
});
