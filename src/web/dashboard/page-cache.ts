import type { DataVersion } from '../../db/data-version.ts';

// Rendered dashboard pages, kept while the data under them is unchanged, a bound on how many are
// rendered at once, and one page served per turn of the event loop. On the embedded database
// every query runs on the process's one thread: 64 page loads together kept Slack's
// acknowledgements waiting for seconds. With the cache a flood of the same pages costs one render
// each; with the bound, pages that must be rendered wait without holding the thread; and with the
// turns, a request that arrives (Slack's, /healthz) is read and answered between two pages, not
// after every page that arrived with it.

/** What a page answered: replayed as it was for the next request of the same address. */
export interface RenderedPage {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface PageCache {
  /**
   * The page at `key`: kept (when the data did not change since, and it is younger than the
   * time-to-live), the one being rendered for another request, or rendered now in its turn.
   */
  page(key: string, render: () => Promise<RenderedPage>): Promise<RenderedPage>;
}

export interface PageCacheOptions {
  /** Pages name "today" and count days since updates: kept at most this long. */
  ttlMs?: number;
  /** Renders running at once; the others wait. */
  concurrency?: number;
  /** Memory the kept pages may take. */
  maxBytes?: number;
  now?: () => number;
}

export function createPageCache(version: DataVersion, options: PageCacheOptions = {}): PageCache {
  const ttlMs = options.ttlMs ?? 60_000;
  const concurrency = options.concurrency ?? 2;
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  const now = options.now ?? Date.now;
  const kept = new Map<
    string,
    RenderedPage & { version: number; expires: number; bytes: number }
  >();
  const rendering = new Map<string, Promise<RenderedPage>>();
  let bytes = 0;
  let running = 0;
  const waiting: (() => void)[] = [];
  const turns: (() => void)[] = [];

  /** Lets one waiting page go per turn of the event loop (setImmediate runs after its I/O). */
  const nextTurn = () => {
    turns.shift()?.();
    if (turns.length) setImmediate(nextTurn);
  };
  const myTurn = () =>
    new Promise<void>((resolve) => {
      turns.push(resolve);
      if (turns.length === 1) setImmediate(nextTurn);
    });

  const forget = (key: string) => {
    const entry = kept.get(key);
    if (!entry) return;
    kept.delete(key);
    bytes -= entry.bytes;
  };

  const inTurn = async <T>(work: () => Promise<T>): Promise<T> => {
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await work();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };

  const render = async (key: string, renderPage: () => Promise<RenderedPage>) => {
    const before = version.current();
    const page = await inTurn(renderPage);
    // Kept only when nothing was written while it was made, and never a server error.
    if (page.status < 500 && version.current() === before) {
      // Encoded once, not at every request that is served it.
      const body = Buffer.from(page.body);
      forget(key);
      kept.set(key, { ...page, body, version: before, expires: now() + ttlMs, bytes: body.length });
      bytes += body.length;
      // Oldest first in a Map: drop the oldest beyond the limit.
      for (const oldest of kept.keys()) {
        if (bytes <= maxBytes) break;
        forget(oldest);
      }
    }
    return page;
  };

  return {
    async page(key, renderPage) {
      await myTurn();
      const entry = kept.get(key);
      if (entry && entry.version === version.current() && entry.expires > now()) return entry;
      forget(key);
      const pending = rendering.get(key);
      if (pending) return pending;
      const made = render(key, renderPage).finally(() => rendering.delete(key));
      rendering.set(key, made);
      return made;
    },
  };
}
