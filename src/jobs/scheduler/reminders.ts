import { dayIn, nextMonth, startOfDayIn } from '../../domain/fiscal-calendar.ts';
import { reminderKey } from '../../domain/keys.ts';
import { daysLater } from '../../domain/schedules.ts';
import type { NewDelivery } from '../../store/outbox/index.ts';
import {
  absence,
  emptySummary,
  type JobDeps,
  messageTo,
  type RunSummary,
  routeTo,
  skipFor,
  tally,
} from './job-context.ts';

// Reminders belong to each prompt that went out: the same local time 3 and 6 days later (by
// default) while it is unanswered and its month lasts; after month end the report is late and
// the digest names the team instead. Each reminder has its own key, so every tick may look.

/** Prompts older than this get no more reminders (a month plus the longest catch-up). */
const LOOKBACK_DAYS = 40;

export async function runReminders(
  now: Date,
  deps: JobDeps,
  options: { departmentIds?: readonly number[] } = {},
): Promise<RunSummary> {
  const { store } = deps;
  const departments = await store.teams.departments();
  const schedules = await store.schedules.effective(departments.map((d) => d.id));
  const most = Math.max(
    0,
    ...[...schedules.values()].map((s) => s.prompt.settings.reminders.length),
  );
  const awaiting = (
    await store.promptRuns.awaitingReminders(
      new Date(now.getTime() - LOOKBACK_DAYS * 86_400_000),
      most,
    )
  ).filter((p) => !options.departmentIds || options.departmentIds.includes(p.departmentId));
  const accounts = await store.outbox.accounts([...new Set(awaiting.map((p) => p.personId))]);
  const rows: NewDelivery[] = [];
  for (const prompt of awaiting) {
    const schedule = schedules.get(prompt.departmentId)?.prompt;
    if (!schedule?.enabled) continue;
    if (now >= startOfDayIn(nextMonth(prompt.month), prompt.departmentZone)) continue;
    const due = schedule.settings.reminders
      .map((days, i) => ({ n: i + 1, at: daysLater(prompt.dueAt, days, prompt.zone) }))
      .filter((r) => r.n > prompt.remindersSent && r.at <= now);
    const latest = due.at(-1);
    if (!latest) continue;
    const person = { id: prompt.personId };
    const content = { type: 'prompt', promptId: prompt.promptId, reminder: latest.n } as const;
    // Never a burst: reminders that fell due together collapse into the latest one.
    for (const earlier of due.slice(0, -1))
      rows.push(
        skipFor(
          reminderKey(prompt.promptId, earlier.n),
          'reminder',
          person,
          `superseded by reminder ${latest.n}, due at the same time`,
          { ...content, reminder: earlier.n },
          null,
        ),
      );
    const key = reminderKey(prompt.promptId, latest.n);
    const missedBy = now.getTime() - latest.at.getTime();
    // Too late, or away: recorded as a skip with its reason, under the reminder's key.
    const skip =
      missedBy > schedule.catchUpSeconds * 1000
        ? `missed: okrbot was not running on ${dayIn(latest.at, prompt.zone)}, and it is too late now`
        : absence(prompt, now, prompt.zone);
    const route = skip ? { skip } : routeTo(accounts.get(prompt.personId), deps.transports);
    rows.push(messageTo(key, 'reminder', person, route, content, null));
  }
  return tally(emptySummary(), await store.outbox.enqueue(rows));
}
