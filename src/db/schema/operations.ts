import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';
import { changeSource, deliveryState, runState, transport } from './enums.ts';
import { goals, keyResults } from './goals.ts';
import { departments, people, teams } from './organisation.ts';

/** A monthly request to a manager for the team's status; answered when a reply is recorded. */
export const prompts = pgTable(
  'prompts',
  {
    id: serial('id').primaryKey(),
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    /** `YYYY-MM` the prompt asks about. */
    month: text('month').notNull(),
    /** The manager this prompt stands in for, when it went to a delegate. */
    onBehalfOfId: integer('on_behalf_of_id').references(() => people.id),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    remindersSent: smallint('reminders_sent').notNull().default(0),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    /** Transport conversation of the prompt, so threaded replies find it. */
    transport: transport('transport'),
    conversationId: text('conversation_id'),
    messageId: text('message_id'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('prompts_team_person_month_unique').on(t.teamId, t.personId, t.month)],
);

/** The outbox: every outgoing message is a row first, then sent once by a worker. */
export const deliveries = pgTable(
  'deliveries',
  {
    id: serial('id').primaryKey(),
    /** e.g. `prompt:analytics:nuria-ruiz:2019-08`; unique so a fan-out can be repeated safely. */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    /** prompt, reminder, digest, nudge. */
    kind: text('kind').notNull(),
    /** Null only for a skipped delivery that had no transport to go to. */
    transport: transport('transport'),
    workspace: text('workspace').notNull().default(''),
    /** The channel id, or the person's account (informational: the adapter resolves people). */
    target: text('target').notNull(),
    /** Set for a message to a person; null for a channel. */
    personId: integer('person_id').references(() => people.id),
    /** The outbound content (`OutboundContent` of store/outbox/delivery.ts). */
    payload: jsonb('payload').notNull(),
    state: deliveryState('state').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    notBefore: timestamp('not_before', { withTimezone: true }).notNull().defaultNow(),
    claimedBy: text('claimed_by'),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    lastError: text('last_error'),
    /** Why nothing was sent: away, deactivated, snoozed. */
    skipReason: text('skip_reason'),
    sentMessageId: text('sent_message_id'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** What else is worth knowing: a DM that fell back to a channel, a wait for an away manager. */
    note: text('note'),
    /** The schedule run that queued it; null for messages queued otherwise. */
    runId: integer('run_id').references(() => scheduleRuns.id),
    createdAt: createdAt(),
  },
  (t) => [
    index('deliveries_ready_idx').on(t.state, t.notBefore),
    index('deliveries_person_idx').on(t.personId),
  ],
);

/**
 * When the outbox may next send on a transport or to one destination (paceKey in
 * domain/keys.ts): every instance reserves its send slots here, so the rate limits
 * hold for the whole cluster, not per process.
 */
export const outboxPace = pgTable('outbox_pace', {
  key: text('key').primaryKey(),
  nextAt: timestamp('next_at', { withTimezone: true }).notNull(),
});

/** A schedule per department and kind (monthly prompt, weekly digest, overdue check). */
export const schedules = pgTable(
  'schedules',
  {
    id: serial('id').primaryKey(),
    departmentId: integer('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    /** Kind-specific settings (day of month, hour, reminder offsets ...). */
    settings: jsonb('settings').notNull().default(sql`'{}'::jsonb`),
    /** Runs missed by more than this are recorded as skipped instead of fired late. */
    catchUpSeconds: integer('catch_up_seconds').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('schedules_department_kind_unique').on(t.departmentId, t.kind)],
);

/** One row per (schedule, due instant): inserting it is how an instance claims the run. */
export const scheduleRuns = pgTable(
  'schedule_runs',
  {
    id: serial('id').primaryKey(),
    /** `digest:technology` or another stable name; not a foreign key so ad-hoc runs fit too. */
    scheduleKey: text('schedule_key').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    state: runState('state').notNull().default('running'),
    claimedBy: text('claimed_by'),
    /** How many times an instance started it (a crashed or failed run is taken over). */
    attempts: smallint('attempts').notNull().default(1),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    detail: text('detail'),
  },
  (t) => [uniqueIndex('schedule_runs_due_unique').on(t.scheduleKey, t.dueAt)],
);

/** Inbound event ids already handled (inboundKey in domain/keys.ts). */
export const inboundEvents = pgTable(
  'inbound_events',
  {
    transport: transport('transport').notNull(),
    eventId: text('event_id').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.transport, t.eventId] })],
);

/** Nudges paused for an item until an instant. */
export const snoozes = pgTable(
  'snoozes',
  {
    id: serial('id').primaryKey(),
    goalId: integer('goal_id').references(() => goals.id, { onDelete: 'cascade' }),
    keyResultId: integer('key_result_id').references(() => keyResults.id, { onDelete: 'cascade' }),
    personId: integer('person_id').references(() => people.id),
    until: timestamp('until', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    check('snoozes_one_subject', sql`(${t.goalId} is null) <> (${t.keyResultId} is null)`),
    index('snoozes_goal_idx').on(t.goalId),
    index('snoozes_kr_idx').on(t.keyResultId),
  ],
);

/** Nudges sent about an overdue or stale item; the level escalates after ignored ones. */
export const nudges = pgTable(
  'nudges',
  {
    id: serial('id').primaryKey(),
    goalId: integer('goal_id').references(() => goals.id, { onDelete: 'cascade' }),
    keyResultId: integer('key_result_id').references(() => keyResults.id, { onDelete: 'cascade' }),
    /** 1: KR manager, 2: team manager, 3: department digest item. */
    level: smallint('level').notNull(),
    deliveryId: integer('delivery_id').references(() => deliveries.id),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
    /** Not sent because the item was snoozed: keeps the weekly pace, never counts as ignored. */
    snoozed: boolean('snoozed').notNull().default(false),
  },
  (t) => [
    check('nudges_one_subject', sql`(${t.goalId} is null) <> (${t.keyResultId} is null)`),
    index('nudges_goal_idx').on(t.goalId, t.sentAt),
    index('nudges_kr_idx').on(t.keyResultId, t.sentAt),
  ],
);

/** Who changed what, from where: imports, admin commands, undo. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: serial('id').primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    personId: integer('person_id').references(() => people.id),
    source: changeSource('source').notNull(),
    action: text('action').notNull(),
    detail: jsonb('detail').notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [index('audit_log_at_idx').on(t.at)],
);

/**
 * What okrbot proposed from a reply it was not sure of (Slack shows it with Record / Change /
 * Skip buttons): recorded only when the person who wrote the reply confirms it, and once.
 */
export const proposals = pgTable('proposals', {
  id: serial('id').primaryKey(),
  promptId: integer('prompt_id').references(() => prompts.id, { onDelete: 'cascade' }),
  teamId: integer('team_id')
    .notNull()
    .references(() => teams.id, { onDelete: 'cascade' }),
  personId: integer('person_id')
    .notNull()
    .references(() => people.id, { onDelete: 'cascade' }),
  /** The reading to record, its targets found (`Pending` of features/reply-exchange.ts). */
  reading: jsonb('reading').notNull(),
  /** The line it came from, and why okrbot asked. */
  line: text('line').notNull(),
  doubt: text('doubt').notNull(),
  /** `recorded` or `skipped`, once decided; a second click finds it decided. */
  decision: text('decision'),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
  createdAt: createdAt(),
});
