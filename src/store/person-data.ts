import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { firstRow, queryRows } from '../db/rows.ts';
import { auditLog } from '../db/schema/index.ts';

// One person's data, for a data-protection request: everything okrbot keeps about them, and
// their erasure. Erasing keeps the row (their history still counts for their teams) under the
// name "A former member", and removes what names or reaches them: identities, roles, their
// messages and prompts, and every exact mention of their name, handle, email or accounts in
// notes, digests and the audit log.

/** The name an erased person's history is shown under. */
export const FORMER_MEMBER = 'A former member';
const FORMER_HANDLE = 'former-member-';

/** Tables with a column naming a person, and that column: what an export gathers. */
const LINKED: readonly (readonly [table: string, column: string])[] = [
  ['identities', 'person_id'],
  ['team_roles', 'person_id'],
  ['objectives', 'manager_id'],
  ['key_results', 'manager_id'],
  ['goals', 'removal_requested_by'],
  ['status_entries', 'person_id'],
  ['metric_values', 'person_id'],
  ['status_reports', 'person_id'],
  ['report_notes', 'person_id'],
  ['prompts', 'person_id'],
  ['prompts', 'on_behalf_of_id'],
  ['proposals', 'person_id'],
  ['deliveries', 'person_id'],
  ['snoozes', 'person_id'],
  ['audit_log', 'person_id'],
];

/**
 * Free text that may mention anyone (notes, digests and their errors, the audit's details):
 * searched for the person's exact names. The wiki's copy of a published page is left alone: it is
 * the wiki's text, and the next `okrbot wiki publish` replaces it.
 */
const TEXT_COLUMNS: readonly (readonly [table: string, column: string, type: 'text' | 'jsonb'])[] =
  [
    ['status_entries', 'note', 'text'],
    ['metric_values', 'note', 'text'],
    ['report_notes', 'text', 'text'],
    ['cycle_notes', 'text', 'text'],
    ['deliveries', 'payload', 'jsonb'],
    ['deliveries', 'target', 'text'],
    ['deliveries', 'last_error', 'text'],
    ['deliveries', 'skip_reason', 'text'],
    ['deliveries', 'note', 'text'],
    ['schedule_runs', 'detail', 'text'],
    ['audit_log', 'detail', 'jsonb'],
  ];

export interface PersonExport {
  /** When the export was made, and what it is. */
  exportedAt: string;
  person: Record<string, unknown>;
  /** Rows of every table that names the person, by `table.column`. */
  linked: Record<string, Record<string, unknown>[]>;
}

export interface Erasure {
  identities: number;
  roles: number;
  /** Messages to them (and prompts) removed. */
  messages: number;
  /** Exact mentions replaced in free text. */
  mentions: number;
  /** Notes they wrote removed (with --remove-notes). */
  notesRemoved: number;
}

interface PersonNames {
  id: number;
  handle: string;
  name: string;
  email: string | null;
  wiki_user: string | null;
}

export function isErased(handle: string): boolean {
  return handle.startsWith(FORMER_HANDLE);
}

export function createPersonDataStore(db: Db) {
  return {
    /** Everything okrbot keeps that names the person; the export is audited. */
    async exportPerson(personId: number, at: Date): Promise<PersonExport> {
      return db.transaction(async (tx) => {
        const person = firstRow(
          await queryRows<Record<string, unknown>>(
            tx,
            sql`select * from people where id = ${personId}`,
          ),
        );
        const linked: PersonExport['linked'] = {};
        for (const [table, column] of LINKED)
          linked[`${table}.${column}`] = await queryRows(
            tx,
            sql`select * from ${sql.identifier(table)} where ${sql.identifier(column)} = ${personId} order by 1`,
          );
        await tx.insert(auditLog).values({
          personId,
          source: 'system',
          action: 'person export',
          at,
          detail: { tables: Object.keys(linked).length },
        });
        return { exportedAt: at.toISOString(), person, linked };
      });
    },

    /**
     * Erases the person: what names or reaches them goes, their history stays as a former
     * member's (with `removeNotes`, the notes they wrote go too). One transaction, audited.
     */
    async erasePerson(
      personId: number,
      options: { removeNotes: boolean },
      at: Date,
    ): Promise<Erasure> {
      return db.transaction(async (tx) => {
        const person = firstRow(
          await queryRows<PersonNames>(
            tx,
            sql`select id, handle, name, email, wiki_user from people where id = ${personId} for update`,
          ),
        );
        const accounts = await queryRows<{ external_id: string }>(
          tx,
          sql`select external_id from identities where person_id = ${personId}`,
        );
        // Short strings (a two-letter account) would mangle unrelated words; exact names only.
        const names = [
          person.name,
          person.handle,
          person.email,
          person.wiki_user,
          ...accounts.map((a) => a.external_id),
        ]
          .filter((value): value is string => typeof value === 'string' && value.length >= 3)
          .sort((a, b) => b.length - a.length);

        const count = async (query: ReturnType<typeof sql>) =>
          (
            await queryRows<{ n: number }>(
              tx,
              sql`with changed as (${query} returning 1) select count(*)::int as n from changed`,
            )
          )[0]?.n ?? 0;

        const identities = await count(sql`delete from identities where person_id = ${personId}`);
        const roles = await count(sql`delete from team_roles where person_id = ${personId}`);
        await tx.execute(
          sql`update objectives set manager_id = null where manager_id = ${personId}`,
        );
        await tx.execute(
          sql`update key_results set manager_id = null where manager_id = ${personId}`,
        );
        await tx.execute(sql`update snoozes set person_id = null where person_id = ${personId}`);
        await tx.execute(
          sql`update prompts set on_behalf_of_id = null where on_behalf_of_id = ${personId}`,
        );
        await tx.execute(sql`delete from proposals where person_id = ${personId}`);
        // Their messages: prompts, reminders and nudges to them (a nudge's record stays, for the
        // weekly pace, without its message), and the send slots named by their accounts.
        await tx.execute(
          sql`update nudges set delivery_id = null where delivery_id in (select id from deliveries where person_id = ${personId})`,
        );
        const messages =
          (await count(sql`delete from deliveries where person_id = ${personId}`)) +
          (await count(sql`delete from prompts where person_id = ${personId}`));
        for (const account of accounts)
          await tx.execute(
            sql`delete from outbox_pace where key like ${`%${escapeLike(account.external_id)}%`}`,
          );

        let notesRemoved = 0;
        if (options.removeNotes) {
          notesRemoved =
            (await count(sql`delete from report_notes where person_id = ${personId}`)) +
            (await count(
              sql`update status_entries set note = null where person_id = ${personId} and note is not null`,
            )) +
            (await count(
              sql`update metric_values set note = null where person_id = ${personId} and note is not null`,
            ));
        }

        let mentions = 0;
        for (const [table, column, type] of TEXT_COLUMNS)
          for (const name of names)
            mentions += await count(replaceMention(table, column, type, name));

        await tx.execute(
          sql`update people set handle = ${`${FORMER_HANDLE}${personId}`}, name = ${FORMER_MEMBER},
                email = null, wiki_user = null, time_zone = null, away_until = null,
                is_admin = false, deactivated_at = coalesce(deactivated_at, ${at.toISOString()}::timestamptz)
              where id = ${personId}`,
        );
        const erasure = { identities, roles, messages, mentions, notesRemoved };
        await tx.insert(auditLog).values({
          personId,
          source: 'system',
          action: 'person erase',
          at,
          detail: { ...erasure, removeNotes: options.removeNotes },
        });
        return erasure;
      });
    },
  };
}

/** An update replacing the exact `name` in a column with the former member's name. */
function replaceMention(table: string, column: string, type: 'text' | 'jsonb', name: string) {
  const target = sql.identifier(table);
  const field = sql.identifier(column);
  const pattern = `%${escapeLike(type === 'jsonb' ? jsonText(name) : name)}%`;
  // In JSON the name and its replacement appear as string contents: both escaped alike.
  const [from, to] =
    type === 'jsonb' ? [jsonText(name), jsonText(FORMER_MEMBER)] : [name, FORMER_MEMBER];
  const value =
    type === 'jsonb'
      ? sql`replace(${field}::text, ${from}, ${to})::jsonb`
      : sql`replace(${field}, ${from}, ${to})`;
  const current = type === 'jsonb' ? sql`${field}::text` : field;
  return sql`update ${target} set ${field} = ${value} where ${current} like ${pattern}`;
}

/** A string as it appears between the quotes of a JSON string. */
function jsonText(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
