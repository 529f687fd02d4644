import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/database.ts';
import { DEFAULT_CACHE_DIR } from '../../src/db/pglite-template.ts';
import { queryRows } from '../../src/db/rows.ts';
import { runCli, spawnCli } from '../support/run-cli.ts';

// A data-protection request for a demo manager, as an operator answers it: `okrbot person
// export`, then `okrbot person erase`. Afterwards nothing names her (name, handle, chat
// accounts) in the pages, the exports, the digest, chat answers or any column of any table, and
// her team's history still adds up.

const NOW = { OKRBOT_NOW: '2019-08-28T12:00:00Z' };
/** Her name, handle and both chat accounts all contain one of these. */
const NAMES = /nuria|ruiz/i;

describe('okrbot person export and erase', () => {
  let dir: string;
  let env: Record<string, string>;

  const shell = async (lines: string[], as?: string) => {
    const result = await runCli(
      ['start'],
      { ...env, ...(as && { OKRBOT_AS: as }) },
      lines.join('\n'),
    );
    expect(result.code, result.stderr).toBe(0);
    return result.stdout;
  };
  const withDatabase = async <T>(use: (database: Database) => Promise<T>): Promise<T> => {
    const database = await openDatabase({
      url: undefined,
      dataDir: env.OKRBOT_DATA_DIR as string,
      cacheDir: DEFAULT_CACHE_DIR,
    });
    try {
      return await use(database);
    } finally {
      await database.close();
    }
  };
  /** Status entries and report notes per team: the history that must still add up. */
  const history = () =>
    withDatabase((database) =>
      queryRows<{ team: string; entries: number; notes: number }>(
        database.db,
        sqlText(`select t.slug as team,
           (select count(*)::int from status_entries s join goals g on g.id = s.goal_id where g.team_id = t.id) as entries,
           (select count(*)::int from report_notes n join status_reports r on r.id = n.report_id where r.team_id = t.id) as notes
           from teams t order by t.slug`),
      ),
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'okrbot-person-'));
    env = { ...NOW, OKRBOT_DATA_DIR: join(dir, 'data') };
    await shell(['person link nuria-ruiz irc nuria', 'person link nuria-ruiz slack U0NURIA']);
    await shell(
      ['set T211248 done migrated, thanks to Nuria Ruiz', 'note analytics hiring freeze'],
      'nuria-ruiz',
    );
    // The month's prompt, queued for Slack (nothing runs to send it): a message row keyed by her.
    const run = await runCli(['run', 'prompt', '--department', 'technology'], {
      ...env,
      OKRBOT_NOW: '2019-08-20T10:00:00Z',
      SLACK_BOT_TOKEN: 'xoxb-person-data',
      SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99edabcd00d6',
    });
    expect(run.code, run.stderr).toBe(0);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('exports everything about her, then erases her: nothing names her, the history adds up', async () => {
    const before = await history();
    const digestBefore = await shell(['digest technology']);
    expect(digestBefore).toContain('Nuria Ruiz');

    const file = join(dir, 'nuria.json');
    const exported = await runCli(['person', 'export', 'nuria-ruiz', '--output', file], env);
    expect(exported.code, exported.stderr).toBe(0);
    const data = JSON.parse(await readFile(file, 'utf8'));
    expect(data.person).toMatchObject({ handle: 'nuria-ruiz', name: 'Nuria Ruiz' });
    expect(
      data.linked['identities.person_id'].map((i: { external_id: string }) => i.external_id).sort(),
    ).toEqual(['U0NURIA', 'nuria']);
    expect(data.linked['team_roles.person_id']).toHaveLength(1);
    expect(data.linked['status_entries.person_id']).toEqual([
      expect.objectContaining({ status: 'done', note: 'migrated, thanks to Nuria Ruiz' }),
    ]);
    expect(data.linked['report_notes.person_id']).toEqual([
      expect.objectContaining({ text: 'hiring freeze' }),
    ]);
    expect(data.linked['deliveries.person_id'].length).toBeGreaterThan(0);

    const unconfirmed = await runCli(['person', 'erase', 'nuria-ruiz'], env);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('cannot be undone');
    const erased = await runCli(['person', 'erase', 'nuria-ruiz', '--yes'], env);
    expect(erased.code, erased.stderr).toBe(0);
    expect(erased.stdout).toContain('Erased nuria-ruiz: 2 chat accounts, 1 team roles');

    // Chat answers and the digest: her change is still there, as a former member's.
    const digest = await shell(['digest technology']);
    expect(digest).toContain('A former member');
    const answers = await shell([
      'status analytics',
      'status T211248',
      'goals analytics',
      'overdue technology',
    ]);
    expect(answers).toContain('Done');
    for (const text of [digest, answers]) expect(text).not.toMatch(NAMES);

    // The exports, in every format.
    for (const format of ['wikitext', 'markdown', 'csv', 'json']) {
      const quarter = await runCli(['export', 'FY2019-20 Q1', '--format', format], env);
      expect(quarter.code, quarter.stderr).toBe(0);
      expect(quarter.stdout, format).not.toMatch(NAMES);
    }

    // The pages.
    const bot = spawnCli(['start'], env);
    let stderr = '';
    const address = await new Promise<string>((resolve, reject) => {
      bot.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /"address":"(http:\/\/[^"]+)"[^\n]*"msg":"dashboard at /.exec(stderr);
        if (match) resolve(match[1] as string);
      });
      bot.once('close', () => reject(new Error(`okrbot exited: ${stderr}`)));
    });
    try {
      for (const path of [
        '/',
        '/technology/FY2019-20-Q1',
        '/teams/analytics',
        '/teams/analytics/FY2019-20-Q1',
        '/technology/FY2019-20-Q1.json',
      ]) {
        const page = await fetch(`${address}${path}`);
        expect(page.status).toBe(200);
        expect(await page.text(), path).not.toMatch(NAMES);
      }
    } finally {
      bot.stdin.end();
      await new Promise((resolve) => bot.once('close', resolve));
    }

    // Every column of every table, as text.
    const mentions = await withDatabase(async (database) => {
      const columns = await queryRows<{ table_name: string; column_name: string }>(
        database.db,
        sqlText(`select table_name, column_name from information_schema.columns
                 where table_schema = 'public' order by table_name, column_name`),
      );
      expect(columns.length).toBeGreaterThan(100);
      const found: string[] = [];
      for (const { table_name: table, column_name: column } of columns) {
        const [row] = await queryRows<{ n: number }>(
          database.db,
          sqlText(
            `select count(*)::int as n from "${table}" where "${column}"::text ~* 'nuria|ruiz'`,
          ),
        );
        if (row?.n) found.push(`${table}.${column}: ${row.n}`);
      }
      return found;
    });
    expect(mentions).toEqual([]);

    // Her team's history adds up: every status entry and note is still there.
    expect(await history()).toEqual(before);
    const again = await runCli(['person', 'export', 'nuria-ruiz'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('nobody has the handle "nuria-ruiz"');
    // A dozen okrbot runs and a scan of every column: a generous deadline for a loaded machine.
  }, 300_000);

  it('erases with --remove-notes: the notes they wrote go, their status changes stay', async () => {
    await shell(
      ['set T212129 blocked waiting on hardware', 'note performance budget approved'],
      'gilles-dubuc',
    );
    const before = await history();
    const erased = await runCli(
      ['person', 'erase', 'gilles-dubuc', '--remove-notes', '--yes'],
      env,
    );
    expect(erased.code, erased.stderr).toBe(0);
    expect(erased.stdout).toContain('2 notes they wrote');
    const after = await history();
    const performance = (rows: typeof before) => rows.find((r) => r.team === 'performance');
    expect(performance(after)?.entries).toBe(performance(before)?.entries);
    expect(performance(after)?.notes).toBe((performance(before)?.notes ?? 0) - 1);
    const status = await shell(['status T212129']);
    expect(status).toContain('Blocked');
    expect(status).not.toContain('waiting on hardware');
    expect(status).not.toMatch(/gilles|dubuc/i);
  }, 120_000);
});

/** Raw SQL text for the checks above (no user input reaches it). */
function sqlText(text: string) {
  return sql.raw(text);
}
