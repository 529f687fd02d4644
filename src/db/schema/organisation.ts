import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';
import { channelPurpose, teamRole, transport } from './enums.ts';

export const departments = pgTable('departments', {
  id: serial('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  timeZone: text('time_zone').notNull().default('UTC'),
  createdAt: createdAt(),
});

export const teams = pgTable(
  'teams',
  {
    id: serial('id').primaryKey(),
    departmentId: integer('department_id')
      .notNull()
      .references(() => departments.id),
    parentId: integer('parent_id').references((): AnyPgColumn => teams.id),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    /** Other names people use for the team ("SRE", "DC Ops"), matched case-insensitively. */
    aliases: text('aliases').array().notNull().default(sql`'{}'::text[]`),
    /** Order on the department's page; the page's order is taken when people reorder it. */
    position: integer('position').notNull().default(0),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('teams_department_idx').on(t.departmentId),
    index('teams_parent_idx').on(t.parentId),
  ],
);

export const people = pgTable('people', {
  id: serial('id').primaryKey(),
  handle: text('handle').notNull().unique(),
  name: text('name').notNull(),
  email: text('email'),
  /** IANA zone for prompts at a sane local hour; null means the department's or the default. */
  timeZone: text('time_zone'),
  isAdmin: boolean('is_admin').notNull().default(false),
  /** Prompts and nudges go to delegates (or wait) until this instant. */
  awayUntil: timestamp('away_until', { withTimezone: true }),
  /** The person's user name on the department's wiki: edits made there are theirs. */
  wikiUser: text('wiki_user').unique(),
  /** A deactivated chat account stops receiving prompts. */
  deactivatedAt: timestamp('deactivated_at', { withTimezone: true }),
  createdAt: createdAt(),
});

/** A verified chat account of a person: its workspace or network, and its id there. */
export const identities = pgTable(
  'identities',
  {
    id: serial('id').primaryKey(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    transport: transport('transport').notNull(),
    /** The workspace or network the id belongs to; '' where the transport has one space. */
    workspace: text('workspace').notNull().default(''),
    externalId: text('external_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('identities_account_unique').on(t.transport, t.workspace, t.externalId),
    index('identities_person_idx').on(t.personId),
  ],
);

export const teamRoles = pgTable(
  'team_roles',
  {
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    role: teamRole('role').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.personId, t.role] }),
    index('team_roles_person_idx').on(t.personId),
  ],
);

/** Chat channels of a team (its own channel) or of a department (digest channels). */
export const channels = pgTable(
  'channels',
  {
    id: serial('id').primaryKey(),
    teamId: integer('team_id').references(() => teams.id, { onDelete: 'cascade' }),
    departmentId: integer('department_id').references(() => departments.id, {
      onDelete: 'cascade',
    }),
    transport: transport('transport').notNull(),
    workspace: text('workspace').notNull().default(''),
    externalId: text('external_id').notNull(),
    purpose: channelPurpose('purpose').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    // A channel serves each team or department once; nulls compare equal so "no team" is one value.
    unique('channels_target_unique')
      .on(t.transport, t.workspace, t.externalId, t.purpose, t.teamId, t.departmentId)
      .nullsNotDistinct(),
  ],
);
