import { and, asc, eq, type InferModelFromColumns, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { channels, departments, teams } from '../db/schema/index.ts';
import { slugify } from '../domain/text.ts';
import type { ChatTransport } from '../domain/transports.ts';

const teamColumns = {
  id: teams.id,
  slug: teams.slug,
  name: teams.name,
  parentId: teams.parentId,
  departmentId: teams.departmentId,
  departmentSlug: departments.slug,
  departmentName: departments.name,
  timeZone: departments.timeZone,
};

export type TeamRow = InferModelFromColumns<typeof teamColumns>;

const departmentColumns = {
  id: departments.id,
  slug: departments.slug,
  name: departments.name,
  timeZone: departments.timeZone,
};

export type DepartmentRow = InferModelFromColumns<typeof departmentColumns>;

/** What lists of teams and "did you mean" show. */
const teamNameColumns = { slug: teams.slug, name: teams.name };

type TeamName = InferModelFromColumns<typeof teamNameColumns>;

export function createTeamStore(db: Db) {
  return {
    /** A team by slug, name or alias, however it is capitalised or spaced. */
    async find(name: string): Promise<TeamRow | undefined> {
      const key = slugify(name);
      if (!key) return undefined;
      const [row] = await db
        .select(teamColumns)
        .from(teams)
        .innerJoin(departments, eq(departments.id, teams.departmentId))
        .where(
          and(
            isNull(teams.archivedAt),
            or(eq(teams.slug, key), sql`${key} = any(${teams.aliases})`),
          ),
        )
        .limit(1);
      return row;
    },

    async byId(id: number): Promise<TeamRow | undefined> {
      const [row] = await db
        .select(teamColumns)
        .from(teams)
        .innerJoin(departments, eq(departments.id, teams.departmentId))
        .where(eq(teams.id, id));
      return row;
    },

    /** Every team's slug and name, for lists and "did you mean". */
    async list(): Promise<TeamName[]> {
      return db
        .select(teamNameColumns)
        .from(teams)
        .where(isNull(teams.archivedAt))
        .orderBy(asc(teams.slug));
    },

    /** A department by slug or name. */
    async findDepartment(name: string): Promise<DepartmentRow | undefined> {
      const key = slugify(name);
      const [row] = await db
        .select(departmentColumns)
        .from(departments)
        .where(
          or(eq(departments.slug, key), sql`lower(${departments.name}) = lower(${name.trim()})`),
        )
        .limit(1);
      return row;
    },

    async departments(): Promise<DepartmentRow[]> {
      return db.select(departmentColumns).from(departments).orderBy(asc(departments.name));
    },

    /** A team's own chat channels on a transport (as the transport table describes them). */
    async channels(teamId: number, transport: ChatTransport): Promise<string[]> {
      const rows = await db
        .select({ externalId: channels.externalId })
        .from(channels)
        .where(
          and(
            eq(channels.teamId, teamId),
            eq(channels.transport, transport),
            eq(channels.purpose, 'team'),
          ),
        )
        .orderBy(asc(channels.id));
      return rows.map((row) => row.externalId);
    },

    async subTeams(teamId: number): Promise<TeamName[]> {
      return db
        .select(teamNameColumns)
        .from(teams)
        .where(and(eq(teams.parentId, teamId), isNull(teams.archivedAt)))
        .orderBy(asc(teams.name));
    },
  };
}

export type TeamStore = ReturnType<typeof createTeamStore>;
