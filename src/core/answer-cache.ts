import type { DataVersion } from '../db/data-version.ts';
import type { Reply } from '../reply/document.ts';

// Answers of read-only commands, kept in memory while the data under them is unchanged, so a
// team's status asked again is answered without the database. An answer is kept only if no
// write happened while it was computed, and expires after a minute anyway: answers say "as of"
// a day and count days since updates.

export interface AnswerCache {
  get(key: string): Reply | undefined;
  /** Computes the answer and keeps it when the data did not change meanwhile. */
  remember(key: string, compute: () => Promise<Reply>): Promise<Reply>;
}

export function createAnswerCache(
  version: DataVersion,
  options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
): AnswerCache {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 2_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { reply: Reply; version: number; expires: number }>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.version !== version.current() || entry.expires <= now()) {
        entries.delete(key);
        return undefined;
      }
      return entry.reply;
    },
    async remember(key, compute) {
      const before = version.current();
      const reply = await compute();
      if (reply.tone === 'info' && version.current() === before) {
        entries.delete(key);
        entries.set(key, { reply, version: before, expires: now() + ttlMs });
        // Oldest first in a Map: drop the oldest beyond the limit.
        if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      }
      return reply;
    },
  };
}
