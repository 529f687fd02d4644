import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot } from '../../src/app/bot.ts';
import { loadConfig } from '../../src/app/config/load-config.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { registerDashboard } from '../../src/web/dashboard/routes.ts';
import { createMediaWikiClient } from '../../src/wiki/mediawiki-client.ts';
import { createWikiPublisher } from '../../src/wiki/wiki-publisher.ts';
import { changingVersion, startTestServer } from '../support/http-fixture.ts';
import { REFERENCE_TEAMS } from '../support/reference-teams.ts';
import { runCli } from '../support/run-cli.ts';
import {
  requireWikiInCi,
  startTestWiki,
  type TestWiki,
  wikiInstalled,
} from '../support/wiki/mediawiki.ts';

// The acceptance of issue 16, as a department would try it: okrbot publishes FY2019-20 Q1 to a
// real MediaWiki, a person edits the page through the API, `wiki sync --dry-run` lists exactly
// those edits, `wiki sync` records them as that person's and writes the merged page, and an
// edit saved between okrbot's read and its write is read and kept, never overwritten.

requireWikiInCi();
const TITLE = 'Technology/Goals/2019-20 Q1';
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../../test-results/', import.meta.url);

/** The page with one `== Team ==` section moved before another. */
function swapSections(text: string, first: string, second: string): string {
  const sections = text.split(/(?=^== )/m);
  const a = sections.findIndex((s) => s.startsWith(`== ${first} ==`));
  const b = sections.findIndex((s) => s.startsWith(`== ${second} ==`));
  [sections[a], sections[b]] = [sections[b] as string, sections[a] as string];
  return sections.join('');
}

describe.runIf(wikiInstalled)('the goals page on a real MediaWiki', () => {
  let wiki: TestWiki;
  let dataDir: string;
  let env: Record<string, string>;
  const okrbot = (...args: string[]) => runCli(args, env);

  beforeAll(async () => {
    wiki = await startTestWiki();
    dataDir = await mkdtemp(join(tmpdir(), 'okrbot-wiki-data-'));
    env = {
      OKRBOT_DATA_DIR: dataDir,
      WIKI_API_URL: wiki.api,
      WIKI_USER: wiki.bot.user,
      WIKI_PASSWORD: wiki.bot.password,
      LOG_LEVEL: 'warn',
    };
  });
  afterAll(async () => {
    await wiki?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('publishes the quarter, and the page renders every team, status, task link and note', async () => {
    const published = await okrbot('wiki', 'publish', 'FY2019-20 Q1');
    expect(published.stderr).toBe('');
    expect(published.stdout).toMatch(/^Technology\/Goals\/2019-20 Q1: created \(revision \d+\)/);
    const html = await wiki.person.call({ action: 'parse', page: TITLE, prop: 'text' });
    const rendered = (html.parse as { text: string }).text;
    for (const team of REFERENCE_TEAMS) expect(rendered).toContain(`>${team}</`);
    expect(rendered).toContain('Release Mediawiki History in JSON/CSV or mysql dump format');
    expect(rendered).toContain('✔ Done</span> Continue moving events from job queue');
    expect(rendered).toContain('◑ Partially done');
    expect(rendered).toContain('href="https://phabricator.wikimedia.org/T208612"');
    expect(rendered).toContain('Kafka Connect work moves to next quarter');
    // Every task link and every goal whose title needs no escaping.
    const doc = JSON.parse((await okrbot('export', 'FY2019-20 Q1', '--format', 'json')).stdout) as {
      teams: { goals: { title: string; tasks: string[]; items: unknown[] }[] }[];
    };
    const goals = doc.teams.flatMap((team) => team.goals);
    for (const goal of goals) {
      for (const task of goal.tasks) expect(rendered).toContain(`/${task}"`);
      if (/^[\w ,.()/-]+$/.test(goal.title)) expect(rendered).toContain(goal.title);
    }

    if (
      await access(CHROMIUM).then(
        () => true,
        () => false,
      )
    ) {
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu'],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        await page.goto(
          `${wiki.api.replace('api.php', 'index.php')}?title=${encodeURIComponent(TITLE)}`,
        );
        expect(await page.getByRole('heading', { name: 'Analytics' }).count()).toBeGreaterThan(0);
        await mkdir(ARTIFACTS, { recursive: true });
        await page.screenshot({
          path: new URL('wiki-page.png', ARTIFACTS).pathname,
          fullPage: true,
        });
      } finally {
        await browser.close();
      }
    } else if (process.env.CI) throw new Error(`${CHROMIUM} is missing`);
  });

  it("reads a person's edits back: the dry run lists them, the sync records them as theirs and keeps them on the page", async () => {
    const edit = async (change: (text: string) => string, summary: string) => {
      const before = await wiki.person.read(TITLE);
      const after = change(before);
      expect(after).not.toBe(before);
      await wiki.person.edit(TITLE, after, summary);
    };
    await edit(
      (t) =>
        t.replace(
          '* {{In progress}} Make kerberos infra prod ready',
          '* {{Done}} Make kerberos infra prod ready',
        ),
      'kerberos is done',
    );
    await edit(
      (t) =>
        t.replace(
          /(\* \{\{In progress\}\} Sunset MySQL data store for eventlogging[^\n]*\n)/,
          '$1* {{To do}} Review the kafka connect licence with Legal\n',
        ),
      'a goal',
    );
    await edit(
      (t) =>
        t.replace(
          /(\* September 2019 - \{\{To do\}\}\n(?:\*\*[^\n]*\n)*)/,
          '$1* September 27, 2019 - {{In progress}}\n** Kerberos went to production this week.\n',
        ),
      'a dated note',
    );
    await edit((t) => swapSections(t, 'Fundraising Tech', 'Performance'), 'order');
    await edit(
      (t) => t.replace('== Scoring Platform ==', '== Machine Learning Platform =='),
      'rename',
    );
    await edit(
      (t) => t.replace(/\* \{\{Done\}\} Schema Repository CI[^\n]*\n/, ''),
      'not a goal of ours',
    );
    await edit(
      (t) =>
        t.replace(
          /(\* \{\{Postponed\}\} Development work for kafka connect[^\n]*\n)/,
          '$1<!-- Alice: licence review pending with Legal -->\n',
        ),
      'a comment',
    );

    const dry = await okrbot('wiki', 'sync', '--dry-run');
    expect(dry.stderr).toBe('');
    const listed = dry.stdout.split('\n').filter((line) => line.startsWith('    - '));
    expect(listed.map((line) => line.replace(/ — Alice Editor, \S+$/, ''))).toEqual([
      '    - Analytics: T226089 In progress → Done (will continue into Q2 as well)',
      '    - Analytics: goal added: Review the kafka connect licence with Legal (To do)',
      '    - Analytics: dated note 2019-09-27 (In progress): Kerberos went to production this week.',
      '    - teams reordered: Analytics, Core Platform, Performance, Fundraising Tech, Release Engineering, Research, Scoring Platform, Search Platform, Security, Site Reliability Engineering, Service Operations, Data Persistence, Traffic, Infrastructure Foundations, Observability, Data Center Operations, Technical Engagement',
      '    - team renamed: Scoring Platform → Machine Learning Platform',
      '    - Analytics: goal removed: schema-repository-ci-for-convention-and-backwards-compatibility-enforcement Schema Repository CI for convention and backwards compatibility enforcement (waits for an admin to confirm)',
      '    - line added (kept on the page): <!-- Alice: licence review pending with Legal -->',
    ]);
    expect(listed.every((line) => / — Alice Editor, \d{4}-/.test(line))).toBe(true);
    expect(dry.stdout).toContain('From the wiki into okrbot (7)');
    expect(dry.stdout).toContain('From okrbot onto the wiki (0)');

    const sync = await okrbot('wiki', 'sync');
    expect(sync.stderr).toBe('');
    expect(sync.stdout).toMatch(/: updated \(revision \d+\)/);
    expect(sync.stdout).toContain('1 goal removed from a wiki page waits for an admin');

    const page = await wiki.person.read(TITLE);
    expect(page).toContain('* {{Done}} Make kerberos infra prod ready');
    expect(page).toContain('{{To do}} Review the kafka connect licence with Legal');
    expect(page).toContain(
      '* September 27, 2019 - {{In progress}}\n** Kerberos went to production this week.',
    );
    expect(page.indexOf('== Performance ==')).toBeLessThan(page.indexOf('== Fundraising Tech =='));
    expect(page).toContain('== Machine Learning Platform ==');
    expect(page).not.toContain('Schema Repository CI');
    expect(page).toMatch(
      /Development work for kafka connect[^\n]*\n<!-- Alice: licence review pending with Legal -->\n/,
    );

    // Attributed to the person in status, the digest and the dashboard's data.
    const shell = await runCli(
      ['start'],
      { ...env, OKRBOT_SCHEDULER: 'off', PORT: '0' },
      'status T226089\ndigest technology\nstatus machine learning platform\n',
    );
    expect(shell.stdout).toMatch(/Done[^\n]*Alice Editor/);
    expect(shell.stdout).toMatch(/T226089[^\n]*→ \[Done\] by Alice Editor/);
    expect(shell.stdout).toContain('Kerberos went to production this week. (Alice Editor)');
    expect(shell.stdout).toContain('Machine Learning Platform');

    const removals = await okrbot('wiki', 'removals');
    expect(removals.stdout).toContain(
      'Schema Repository CI for convention and backwards compatibility enforcement (Analytics, FY2019-20 Q1): removed by Alice Editor',
    );

    // Nothing changed since: a second sync reads nothing and writes nothing.
    const again = await okrbot('wiki', 'sync');
    expect(again.stdout).toContain('From the wiki into okrbot (0)');
    expect(again.stdout).toContain(': unchanged');

    // An admin confirms the removal: the goal goes (its history stays in the audit log).
    const ref = /^ {2}(\S+) Schema Repository CI/m.exec(removals.stdout)?.[1] as string;
    const confirmed = await okrbot('wiki', 'removals', '--confirm', ref);
    expect(confirmed.stdout).toBe('Removed 1 goal.\n');
    expect((await okrbot('wiki', 'removals')).stdout).toContain(
      'No goal removed from a wiki page waits',
    );
  });

  it('reports a goal changed both in chat and on the wiki, and guesses neither way', async () => {
    const page = await wiki.person.read(TITLE);
    await wiki.person.edit(
      TITLE,
      page.replace(
        '* {{Partially done}} Enthrophy-based alarms',
        '* {{Done}} Enthrophy-based alarms',
      ),
      'alarms done',
    );
    const chat = await runCli(
      ['start'],
      { ...env, OKRBOT_SCHEDULER: 'off' },
      'set T215863 stalled no data source\n',
    );
    expect(chat.stdout).toContain('T215863');

    const sync = await okrbot('wiki', 'sync');
    expect(sync.code).toBe(1);
    expect(sync.stdout).toContain('Conflicts: changed in chat and on the wiki (1)');
    expect(sync.stdout).toMatch(
      /wiki \(Alice Editor\): Analytics: T215863 Partially done → Done[^\n]*; chat: Analytics: T215863 Partially done → Stalled/,
    );
    // The page keeps the person's version; okrbot keeps the chat's.
    expect(await wiki.person.read(TITLE)).toContain('* {{Done}} Enthrophy-based alarms');
    const status = await runCli(['start'], { ...env, OKRBOT_SCHEDULER: 'off' }, 'status T215863\n');
    expect(status.stdout).toMatch(/Status: \[Stalled\]/);
  });

  it('reads an edit saved between its read and its write, and retries instead of overwriting it', async () => {
    const config = loadConfig({ ...env, OKRBOT_SCHEDULER: 'off' });
    const bot = await createBot(config, createLogger('warn'));
    try {
      // The person's edits, as the dashboard shows them: who set the status, and what waits.
      const dashboard = await startTestServer((http) =>
        registerDashboard(http, {
          version: changingVersion(),
          services: bot.services,
          clock: bot.clock,
          fiscal: bot.fiscal,
          taskUrl: config.taskUrl,
        }),
      );
      try {
        const team = await (await fetch(`${dashboard.url}/teams/analytics/FY2019-20-Q1`)).text();
        expect(team).toMatch(
          /Make kerberos infra prod ready[\s\S]*?since \d{4}-\d{2}-\d{2} by Alice Editor/,
        );
        expect(team).toContain('Kerberos went to production this week.');
        expect(team).toContain('Review the kafka connect licence with Legal');
      } finally {
        await dashboard.close();
      }
      const real = createMediaWikiClient({
        api: wiki.api,
        user: wiki.bot.user,
        password: wiki.bot.password,
      });
      let interfered = false;
      const publisher = createWikiPublisher({
        config: config.wiki as NonNullable<typeof config.wiki>,
        db: bot.database.db,
        services: bot.services,
        fiscal: bot.fiscal,
        taskUrl: config.taskUrl,
        clock: bot.clock,
        client: {
          ...real,
          async edit(request) {
            if (!interfered) {
              interfered = true;
              const text = await wiki.person.read(TITLE);
              await wiki.person.edit(
                TITLE,
                text.replace(
                  '* {{In progress}} New zookeeper cluster for tier-2',
                  '* {{Blocked}} New zookeeper cluster for tier-2',
                ),
                'blocked on hardware',
              );
            }
            return real.edit(request);
          },
        },
      });
      // Something changed in chat, so okrbot has a page to write.
      const [sunset] = await bot.services.goals.byTaskId('T159170', new Date());
      await bot.services.changes.recordStatus({ goalId: sunset?.id as number }, 'done', undefined, {
        personId: null,
        at: new Date(),
        source: 'shell',
      });
      const technology = await bot.services.teams.findDepartment('technology');
      const report = await publisher.publish(technology as never, { fiscalYear: 2019, quarter: 1 });
      expect(report.retries).toBeGreaterThan(0);
      const page = await wiki.person.read(TITLE);
      expect(page).toContain('* {{Blocked}} New zookeeper cluster for tier-2');
      const [goal] = await bot.services.goals.byTaskId('T217057', new Date());
      expect(goal?.status).toBe('blocked');
    } finally {
      await bot.stop();
    }
  });

  it('publishes the page after the weekly digest of a department that asks for it', async () => {
    const config = loadConfig({
      ...env,
      OKRBOT_SCHEDULER: 'off',
      WIKI_PUBLISH_AFTER_DIGEST: 'technology',
    });
    const bot = await createBot(config, createLogger('silent'));
    try {
      const [goal] = await bot.services.goals.byTaskId('T224935', new Date());
      await bot.services.changes.recordStatus({ goalId: goal?.id as number }, 'done', 'merged', {
        personId: null,
        at: new Date(),
        source: 'shell',
      });
      await bot.scheduler.runNow('digest', {
        departments: ['technology'],
        at: new Date('2019-09-23T09:00:00Z'),
      });
      expect(await wiki.person.read(TITLE)).toMatch(
        /\{\{Done\}\} Migrate local-charts to deployment-charts [^\n]*— merged/,
      );
    } finally {
      await bot.stop();
    }
  });
});
