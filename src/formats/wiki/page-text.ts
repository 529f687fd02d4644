import type { ExportOptions } from '../export/export-options.ts';
import { renderWikitext } from '../export/wikitext.ts';
import { QuarterFileError, validateQuarterFile } from '../import/quarter-file.ts';
import { type ExtraLine, readWikitextQuarter } from '../import/wikitext-quarter.ts';
import type { GoalSnapshot, QuarterSnapshot } from '../quarter/quarter-document.ts';
import type { PageState } from './page-edits.ts';

// A quarter page's text and what it says, both ways: read (the quarter and people's own lines)
// and written (okrbot's rendering with people's lines back where they were).

/** Reads a page's text; every problem with its line, as `okrbot import` reports them. */
export function readPage(text: string, name: string): PageState {
  const page = readWikitextQuarter(text);
  if (page.problems.length) throw new QuarterFileError(name, page.problems.slice(0, 50));
  return { file: validateQuarterFile(page.file, name), extras: page.extras };
}

/** The goal fields the wiki's version shows while a conflict is open. */
export interface GoalOverride {
  team: string;
  key: string;
  title: string;
  status: GoalSnapshot['status'];
  note: string | null;
}

/**
 * The page okrbot writes for a quarter: goals waiting for their removal to be confirmed left
 * off, goals in conflict shown as the wiki has them, and people's own lines put back after the
 * item they followed (or after the nearest one that is still there).
 */
export function writePage(
  snapshot: QuarterSnapshot,
  options: ExportOptions,
  extras: readonly ExtraLine[],
  overrides: readonly GoalOverride[] = [],
): string {
  const keep = (goals: GoalSnapshot[], team: string): GoalSnapshot[] =>
    goals
      .filter((goal) => goal.removal === null)
      .map((goal) => {
        const override = overrides.find((o) => o.team === team && o.key === goal.key);
        const shown = override
          ? { ...goal, title: override.title, status: override.status, note: override.note }
          : goal;
        return { ...shown, items: keep(goal.items, team) };
      });
  const shown: QuarterSnapshot = {
    ...snapshot,
    teams: snapshot.teams.map((team) => ({ ...team, goals: keep(team.goals, team.slug) })),
  };
  return mergeExtras(renderWikitext(shown, options), extras);
}

/**
 * Whether two page texts say the same, whatever instant each was written as of: a page whose
 * data did not change is not written again just to move its date.
 */
export function samePage(a: string, b: string): boolean {
  const undated = (text: string) =>
    text
      .replace(/"as_of":"[^"]*"/, '')
      .replace(/^(.* goals and status for .*), as of [A-Z][a-z]+ \d{1,2}, \d{4}\.$/m, '$1.')
      // The wiki drops the page's last line break when it saves it.
      .trimEnd();
  return undated(a) === undated(b);
}

function mergeExtras(text: string, extras: readonly ExtraLine[]): string {
  if (extras.length === 0) return text;
  const lines = text.replace(/\n$/, '').split('\n');
  const { anchors } = readWikitextQuarter(text);
  const lastLine = new Map<string, number>();
  // An item's last line, skipping the blank line after it.
  for (const [index, anchor] of anchors.entries())
    if ((lines[index] ?? '').trim() !== '') lastLine.set(anchor, index);
  const after = new Map<number, string[]>();
  for (const extra of extras) {
    let anchor = extra.anchor;
    let at = lastLine.get(anchor);
    // An item that is gone: the nearest enclosing one (its team), else the top of the page.
    while (at === undefined && anchor.includes('/')) {
      anchor = anchor.slice(0, anchor.lastIndexOf('/'));
      at = lastLine.get(anchor);
    }
    const index = extra.anchor === 'top' ? -1 : (at ?? -1);
    after.set(index, [...(after.get(index) ?? []), extra.text]);
  }
  const out = [...(after.get(-1) ?? [])];
  for (const [index, line] of lines.entries()) out.push(line, ...(after.get(index) ?? []));
  return `${out.join('\n')}\n`;
}
