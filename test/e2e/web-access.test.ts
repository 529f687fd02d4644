import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../support/chromium.ts';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.ts';
import { spawnCli } from '../support/run-cli.ts';
import { PROXY_ADDRESS, type SignInProxy, startSignInProxy } from '../support/sign-in-proxy.ts';
import { post, sign, slashCommand } from '../support/slack-requests.ts';

// A private organisation's okrbot: Slack over HTTP, the dashboard behind a sign-in proxy, the
// metrics behind a token. Every page and download is refused without the proxy's word and
// served with it; a client that forges the proxy's header is refused; Slack's route needs only
// Slack's signature.

/** What the page function reads of the browser (this file is typed for Node, without the DOM). */
type StyledDocument = { document: { styleSheets: { cssRules: { length: number } }[] } };

const TOKEN = 'metrics-token-0123456789abcdef';
const SLACK = {
  SLACK_BOT_TOKEN: 'xoxb-access',
  SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99edabcd00d6',
  OKRBOT_SCHEDULER: 'off',
  OKRBOT_NOW: '2021-01-15T12:00:00Z',
};

/** Every kind of page the dashboard has, downloads, charts, the stylesheet and a 404 page. */
const PAGES: [path: string, status: number][] = [
  ['/', 200],
  ['/technology', 200],
  ['/technology/FY2019-20-Q1', 200],
  ['/technology/FY2019-20-Q1.wiki', 200],
  ['/technology/FY2019-20-Q1.md', 200],
  ['/technology/FY2019-20-Q1.csv', 200],
  ['/technology/FY2019-20-Q1.json', 200],
  ['/technology/FY2020-21', 200],
  ['/teams/analytics', 200],
  ['/teams/analytics/FY2019-20-Q1', 200],
  ['/kr/FY2020-21/TCB-KR2', 200],
  ['/kr/FY2020-21/TCB-KR2.svg', 200],
  ['/kr/FY2020-21/TCB-KR2.png', 200],
  ['/assets/okrbot.css', 200],
  // Its suggestions name departments: it is a page like the others.
  ['/technologyy', 404],
];

describe('the dashboard behind a sign-in proxy, /metrics behind a token', () => {
  let fake: FakeSlack;
  let dir: string;
  let bot: ChildProcessWithoutNullStreams;
  let stderr = '';
  let direct: string;
  let proxy: SignInProxy;
  let browser: BrowserContext;
  let closeBrowser: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    fake = await startFakeSlack();
    dir = await mkdtemp(join(tmpdir(), 'okrbot-access-'));
    bot = spawnCli(['start'], {
      ...SLACK,
      SLACK_API_URL: fake.apiUrl,
      OKRBOT_DATA_DIR: join(dir, 'data'),
      HOST: '127.0.0.1',
      OKRBOT_WEB_ACCESS: 'proxy',
      OKRBOT_WEB_TRUSTED_PROXIES: PROXY_ADDRESS,
      OKRBOT_METRICS_TOKEN: TOKEN,
    });
    direct = await new Promise<string>((resolve, reject) => {
      bot.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /"address":"(http:\/\/[^"]+)"[^}]*"msg":"dashboard at /.exec(stderr);
        if (match && stderr.includes('Slack connected')) resolve(match[1] as string);
      });
      bot.once('close', () => reject(new Error(`okrbot exited: ${stderr}`)));
    });
    proxy = await startSignInProxy(direct, 'nuria@example.org');
    if (hasChromium) ({ browser, close: closeBrowser } = await launchChromium());
  });

  afterAll(async () => {
    await closeBrowser?.();
    bot?.kill('SIGTERM');
    if (bot && bot.exitCode === null) await new Promise((resolve) => bot.once('close', resolve));
    await proxy?.close();
    await fake?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses every page and download without the proxy, and serves each through it', async () => {
    for (const [path, status] of PAGES) {
      const refused = await fetch(`${direct}${path}`);
      expect(refused.status, `${path} without credentials`).toBe(401);
      expect(await refused.text()).toContain('Sign in first');
      // The header alone proves nothing: anyone can send it.
      const forged = await fetch(`${direct}${path}`, {
        headers: { 'x-forwarded-user': 'nuria@example.org' },
      });
      expect(forged.status, `${path} with a forged header`).toBe(401);
      const served = await fetch(`${proxy.url}${path}`);
      expect(served.status, `${path} through the proxy`).toBe(status);
      await served.arrayBuffer();
    }
    expect(stderr).toContain('did not come from OKRBOT_WEB_TRUSTED_PROXIES');
  });

  it('answers /metrics with the token only, and /healthz in detail with it', async () => {
    expect((await fetch(`${direct}/metrics`)).status).toBe(401);
    // The dashboard's sign-in is not the operator's token.
    const signedIn = await fetch(`${proxy.url}/metrics`);
    expect(signedIn.status).toBe(401);
    expect(signedIn.headers.get('www-authenticate')).toBe('Bearer realm="okrbot"');
    const wrong = await fetch(`${direct}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN.replace('0', '1')}` },
    });
    expect(wrong.status).toBe(401);
    const metrics = await fetch(`${direct}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('okrbot_deliveries');

    // Probes get the bare answer: its status code is all a load balancer reads.
    const bare = await fetch(`${direct}/healthz`);
    expect(bare.status).toBe(200);
    expect(await bare.json()).toEqual({ status: 'ok' });
    const detail = await fetch(`${direct}/healthz`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(await detail.json()).toMatchObject({
      status: 'ok',
      checks: { database: { ok: true }, adapters: [{ transport: 'slack', connected: true }] },
    });
  });

  it("keeps Slack's route to Slack's signature alone", async () => {
    const body = slashCommand('help', { responseUrl: fake.responseUrl('access') });
    const signed = await post(
      `${direct}/slack/events`,
      sign(body, 'application/x-www-form-urlencoded'),
    );
    expect(signed.status).toBe(200);
    const unsigned = await post(
      `${direct}/slack/events`,
      sign(body, 'application/x-www-form-urlencoded', { secret: 'not-the-secret' }),
    );
    expect(unsigned.status).toBe(401);
  });

  it.runIf(hasChromium)(
    'reads the quarter page in headless Chromium through the proxy, and is refused without it',
    async () => {
      const page = await browser.newPage();
      const refused = await page.goto(`${direct}/technology/FY2019-20-Q1`);
      expect(refused?.status()).toBe(401);
      expect(await page.textContent('body')).toContain('Sign in first');

      await page.goto(`${proxy.url}/`);
      await page.getByRole('link', { name: 'Technology — FY2019-20 Q1' }).click();
      await expect.poll(() => page.title()).toBe('Technology — FY2019-20 Q1 · okrbot');
      expect(await page.getByRole('heading', { name: 'Analytics', exact: true }).count()).toBe(1);
      // The stylesheet came through the proxy too.
      const rules = await page.evaluate(
        () =>
          (globalThis as unknown as StyledDocument).document.styleSheets[0]?.cssRules.length ?? 0,
      );
      expect(rules).toBeGreaterThan(0);
      await page.close();
    },
  );
});

describe('okrbot start without an access setting', () => {
  it('serves Slack, keeps the pages closed and says what to set', async () => {
    const fake = await startFakeSlack();
    const bot = spawnCli(['start'], {
      ...SLACK,
      SLACK_API_URL: fake.apiUrl,
      OKRBOT_DATA_DIR: 'memory://',
      HOST: '127.0.0.1',
      OKRBOT_WEB_ACCESS: '',
    });
    let stderr = '';
    try {
      const address = await new Promise<string>((resolve, reject) => {
        bot.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          const match = /"address":"(http:\/\/[^"]+)"[^}]*"msg":"dashboard at /.exec(stderr);
          if (match && stderr.includes('Slack connected')) resolve(match[1] as string);
        });
        bot.once('close', () => reject(new Error(`okrbot exited: ${stderr}`)));
      });
      expect(stderr).toContain("the dashboard's pages are closed");
      for (const path of ['/', '/technology/FY2019-20-Q1.csv', '/metrics']) {
        const page = await fetch(`${address}${path}`);
        expect(page.status, path).toBe(path === '/metrics' ? 401 : 403);
        if (path !== '/metrics') expect(await page.text()).toContain('Set OKRBOT_WEB_ACCESS=proxy');
      }
      // Probes and Slack are not pages: they still answer.
      expect((await fetch(`${address}/healthz`)).status).not.toBe(403);
      const body = slashCommand('help', { responseUrl: fake.responseUrl('closed') });
      const command = await post(
        `${address}/slack/events`,
        sign(body, 'application/x-www-form-urlencoded'),
      );
      expect(command.status).toBe(200);
    } finally {
      bot.kill('SIGTERM');
      if (bot.exitCode === null) await new Promise((resolve) => bot.once('close', resolve));
      await fake.close();
    }
  });
});
