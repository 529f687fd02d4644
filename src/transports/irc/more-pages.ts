import type { CaseFold } from './casemapping.ts';

// A long private answer is cut to what the pace lets okrbot write in a few seconds; the rest
// waits here until its asker says `more`, one page at a time. A page belongs to the nick that
// asked and is dropped when that nick quits or changes (it would reach the next holder).

/** Seconds of writing a private answer may take before the rest waits for `more`. */
export const PAGE_SECONDS = 8;

/** Lines of one page at a pace of `burst` lines, then `ratePerSecond`, within [min, max]. */
export function pageLines(
  pace: { burst: number; ratePerSecond: number },
  min: number,
  max: number,
): number {
  return Math.min(max, Math.max(min, Math.floor(pace.burst + pace.ratePerSecond * PAGE_SECONDS)));
}

/** Shortens lines to `nick` to `max`, the last saying how many more there are. */
export type Shorten = (
  nick: string,
  lines: string[],
  max: number,
  link: string | undefined,
) => string[];

export class MorePages {
  /** Folded nick → lines not shown yet, and the dashboard page they are also on. */
  private readonly rest = new Map<string, { lines: string[]; link: string | undefined }>();

  constructor(
    private readonly fold: () => CaseFold,
    private readonly size: number,
    private readonly shorten: Shorten,
  ) {}

  /** The first page of an answer to `nick`; what does not fit waits for `more`. */
  first(nick: string, lines: string[], link: string | undefined): string[] {
    this.forget(nick);
    return this.cut(nick, lines, link);
  }

  /** The next page for `nick`, or undefined when nothing waits. */
  next(nick: string): string[] | undefined {
    const waiting = this.rest.get(this.fold()(nick));
    if (!waiting) return undefined;
    this.forget(nick);
    return this.cut(nick, waiting.lines, waiting.link);
  }

  forget(nick: string): void {
    this.rest.delete(this.fold()(nick));
  }

  clear(): void {
    this.rest.clear();
  }

  private cut(nick: string, lines: string[], link: string | undefined): string[] {
    if (lines.length <= this.size) return lines;
    this.rest.set(this.fold()(nick), { lines: lines.slice(this.size - 1), link });
    return this.shorten(nick, lines, this.size, link);
  }
}
