import type { Inline, ListItem, Reply } from '../../reply/document.ts';
import type { CaseFold } from './casemapping.ts';

// How people talk to okrbot on IRC, and how much it says back where.

/** Lines a channel answer may take; a longer answer ends with where to read the rest. */
export const CHANNEL_LINES = 4;
/** Lines a private answer may take: beyond this, minutes of scrolling help nobody. */
export const PRIVATE_LINES = 60;

/**
 * The command in a message, or undefined when the message is not for okrbot: `!okr <command>`
 * or `<nick>: <command>` in a channel; in a private message the same, or the bare command.
 */
export function commandIn(
  message: string,
  isPrivate: boolean,
  ownNick: string,
  fold: CaseFold,
): string | undefined {
  const text = message.trim();
  const bang = /^!okr(?:\s+([\s\S]*))?$/i.exec(text);
  if (bang) return bang[1]?.trim() || 'help';
  const addressed = /^([^\s:,]+)[:,]\s*([\s\S]*)$/.exec(text);
  if (addressed && fold(addressed[1] as string) === fold(ownNick))
    return addressed[2]?.trim() || 'help';
  return isPrivate && text ? text : undefined;
}

/** At most `max` lines: the first `max - 1`, then `more(hidden)` for the rest. */
export function capLines(lines: string[], max: number, more: (hidden: number) => string): string[] {
  if (lines.length <= max) return lines;
  const shown = lines.slice(0, max - 1);
  return [...shown, more(lines.length - shown.length)];
}

/**
 * What the last line of a shortened channel answer says: where the whole answer is (its page on
 * the dashboard when there is one).
 */
export function channelMore(
  hidden: number,
  command: string,
  ownNick: string,
  page: string | undefined,
): string {
  const shown = command.length > 80 ? `${command.slice(0, 79)}…` : command;
  return page ? `… ${hidden} more at ${page}` : `… ${hidden} more: /msg ${ownNick} ${shown}`;
}

/** The dashboard page an answer links to, else the dashboard itself; none without one. */
export function dashboardPage(reply: Reply, publicUrl: string | undefined): string | undefined {
  if (!publicUrl) return undefined;
  const items = (list: ListItem[]): Inline[] =>
    list.flatMap((item) => [...item.content, ...items(item.children ?? [])]);
  const inlines = reply.blocks.flatMap((block) =>
    block.kind === 'list'
      ? items(block.items)
      : block.kind === 'table'
        ? block.rows.flat()
        : block.kind === 'divider'
          ? []
          : block.content,
  );
  const page = inlines.find(
    (inline) =>
      typeof inline !== 'string' && inline.kind === 'link' && inline.url.startsWith(publicUrl),
  );
  return page && typeof page !== 'string' && page.kind === 'link' ? page.url : publicUrl;
}

/** What the last line of a private answer's page says when more waits. */
export function pagedMore(hidden: number, page: string | undefined): string {
  return `… ${hidden} more lines: say more${page ? `, or see ${page}` : ''}.`;
}

/** What the last line of a capped private delivery says. */
export function privateMore(hidden: number, publicUrl: string | undefined): string {
  return `… ${hidden} more lines not shown: ask for less (e.g. status <team>)${publicUrl ? ` or see ${publicUrl}` : ''}.`;
}
