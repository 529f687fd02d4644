import { mkdir } from 'node:fs/promises';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/app/services.ts';
import { importDemo } from '../../src/formats/import/demo.ts';
import { registerDashboard } from '../../src/web/dashboard/routes.ts';
import { hasChromium, launchChromium } from '../support/chromium.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { changingVersion, startTestServer } from '../support/http-fixture.ts';
import { exportOptions, fiscal } from '../support/quarter-export.ts';
import { REFERENCE_TEAMS } from '../support/reference-teams.ts';

/** What the page function uses of the browser (this file is typed for Node, without the DOM). */
type BrowserGlobals = { getComputedStyle(element: unknown): { backgroundColor: string } };
const ARTIFACTS = new URL('../../test-results/', import.meta.url);

describe.runIf(hasChromium)('the dashboard in headless Chromium', () => {
  let database: TestDatabase;
  let server: { url: string; close(): Promise<void> };
  let browser: BrowserContext;
  let closeBrowser: (() => Promise<void>) | undefined;

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
    ({ browser, close: closeBrowser } = await launchChromium());
    await mkdir(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await closeBrowser?.();
    await server?.close();
    await database?.close();
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
