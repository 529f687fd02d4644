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

async function exports(env: Record<string, string>): Promise<string[]> {
  const texts: string[] = [];
  for (const format of FORMATS) {
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
    const file = join(dir, 'okrbot.backup');

    // A running okrbot holds the directory: the backup waits for it to stop.
    const running = spawnCli(['start'], source);
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      running.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('dashboard at')) resolve();
      });
      running.once('close', () => reject(new Error(stderr)));
    });
    const refused = await runCli(['backup', file], source);
    running.stdin.end();
    await new Promise((resolve) => running.once('close', resolve));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Another okrbot \(process \d+\) is using the embedded database/);

    const backup = await runCli(['backup', file], source);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toContain(`to ${file}`);

    const target = { ...NOW, OKRBOT_DATA_DIR: join(dir, 'target'), OKRBOT_DEMO: '0' };
    const restored = await runCli(['restore', file], target);
    expect(restored.code, restored.stderr).toBe(0);
    const original = await exports(source);
    expect(original[3]).toContain('migrated ahead of schedule');
    expect(await exports(target)).toEqual(original);

    // A second restore would overwrite a database: refused.
    const again = await runCli(['restore', file], target);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is not empty');
  });

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
  );
});
