import type { types } from '@slack/bolt';
import { formatStatus, type Status } from '../../domain/status.ts';
import type { Block, Inline, Line, ListItem, Reply } from '../../reply/document.ts';
import { formatDay } from '../../reply/format.ts';
import { escapeMrkdwn, plainText, splitMrkdwn, truncate } from './slack-text.ts';

// Reply documents as Block Kit, within Slack's limits: 50 blocks a message, 3,000 characters a
// section, 150 a header, 10 fields of 2,000 each. Larger replies become several messages,
// split between blocks so nothing is cut or repeated.

export type SlackBlock = types.KnownBlock;

export interface SlackMessage {
  /** Notification and screen-reader text, also shown where blocks cannot be. */
  text: string;
  blocks: SlackBlock[];
}

export const LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  headerText: 150,
  fields: 10,
  fieldText: 2000,
  contextText: 2000,
  /** The notification text: a line, not the message again (Slack allows 40,000). */
  fallbackText: 150,
} as const;

const STATUS_EMOJI: Readonly<Record<Status, string>> = {
  to_do: ':white_circle:',
  in_progress: ':large_blue_circle:',
  done: ':white_check_mark:',
  partially_done: ':large_yellow_circle:',
  not_done: ':x:',
  stalled: ':large_orange_circle:',
  postponed: ':double_vertical_bar:',
  blocked: ':red_circle:',
  cancelled: ':heavy_multiplication_x:',
};

/** `:white_check_mark: *Done*`: an emoji for the eye and the word for everyone else. */
export function statusBadge(status: Status | null): string {
  return status
    ? `${STATUS_EMOJI[status]} *${formatStatus(status)}*`
    : ':grey_question: _No status_';
}

function inlineMrkdwn(inline: Inline): string {
  if (typeof inline === 'string') return escapeMrkdwn(inline);
  switch (inline.kind) {
    case 'strong': {
      // Slack bolds `*Status:*` but not `*Status: *`: the spaces go outside the asterisks.
      const [, lead, core, trail] = /^(\s*)(.*?)(\s*)$/s.exec(inline.text) ?? [];
      return core ? `${lead}*${escapeMrkdwn(core)}*${trail}` : escapeMrkdwn(inline.text);
    }
    case 'code': {
      // Commands are typed after /okr anywhere in Slack.
      const typed = inline.command ? `/okr ${inline.text}` : inline.text;
      return `\`${escapeMrkdwn(typed.replace(/`/g, "'"))}\``;
    }
    case 'status':
      return statusBadge(inline.status);
    case 'link': {
      // Only web links become links; the label is escaped so it cannot smuggle another one.
      if (!/^https?:\/\//i.test(inline.url)) return escapeMrkdwn(inline.text);
      const url = inline.url.replace(/[<>|\s]/g, encodeURIComponent);
      return `<${url}|${escapeMrkdwn(inline.text).replace(/\|/g, '¦')}>`;
    }
    case 'mention':
      // People are named, never pinged: digests and answers reach whole channels.
      return escapeMrkdwn(inline.name);
    case 'date':
      // Each reader sees the day in their own time zone; the fallback is the zone's day.
      return `<!date^${Math.floor(inline.at.getTime() / 1000)}^{date_short_pretty}|${formatDay(inline.at, inline.zone)}>`;
  }
}

export function lineMrkdwn(line: Line): string {
  return line.map(inlineMrkdwn).join('');
}

function plainLine(line: Line): string {
  return line
    .map((inline) => {
      if (typeof inline === 'string') return inline;
      if (inline.kind === 'status')
        return inline.status ? formatStatus(inline.status) : 'No status';
      if (inline.kind === 'date') return formatDay(inline.at, inline.zone);
      if (inline.kind === 'mention') return inline.name;
      return inline.text;
    })
    .join('');
}

const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });

function sections(text: string): SlackBlock[] {
  return splitMrkdwn(text, LIMITS.sectionText).map(section);
}

function listLines(items: readonly ListItem[], depth: number): string[] {
  return items.flatMap((item) => [
    `${'      '.repeat(depth)}${depth === 0 ? '•' : '◦'} ${lineMrkdwn(item.content)}`,
    ...listLines(item.children ?? [], depth + 1),
  ]);
}

/** A table row as a section of fields, `*Column*` over the cell. */
function tableRows(columns: readonly string[], rows: readonly Line[]): SlackBlock[] {
  return rows.flatMap((row) => {
    const fields = columns.map((column, i) => {
      const cell = row[i] === undefined ? '' : lineMrkdwn([row[i] as Inline]);
      return `*${escapeMrkdwn(column)}*\n${cell || '—'}`;
    });
    const blocks: SlackBlock[] = [];
    for (let start = 0; start < fields.length; start += LIMITS.fields) {
      blocks.push({
        type: 'section',
        fields: fields.slice(start, start + LIMITS.fields).map((text) => ({
          type: 'mrkdwn' as const,
          text: truncate(text, LIMITS.fieldText),
        })),
      });
    }
    return blocks;
  });
}

function renderBlock(block: Block): SlackBlock[] {
  switch (block.kind) {
    case 'heading':
      return [
        {
          type: 'header',
          text: {
            type: 'plain_text',
            text: plainText(plainLine(block.content), LIMITS.headerText),
            emoji: true,
          },
        },
      ];
    case 'paragraph':
      return sections(lineMrkdwn(block.content));
    case 'context':
      return [
        {
          type: 'context',
          elements: [
            { type: 'mrkdwn', text: truncate(lineMrkdwn(block.content), LIMITS.contextText) },
          ],
        },
      ];
    case 'list':
      return sections(listLines(block.items, 0).join('\n'));
    case 'table':
      return tableRows(block.columns, block.rows);
    case 'divider':
      return [{ type: 'divider' }];
  }
}

function blockText(block: SlackBlock): string {
  if (block.type === 'header') return block.text.text;
  if (block.type === 'section')
    return [block.text?.text, ...(block.fields ?? []).map((f) => f.text)]
      .filter(Boolean)
      .join('\n');
  if (block.type === 'context')
    return block.elements.map((e) => ('text' in e ? e.text : '')).join(' ');
  return '';
}

/**
 * The fallback text of a message (notifications, screen readers before the blocks): its first
 * line of text, with Slack's tokens (dates, links) reduced to what they show.
 */
export function fallbackText(blocks: readonly SlackBlock[]): string {
  const first = blocks.map(blockText).find((text) => text.trim()) ?? '';
  const line = (first.split('\n').find((l) => l.trim()) ?? '').replace(
    /<[^<>|]*\|([^<>]*)>/g,
    '$1',
  );
  return truncate(line.trim(), LIMITS.fallbackText);
}

/** Splits blocks into messages of at most 50 blocks each, each with its fallback text. */
export function toMessages(blocks: readonly SlackBlock[]): SlackMessage[] {
  const messages: SlackMessage[] = [];
  for (let start = 0; start < blocks.length; start += LIMITS.blocksPerMessage) {
    const part = blocks.slice(start, start + LIMITS.blocksPerMessage);
    messages.push({ text: fallbackText(part), blocks: part });
  }
  return messages;
}

/** A reply document as Slack blocks (one message's worth or more). */
export function renderBlocks(reply: Reply): SlackBlock[] {
  const blocks = reply.blocks.flatMap(renderBlock);
  // An error is marked as one, so it is not mistaken for an answer.
  const first = blocks[0];
  if (reply.tone === 'error' && first?.type === 'section' && first.text) {
    const marked = `:warning: ${first.text.text}`;
    if (marked.length <= LIMITS.sectionText) blocks[0] = section(marked);
  }
  return blocks;
}

/** A reply document as one or more Slack messages. */
export function renderSlack(reply: Reply): SlackMessage[] {
  return toMessages(renderBlocks(reply));
}
