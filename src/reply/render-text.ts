import { formatStatus } from '../domain/status.ts';
import type { Block, Inline, Line, ListItem, Reply } from './document.ts';
import { formatDay } from './format.ts';

/** Plain text for the terminal and logs: no colour, no markup, aligned tables. */
export function renderText(reply: Reply): string {
  return reply.blocks.map(renderBlock).join('\n\n');
}

/** One inline as plain text (other renderers reuse it for what they do not style). */
export function renderInline(inline: Inline): string {
  if (typeof inline === 'string') return inline;
  switch (inline.kind) {
    case 'strong':
    case 'code':
      return inline.text;
    case 'status':
      return `[${inline.status ? formatStatus(inline.status) : 'No status'}]`;
    case 'link':
      return inline.text === inline.url ? inline.url : `${inline.text} <${inline.url}>`;
    case 'mention':
      return `@${inline.handle}`;
    case 'date':
      return formatDay(inline.at, inline.zone);
  }
}

export function renderLine(line: Line): string {
  return line.map(renderInline).join('');
}

function renderItems(items: ListItem[], depth: number): string[] {
  return items.flatMap((item) => [
    `${'  '.repeat(depth)}- ${renderLine(item.content)}`,
    ...renderItems(item.children ?? [], depth + 1),
  ]);
}

function renderBlock(block: Block): string {
  switch (block.kind) {
    case 'heading': {
      const text = renderLine(block.content);
      return `${text}\n${'='.repeat(Math.min([...text].length, 72))}`;
    }
    case 'paragraph':
      return renderLine(block.content);
    case 'context':
      return `(${renderLine(block.content)})`;
    case 'list':
      return renderItems(block.items, 0).join('\n');
    case 'divider':
      return '-'.repeat(40);
    case 'table': {
      const cells = [block.columns, ...block.rows.map((row) => row.map(renderInline))];
      const widths = block.columns.map((_, i) =>
        Math.max(...cells.map((row) => [...(row[i] ?? '')].length)),
      );
      const format = (row: string[]) =>
        row
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd();
      return [
        format(cells[0] as string[]),
        widths.map((w) => '-'.repeat(w)).join('  '),
        ...cells.slice(1).map(format),
      ].join('\n');
    }
  }
}
