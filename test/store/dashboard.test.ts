import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/app/services.ts';
import type { Actor, Services } from '../../src/core/command.ts';
import { importDemo } from '../../src/formats/import/demo.ts';
import { importQuarter } from '../../src/formats/import/import-quarter.ts';
import { parseQuarterFile } from '../../src/formats/import/quarter-file.ts';
import { renderText } from '../../src/reply/render-text.ts';
import { registerDashboard } from '../../src/web/dashboard/routes.ts';
import { createTestDatabase, drivers, type TestDatabase } from '../support/databases.ts';
import { testDispatcher } from '../support/dispatcher.ts';
import { changingVersion, startTestServer } from '../support/http-fixture.ts';
import { exportOptions, fiscal } from '../support/quarter-export.ts';
import { REFERENCE_TEAMS } from '../support/reference-teams.ts';

const operator: Actor = { person: undefined, isAdmin: true, transport: 'shell', label: 'operator' };

describe.each(drivers())('the dashboard on the demo data (%s)', (driver) => {
  let database: TestDatabase;
  let services: Services;
  let server: { url: string; close(): Promise<void> };
  let now = new Date('2019-10-15T12:00:00Z');

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    await importDemo(database.db, { fiscal, defaultTimeZone: 'UTC' });
    // A team whose goal title, note and manager are hostile markup.
    await importQuarter(
      database.db,
      parseQuarterFile(
        `department: Mischief
cycle: FY2019-20 Q1
teams:
  - name: "<i>Pranks</i>"
    slug: pranks
    managers: ["<b>Mallory</b>"]
    goals:
      - { title: "<script>alert(1)</script>", tasks: [T1], status: Blocked, note: "<img src=x onerror=alert(2)>" }
`,
        'mischief.yaml',
      ),
      'mischief.yaml',
      { fiscal, defaultTimeZone: 'UTC' },
    );
    services = createServices(database.db);
    server = await startTestServer((http) =>
      registerDashboard(http, {
        version: changingVersion(),
        services,
        clock: () => now,
        fiscal,
        taskUrl: exportOptions.taskUrl,
      }),
    );
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  const get = (path: string) => fetch(`${server.url}${path}`, { redirect: 'manual' });
  const page = async (path: string) => {
    const response = await get(path);
    return { status: response.status, headers: response.headers, text: await response.text() };
  };

  it('lists departments and features the quarter with goals', async () => {
    const { status, text } = await page('/');
    expect(status).toBe(200);
    expect(text).toContain(
      '<a class="current" href="/technology/FY2019-20-Q1">Technology — FY2019-20 Q1</a>',
    );
    expect(text).toContain('href="/technical-engagement"');
    expect(text).toContain('href="/teams/analytics"');
  });

  it('shows the FY2019-20 Q1 Technology page like the goals page', async () => {
    const { status, headers, text } = await page('/technology/FY2019-20-Q1');
    expect(status).toBe(200);
    expect(headers.get('content-security-policy')).toContain("default-src 'none'");
    for (const team of REFERENCE_TEAMS) expect(text).toContain(`>${team}</a></h`);
    // A goal with its status badge, task link, note and the day of its status.
    expect(text).toMatch(
      /<li id="g\d+"><span class="badge s-partially_done">Partially done<\/span> <span class="title">Release Mediawiki History[^<]*<\/span> <a class="task" href="https:\/\/phabricator\.wikimedia\.org\/T208612">T208612<\/a> <span class="meta">· since 2019-09-30<\/span>\n<div class="note">data is public;/,
    );
    expect(text).toContain('<h4 class="group">Modern Event Platform</h4>');
    expect(text).toContain('Team manager: Nuria Ruiz');
    expect(text).toContain('Team managers: Faidon Liambotis, Mark Bergsma');
    expect(text).toMatch(
      /<div class="deps">Dependencies on: <a href="\/teams\/sre\/FY2019-20-Q1">SRE<\/a>, <a href="\/teams\/performance\/FY2019-20-Q1">Performance<\/a><\/div>/,
    );
    expect(text).toContain(
      '<time datetime="2019-07-23">July 23, 2019</time> <span class="badge s-in_progress">In progress</span>',
    );
    expect(text).toContain('href="/technology/FY2019-20-Q1.wiki"');
    // Sub-teams sit under SRE.
    expect(text).toMatch(
      /<h2><a href="\/teams\/sre\/FY2019-20-Q1">Site Reliability Engineering<\/a><\/h2>[\s\S]*<h3><a href="\/teams\/service-operations\/FY2019-20-Q1">Service Operations/,
    );
  });

  it("shows the ops review beside the teams' goals: outcomes, FTE, key results in words, wins and challenges", async () => {
    const { text } = await page('/technology/FY2019-20-Q1');
    expect(text).toContain('(outcome, PE1, FY2019-20)');
    expect(text).toContain(
      'Key deliverables: Content Integrity, Machine Learning (ML) Infrastructure',
    );
    expect(text).toContain('Full-time equivalents: budget 10.6, actual 8.4');
    // A baseline in words and a Q1 status in words, not a bare badge.
    expect(text).toContain('<td class="num">All English Wikipedia content uses AI tooling</td>');
    expect(text).toContain(
      '<td class="num">100% of production events and 5% of analytics events migrated</td>',
    );
    expect(text).toContain('<h4 class="group">Supporting wins</h4>');
    expect(text).toContain('Onboarding a new Chief Technology Officer.');
  });

  it('shows the statuses as of its clock', async () => {
    now = new Date('2019-08-28T12:00:00Z');
    try {
      const { text } = await page('/technology/FY2019-20-Q1');
      expect(text).toMatch(
        /s-in_progress">In progress<\/span> <span class="title">Release Mediawiki History/,
      );
      expect(text).not.toContain('September 2019</time>');
    } finally {
      now = new Date('2019-10-15T12:00:00Z');
    }
  });

  it('escapes every piece of user text', async () => {
    const { text } = await page('/mischief/FY2019-20-Q1');
    expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(text).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(text).toContain('&lt;b&gt;Mallory&lt;/b&gt;');
    expect(text).not.toMatch(/<script|<img|<b>|<i>/);
  });

  it('shows objectives and key results with baseline, target and value per quarter', async () => {
    now = new Date('2021-01-15T12:00:00Z');
    try {
      const { status, text } = await page('/technology/FY2020-21-Q2');
      expect(status).toBe(200);
      expect(text).toContain('No team goals recorded for FY2020-21 Q2.');
      expect(text).toMatch(
        /<tr id="kr-TCB-KR2"><td><a href="\/kr\/FY2020-21\/TCB-KR2">TCB-KR2<\/a><\/td><td>Grow the number of tool maintainers[^<]*<\/td><td>Birgit Müller<\/td><td class="num">1974 tool maintainers<\/td><td class="num">2171 tool maintainers<\/td><td class="num">2033<\/td><td class="num">2067<\/td><td class="num"><\/td><td class="num"><\/td><\/tr>/,
      );
      const year = await page('/technology/FY2020-21');
      expect(year.text).toContain('id="kr-TCB-KR2"');
    } finally {
      now = new Date('2019-10-15T12:00:00Z');
    }
  });

  it('shows a key result with its history and a chart against baseline and target', async () => {
    now = new Date('2021-01-15T12:00:00Z');
    try {
      const { status, text } = await page('/kr/FY2020-21/TCB-KR2');
      expect(status).toBe(200);
      expect(text).toMatch(/<figure class="chart"><svg [^>]*role="img"/);
      expect(text).toContain('class="baseline"');
      expect(text).toContain('baseline 1974 tool maintainers');
      expect(text).toContain('target 2171 tool maintainers');
      expect(text.match(/<circle class="value"/g)).toHaveLength(2);
      expect(text).toMatch(
        /<td>2020-12-31<\/td><td class="num">2067 tool maintainers<\/td><td>\(import\)<\/td><td>Q2 status: 4.9% increase \(2067\)<\/td>/,
      );

      const svg = await get('/kr/FY2020-21/TCB-KR2.svg');
      expect(svg.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
      expect(await svg.text()).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      const png = await get('/kr/FY2020-21/TCB-KR2.png');
      expect(png.headers.get('content-type')).toBe('image/png');
      const bytes = Buffer.from(await png.arrayBuffer());
      expect(bytes.subarray(0, 8)).toEqual(
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      );
      expect(bytes.readUInt32BE(16)).toBe(1280);
      // A goal links its key result from its quarter; the key result is the year's.
      const moved = await get('/kr/FY2020-21-Q2/tcb-kr2');
      expect(moved.status).toBe(302);
      expect(moved.headers.get('location')).toBe('/kr/FY2020-21/TCB-KR2');
    } finally {
      now = new Date('2019-10-15T12:00:00Z');
    }
  });

  it('shows a team page with each goal’s history, and its other quarters', async () => {
    const { status, text } = await page('/teams/analytics');
    expect(status).toBe(200);
    expect(text).toContain('<h1>Analytics — FY2019-20 Q1</h1>');
    expect(text).toMatch(
      /<details class="history"><summary>History \(2 statuses\)<\/summary>[\s\S]*<td>2019-08-01<\/td><td><span class="badge s-in_progress">In progress<\/span><\/td><td>release format to be settled/,
    );
    const alias = await get('/teams/SRE/fy2019-20-q1');
    expect(alias.status).toBe(302);
    expect(alias.headers.get('location')).toBe('/teams/sre/FY2019-20-Q1');
  });

  it('serves the exports as downloads', async () => {
    const response = await get('/technology/FY2019-20-Q1.wiki');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="technology-fy2019-20-q1.wiki"',
    );
    const golden = new URL('../fixtures/exports/technology-fy2019-20-q1.wiki', import.meta.url);
    expect(await response.text()).toBe(await readFile(golden, 'utf8'));
    const csv = await get('/technology/FY2019-20-Q1.csv');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const json = await get('/technology/FY2019-20-Q1.json');
    expect(((await json.json()) as { cycle: { label: string } }).cycle.label).toBe('FY2019-20 Q1');
  });

  it('answers unknown addresses with a 404 that suggests where to go', async () => {
    const department = await page('/technologyy/FY2019-20-Q1');
    expect(department.status).toBe(404);
    expect(department.text).toContain('No department &quot;technologyy&quot;.');
    expect(department.text).toContain('<a href="/technology">Technology</a>');
    const team = await page('/teams/analytix');
    expect(team.status).toBe(404);
    expect(team.text).toContain('<a href="/teams/analytics">Analytics</a>');
    const quarter = await page('/technology/FY2030-31-Q1');
    expect(quarter.status).toBe(404);
    expect(quarter.text).toContain('Technology has no goals or objectives in FY2030-31 Q1.');
    expect(quarter.text).toContain('<a href="/technology/FY2019-20-Q1">FY2019-20 Q1</a>');
    const kr = await page('/kr/FY2019-20/TCB-KR2');
    expect(kr.status).toBe(404);
    expect(kr.text).toContain('<a href="/kr/FY2020-21/TCB-KR2">TCB-KR2 (FY2020-21)</a>');
    expect((await page('/nothing/here/at/all')).status).toBe(404);
    // A NUL names nothing and never reaches the database (Postgres would refuse it: a 500).
    for (const path of ['/%00', '/technology%00/FY2019-20-Q1', '/teams/%00analytics', '/kr/%00/x'])
      expect((await page(path)).status, path).toBe(404);
    expect((await fetch(`${server.url}/technology`, { method: 'POST' })).status).toBe(405);
  });

  it('links chat answers to the pages when a public URL is set', async () => {
    const ask = async (line: string, at: string, publicUrl?: string) =>
      renderText(
        (await testDispatcher(services, at, publicUrl)(line, operator)) ?? {
          tone: 'info',
          blocks: [],
        },
      );
    const base = 'https://okr.example.org';
    expect(await ask('status analytics', '2019-08-28T12:00:00Z', base)).toContain(
      `Analytics on the dashboard <${base}/teams/analytics/FY2019-20-Q1>`,
    );
    expect(await ask('status analytics', '2019-08-28T12:00:00Z')).not.toContain(base);
    expect(await ask('status T208612', '2019-08-28T12:00:00Z', base)).toMatch(
      new RegExp(`Analytics on the dashboard <${base}/teams/analytics/FY2019-20-Q1#g\\d+>`),
    );
    expect(await ask('status TCB-KR2', '2021-01-15T12:00:00Z', base)).toContain(
      `TCB-KR2 on the dashboard <${base}/kr/FY2020-21/TCB-KR2> · chart <${base}/kr/FY2020-21/TCB-KR2.png>`,
    );
    // The digest of the week in which key results got their Q2 status links each one's chart.
    const digest = await ask('digest technology', '2021-01-01T12:00:00Z', base);
    expect(digest).toMatch(
      /TCB-KR1 .* · chart <https:\/\/okr\.example\.org\/kr\/FY2020-21\/TCB-KR1\.png>/,
    );
  });
});
