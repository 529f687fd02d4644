import { describe, expect, it } from 'vitest';
import { createDataVersion } from '../../src/db/data-version.ts';
import { createPageCache, type RenderedPage } from '../../src/web/dashboard/page-cache.ts';

// Rendered dashboard pages kept until the data changes, and renders bounded (issue 19, item 4).

const page = (body: string, status = 200): RenderedPage => ({ status, headers: {}, body });

describe('the dashboard page cache', () => {
  it('renders a page once while the data is unchanged, again after a write or a minute', async () => {
    const version = createDataVersion();
    let now = 0;
    const cache = createPageCache(version, { now: () => now });
    let renders = 0;
    const render = async () => page(`render ${++renders}`);
    expect(String((await cache.page('/a', render)).body)).toBe('render 1');
    expect(String((await cache.page('/a', render)).body)).toBe('render 1');
    version.bump();
    expect(String((await cache.page('/a', render)).body)).toBe('render 2');
    now += 60_000;
    expect(String((await cache.page('/a', render)).body)).toBe('render 3');
  });

  it('keeps neither a page written to while it rendered nor a server error', async () => {
    const version = createDataVersion();
    const cache = createPageCache(version);
    let renders = 0;
    const raced = async () => {
      renders++;
      version.bump();
      return page('raced');
    };
    await cache.page('/a', raced);
    await cache.page('/a', raced);
    const failing = async () => {
      renders++;
      return page('failed', 500);
    };
    await cache.page('/b', failing);
    await cache.page('/b', failing);
    expect(renders).toBe(4);
  });

  it('renders one page for simultaneous requests, and at most two pages at once', async () => {
    const cache = createPageCache(createDataVersion(), { concurrency: 2 });
    let running = 0;
    let most = 0;
    let renders = 0;
    const render = (body: string) => async () => {
      renders++;
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      return page(body);
    };
    const keys = ['/a', '/a', '/a', '/b', '/c', '/d', '/e'];
    const pages = await Promise.all(keys.map((key) => cache.page(key, render(key))));
    expect(pages.map((p) => String(p.body))).toEqual(keys);
    expect(renders).toBe(5);
    expect(most).toBe(2);
  });

  it('drops the oldest pages beyond its memory', async () => {
    const cache = createPageCache(createDataVersion(), { maxBytes: 10 });
    let renders = 0;
    const render = async () => page(`${++renders}`.padStart(6, '0'));
    await cache.page('/a', render);
    await cache.page('/b', render);
    await cache.page('/b', render);
    await cache.page('/a', render);
    expect(renders).toBe(3);
  });
});
