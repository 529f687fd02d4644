import { timestamp } from 'drizzle-orm/pg-core';

/** When a row was written (not when what it records happened: that is each table's `at`). */
export const createdAt = () =>
  timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
