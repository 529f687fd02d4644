import type { Db } from '../db/database.ts';
import type { FiscalSettings } from '../domain/fiscal-calendar.ts';
import { formatStatus, type Status } from '../domain/status.ts';
import {
  loadQuarter,
  type QuarterDepartment,
  type QuarterDeps,
} from '../formats/quarter/load-quarter.ts';
import { applyPageEdit, type WikiAuthor } from '../formats/wiki/apply-page-edits.ts';
import {
  describeEdit,
  diffPages,
  editSubject,
  flattenGoals,
  type PageEdit,
  type PageState,
  teamSlug,
} from '../formats/wiki/page-edits.ts';
import { type GoalOverride, readPage, samePage, writePage } from '../formats/wiki/page-text.ts';
import type { WikiConflict, WikiPageStore } from '../store/wiki-pages.ts';
import type { MediaWikiClient, Revision } from './mediawiki-client.ts';

// One department's quarter page, reconciled: the edits people made on the wiki since okrbot's
// last revision are read revision by revision and recorded as theirs; goals changed both in chat
// and on the wiki are conflicts, reported and shown as the wiki has them until someone decides;
// then the page is written from okrbot's data with people's own lines kept. The edit names its
// base revision: when someone saved in between, the wiki reports a conflict (or merges their
// edit into ours), and okrbot reads again and retries. It never writes over an edit it has not read.

export interface WikiDeps {
  db: Db;
  quarter: QuarterDeps;
  pages: WikiPageStore;
  client: MediaWikiClient;
  /** The wiki account okrbot's bot password belongs to: its revisions are not people's edits. */
  botAccount: string;
  fiscal: FiscalSettings;
  taskUrl: string;
  clock: () => Date;
}

export interface PageTarget {
  department: QuarterDepartment;
  cycle: { id: number; label: string; fiscalYear: number; startsOn: string; endsBefore: string };
  title: string;
}

export interface AuthoredEdit {
  edit: PageEdit;
  by: WikiAuthor;
}

export interface PageReport {
  title: string;
  /** People's edits recorded in okrbot (or that would be, in a dry run). */
  fromWiki: AuthoredEdit[];
  /** Goals changed both in chat and on the wiki: not recorded, shown as on the wiki. */
  conflicts: (AuthoredEdit & { chat: PageEdit })[];
  /** What okrbot changes on the page. */
  toWiki: PageEdit[];
  outcome: 'created' | 'updated' | 'unchanged' | 'dry run';
  revision: number | null;
  /** How many times someone saved the page between okrbot's read and its write. */
  retries: number;
}

/** A page okrbot must not write: it did not create it, or people left it unreadable. */
export class WikiPageError extends Error {}

const MAX_TRIES = 5;

export async function reconcilePage(
  deps: WikiDeps,
  target: PageTarget,
  options: { dryRun: boolean },
): Promise<PageReport> {
  const name = target.title;
  for (let attempt = 0; ; attempt++) {
    if (attempt >= MAX_TRIES)
      throw new WikiPageError(
        `${name}: someone saved the page each of the ${MAX_TRIES} times okrbot read it; try again later`,
      );
    const record = await deps.pages.find(target.department.id, target.cycle.id);
    const latest = await deps.client.latest(name);
    if (latest && !record)
      throw new WikiPageError(
        `${name} already exists on the wiki and okrbot did not write it: choose another title (WIKI_PAGE_TITLE, WIKI_PAGE_TITLES), or load it with \`okrbot import\` and move it away`,
      );
    const base = record
      ? read(record.text, `${name} (okrbot's revision ${record.revisionId})`)
      : undefined;

    // People's edits, revision by revision, each theirs.
    const fromWiki: AuthoredEdit[] = [];
    let theirs = base;
    if (record && latest && latest.id !== record.revisionId) {
      for (const revision of await deps.client.after(name, record.revisionId)) {
        const page = read(revision.text, `${name} (revision ${revision.id} by ${revision.user})`);
        if (revision.user !== deps.botAccount && theirs)
          for (const edit of diffPages(theirs, page)) fromWiki.push({ edit, by: author(revision) });
        theirs = page;
      }
    }

    // What changed in okrbot since its last revision, to tell conflicts.
    const ours = read(
      writePage(await snapshot(deps, target), exportOptions(deps), []),
      `${name} (okrbot's data)`,
    );
    const chat = base ? diffPages({ ...base, extras: [] }, ours) : [];
    const chatBySubject = new Map(
      chat.flatMap((edit) => {
        const subject = editSubject(edit);
        return subject ? [[subject, edit] as const] : [];
      }),
    );
    const conflicts: PageReport['conflicts'] = [];
    const toApply: AuthoredEdit[] = [];
    for (const authored of fromWiki) {
      const subject = editSubject(authored.edit);
      const mine = subject ? chatBySubject.get(subject) : undefined;
      if (!mine) toApply.push(authored);
      else if (!sameGoal(theirs as PageState, ours, subject as string))
        conflicts.push({ ...authored, chat: mine });
    }
    const open = openConflicts(
      record?.conflicts as WikiConflict[] | undefined,
      conflicts,
      theirs,
      ours,
    );
    const toWiki = chat.filter((edit) => {
      const subject = editSubject(edit);
      return !subject || !open.some((c) => `${c.team}/${c.key}` === subject);
    });
    if (options.dryRun)
      return {
        title: name,
        fromWiki: toApply,
        conflicts,
        toWiki,
        outcome: 'dry run',
        revision: latest?.id ?? null,
        retries: attempt,
      };

    const place = { departmentId: target.department.id, cycleId: target.cycle.id };
    await deps.db.transaction(async (tx) => {
      for (const { edit, by } of toApply) await applyPageEdit(tx, place, edit, by);
      // What was read is recorded with the edits, so a retry reads only what came after it.
      if (record && latest) await save(deps, tx, target, latest, latest.text, open);
    });

    const text = writePage(
      await snapshot(deps, target),
      exportOptions(deps),
      theirs?.extras ?? [],
      overrides(open),
    );
    if (latest && samePage(text, latest.text))
      return {
        title: name,
        fromWiki: toApply,
        conflicts,
        toWiki,
        outcome: 'unchanged',
        revision: latest.id,
        retries: attempt,
      };
    const written = read(text, `${name} (okrbot's new revision)`);
    const summary = editSummary(theirs ? diffPages(theirs, written) : [], toApply, target, written);
    const outcome = await deps.client.edit({
      title: name,
      text,
      summary,
      ...(latest && { base: { revision: latest.id, timestamp: latest.timestamp } }),
    });
    if (outcome.kind === 'conflict') continue;
    if (outcome.kind === 'unchanged') {
      if (latest) await save(deps, deps.db, target, latest, latest.text, open);
      return {
        title: name,
        fromWiki: toApply,
        conflicts,
        toWiki,
        outcome: 'unchanged',
        revision: latest?.id ?? null,
        retries: attempt,
      };
    }
    // The wiki merged an edit saved after our read into ours: read that edit too.
    if (latest && outcome.previous !== latest.id) continue;
    await save(
      deps,
      deps.db,
      target,
      { id: outcome.revision, timestamp: outcome.timestamp },
      text,
      open,
    );
    return {
      title: name,
      fromWiki: toApply,
      conflicts,
      toWiki,
      outcome: latest ? 'updated' : 'created',
      revision: outcome.revision,
      retries: attempt,
    };
  }
}

function read(text: string, name: string): PageState {
  try {
    return readPage(text, name);
  } catch (error) {
    throw new WikiPageError(
      `${(error as Error).message}\nokrbot writes nothing over a page it cannot read: correct these lines on the wiki.`,
    );
  }
}

function author(revision: Revision): WikiAuthor {
  return { user: revision.user, at: new Date(revision.timestamp), revision: revision.id };
}

const exportOptions = (deps: WikiDeps) => ({ taskUrl: deps.taskUrl, fiscal: deps.fiscal });

function snapshot(deps: WikiDeps, target: PageTarget) {
  return loadQuarter(deps.quarter, {
    department: target.department,
    cycle: target.cycle,
    asOf: deps.clock(),
    fiscal: deps.fiscal,
  });
}

async function save(
  deps: WikiDeps,
  tx: Db,
  target: PageTarget,
  revision: { id: number; timestamp: string },
  text: string,
  conflicts: WikiConflict[],
): Promise<void> {
  await deps.pages.save(tx, {
    departmentId: target.department.id,
    cycleId: target.cycle.id,
    title: target.title,
    revisionId: revision.id,
    revisionAt: new Date(revision.timestamp),
    text,
    conflicts,
    syncedAt: deps.clock(),
  });
}

type GoalView = { title: string; status: Status | null; note: string | null };

function goalIn(page: PageState | undefined, subject: string): GoalView | undefined {
  const at = subject.indexOf('/');
  const team = (page?.file.teams ?? []).find((t) => teamSlug(t) === subject.slice(0, at));
  const goal = team ? flattenGoals(team).get(subject.slice(at + 1))?.goal : undefined;
  return goal && { title: goal.title, status: goal.status ?? null, note: goal.note ?? null };
}

function sameGoal(a: PageState, b: PageState, subject: string): boolean {
  return JSON.stringify(goalIn(a, subject)) === JSON.stringify(goalIn(b, subject));
}

/** New conflicts, and earlier ones nobody has decided yet (okrbot and the wiki still differ). */
function openConflicts(
  earlier: readonly WikiConflict[] | undefined,
  found: PageReport['conflicts'],
  theirs: PageState | undefined,
  ours: PageState,
): WikiConflict[] {
  const open: WikiConflict[] = found.flatMap(({ edit, by }) => {
    const subject = editSubject(edit) as string;
    const wiki = goalIn(theirs, subject);
    if (!wiki) return [];
    const [team, ...key] = subject.split('/');
    return [
      { team: team as string, key: key.join('/'), wiki, user: by.user, at: by.at.toISOString() },
    ];
  });
  for (const conflict of earlier ?? []) {
    const subject = `${conflict.team}/${conflict.key}`;
    if (open.some((c) => `${c.team}/${c.key}` === subject)) continue;
    if (JSON.stringify(goalIn(ours, subject)) !== JSON.stringify(conflict.wiki))
      open.push(conflict);
  }
  return open;
}

function overrides(conflicts: readonly WikiConflict[]): GoalOverride[] {
  return conflicts.map((c) => ({
    team: c.team,
    key: c.key,
    title: c.wiki.title,
    status: c.wiki.status as Status | null,
    note: c.wiki.note,
  }));
}

/** `okrbot: 3 statuses, 1 goal added; kept 7 edits by Alice Editor`, within the wiki's 500. */
function editSummary(
  changes: readonly PageEdit[],
  read: readonly AuthoredEdit[],
  target: PageTarget,
  written: PageState,
): string {
  const count = new Map<string, number>();
  for (const edit of changes) count.set(edit.kind, (count.get(edit.kind) ?? 0) + 1);
  const labels: Record<string, string> = {
    status: 'status',
    'goal-edited': 'goal edited',
    'goal-added': 'goal added',
    'goal-removed': 'goal removed',
    'goals-reordered': 'goals reordered',
    'team-renamed': 'team renamed',
    'teams-reordered': 'teams reordered',
    managers: 'managers changed',
    'report-added': 'dated note',
    'note-added': 'note added',
    'note-edited': 'note edited',
  };
  const parts = [...count]
    .filter(([kind]) => labels[kind])
    .map(([kind, n]) => `${n} ${labels[kind]}${n > 1 && kind === 'status' ? 'es' : ''}`);
  const statuses = changes
    .filter((e): e is Extract<PageEdit, { kind: 'status' }> => e.kind === 'status' && e.to !== null)
    .slice(0, 5)
    .map((e) => `${e.key} ${formatStatus(e.to as Status)}`);
  const users = [...new Set(read.map((r) => r.by.user))];
  const teams = written.file.teams?.length ?? 0;
  const head = changes.length
    ? `okrbot: ${target.cycle.label}: ${parts.join(', ') || 'layout'}${statuses.length ? ` (${statuses.join(', ')})` : ''}`
    : `okrbot: ${target.department.name} goals for ${target.cycle.label} (${teams} teams)`;
  const kept = users.length
    ? `; kept ${read.length} edit${read.length > 1 ? 's' : ''} by ${users.join(', ')}`
    : '';
  const summary = `${head}${kept}`;
  return summary.length > 500 ? `${summary.slice(0, 499)}…` : summary;
}

/** A report's lines for people: what came from the wiki, what conflicts, what okrbot changes. */
export function describeReport(report: PageReport, teamName: (slug: string) => string): string[] {
  const names = { team: teamName };
  const lines = [
    `${report.title}: ${report.outcome}${report.revision ? ` (revision ${report.revision})` : ''}${report.retries ? `, after ${report.retries} edit${report.retries > 1 ? 's' : ''} made meanwhile` : ''}`,
  ];
  lines.push(
    `  From the wiki into okrbot (${report.fromWiki.length}):`,
    ...report.fromWiki.map(
      ({ edit, by }) => `    - ${describeEdit(edit, names)} — ${by.user}, ${by.at.toISOString()}`,
    ),
  );
  if (report.conflicts.length)
    lines.push(
      `  Conflicts: changed in chat and on the wiki (${report.conflicts.length}); the page keeps the wiki's version until one side is changed to match the other:`,
      ...report.conflicts.map(
        ({ edit, by, chat }) =>
          `    - wiki (${by.user}): ${describeEdit(edit, names)}; chat: ${describeEdit(chat, names)}`,
      ),
    );
  lines.push(
    `  From okrbot onto the wiki (${report.toWiki.length}):`,
    ...report.toWiki.map((edit) => `    - ${describeEdit(edit, names)}`),
  );
  return lines;
}
