// The MediaWiki Action API, the four calls okrbot needs, over plain fetch: log in with a bot
// password, read a page's latest revision, read the revisions after one, and edit with the
// base revision so a concurrent edit is detected. A client library (mwn) would bring axios,
// a cookie jar and form-data for these four calls, and hide what okrbot must see: whether the
// wiki merged a concurrent edit into ours. Every call sends maxlag=5 (and waits as long as the
// wiki asks when it is lagged); edits are marked bot=1 and assert a logged-in user.

export interface Revision {
  id: number;
  parentId: number;
  user: string;
  /** ISO 8601, as the wiki gives it. */
  timestamp: string;
  text: string;
}

export type EditOutcome =
  | {
      kind: 'saved';
      revision: number;
      timestamp: string;
      /** The revision ours follows: not the base we gave when the wiki merged another edit in. */
      previous: number | null;
    }
  | { kind: 'unchanged' }
  | { kind: 'conflict' };

export interface EditRequest {
  title: string;
  text: string;
  summary: string;
  /** The revision read, when the page exists; absent creates the page (failing if it exists). */
  base?: { revision: number; timestamp: string };
}

export interface MediaWikiOptions {
  api: string;
  user: string;
  password: string;
  fetch?: typeof fetch;
  /** Waits between maxlag retries; tests pass one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
}

/** What the wiki refused, with its error code. */
export class MediaWikiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'MediaWikiError';
  }
}

const MAX_LAG_TRIES = 5;
const USER_AGENT = 'okrbot (goals page publisher; https://github.com/okrbot)';

export interface MediaWikiClient {
  latest(title: string): Promise<Revision | undefined>;
  /** Revisions after `revision`, oldest first. */
  after(title: string, revision: number): Promise<Revision[]>;
  edit(request: EditRequest): Promise<EditOutcome>;
  /** The page rendered (action=parse): its HTML. */
  render(title: string): Promise<string>;
}

export function createMediaWikiClient(options: MediaWikiOptions): MediaWikiClient {
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  const cookies = new Map<string, string>();
  let loggedIn = false;

  async function call(
    params: Record<string, string>,
    post = false,
  ): Promise<Record<string, unknown>> {
    const all = { format: 'json', formatversion: '2', maxlag: '5', ...params };
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = {
        'user-agent': USER_AGENT,
        cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      };
      const response = post
        ? await doFetch(options.api, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams(all),
          })
        : await doFetch(`${options.api}?${new URLSearchParams(all)}`, { headers });
      for (const header of response.headers.getSetCookie()) {
        const [pair = ''] = header.split(';');
        const at = pair.indexOf('=');
        if (at > 0) cookies.set(pair.slice(0, at), pair.slice(at + 1));
      }
      if (!response.ok)
        throw new MediaWikiError('http', `${options.api} answered HTTP ${response.status}`);
      const body = (await response.json()) as Record<string, unknown>;
      const error = body.error as { code: string; info: string } | undefined;
      if (error?.code === 'maxlag' && attempt < MAX_LAG_TRIES) {
        // The wiki's replicas lag: wait as long as it asks, as a well-behaved bot does.
        await sleep(Number(response.headers.get('retry-after') ?? '5') * 1000);
        continue;
      }
      if (error) throw new MediaWikiError(error.code, `${error.code}: ${error.info}`);
      return body;
    }
  }

  async function token(type: 'login' | 'csrf'): Promise<string> {
    const body = await call({ action: 'query', meta: 'tokens', type });
    return (body.query as { tokens: Record<string, string> }).tokens[`${type}token`] as string;
  }

  async function login(): Promise<void> {
    const body = await call(
      {
        action: 'login',
        lgname: options.user,
        lgpassword: options.password,
        lgtoken: await token('login'),
      },
      true,
    );
    const result = body.login as { result: string; reason?: string };
    if (result.result !== 'Success')
      throw new MediaWikiError(
        'login',
        `the wiki refused the bot password of ${options.user}: ${result.reason ?? result.result}`,
      );
    loggedIn = true;
  }

  /** Revisions of a page, following the API's continuation when `all` asks for every one. */
  async function revisions(params: Record<string, string>, all = false): Promise<Revision[]> {
    const found: Revision[] = [];
    let next: Record<string, string> = {};
    do {
      const body = await call({
        action: 'query',
        prop: 'revisions',
        rvprop: 'ids|user|timestamp|content',
        rvslots: 'main',
        ...params,
        ...next,
      });
      const page = (body.query as { pages: { missing?: boolean; revisions?: unknown[] }[] })
        .pages[0];
      if (!page || page.missing) return found;
      for (const r of (page.revisions ?? []) as {
        revid: number;
        parentid: number;
        user: string;
        timestamp: string;
        slots: { main: { content: string } };
      }[])
        found.push({
          id: r.revid,
          parentId: r.parentid,
          user: r.user,
          timestamp: r.timestamp,
          text: r.slots.main.content,
        });
      next = all ? ((body.continue as Record<string, string> | undefined) ?? {}) : {};
    } while (Object.keys(next).length);
    return found;
  }

  return {
    async latest(title) {
      if (!loggedIn) await login();
      return (await revisions({ titles: title, rvlimit: '1' }))[0];
    },

    async after(title, revision) {
      if (!loggedIn) await login();
      const found = await revisions(
        { titles: title, rvdir: 'newer', rvstartid: String(revision), rvlimit: '50' },
        true,
      );
      return found.filter((r) => r.id !== revision);
    },

    async edit(request) {
      if (!loggedIn) await login();
      const params: Record<string, string> = {
        action: 'edit',
        title: request.title,
        text: request.text,
        summary: request.summary,
        bot: '1',
        assert: 'user',
        token: await token('csrf'),
      };
      if (request.base) {
        params.baserevid = String(request.base.revision);
        params.basetimestamp = request.base.timestamp;
        params.nocreate = '1';
      } else {
        params.createonly = '1';
      }
      try {
        const body = await call(params, true);
        const edit = body.edit as {
          result: string;
          nochange?: boolean;
          oldrevid?: number;
          newrevid?: number;
          newtimestamp?: string;
        };
        if (edit.result !== 'Success')
          throw new MediaWikiError('edit', `the edit was not saved: ${JSON.stringify(edit)}`);
        if (edit.nochange) return { kind: 'unchanged' };
        return {
          kind: 'saved',
          revision: edit.newrevid as number,
          timestamp: edit.newtimestamp as string,
          previous: edit.oldrevid || null,
        };
      } catch (error) {
        // Someone saved the page since our read (or created it): read again and merge.
        if (
          error instanceof MediaWikiError &&
          ['editconflict', 'articleexists', 'missingtitle'].includes(error.code)
        )
          return { kind: 'conflict' };
        throw error;
      }
    },

    async render(title) {
      const body = await call({ action: 'parse', page: title, prop: 'text' });
      return (body.parse as { text: string }).text;
    },
  };
}
