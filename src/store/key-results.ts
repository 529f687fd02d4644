import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { instant, queryRows, type RawRow } from '../db/rows.ts';
import type {
  cycles,
  keyResults,
  krMilestones,
  metricValues,
  objectives,
  people,
  statusEntries,
} from '../db/schema/index.ts';
import { statusHistory } from './status-history.ts';

type KeyResult = typeof keyResults.$inferSelect;
type Objective = typeof objectives.$inferSelect;
type MetricValue = typeof metricValues.$inferSelect;

export type KeyResultRow = Pick<
  KeyResult,
  'id' | 'code' | 'text' | 'baseline' | 'target' | 'unit' | 'direction' | 'dueOn'
> &
  Pick<Objective, 'program'> & {
    objectiveCode: Objective['code'];
    objectiveTitle: Objective['title'];
    cycleLabel: (typeof cycles.$inferSelect)['label'];
    managerName: (typeof people.$inferSelect)['name'] | null;
  };

/** A key result someone manages, with where it stands. */
export type ManagedKeyResult = KeyResultRow & {
  status: (typeof statusEntries.$inferSelect)['status'] | null;
  value: MetricValue['value'] | null;
  valueAt: MetricValue['at'] | null;
};

export type MilestoneRow = Pick<typeof krMilestones.$inferSelect, 'dueOn' | 'target' | 'text'>;

export type MetricValueRow = Pick<MetricValue, 'value' | 'note' | 'at' | 'source'> & {
  personName: (typeof people.$inferSelect)['name'] | null;
};

const keyResultSelect = sql`
  select kr.id, kr.code, o.code as "objectiveCode", o.title as "objectiveTitle", o.program,
         c.label as "cycleLabel", kr.text, p.name as "managerName", kr.baseline, kr.target,
         kr.unit, kr.direction, kr.due_on::text as "dueOn"
  from key_results kr
  join objectives o on o.id = kr.objective_id
  join cycles c on c.id = o.cycle_id
  left join people p on p.id = kr.manager_id`;

export function createKeyResultStore(db: Db) {
  return {
    /**
     * A key result by objective and KR code (`TCB`, `KR2`): the one of the newest cycle that
     * started by `today`, else the earliest one to come.
     */
    async find(
      objectiveCode: string,
      code: string,
      today: string,
    ): Promise<KeyResultRow | undefined> {
      const [row] = await queryRows<KeyResultRow>(
        db,
        sql`${keyResultSelect}
            where upper(o.code) = upper(${objectiveCode}) and upper(kr.code) = upper(${code})
            order by (c.starts_on <= ${today}::date) desc,
                     case when c.starts_on <= ${today}::date then c.starts_on end desc,
                     c.starts_on asc
            limit 1`,
      );
      return row;
    },

    async byId(id: number): Promise<KeyResultRow | undefined> {
      const [row] = await queryRows<KeyResultRow>(db, sql`${keyResultSelect} where kr.id = ${id}`);
      return row;
    },

    /** Every key result with a code (`KR2`) whose cycle has started by `today`, newest first. */
    async withCode(code: string, today: string): Promise<KeyResultRow[]> {
      return queryRows<KeyResultRow>(
        db,
        sql`${keyResultSelect} where upper(kr.code) = upper(${code}) and c.starts_on <= ${today}::date
            order by c.starts_on desc, o.code`,
      );
    },

    /**
     * The key results a person manages (as KR or objective manager) in cycles under way at
     * `now`, with their latest status and value.
     */
    async managedBy(personId: number, now: Date): Promise<ManagedKeyResult[]> {
      const at = now.toISOString();
      const rows = await queryRows<RawRow<ManagedKeyResult>>(
        db,
        sql`select k.*, st.status, mv.value, mv.at as "valueAt" from (${keyResultSelect}
              where (kr.manager_id = ${personId} or o.manager_id = ${personId})
                and c.starts_on <= ${at}::timestamptz and c.ends_before > ${at}::timestamptz) k
            left join lateral (select se.status from status_entries se
              where se.key_result_id = k.id and se.at <= ${at}::timestamptz
              order by se.at desc, se.id desc limit 1) st on true
            left join lateral (select v.value, v.at from metric_values v
              where v.key_result_id = k.id and v.at <= ${at}::timestamptz
              order by v.at desc, v.id desc limit 1) mv on true
            order by k."cycleLabel" desc, k."objectiveCode", k.code`,
      );
      return rows.map((row) => ({
        ...row,
        value: row.value === null ? null : Number(row.value),
        valueAt: instant(row.valueAt),
      }));
    },

    async milestones(keyResultId: number): Promise<MilestoneRow[]> {
      return queryRows<MilestoneRow>(
        db,
        sql`select due_on::text as "dueOn", target, text from kr_milestones
            where key_result_id = ${keyResultId} order by due_on`,
      );
    },

    /** Metric check-ins up to `now`, oldest first. */
    async values(keyResultId: number, now: Date): Promise<MetricValueRow[]> {
      const rows = await queryRows<RawRow<MetricValueRow>>(
        db,
        sql`select mv.value, mv.note, mv.at, mv.source, p.name as "personName"
            from metric_values mv left join people p on p.id = mv.person_id
            where mv.key_result_id = ${keyResultId} and mv.at <= ${now.toISOString()}::timestamptz
            order by mv.at, mv.id`,
      );
      return rows.map((row) => ({ ...row, value: Number(row.value), at: new Date(row.at) }));
    },

    /** Every status entry of the key result up to `now`, oldest first. */
    history: (keyResultId: number, now: Date) => statusHistory(db, 'key result', keyResultId, now),
  };
}

export type KeyResultStore = ReturnType<typeof createKeyResultStore>;
