import { sql } from 'drizzle-orm';
import {
  bigint,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';
import { cycles } from './goals.ts';
import { departments } from './organisation.ts';

/**
 * A department's quarter page on the wiki, as okrbot last left it: the revision it wrote (or
 * read and found nothing to change) and that text, the base people's later edits are read
 * against, and the conflicts still open on it.
 */
export const wikiPages = pgTable(
  'wiki_pages',
  {
    id: serial('id').primaryKey(),
    departmentId: integer('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'cascade' }),
    cycleId: integer('cycle_id')
      .notNull()
      .references(() => cycles.id),
    title: text('title').notNull().unique(),
    revisionId: bigint('revision_id', { mode: 'number' }).notNull(),
    revisionAt: timestamp('revision_at', { withTimezone: true }).notNull(),
    text: text('text').notNull(),
    /** Goals changed both in chat and on the wiki: shown as on the wiki until someone decides. */
    conflicts: jsonb('conflicts').notNull().default(sql`'[]'::jsonb`),
    syncedAt: timestamp('synced_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('wiki_pages_quarter_unique').on(t.departmentId, t.cycleId)],
);
