import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { firstRow } from '../db/rows.ts';
import {
  auditLog,
  channels,
  identities,
  people,
  snoozes,
  teamRoles,
  teams,
} from '../db/schema/index.ts';
import { slugify } from '../domain/text.ts';
import type { ChatTransport } from '../domain/transports.ts';
import type { Change } from './changes.ts';

// Writes of the admin commands and of `away` and `snooze`; each leaves an audit record.

export function createAdminStore(db: Db) {
  const audit = (change: Change, action: string, detail: Record<string, unknown>) =>
    db
      .insert(auditLog)
      .values({ personId: change.personId, source: change.source, action, detail });

  return {
    async addTeam(
      departmentId: number,
      slug: string,
      name: string,
      parentId: number | null,
      change: Change,
    ): Promise<boolean> {
      const created = await db
        .insert(teams)
        .values({
          departmentId,
          slug,
          name,
          parentId,
          aliases: slugify(name) === slug ? [] : [slugify(name)],
        })
        .onConflictDoNothing()
        .returning({ id: teams.id });
      if (created.length) await audit(change, 'team add', { slug, name });
      return created.length > 0;
    },

    async renameTeam(teamId: number, name: string, change: Change): Promise<void> {
      // The old name stays findable: it joins the aliases.
      await db
        .update(teams)
        .set({
          name,
          aliases: sql`array(select distinct unnest(${teams.aliases} || array[${slugify(name)}]))`,
        })
        .where(eq(teams.id, teamId));
      await audit(change, 'team rename', { teamId, name });
    },

    /** Adds or removes a role; false when there was nothing to do. */
    async setRole(
      teamId: number,
      personId: number,
      role: (typeof teamRoles.$inferSelect)['role'],
      present: boolean,
      change: Change,
    ): Promise<boolean> {
      const rows = present
        ? await db
            .insert(teamRoles)
            .values({ teamId, personId, role })
            .onConflictDoNothing()
            .returning()
        : await db
            .delete(teamRoles)
            .where(
              and(
                eq(teamRoles.teamId, teamId),
                eq(teamRoles.personId, personId),
                eq(teamRoles.role, role),
              ),
            )
            .returning();
      if (rows.length)
        await audit(change, present ? `${role} add` : `${role} remove`, { teamId, personId });
      return rows.length > 0;
    },

    async setChannel(
      teamId: number,
      transport: ChatTransport,
      externalId: string,
      change: Change,
    ): Promise<boolean> {
      const rows = await db
        .insert(channels)
        .values({ teamId, transport, externalId, purpose: 'team' })
        .onConflictDoNothing()
        .returning();
      if (rows.length) await audit(change, 'team channel', { teamId, transport, externalId });
      return rows.length > 0;
    },

    async addPerson(
      handle: string,
      name: string,
      email: string | null,
      change: Change,
    ): Promise<boolean> {
      const rows = await db
        .insert(people)
        .values({ handle, name, email })
        .onConflictDoNothing()
        .returning();
      if (rows.length) await audit(change, 'person add', { handle, name });
      return rows.length > 0;
    },

    /** Links a chat account to a person; the person it already belongs to, when another. */
    async linkIdentity(
      personId: number,
      transport: ChatTransport,
      externalId: string,
      change: Change,
    ): Promise<{ ownerId: number }> {
      await db.insert(identities).values({ personId, transport, externalId }).onConflictDoNothing();
      const row = firstRow(
        await db
          .select({ ownerId: identities.personId })
          .from(identities)
          .where(
            and(
              eq(identities.transport, transport),
              eq(identities.workspace, ''),
              eq(identities.externalId, externalId),
            ),
          ),
      );
      if (row.ownerId === personId)
        await audit(change, 'person link', { personId, transport, externalId });
      return row;
    },

    async setAway(personId: number, until: Date | null, change: Change): Promise<void> {
      await db.update(people).set({ awayUntil: until }).where(eq(people.id, personId));
      await audit(change, 'away', { personId, until: until?.toISOString() ?? null });
    },

    /** Pauses nudges about an item until an instant; `null` lifts every snooze on it. */
    async snooze(
      subject: { goalId: number } | { keyResultId: number },
      until: Date | null,
      change: Change,
    ): Promise<void> {
      const where =
        'goalId' in subject
          ? eq(snoozes.goalId, subject.goalId)
          : eq(snoozes.keyResultId, subject.keyResultId);
      if (until === null) await db.delete(snoozes).where(where);
      else await db.insert(snoozes).values({ ...subject, personId: change.personId, until });
      await audit(change, 'snooze', { ...subject, until: until?.toISOString() ?? null });
    },
  };
}

export type AdminStore = ReturnType<typeof createAdminStore>;
