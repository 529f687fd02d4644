import { type Logger, pino } from 'pino';

// Fields that could carry secrets are censored wherever they appear in a log record.
const REDACT = [
  'token',
  'password',
  'secret',
  'databaseUrl',
  'url',
  'authorization',
  'headers.authorization',
].flatMap((key) => [key, `*.${key}`]);

/**
 * Logs go to standard error, so standard output carries only chat replies (scripts pipe it).
 * On a terminal they are one readable line each; elsewhere JSON for log collectors.
 */
export function createLogger(level: string, stream: NodeJS.WriteStream = process.stderr): Logger {
  const destination = stream.isTTY ? readableLines(stream) : stream;
  return pino(
    { level, base: undefined, redact: { paths: REDACT, censor: '[redacted]' } },
    destination,
  );
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

function readableLines(stream: NodeJS.WriteStream): { write(line: string): void } {
  return {
    write(line: string) {
      const { level, time, msg, err, ...rest } = JSON.parse(line) as Record<string, unknown>;
      const clock = new Date(time as number).toISOString().slice(11, 19);
      const fields = Object.entries(rest)
        .map(
          ([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
        )
        .join(' ');
      const error = err ? `\n${(err as { stack?: string }).stack ?? JSON.stringify(err)}` : '';
      stream.write(
        `${clock} ${(LEVEL_NAMES[level as number] ?? level) as string} ${msg as string}${fields ? ` ${fields}` : ''}${error}\n`,
      );
    },
  };
}
