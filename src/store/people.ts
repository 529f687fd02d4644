import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { identities, people, teamRoles, teams } from '../db/schema/index.ts';
import { slugify } from '../domain/text.ts';

export interface PersonRow {
  id: number;
  handle: string;
  name: string;
  email: string | null;
  timeZone: string | null;
  isAdmin: boolean;
  awayUntil: Date | null;
}

export interface RoleRow {
  teamSlug: string;
  teamName: string;
  role: 'manager' | 'delegate';
}

const personColumns = {
  id: people.id,
  handle: people.handle,
  name: people.name,
  email: people.email,
  timeZone: people.timeZone,
  isAdmin: people.isAdmin,
  awayUntil: people.awayUntil,
};

export function createPeopleStore(db: Db) {
  return {
    async findByHandle(handle: string): Promise<PersonRow | undefined> {
      const [row] = await db
        .select(personColumns)
        .from(people)
        .where(eq(people.handle, slugify(handle)))
        .limit(1);
      return row;
    },

    async handles(): Promise<string[]> {
      const rows = await db
        .select({ handle: people.handle })
        .from(people)
        .orderBy(asc(people.handle));
      return rows.map((row) => row.handle);
    },

    async roles(personId: number): Promise<RoleRow[]> {
      return db
        .select({ teamSlug: teams.slug, teamName: teams.name, role: teamRoles.role })
        .from(teamRoles)
        .innerJoin(teams, eq(teams.id, teamRoles.teamId))
        .where(eq(teamRoles.personId, personId))
        .orderBy(asc(teams.name), asc(teamRoles.role));
    },

    async identities(
      personId: number,
    ): Promise<{ transport: string; workspace: string; externalId: string }[]> {
      return db
        .select({
          transport: identities.transport,
          workspace: identities.workspace,
          externalId: identities.externalId,
        })
        .from(identities)
        .where(eq(identities.personId, personId))
        .orderBy(asc(identities.transport));
    },

    /** The managers (or delegates) of some teams, by team id. */
    async members(
      teamIds: number[],
      role: 'manager' | 'delegate',
    ): Promise<Map<number, PersonRow[]>> {
      const members = new Map<number, PersonRow[]>();
      if (teamIds.length === 0) return members;
      const rows = await db
        .select({ teamId: teamRoles.teamId, ...personColumns })
        .from(teamRoles)
        .innerJoin(people, eq(people.id, teamRoles.personId))
        .where(and(inArray(teamRoles.teamId, teamIds), eq(teamRoles.role, role)))
        .orderBy(asc(people.name));
      for (const { teamId, ...person } of rows)
        members.set(teamId, [...(members.get(teamId) ?? []), person]);
      return members;
    },
  };
}

export type PeopleStore = ReturnType<typeof createPeopleStore>;
