import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/database.ts';
import { firstRow } from '../../db/rows.ts';
import {
  auditLog,
  goalDependencies,
  goals,
  people,
  reportNotes,
  statusEntries,
  statusReports,
  teamRoles,
  teams,
} from '../../db/schema/index.ts';
import type { Status } from '../../domain/status.ts';
import { slugify } from '../../domain/text.ts';
import type { GoalInput } from '../import/quarter-file.ts';
import type { PageEdit } from './page-edits.ts';

// People's edits of a quarter page recorded in okrbot, each as made by that wiki user at the
// time of their revision (source `wiki`): a status is a new status entry, a removed goal waits
// for an admin, a renamed team keeps its history (and its old name as an alias), reordering
// takes the page's order, managers are replaced. Lines of people's own need nothing here: the
// page okrbot writes keeps them.

export interface WikiAuthor {
  user: string;
  at: Date;
  revision: number;
}

export interface EditPlace {
  departmentId: number;
  cycleId: number;
}

/** The person a wiki user is: linked by `wiki_user`, else the person of that handle, else new. */
export async function wikiPerson(tx: Db, user: string): Promise<number> {
  const [linked] = await tx.select({ id: people.id }).from(people).where(eq(people.wikiUser, user));
  if (linked) return linked.id;
  const handle = slugify(user);
  const [named] = await tx
    .select({ id: people.id })
    .from(people)
    .where(and(eq(people.handle, handle), isNull(people.wikiUser)));
  if (named) {
    await tx.update(people).set({ wikiUser: user }).where(eq(people.id, named.id));
    return named.id;
  }
  return firstRow(
    await tx
      .insert(people)
      .values({ handle, name: user, wikiUser: user })
      .returning({ id: people.id }),
  ).id;
}

async function personByName(tx: Db, name: string): Promise<number> {
  const handle = slugify(name);
  const [row] = await tx.select({ id: people.id }).from(people).where(eq(people.handle, handle));
  if (row) return row.id;
  return firstRow(await tx.insert(people).values({ handle, name }).returning({ id: people.id })).id;
}

/** Records one edit; the place's teams are found by slug, goals by key. */
export async function applyPageEdit(
  tx: Db,
  place: EditPlace,
  edit: PageEdit,
  author: WikiAuthor,
): Promise<void> {
  if (edit.kind === 'line-added' || edit.kind === 'line-removed') return;
  const personId = await wikiPerson(tx, author.user);
  const change = { personId, at: author.at, source: 'wiki' as const };
  const teamId = async (slug: string) => {
    const [row] = await tx
      .select({ id: teams.id })
      .from(teams)
      .where(and(eq(teams.slug, slug), eq(teams.departmentId, place.departmentId)));
    if (!row) throw new Error(`no team "${slug}" in the department`);
    return row.id;
  };
  const goalId = async (team: string, key: string) => {
    const [row] = await tx
      .select({ id: goals.id })
      .from(goals)
      .where(
        and(
          eq(goals.teamId, await teamId(team)),
          eq(goals.cycleId, place.cycleId),
          eq(goals.key, key),
        ),
      );
    if (!row) throw new Error(`no goal "${key}" of team "${team}"`);
    return row.id;
  };
  const audit = (action: string) =>
    tx.insert(auditLog).values({
      personId,
      source: 'wiki',
      action: `wiki ${action}`,
      detail: { edit, revision: author.revision, user: author.user },
    });

  switch (edit.kind) {
    case 'status': {
      if (edit.to === null) break;
      await tx.insert(statusEntries).values({
        goalId: await goalId(edit.team, edit.key),
        status: edit.to,
        note: edit.note,
        ...change,
      });
      break;
    }
    case 'goal-edited': {
      const id = await goalId(edit.team, edit.key);
      const { note, depends_on: dependsOn, ...fields } = edit.fields;
      const set = {
        ...(fields.title !== undefined && { title: fields.title }),
        ...('tasks' in fields && { taskIds: fields.tasks ?? [] }),
        ...('stretch' in fields && { stretch: fields.stretch ?? false }),
        ...('group' in fields && { groupLabel: fields.group ?? null }),
      };
      if (Object.keys(set).length) await tx.update(goals).set(set).where(eq(goals.id, id));
      if ('depends_on' in edit.fields) await replaceDependencies(tx, id, dependsOn ?? []);
      if ('note' in edit.fields) {
        // A note edited on its own: the current status again, with the new note.
        const [current] = await tx
          .select({ status: statusEntries.status })
          .from(statusEntries)
          .where(eq(statusEntries.goalId, id))
          .orderBy(sql`${statusEntries.at} desc, ${statusEntries.id} desc`)
          .limit(1);
        if (current)
          await tx
            .insert(statusEntries)
            .values({ goalId: id, status: current.status, note: note ?? null, ...change });
      }
      break;
    }
    case 'goal-added':
      await addGoal(tx, place, await teamId(edit.team), edit.key, edit.parent, edit.goal, change);
      break;
    case 'goal-removed':
      await tx
        .update(goals)
        .set({ removalRequestedAt: author.at, removalRequestedBy: personId })
        .where(eq(goals.id, await goalId(edit.team, edit.key)));
      break;
    case 'goals-reordered': {
      const id = await teamId(edit.team);
      for (const [position, key] of edit.order.filter((k) => !k.includes('/')).entries())
        await tx
          .update(goals)
          .set({ position })
          .where(and(eq(goals.teamId, id), eq(goals.cycleId, place.cycleId), eq(goals.key, key)));
      break;
    }
    case 'team-renamed': {
      const id = await teamId(edit.team);
      const [row] = await tx.select({ aliases: teams.aliases }).from(teams).where(eq(teams.id, id));
      // Both names find it: the old one in what people wrote before, the new one from now on.
      const aliases = [
        ...new Set([...(row?.aliases ?? []), slugify(edit.from), slugify(edit.to)]),
      ].filter((alias) => alias !== edit.team);
      await tx.update(teams).set({ name: edit.to, aliases }).where(eq(teams.id, id));
      break;
    }
    case 'teams-reordered':
      for (const [position, slug] of edit.order.entries())
        await tx
          .update(teams)
          .set({ position })
          .where(and(eq(teams.slug, slug), eq(teams.departmentId, place.departmentId)));
      break;
    case 'managers': {
      const id = await teamId(edit.team);
      const wanted = await Promise.all(edit.to.map((name) => personByName(tx, name)));
      await tx
        .delete(teamRoles)
        .where(
          and(
            eq(teamRoles.teamId, id),
            eq(teamRoles.role, 'manager'),
            wanted.length
              ? sql`${teamRoles.personId} not in (${sql.join(wanted, sql`, `)})`
              : sql`true`,
          ),
        );
      if (wanted.length)
        await tx
          .insert(teamRoles)
          .values(wanted.map((personId) => ({ teamId: id, personId, role: 'manager' as const })))
          .onConflictDoNothing();
      break;
    }
    case 'report-added':
    case 'note-added': {
      const reportId = await report(tx, await teamId(edit.team), edit, personId);
      const notes =
        edit.kind === 'report-added' ? edit.notes : [{ text: edit.text, level: edit.level }];
      await addNotes(tx, reportId, notes, change);
      break;
    }
    case 'note-edited': {
      const reportId = await report(tx, await teamId(edit.team), edit, personId);
      await tx
        .update(reportNotes)
        .set({ text: edit.to })
        .where(and(eq(reportNotes.reportId, reportId), eq(reportNotes.text, edit.from)));
      break;
    }
  }
  await audit(edit.kind);
}

async function replaceDependencies(tx: Db, goalId: number, labels: readonly string[]) {
  await tx.delete(goalDependencies).where(eq(goalDependencies.goalId, goalId));
  if (labels.length === 0) return;
  const known = await tx
    .select({ id: teams.id, slug: teams.slug, aliases: teams.aliases })
    .from(teams);
  const teamOf = (label: string) =>
    known.find((t) => t.slug === slugify(label) || t.aliases.includes(slugify(label)))?.id ?? null;
  await tx
    .insert(goalDependencies)
    .values([...new Set(labels)].map((label) => ({ goalId, label, teamId: teamOf(label) })));
}

async function addGoal(
  tx: Db,
  place: EditPlace,
  teamId: number,
  key: string,
  parentKey: string | null,
  goal: GoalInput,
  change: { personId: number; at: Date; source: 'wiki' },
): Promise<void> {
  const parentId = parentKey
    ? ((
        await tx
          .select({ id: goals.id })
          .from(goals)
          .where(
            and(
              eq(goals.teamId, teamId),
              eq(goals.cycleId, place.cycleId),
              eq(goals.key, parentKey),
            ),
          )
      )[0]?.id ?? null)
    : null;
  const [last] = await tx
    .select({ position: sql<number>`coalesce(max(${goals.position}), -1)` })
    .from(goals)
    .where(and(eq(goals.teamId, teamId), eq(goals.cycleId, place.cycleId)));
  const { id } = firstRow(
    await tx
      .insert(goals)
      .values({
        teamId,
        cycleId: place.cycleId,
        parentId,
        key,
        title: goal.title,
        groupLabel: goal.group ?? null,
        taskIds: goal.tasks ?? [],
        stretch: goal.stretch ?? false,
        multiQuarter: goal.multi_quarter ?? false,
        position: Number(last?.position ?? -1) + 1,
      })
      .returning({ id: goals.id }),
  );
  if (goal.status)
    await tx
      .insert(statusEntries)
      .values({ goalId: id, status: goal.status, note: goal.note ?? null, ...change });
  if (goal.depends_on?.length) await replaceDependencies(tx, id, goal.depends_on);
  for (const item of goal.items ?? [])
    await addGoal(
      tx,
      place,
      teamId,
      `${key}/${item.key ?? item.tasks?.[0] ?? slugify(item.title).slice(0, 200)}`,
      key,
      item,
      change,
    );
}

/** The team's report of a month and day, made when it is new. */
async function report(
  tx: Db,
  teamId: number,
  edit: { month: string; on: string | null; status?: Status | null },
  personId: number,
): Promise<number> {
  await tx
    .insert(statusReports)
    .values({
      teamId,
      month: edit.month,
      reportedOn: edit.on,
      status: edit.status ?? null,
      personId,
    })
    .onConflictDoNothing();
  return firstRow(
    await tx
      .select({ id: statusReports.id })
      .from(statusReports)
      .where(
        and(
          eq(statusReports.teamId, teamId),
          eq(statusReports.month, edit.month),
          edit.on === null
            ? isNull(statusReports.reportedOn)
            : eq(statusReports.reportedOn, edit.on),
        ),
      ),
  ).id;
}

async function addNotes(
  tx: Db,
  reportId: number,
  notes: readonly { text: string; level: number }[],
  change: { personId: number; at: Date; source: 'wiki' },
): Promise<void> {
  if (notes.length === 0) return;
  const [last] = await tx
    .select({ position: sql<number>`coalesce(max(${reportNotes.position}), -1)` })
    .from(reportNotes)
    .where(and(eq(reportNotes.reportId, reportId), eq(reportNotes.source, 'wiki')));
  const start = Number(last?.position ?? -1) + 1;
  await tx.insert(reportNotes).values(
    notes.map((note, i) => ({
      reportId,
      position: start + i,
      text: note.text,
      level: note.level,
      ...change,
    })),
  );
}

/** Goals whose removal from the wiki page waits for an admin, and the admin's decision. */
export async function decideRemoval(
  tx: Db,
  goalIds: readonly number[],
  decision: 'confirm' | 'keep',
  personId: number | null,
): Promise<number> {
  if (goalIds.length === 0) return 0;
  const rows = await tx
    .select()
    .from(goals)
    .where(and(inArray(goals.id, [...goalIds]), sql`${goals.removalRequestedAt} is not null`));
  for (const row of rows) {
    const history = await tx.select().from(statusEntries).where(eq(statusEntries.goalId, row.id));
    if (decision === 'keep')
      await tx
        .update(goals)
        .set({ removalRequestedAt: null, removalRequestedBy: null })
        .where(eq(goals.id, row.id));
    // Confirmed: the goal goes with its history, which the audit log keeps.
    else await tx.delete(goals).where(eq(goals.id, row.id));
    await tx.insert(auditLog).values({
      personId,
      source: 'system',
      action: decision === 'keep' ? 'wiki removal refused' : 'wiki removal confirmed',
      detail: { goal: row, history },
    });
  }
  return rows.length;
}
