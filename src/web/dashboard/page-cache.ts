import type { DataVersion } from '../../db/data-version.ts';

// Rendered dashboard pages, kept while the data under them is unchanged, and a bound on how many
// are rendered at once. On the embedded database every query runs on the process's one thread:
// 64 page loads rendering together kept Slack's acknowledgements waiting for seconds. With the
// cache a flood of the same pages costs one render each; with the bound, pages that must be
// rendered wait their turn without holding the thread, and Slack's requests go between them.

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
      const size = Buffer.byteLength(page.body);
      forget(key);
      kept.set(key, { ...page, version: before, expires: now() + ttlMs, bytes: size });
      bytes += size;
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
