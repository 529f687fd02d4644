import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/app/services.ts';
import { importDemo } from '../../src/formats/import/demo.ts';
import { registerDashboard } from '../../src/web/dashboard/routes.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { changingVersion, startTestServer } from '../support/http-fixture.ts';
import { exportOptions, fiscal } from '../support/quarter-export.ts';
import { REFERENCE_TEAMS } from '../support/reference-teams.ts';

// Debian's chromium, driven by playwright-core (which downloads no browser). In CI a missing
// browser fails the suite (.ci/run installs it); on a developer's machine the test says why it
// did not run.
const CHROMIUM = '/usr/bin/chromium';
/** What the page function uses of the browser (this file is typed for Node, without the DOM). */
type BrowserGlobals = { getComputedStyle(element: unknown): { backgroundColor: string } };
const ARTIFACTS = new URL('../../test-results/', import.meta.url);
const hasChromium = await access(CHROMIUM).then(
  () => true,
  () => false,
);
if (!hasChromium && process.env.CI)
  throw new Error(`${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium`);

describe.runIf(hasChromium)('the dashboard in headless Chromium', () => {
  let database: TestDatabase;
  let server: { url: string; close(): Promise<void> };
  let browser: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    await importDemo(database.db, { fiscal, defaultTimeZone: 'UTC' });
    const services = createServices(database.db);
    const now = new Date('2021-01-15T12:00:00Z');
    server = await startTestServer((http) =>
      registerDashboard(http, {
        version: changingVersion(),
        services,
        clock: () => now,
        fiscal,
        taskUrl: exportOptions.taskUrl,
      }),
    );
    profile = await mkdtemp(join(tmpdir(), 'okrbot-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
      ],
      viewport: { width: 412, height: 915 },
    });
    await mkdir(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await database?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('opens the quarter page, finds every team and a goal with its status, then a key result', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: 'Technology — FY2019-20 Q1' }).click();
    await expect.poll(() => page.title()).toBe('Technology — FY2019-20 Q1 · okrbot');
    for (const team of REFERENCE_TEAMS)
      expect(await page.getByRole('heading', { name: team, exact: true }).count()).toBe(1);
    const goal = page.locator('li', {
      hasText: 'Continue moving events from job queue to event gate main',
    });
    expect(await goal.locator('.badge').first().textContent()).toBe('Done');
    expect(await goal.getByRole('link', { name: 'T211248' }).getAttribute('href')).toBe(
      'https://phabricator.wikimedia.org/T211248',
    );
    // The styles load (no inline styles are allowed): badges are coloured.
    // The page runs in the browser: DOM names are not in this file's (Node) typings.
    const colour = await goal
      .locator('.badge')
      .first()
      .evaluate(
        (el) => (globalThis as unknown as BrowserGlobals).getComputedStyle(el).backgroundColor,
      );
    expect(colour).toBe('rgb(220, 252, 231)');
    await page.screenshot({ path: new URL('dashboard-quarter.png', ARTIFACTS).pathname });

    await page.goto(`${server.url}/technology/FY2020-21-Q2`);
    await page.getByRole('link', { name: 'TCB-KR2' }).click();
    await expect.poll(() => page.title()).toBe('TCB-KR2 — Technical Community Building · okrbot');
    const chart = page.getByRole('img', { name: /^TCB-KR2: latest value 2067/ });
    expect(await chart.isVisible()).toBe(true);
    expect((await chart.boundingBox())?.width).toBeGreaterThan(300);
    await page.screenshot({
      path: new URL('dashboard-key-result.png', ARTIFACTS).pathname,
      fullPage: true,
    });
  });
});
