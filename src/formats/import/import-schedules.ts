import type { Db } from '../../db/database.ts';
import { type AnySchedule, DEFAULT_SCHEDULES, SCHEDULE_KINDS } from '../../domain/schedules.ts';
import { createScheduleStore } from '../../store/schedules.ts';
import type { ImportSummary } from './import-summary.ts';
import type { SchedulesInput } from './quarter-file.ts';

/**
 * A file's `schedules`: each schedule it names is stored as written, over the defaults (a field
 * it leaves out is the default, not whatever was there). Digest channels are only added: a
 * channel added in chat stays when the file is imported again.
 */
export async function importSchedules(
  tx: Db,
  departmentId: number,
  input: SchedulesInput | undefined,
  summary: ImportSummary,
): Promise<void> {
  if (!input) return;
  const store = createScheduleStore(tx);
  for (const kind of SCHEDULE_KINDS) {
    const given = input[kind];
    if (!given) continue;
    const { enabled, catch_up_days: catchUpDays, ...settings } = given;
    const base = DEFAULT_SCHEDULES[kind];
    const { channels: _channels, ...own } = settings as typeof settings & { channels?: unknown };
    const schedule = {
      kind,
      settings: { ...base.settings, ...own },
      catchUpSeconds:
        catchUpDays === undefined ? base.catchUpSeconds : Math.round(catchUpDays * 86_400),
      enabled: enabled ?? true,
    } as AnySchedule;
    summary.add('schedules', await store.set(departmentId, schedule, null));
  }
  for (const channel of input.digest?.channels ?? [])
    summary.add(
      'digest channels',
      (await store.setDigestChannel(departmentId, channel, true, null)) ? 'created' : 'unchanged',
    );
}
