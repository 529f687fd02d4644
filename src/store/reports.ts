import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { queryRows } from '../db/rows.ts';
import type { reportNotes, statusReports } from '../db/schema/index.ts';

export type ReportRow = Pick<
  typeof statusReports.$inferSelect,
  'id' | 'month' | 'reportedOn' | 'status'
> & { notes: (typeof reportNotes.$inferSelect)['text'][] };

export function createReportStore(db: Db) {
  return {
    /** A team's most recent monthly reports written by `today` (a `YYYY-MM-DD`), newest first. */
    async latest(teamId: number, today: string, limit = 1): Promise<ReportRow[]> {
      return queryRows<ReportRow>(
        db,
        sql`select r.id, r.month, r.reported_on::text as "reportedOn", r.status,
                   coalesce((select array_agg(n.text order by n.at, n.source <> 'import', n.position, n.id) from report_notes n
                             where n.report_id = r.id), '{}') as notes
            from status_reports r
            where r.team_id = ${teamId}
              and coalesce(r.reported_on, (r.month || '-01')::date) <= ${today}::date
            order by r.month desc, coalesce(r.reported_on, (r.month || '-01')::date) desc,
                     r.reported_on is null limit ${limit}`,
      );
    },
  };
}

export type ReportStore = ReturnType<typeof createReportStore>;
