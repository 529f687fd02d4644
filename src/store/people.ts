import { and, asc, eq, type InferModelFromColumns, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { queryRows } from '../db/rows.ts';
import { identities, type keyResults, people, teamRoles, teams } from '../db/schema/index.ts';
import type { Authority } from '../domain/permissions.ts';
import { slugify } from '../domain/text.ts';
import type { ChatTransport } from '../domain/transports.ts';

const personColumns = {
  id: people.id,
  handle: people.handle,
  name: people.name,
  email: people.email,
  timeZone: people.timeZone,
  isAdmin: people.isAdmin,
  awayUntil: people.awayUntil,
  deactivatedAt: people.deactivatedAt,
};

export type PersonRow = InferModelFromColumns<typeof personColumns>;

const roleColumns = { teamSlug: teams.slug, teamName: teams.name, role: teamRoles.role };

export type RoleRow = InferModelFromColumns<typeof roleColumns>;

const identityColumns = {
  transport: identities.transport,
  workspace: identities.workspace,
  externalId: identities.externalId,
};

export type IdentityRow = InferModelFromColumns<typeof identityColumns>;

type Person = typeof people.$inferSelect;
type KeyResult = typeof keyResults.$inferSelect;

/** A person whose email address is known, to link an account by. */
type PersonWithEmail = Pick<Person, 'id' | 'handle'> & { email: NonNullable<Person['email']> };

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

    async byId(id: number): Promise<PersonRow | undefined> {
      const [row] = await db.select(personColumns).from(people).where(eq(people.id, id));
      return row;
    },

    /** The person a verified chat account is linked to (a user id, a services account). */
    async findByIdentity(
      transport: ChatTransport,
      externalId: string,
    ): Promise<PersonRow | undefined> {
      const [row] = await db
        .select(personColumns)
        .from(identities)
        .innerJoin(people, eq(people.id, identities.personId))
        .where(
          and(
            eq(identities.transport, transport),
            eq(identities.workspace, ''),
            eq(identities.externalId, externalId),
          ),
        )
        .limit(1);
      return row;
    },

    /**
     * The person an account is linked to on a transport whose servers compare names by their
     * own case mapping (`Nuria` and `nuria` may be one account), so candidates are
     * found ignoring case and `fold`, that mapping, decides; an exact match wins.
     */
    async findByFoldedAccount(
      transport: ChatTransport,
      account: string,
      fold: (name: string) => string,
    ): Promise<PersonRow | undefined> {
      // rfc1459 also makes `[]\~` the upper case of `{}|^`.
      const [upper, lower] = ['[]\\~', '{}|^'];
      const rows = await db
        .select({ ...personColumns, externalId: identities.externalId })
        .from(identities)
        .innerJoin(people, eq(people.id, identities.personId))
        .where(
          and(
            eq(identities.transport, transport),
            eq(identities.workspace, ''),
            sql`translate(lower(${identities.externalId}), ${upper}, ${lower}) = translate(lower(${account}), ${upper}, ${lower})`,
          ),
        )
        .orderBy(asc(identities.id));
      const match =
        rows.find((row) => row.externalId === account) ??
        rows.find((row) => fold(row.externalId) === fold(account));
      if (!match) return undefined;
      const { externalId: _, ...person } = match;
      return person;
    },

    /** The account a person has on a transport, to write to them directly. */
    async accountOn(personId: number, transport: ChatTransport): Promise<string | undefined> {
      const [row] = await db
        .select({ externalId: identities.externalId })
        .from(identities)
        .where(and(eq(identities.personId, personId), eq(identities.transport, transport)))
        .orderBy(asc(identities.id))
        .limit(1);
      return row?.externalId;
    },

    /** The person with this email address, compared without case. */
    async findByEmail(email: string): Promise<PersonRow | undefined> {
      const [row] = await db
        .select(personColumns)
        .from(people)
        .where(sql`lower(${people.email}) = lower(${email.trim()})`)
        .limit(1);
      return row;
    },

    /** People with an email address and no account on the transport yet (for linking by email). */
    async unlinkedWithEmail(transport: ChatTransport): Promise<PersonWithEmail[]> {
      const rows = await queryRows<PersonWithEmail>(
        db,
        sql`select p.id, p.handle, p.email from people p
            where p.email is not null and p.email <> ''
              and not exists (select 1 from identities i where i.person_id = p.id and i.transport = ${transport})
            order by p.id`,
      );
      return rows;
    },

    /** Accounts on the transport of people with no time zone yet: theirs is in their profile. */
    async accountsWithoutTimeZone(transport: ChatTransport): Promise<string[]> {
      const rows = await db
        .select({ externalId: identities.externalId })
        .from(identities)
        .innerJoin(people, eq(people.id, identities.personId))
        .where(and(eq(identities.transport, transport), isNull(people.timeZone)))
        .orderBy(asc(identities.id));
      return rows.map((row) => row.externalId);
    },

    async setTimeZone(personId: number, timeZone: string | null): Promise<void> {
      await db.update(people).set({ timeZone }).where(eq(people.id, personId));
    },

    /** Marks a person's chat account deactivated (or active again with `null`). */
    async setDeactivated(personId: number, at: Date | null): Promise<void> {
      await db.update(people).set({ deactivatedAt: at }).where(eq(people.id, personId));
    },

    /** Every person's name, to tell a new one apart from them. */
    async names(): Promise<string[]> {
      const rows = await db.select({ name: people.name }).from(people);
      return rows.map((row) => row.name);
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
        .select(roleColumns)
        .from(teamRoles)
        .innerJoin(teams, eq(teams.id, teamRoles.teamId))
        .where(eq(teamRoles.personId, personId))
        .orderBy(asc(teams.name), asc(teamRoles.role));
    },

    async identities(personId: number): Promise<IdentityRow[]> {
      return db
        .select(identityColumns)
        .from(identities)
        .where(eq(identities.personId, personId))
        .orderBy(asc(identities.transport));
    },

    /** What the person may change (see domain/permissions.ts). */
    async authority(personId: number, isAdmin: boolean): Promise<Authority> {
      const [roles, keyResultIds] = await Promise.all([
        db
          .select({ teamId: teamRoles.teamId })
          .from(teamRoles)
          .where(eq(teamRoles.personId, personId)),
        queryRows<Pick<KeyResult, 'id'>>(
          db,
          sql`select kr.id from key_results kr join objectives o on o.id = kr.objective_id
              where kr.manager_id = ${personId} or o.manager_id = ${personId}`,
        ),
      ]);
      return {
        isAdmin,
        teamIds: new Set(roles.map((role) => role.teamId)),
        keyResultIds: new Set(keyResultIds.map((row) => row.id)),
      };
    },

    /** Names of those who may change a team's goals: its and its parent's managers and delegates. */
    async teamDeciders(team: { id: number; parentId: number | null }): Promise<string[]> {
      const ids = team.parentId === null ? [team.id] : [team.id, team.parentId];
      const rows = await db
        .selectDistinct({ name: people.name })
        .from(teamRoles)
        .innerJoin(people, eq(people.id, teamRoles.personId))
        .where(inArray(teamRoles.teamId, ids))
        .orderBy(asc(people.name));
      return rows.map((row) => row.name);
    },

    /** Names of those who may change a key result: its KR manager and objective manager. */
    async keyResultDeciders(keyResultId: number): Promise<string[]> {
      const rows = await queryRows<Pick<Person, 'name'>>(
        db,
        sql`select distinct p.name from key_results kr join objectives o on o.id = kr.objective_id
            join people p on p.id in (kr.manager_id, o.manager_id)
            where kr.id = ${keyResultId} order by p.name`,
      );
      return rows.map((row) => row.name);
    },

    /** The managers (or delegates) of some teams, by team id. */
    async members(teamIds: number[], role: RoleRow['role']): Promise<Map<number, PersonRow[]>> {
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
