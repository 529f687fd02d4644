import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, drivers, dropPostgresDatabase } from '../support/databases.ts';
import { runCli, spawnCli } from '../support/run-cli.ts';

// `okrbot backup` and `okrbot restore` as an operator uses them: a database with a change made
// in chat, backed up, restored into an empty directory (or an empty Postgres database), and the
// quarter exported from both, identical in every format.

const NOW = { OKRBOT_NOW: '2019-08-28T12:00:00Z' };
const FORMATS = ['wikitext', 'markdown', 'csv', 'json'];

async function exports(env: Record<string, string>, formats = FORMATS): Promise<string[]> {
  const texts: string[] = [];
  for (const format of formats) {
    const result = await runCli(['export', 'FY2019-20 Q1', '--format', format], env);
    expect(result.code, result.stderr).toBe(0);
    texts.push(result.stdout);
  }
  return texts;
}

async function changeInChat(env: Record<string, string>): Promise<void> {
  const result = await runCli(
    ['start'],
    { ...env, OKRBOT_AS: 'nuria-ruiz' },
    'set T211248 done migrated ahead of schedule\nnote analytics backed up\n',
  );
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain('migrated ahead of schedule');
}

describe('okrbot backup and restore', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'okrbot-backup-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('round-trips the embedded database into an empty directory: the exports are identical', async () => {
    const source = { ...NOW, OKRBOT_DATA_DIR: join(dir, 'source') };
    await changeInChat(source);

    // A running okrbot holds the directory: it takes the backup itself, with what it just wrote.
    const running = spawnCli(['start'], { ...source, OKRBOT_AS: 'nuria-ruiz' });
    let stderr = '';
    let stdout = '';
    running.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    await new Promise<void>((resolve, reject) => {
      running.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('dashboard at')) resolve();
      });
      running.once('close', () => reject(new Error(stderr)));
    });
    running.stdin.write('note analytics written while it ran\n');
    await expect.poll(() => stdout).toContain('written while it ran');
    const whileRunning = join(dir, 'running.backup');
    const served = await runCli(['backup', whileRunning], source);
    running.stdin.end();
    await new Promise((resolve) => running.once('close', resolve));
    expect(served.code, served.stderr).toBe(0);

    const stopped = join(dir, 'stopped.backup');
    const backup = await runCli(['backup', stopped], source);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toContain(`to ${stopped}`);

    const original = await exports(source);
    expect(original[3]).toContain('migrated ahead of schedule');
    expect(original[3]).toContain('written while it ran');
    const fromRunning = { ...NOW, OKRBOT_DATA_DIR: join(dir, 'from-running'), OKRBOT_DEMO: '0' };
    const restored = await runCli(['restore', whileRunning], fromRunning);
    expect(restored.code, restored.stderr).toBe(0);
    expect(await exports(fromRunning)).toEqual(original);
    // The stopped one's backup holds the same; its JSON export (every field) says so.
    const fromStopped = { ...NOW, OKRBOT_DATA_DIR: join(dir, 'from-stopped'), OKRBOT_DEMO: '0' };
    expect((await runCli(['restore', stopped], fromStopped)).code).toBe(0);
    expect(await exports(fromStopped, ['json'])).toEqual([original[3]]);

    // A second restore would overwrite a database: refused.
    const again = await runCli(['restore', stopped], {
      OKRBOT_DATA_DIR: join(dir, 'from-stopped'),
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is not empty');
    // A dozen okrbot runs: a generous deadline for a loaded machine.
  }, 300_000);

  it('refuses a file that is no backup, or one of the other kind of database', async () => {
    const junk = join(dir, 'junk');
    await writeFile(junk, 'not a backup');
    const target = { OKRBOT_DATA_DIR: join(dir, 'junk-target') };
    const refused = await runCli(['restore', junk], target);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not an okrbot backup');
    const usage = await runCli(['backup'], target);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage: okrbot backup FILE');
  });

  it.runIf(drivers().includes('postgres'))(
    'round-trips Postgres through pg_dump and pg_restore into an empty database',
    async () => {
      const sourceUrl = await createPostgresDatabase('okrbot_backup');
      const targetUrl = await createPostgresDatabase('okrbot_restore');
      try {
        const source = { ...NOW, DATABASE_URL: sourceUrl };
        await changeInChat(source);
        const file = join(dir, 'postgres.backup');
        const backup = await runCli(['backup', file], source);
        expect(backup.code, backup.stderr).toBe(0);
        const target = { ...NOW, DATABASE_URL: targetUrl, OKRBOT_DEMO: '0' };
        const restored = await runCli(['restore', file], target);
        expect(restored.code, restored.stderr).toBe(0);
        expect(await exports(target)).toEqual(await exports(source));

        // The embedded database cannot take a Postgres backup.
        const mismatch = await runCli(['restore', file], { OKRBOT_DATA_DIR: join(dir, 'other') });
        expect(mismatch.code).toBe(1);
        expect(mismatch.stderr).toContain('is a backup of a Postgres database (pg_dump)');
      } finally {
        await dropPostgresDatabase(sourceUrl);
        await dropPostgresDatabase(targetUrl);
      }
    },
    300_000,
  );
});
