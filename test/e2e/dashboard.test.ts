import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_TEAMS } from '../support/reference-teams.ts';
import { runCli, spawnCli } from '../support/run-cli.ts';

const GOLDEN_WIKI = new URL('../fixtures/exports/technology-fy2019-20-q1.wiki', import.meta.url);
const AFTER_Q1 = { OKRBOT_NOW: '2019-10-15T12:00:00Z' };

/** Starts `okrbot start` and waits for its log line with the dashboard's address. */
async function startBot(env: Record<string, string>) {
  const child = spawnCli(['start'], env);
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const line = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /"msg":"(dashboard at [^"]*)"/.exec(stderr);
      if (match) resolve(match[1] as string);
    });
    child.once('close', () => reject(new Error(`okrbot exited early:\n${stderr}`)));
  });
  return {
    child,
    line,
    output: () => stdout,
    async stop() {
      child.stdin.end();
      return new Promise<number | null>((resolve) => child.once('close', resolve));
    },
  };
}

describe('the dashboard, tried as a new user would', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'okrbot-dashboard-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('npm start prints the dashboard address; it shows the FY2019-20 Q1 Technology page and a KR chart', async () => {
    const bot = await startBot({ OKRBOT_DATA_DIR: join(dir, 'data') });
    try {
      // The log names the Technology page of its most recent quarter with goals.
      const address = /dashboard at (http:\/\/127\.0\.0\.1:\d+)\//.exec(bot.line)?.[1] as string;
      const technology = /Technology FY2019-20 Q1: (\S+?)[,)]/.exec(bot.line)?.[1] as string;
      expect(technology).toBe(`${address}/technology/FY2019-20-Q1`);

      const index = await (await fetch(`${address}/`)).text();
      expect(index).toContain('href="/technology/FY2019-20-Q1"');
      const response = await fetch(technology);
      expect(response.status).toBe(200);
      const page = await response.text();
      for (const team of REFERENCE_TEAMS) expect(page).toContain(`>${team}</a></h`);
      expect(page).toMatch(
        /s-partially_done">Partially done<\/span> <span class="title">Release Mediawiki History/,
      );

      const kr = await (await fetch(`${address}/kr/FY2020-21/TCB-KR2`)).text();
      expect(kr).toMatch(
        /<svg [^>]*aria-label="TCB-KR2: latest value 2067 tool maintainers on 2020-12-31, baseline 1974 tool maintainers, target 2171 tool maintainers by 2021-06-30"/,
      );
      const health = await fetch(`${address}/healthz`);
      expect(health.status).toBe(200);

      // The chat in the terminal still works beside it.
      bot.child.stdin.write('status analytics\n');
      await expect.poll(bot.output, { timeout: 10_000 }).toContain('Analytics — FY2019-20 Q1');
    } finally {
      expect(await bot.stop()).toBe(0);
    }
  });

  it('okrbot export writes the wiki page, and importing it into an empty database gives it back', async () => {
    const exported = await runCli(['export', 'FY2019-20 Q1', '--format', 'wikitext'], {
      ...AFTER_Q1,
      OKRBOT_DATA_DIR: join(dir, 'data'),
    });
    expect(exported.code).toBe(0);
    expect(exported.stdout).toBe(await readFile(GOLDEN_WIKI, 'utf8'));

    const file = join(dir, 'technology.wiki');
    const written = await runCli(
      ['export', 'FY2019-20 Q1', '--department', 'technology', '--output', file],
      { ...AFTER_Q1, OKRBOT_DATA_DIR: join(dir, 'data') },
    );
    expect(written.stdout).toContain(`Wrote ${file}: Technology, FY2019-20 Q1, 17 teams`);
    const empty = { ...AFTER_Q1, OKRBOT_DATA_DIR: join(dir, 'empty'), OKRBOT_DEMO: '0' };
    const imported = await runCli(['import', file], empty);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/technology\.wiki: \d+ created, 0 updated, 0 unchanged/);
    const again = await runCli(['export', 'FY2019-20 Q1'], empty);
    expect(again.stdout).toBe(exported.stdout);
  });

  it('explains a bad export command', async () => {
    const env = { OKRBOT_DATA_DIR: join(dir, 'data') };
    const format = await runCli(['export', 'FY2019-20 Q1', '--format', 'pdf'], env);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain(
      'unknown format "pdf"; use one of wikitext, markdown, csv, json',
    );
    const year = await runCli(['export', 'FY2020-21'], env);
    expect(year.stderr).toContain('"FY2020-21" is not a quarter');
    const none = await runCli(['export', 'FY2030-31 Q1'], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no department has goals or objectives in FY2030-31 Q1');
  });

  it('goes on without the dashboard when the port is taken in the shell, and refuses with chat adapters', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '0.0.0.0', resolve));
    const port = String((blocker.address() as { port: number }).port);
    try {
      const shell = await runCli(
        ['start'],
        { OKRBOT_DATA_DIR: join(dir, 'data'), PORT: port, ...AFTER_Q1 },
        'status analytics\n',
      );
      expect(shell.code).toBe(0);
      expect(shell.stderr).toContain(`Port ${port} is in use by another program.`);
      expect(shell.stderr).toContain('Going on without the dashboard.');
      expect(shell.stdout).toContain('Analytics — FY2019-20 Q1');

      const withIrc = await runCli(['start'], {
        OKRBOT_DATA_DIR: join(dir, 'data'),
        PORT: port,
        IRC_HOST: '127.0.0.1',
        IRC_TLS: '0',
      });
      expect(withIrc.code).toBe(1);
      expect(withIrc.stderr).toContain(`okrbot: Port ${port} is in use by another program.`);
    } finally {
      blocker.close();
    }
  });
});
