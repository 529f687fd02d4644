import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/database.ts';
import { firstRow } from '../../db/rows.ts';
import { departments, people, teamRoles, teams } from '../../db/schema/index.ts';
import { slugify } from '../../domain/text.ts';
import type { ImportSummary } from './import-summary.ts';
import type { QuarterFile } from './quarter-file.ts';

/** The department row, created or brought in line with the file. */
export async function importDepartment(
  tx: Db,
  file: QuarterFile,
  summary: ImportSummary,
  defaultTimeZone: string,
): Promise<Pick<typeof departments.$inferSelect, 'id' | 'timeZone'>> {
  const slug = slugify(file.department_slug ?? file.department);
  const [existing] = await tx.select().from(departments).where(eq(departments.slug, slug));
  if (!existing) {
    const timeZone = file.timezone ?? defaultTimeZone;
    const created = firstRow(
      await tx
        .insert(departments)
        .values({ slug, name: file.department, timeZone })
        .returning({ id: departments.id }),
    );
    summary.add('departments', 'created');
    return { id: created.id, timeZone };
  }
  const timeZone = file.timezone ?? existing.timeZone;
  if (existing.name !== file.department || existing.timeZone !== timeZone) {
    await tx
      .update(departments)
      .set({ name: file.department, timeZone })
      .where(eq(departments.id, existing.id));
    summary.add('departments', 'updated');
  } else {
    summary.add('departments', 'unchanged');
  }
  return { id: existing.id, timeZone };
}

/** Every person the file names, by the name it uses; created when new. */
export async function importPeople(
  tx: Db,
  file: QuarterFile,
  summary: ImportSummary,
): Promise<Map<string, number>> {
  const declared = new Map((file.people ?? []).map((p) => [p.name, p]));
  const names = new Set<string>(declared.keys());
  for (const team of file.teams ?? [])
    for (const n of [...(team.managers ?? []), ...(team.delegates ?? [])]) names.add(n);
  for (const objective of file.objectives ?? []) {
    if (objective.manager) names.add(objective.manager);
    for (const kr of objective.key_results) if (kr.manager) names.add(kr.manager);
  }
  const handleOf = (name: string) => slugify(declared.get(name)?.handle ?? name);
  const handles = [...new Set([...names].map(handleOf))];
  const ids = new Map<string, number>();
  if (handles.length === 0) return ids;

  const existing = new Map(
    (await tx.select().from(people).where(inArray(people.handle, handles))).map((row) => [
      row.handle,
      row,
    ]),
  );
  const byHandle = new Map<string, number>();
  for (const name of names) {
    const handle = handleOf(name);
    if (byHandle.has(handle)) continue;
    const row = existing.get(handle);
    const details = declared.get(name);
    if (!row) {
      const created = firstRow(
        await tx
          .insert(people)
          .values({
            handle,
            name,
            email: details?.email ?? null,
            timeZone: details?.timezone ?? null,
            wikiUser: details?.wiki_user ?? null,
          })
          .returning({ id: people.id }),
      );
      byHandle.set(handle, created.id);
      summary.add('people', 'created');
      continue;
    }
    byHandle.set(handle, row.id);
    // Only a `people` entry may change a person; a bare name is a reference.
    const changes = details
      ? {
          ...(row.name !== name && { name }),
          ...(details.email !== undefined &&
            details.email !== row.email && { email: details.email }),
          ...(details.timezone !== undefined &&
            details.timezone !== row.timeZone && { timeZone: details.timezone }),
          ...(details.wiki_user !== undefined &&
            details.wiki_user !== row.wikiUser && { wikiUser: details.wiki_user }),
        }
      : {};
    if (Object.keys(changes).length > 0) {
      await tx.update(people).set(changes).where(eq(people.id, row.id));
      summary.add('people', 'updated');
    } else {
      summary.add('people', 'unchanged');
    }
  }
  for (const name of names) ids.set(name, byHandle.get(handleOf(name)) as number);
  return ids;
}

/** Lookup keys of a team: its name made into a slug, and its aliases. */
function teamKeys(name: string, aliases: readonly string[] | undefined, slug: string): string[] {
  return [...new Set([slugify(name), ...(aliases ?? []).map(slugify)])].filter(
    (key) => key && key !== slug,
  );
}

/**
 * Teams of the file, then their parents and roles. Returns every team's id by slug and by
 * alias key, across all departments, so dependencies can name teams of other files.
 */
export async function importTeams(
  tx: Db,
  file: QuarterFile,
  departmentId: number,
  personIds: ReadonlyMap<string, number>,
  summary: ImportSummary,
  problems: string[],
): Promise<Map<string, number>> {
  const inputs = (file.teams ?? []).map((team) => {
    const slug = slugify(team.slug ?? team.name);
    return { team, slug, aliases: teamKeys(team.name, team.aliases, slug) };
  });
  const slugs = inputs.map((i) => i.slug);
  const existing = new Map(
    slugs.length
      ? (await tx.select().from(teams).where(inArray(teams.slug, slugs))).map((row) => [
          row.slug,
          row,
        ])
      : [],
  );
  const seen = new Map<string, number>();
  for (const [index, { slug }] of inputs.entries()) {
    const first = seen.get(slug);
    if (first !== undefined)
      problems.push(
        `teams[${index}]: its slug "${slug}" is also the slug of teams[${first}]; give one of them a distinct "slug"`,
      );
    else seen.set(slug, index);
    const row = existing.get(slug);
    // Slugs are unique across departments: a file must not quietly move another department's team.
    if (row && row.departmentId !== departmentId) {
      problems.push(
        `teams[${index}]: the slug "${slug}" belongs to a team of another department; give this team a distinct "slug"`,
      );
    }
  }
  if (problems.length > 0) return new Map();
  // The file's order is the page's order of its teams.
  for (const [position, { team, slug, aliases }] of inputs.entries()) {
    const row = existing.get(slug);
    if (!row) {
      await tx.insert(teams).values({ departmentId, slug, name: team.name, aliases, position });
      summary.add('teams', 'created');
    } else if (
      row.name !== team.name ||
      row.departmentId !== departmentId ||
      row.aliases.join() !== aliases.join() ||
      row.position !== position
    ) {
      await tx
        .update(teams)
        .set({ name: team.name, departmentId, aliases, position })
        .where(eq(teams.id, row.id));
      summary.add('teams', 'updated');
    } else {
      summary.add('teams', 'unchanged');
    }
  }

  const all = await tx
    .select({ id: teams.id, slug: teams.slug, aliases: teams.aliases, parentId: teams.parentId })
    .from(teams);
  const ids = new Map<string, number>();
  for (const row of all)
    for (const alias of row.aliases) if (!ids.has(alias)) ids.set(alias, row.id);
  for (const row of all) ids.set(row.slug, row.id);

  for (const [index, { team, slug }] of inputs.entries()) {
    const id = ids.get(slug) as number;
    const current = all.find((row) => row.id === id);
    let parentId: number | null = null;
    if (team.parent) {
      parentId = ids.get(slugify(team.parent)) ?? null;
      if (parentId === null) problems.push(`teams[${index}].parent: no team "${team.parent}"`);
      else if (parentId === id)
        problems.push(`teams[${index}].parent: a team cannot be its own parent`);
    }
    // A team whose file names no parent keeps the one it has (an admin may have set it).
    if (team.parent !== undefined && current?.parentId !== parentId) {
      await tx.update(teams).set({ parentId }).where(eq(teams.id, id));
      if (existing.has(slug)) summary.add('teams', 'updated');
    }
    await importRoles(tx, id, team.managers ?? [], 'manager', personIds, summary);
    await importRoles(tx, id, team.delegates ?? [], 'delegate', personIds, summary);
  }
  return ids;
}

async function importRoles(
  tx: Db,
  teamId: number,
  names: readonly string[],
  role: (typeof teamRoles.$inferSelect)['role'],
  personIds: ReadonlyMap<string, number>,
  summary: ImportSummary,
): Promise<void> {
  if (names.length === 0) return;
  const wanted = [...new Set(names.map((name) => personIds.get(name) as number))];
  const present = new Set(
    (
      await tx
        .select({ personId: teamRoles.personId })
        .from(teamRoles)
        .where(and(eq(teamRoles.teamId, teamId), eq(teamRoles.role, role)))
    ).map((row) => row.personId),
  );
  // Roles are only added: people given a role in chat keep it when the file is imported again.
  const missing = wanted.filter((personId) => !present.has(personId));
  summary.add('team roles', 'unchanged', wanted.length - missing.length);
  if (missing.length === 0) return;
  await tx.insert(teamRoles).values(missing.map((personId) => ({ teamId, personId, role })));
  summary.add('team roles', 'created', missing.length);
}
