import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

// A real MediaWiki for the tests: Debian's `mediawiki` package (1.39) on SQLite, served by PHP's
// built-in server from the package's own directory, with LocalSettings.php in a temporary
// directory (MW_CONFIG_FILE), so nothing is copied. Each test file starts its own on a free port.
// The status templates are made as on the foundation's wiki (an icon and the label), and a
// second user makes the "human" edits through the API.

const MEDIAWIKI = '/usr/share/mediawiki';
const run = promisify(execFile);

export const wikiInstalled = existsSync(`${MEDIAWIKI}/maintenance/install.php`);

/** In CI a wiki that cannot start fails the test (.ci/run installs the packages); never a skip. */
export function requireWikiInCi(): void {
  if (!wikiInstalled && process.env.CI)
    throw new Error(
      'MediaWiki is missing: apt-get install -y --no-install-recommends mediawiki php-sqlite3 php-cli php-intl php-mbstring php-xml',
    );
}

export interface TestWiki {
  /** `http://127.0.0.1:PORT/api.php` */
  api: string;
  /** The bot password okrbot logs in with (`Admin@okrbot`). */
  bot: { user: string; password: string };
  /** Another user, for edits made by a person. */
  person: WikiSession;
  /** Logs in as any user of the wiki. */
  login(user: string, password: string): Promise<WikiSession>;
  close(): Promise<void>;
}

export interface WikiSession {
  user: string;
  /** An API call (POST, form-encoded) with this user's cookies; the parsed JSON answer. */
  call(params: Record<string, string>): Promise<Record<string, unknown>>;
  /** Edits a page as this user; the new revision id. */
  edit(title: string, text: string, summary: string): Promise<number>;
  /** The latest text of a page. */
  read(title: string): Promise<string>;
}

/** The status templates: an icon and the label, as the foundation's wiki renders them. */
const TEMPLATES: Record<string, string> = {
  Done: '<span class="okr-status" style="color:#14866d">✔ Done</span>',
  Yes: '<span class="okr-status" style="color:#14866d">✔ Yes</span>',
  'In progress': '<span class="okr-status" style="color:#3366cc">◔ In progress</span>',
  'To do': '<span class="okr-status" style="color:#72777d">○ To do</span>',
  'Partially done': '<span class="okr-status" style="color:#ac6600">◑ Partially done</span>',
  'Not done': '<span class="okr-status" style="color:#d33">✘ Not done</span>',
  Stalled: '<span class="okr-status" style="color:#d33">✘ Stalled</span>',
  Postponed: '<span class="okr-status" style="color:#d33">✘ Postponed</span>',
  Blocked: '<span class="okr-status" style="color:#d33">✘ Blocked</span>',
  Cancelled: '<span class="okr-status" style="color:#72777d">✘ Cancelled</span>',
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startTestWiki(): Promise<TestWiki> {
  const dir = await mkdtemp(join(tmpdir(), 'okrbot-wiki-'));
  const port = await freePort();
  const config = join(dir, 'LocalSettings.php');
  const env = { ...process.env, MW_CONFIG_FILE: config };
  const php = (script: string, args: string[]) =>
    run('php', [`${MEDIAWIKI}/maintenance/${script}`, ...args], { env, cwd: MEDIAWIKI });
  let server: ChildProcess | undefined;
  try {
    await php('install.php', [
      '--dbtype=sqlite',
      `--dbpath=${dir}`,
      '--dbname=wiki',
      `--server=http://127.0.0.1:${port}`,
      '--scriptpath=',
      `--confpath=${dir}`,
      '--pass=Admin-password-123',
      '--skins=Vector',
      'TestWiki',
      'Admin',
    ]);
    const created = await php('createBotPassword.php', [
      '--appid',
      'okrbot',
      '--grants',
      'basic,editpage,createeditmovepage,highvolume',
      'Admin',
    ]);
    const password = /password:'([^']+)'/.exec(created.stdout)?.[1];
    if (!password) throw new Error(`createBotPassword.php said: ${created.stdout}`);
    await php('createAndPromote.php', ['Alice Editor', 'Alice-password-123']);
    server = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', MEDIAWIKI], {
      env,
      cwd: MEDIAWIKI,
      stdio: 'ignore',
    });
    const api = `http://127.0.0.1:${port}/api.php`;
    await waitForApi(api);
    const login = (user: string, pass: string) => loginSession(api, user, pass);
    const admin = await login('Admin', 'Admin-password-123');
    for (const [name, text] of Object.entries(TEMPLATES))
      await admin.edit(`Template:${name}`, text, 'status template');
    const child = server;
    return {
      api,
      bot: { user: 'Admin@okrbot', password },
      person: await login('Alice Editor', 'Alice-password-123'),
      login,
      async close() {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    server?.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`The test wiki did not start: ${(error as Error).message}`);
  }
}

async function waitForApi(api: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`${api}?action=query&meta=siteinfo&format=json`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`no answer from ${api} within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function loginSession(api: string, user: string, password: string): Promise<WikiSession> {
  const cookies = new Map<string, string>();
  const call = async (params: Record<string, string>) => {
    const response = await fetch(api, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      },
      body: new URLSearchParams({ format: 'json', formatversion: '2', ...params }),
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const at = pair.indexOf('=');
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return (await response.json()) as Record<string, unknown>;
  };
  const token = async (type: string) =>
    (
      (await call({ action: 'query', meta: 'tokens', type })).query as {
        tokens: Record<string, string>;
      }
    ).tokens[`${type}token`] as string;
  const result = (await call({
    action: 'login',
    lgname: user,
    lgpassword: password,
    lgtoken: await token('login'),
  })) as { login: { result: string } };
  if (result.login.result !== 'Success')
    throw new Error(`login as ${user}: ${JSON.stringify(result)}`);
  return {
    user,
    call,
    async edit(title, text, summary) {
      const answer = await call({
        action: 'edit',
        title,
        text,
        summary,
        token: await token('csrf'),
      });
      const edit = answer.edit as { result: string; newrevid?: number } | undefined;
      if (edit?.result !== 'Success') throw new Error(`edit ${title}: ${JSON.stringify(answer)}`);
      return edit.newrevid ?? 0;
    },
    async read(title) {
      const answer = await call({
        action: 'query',
        prop: 'revisions',
        titles: title,
        rvprop: 'content',
        rvslots: 'main',
      });
      const page = (
        answer.query as { pages: { revisions?: { slots: { main: { content: string } } }[] }[] }
      ).pages[0];
      return page?.revisions?.[0]?.slots.main.content ?? '';
    },
  };
}
