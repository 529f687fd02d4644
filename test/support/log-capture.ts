import pino, { type Logger } from 'pino';

// A logger whose lines a test can wait for: the positive signal that okrbot considered something
// and chose to do nothing (a replayed request ignored), where a sleep would only hope so.

export type LogLine = Record<string, unknown> & { msg?: string };

export interface CapturedLogs {
  logger: Logger;
  readonly lines: LogLine[];
  /** Resolves once `count` (default 1) lines match; fails after `timeoutMs`. */
  waitFor(
    match: (line: LogLine) => boolean,
    count?: number,
    timeoutMs?: number,
  ): Promise<LogLine[]>;
}

export function captureLogs(level: pino.Level = 'debug'): CapturedLogs {
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  const logger = pino(
    { level },
    {
      write(line: string) {
        lines.push(JSON.parse(line) as LogLine);
        for (const check of [...waiters]) check();
      },
    },
  );
  return {
    logger,
    lines,
    waitFor(match, count = 1, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.filter(match);
          if (found.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${count} matching log line(s)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
