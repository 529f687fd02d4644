import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

// Debian's chromium, driven by playwright-core (which downloads no browser). In CI a missing
// browser fails the suite (.ci/run installs it); on a developer's machine the tests say why they
// did not run.
const CHROMIUM = '/usr/bin/chromium';

export const hasChromium = await access(CHROMIUM).then(
  () => true,
  () => false,
);
if (!hasChromium && process.env.CI)
  throw new Error(`${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium`);

/** A headless Chromium with a phone-sized window and a profile of its own, removed on close. */
export async function launchChromium(): Promise<{
  browser: BrowserContext;
  close(): Promise<void>;
}> {
  const profile = await mkdtemp(join(tmpdir(), 'okrbot-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
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
  return {
    browser,
    async close() {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
