import { promptRecipients } from '../../domain/delegation.ts';
import { type Day, dayIn } from '../../domain/fiscal-calendar.ts';
import { dailyNudgesKey, nudgeKey } from '../../domain/keys.ts';
import { assess, type Finding, NUDGE_INTERVAL_DAYS, nudgeLevel } from '../../domain/overdue.ts';
import { daysLater } from '../../domain/schedules.ts';
import { findingItem } from '../../features/findings.ts';
import {
  code,
  context,
  heading,
  list,
  paragraph,
  type Reply,
  reply,
  strong,
} from '../../reply/document.ts';
import type { NudgeRow, NudgeSubject } from '../../store/nudges.ts';
import type { NewDelivery } from '../../store/outbox/index.ts';
import type { PersonRow } from '../../store/people.ts';
import type { TrackedGoal, TrackedKeyResult } from '../../store/tracking.ts';
import {
  absence,
  emptySummary,
  type JobDeps,
  messageTo,
  type RunContext,
  type RunSummary,
  routeTo,
  skipFor,
  tally,
} from './job-context.ts';

// The daily overdue check: every overdue or stale item of the department gets at most one nudge
// per week, none while snoozed (a skip record instead). Unanswered nudges escalate: the KR
// manager (a goal's team managers), then the managers above, then the department's digest.

type Item = TrackedGoal | TrackedKeyResult;

const subjectOf = (item: Item): NudgeSubject =>
  item.kind === 'goal' ? { goalId: item.id } : { keyResultId: item.id };

const HISTORY_DAYS = 180;

interface Recipients {
  level: 1 | 2 | 3;
  people: PersonRow[];
  /** Managers skipped because they are away and nobody answers for them. */
  away: PersonRow[];
  /** Why these people, in the nudge's own words. */
  why: string;
}

export async function runOverdue(ctx: RunContext<'overdue'>, deps: JobDeps): Promise<RunSummary> {
  const { department, now, runId } = ctx;
  const { store } = deps;
  const zone = department.timeZone;
  const today = dayIn(ctx.due, zone);
  const { goals, keyResults } = await store.tracking.items({ departmentIds: [department.id] }, now);
  const flagged = [...keyResults, ...goals]
    .map((item) => ({ item, findings: assess(item, now, deps.rules) }))
    .filter((f) => f.findings.length > 0);
  const summary = emptySummary();
  if (flagged.length === 0) return summary;

  const goalIds = flagged.flatMap(({ item }) => (item.kind === 'goal' ? [item.id] : []));
  const krIds = flagged.flatMap(({ item }) => (item.kind === 'key-result' ? [item.id] : []));
  const [history, owners, goalTeams] = await Promise.all([
    store.nudges.history(goalIds, krIds, new Date(now.getTime() - HISTORY_DAYS * 86_400_000)),
    store.nudges.keyResultOwners(krIds),
    store.nudges.goalTeams(goalIds),
  ]);
  const teamIds = [
    ...new Set([
      ...[...goalTeams.values()].flatMap((t) => [
        t.teamId,
        ...(t.parentTeamId === null ? [] : [t.parentTeamId]),
      ]),
      ...[...owners.values()].flatMap((o) => o.teamIds),
    ]),
  ];
  const [managersOf, delegatesOf] = await Promise.all([
    store.people.members(teamIds, 'manager'),
    store.people.members(teamIds, 'delegate'),
  ]);
  const individualIds = [
    ...new Set(
      [...owners.values()]
        .flatMap((o) => [o.managerId, o.objectiveManagerId])
        .filter((id): id is number => id !== null),
    ),
  ];
  const individuals = new Map(
    (await Promise.all(individualIds.map((id) => store.people.byId(id))))
      .filter((p): p is PersonRow => p !== undefined)
      .map((p) => [p.id, p]),
  );

  /** A team's managers who can answer now: away ones give way to delegates (as for prompts). */
  const teamManagers = (ids: readonly number[]) => {
    const people = new Map<number, PersonRow>();
    const away: PersonRow[] = [];
    for (const id of ids) {
      const managers = (managersOf.get(id) ?? []).filter((m) => !m.deactivatedAt);
      const { to } = promptRecipients(
        managers,
        (delegatesOf.get(id) ?? []).filter((d) => !d.deactivatedAt),
        now,
      );
      for (const person of to) people.set(person.id, person as PersonRow);
      if (to.length === 0) away.push(...managers);
    }
    return { people: [...people.values()], away };
  };

  const recipientsAt = (item: Item, level: 1 | 2): Omit<Recipients, 'level'> => {
    if (item.kind === 'key-result') {
      const owner = owners.get(item.id);
      if (level === 1) {
        const manager = owner?.managerId ? individuals.get(owner.managerId) : undefined;
        return {
          people: manager ? [manager] : [],
          away: [],
          why: 'You get this as its KR manager.',
        };
      }
      const teams = teamManagers(owner?.teamIds ?? []);
      if (teams.people.length + teams.away.length > 0)
        return {
          ...teams,
          why: 'You get this as a manager of a team whose goals serve this key result: its KR manager has not acted on two nudges.',
        };
      const objectiveManager = owner?.objectiveManagerId
        ? individuals.get(owner.objectiveManagerId)
        : undefined;
      return {
        people:
          objectiveManager && objectiveManager.id !== owner?.managerId ? [objectiveManager] : [],
        away: [],
        why: "You get this as the objective's manager: its KR manager has not acted on two nudges.",
      };
    }
    const teams = goalTeams.get(item.id);
    if (level === 1)
      return {
        ...teamManagers(teams ? [teams.teamId] : []),
        why: `You get this as a manager of ${item.teamName}.`,
      };
    return {
      ...teamManagers(teams?.parentTeamId ? [teams.parentTeamId] : []),
      why: `You get this as a manager of the team above ${item.teamName}: its managers have not acted on two nudges.`,
    };
  };

  /**
   * The level a nudge goes at: the computed one, or the next that has anyone to write to. Only
   * nudges that reached someone and were then not acted on count as ignored.
   */
  const recipients = (item: Item, past: NudgeRow[]): Recipients => {
    const ignored = past.filter(
      (n) =>
        !n.snoozed && n.reached && (item.lastUpdateAt === null || n.sentAt > item.lastUpdateAt),
    ).length;
    for (let level = nudgeLevel(ignored); level < 3; level++) {
      const found = recipientsAt(item, level as 1 | 2);
      if (found.people.length + found.away.length > 0) return { level: level as 1 | 2, ...found };
    }
    return { level: 3, people: [], away: [], why: '' };
  };

  const pastOf = (item: Item) =>
    history.filter((n) =>
      item.kind === 'goal' ? n.goalId === item.id : n.keyResultId === item.id,
    );
  const everyone = [...managersOf.values(), ...delegatesOf.values()].flat().map((p) => p.id);
  const accounts = await store.outbox.accounts([...new Set([...everyone, ...individualIds])]);

  const planned: Planned[] = [];
  for (const { item, findings } of flagged) {
    const past = pastOf(item);
    // A nudge that reached nobody (skipped, dead) does not hold the next one back: tomorrow's
    // run tries again. One delivered or on its way, a snooze, or a digest item keeps the pace.
    const last = past.filter((n) => n.snoozed || n.level === 3 || n.reached || n.underway).at(-1);
    if (last && daysBetween(dayIn(last.sentAt, zone), today) < NUDGE_INTERVAL_DAYS) continue;
    const to = recipients(item, past);
    const snoozed = item.snoozedUntil !== null && item.snoozedUntil > now;
    const content = {
      type: 'document',
      reply: nudgeReply([{ item, findings, why: to.why }], zone),
    } as const;
    const rows: NewDelivery[] = [];
    for (const person of to.people) {
      const key = nudgeKey(item, today, person.handle);
      // A snooze or an absence is recorded as a skip with its reason, under the same key.
      const skip = snoozed
        ? `${item.ref} is snoozed until the end of ${dayIn(new Date((item.snoozedUntil as Date).getTime() - 1), zone)}`
        : absence(person, now, zone);
      const route = skip ? { skip } : routeTo(accounts.get(person.id), deps.transports);
      rows.push(messageTo(key, 'nudge', person, route, content, runId));
    }
    for (const person of to.away)
      rows.push(
        skipFor(
          nudgeKey(item, today, person.handle),
          'nudge',
          person,
          `${absence(person, now, zone) ?? 'away'}, and no delegate to answer`,
          content,
          runId,
        ),
      );
    planned.push({ item, findings, why: to.why, level: to.level, snoozed, rows });
  }

  const handles = new Map(
    [...managersOf.values(), ...delegatesOf.values(), ...individuals.values()]
      .flat()
      .map((p) => [p.id, p.handle]),
  );
  const merged = mergePerPerson(planned, handles, today, zone);
  // One message a day: whoever gets the monthly prompt or a reminder today has their nudges
  // tomorrow at this hour (reminders and prompts come first in a tick; see scheduler.ts).
  const prompted = await promptedToday(
    merged.flatMap((r) => (r.transport !== null && r.personId !== null ? [r.personId] : [])),
    ctx,
    deps,
  );
  const tomorrow = daysLater(ctx.due, 1, zone);
  const rows = merged.map((row) =>
    row.transport !== null && row.personId !== null && prompted.has(row.personId)
      ? {
          ...row,
          notBefore: tomorrow,
          note: 'held a day: the monthly prompt or a reminder went to them today (one message a day)',
        }
      : row,
  );
  const written = await store.outbox.enqueue(rows);
  tally(summary, written);
  await store.nudges.record(
    planned.map((p) => {
      // The nudge is the message that can reach someone, if any: its fate decides escalation.
      const carrier = p.rows.find((r) => r.transport !== null) ?? p.rows[0];
      return {
        ...subjectOf(p.item),
        level: p.level,
        deliveryId: carrier ? (written.get(carrier.key)?.id ?? null) : null,
        sentAt: now,
        snoozed: p.snoozed,
      };
    }),
  );
  const escalated = planned.filter((p) => p.level === 3 && !p.snoozed).length;
  if (escalated) summary.notes.push(`${escalated} escalated into the digest`);
  return summary;
}

/** Which of some people the monthly prompt or a reminder is due to today (the department's day). */
async function promptedToday(
  personIds: readonly number[],
  ctx: RunContext<'overdue'>,
  { store }: JobDeps,
): Promise<Set<number>> {
  const zone = ctx.department.timeZone;
  const today = dayIn(ctx.due, zone);
  const reminders =
    (await store.schedules.effective([ctx.department.id])).get(ctx.department.id)?.prompt.settings
      .reminders ?? [];
  const since = daysLater(ctx.due, -(Math.max(0, ...reminders) + 1), zone);
  const messages = await store.nudges.promptMessages([...new Set(personIds)], since);
  return new Set(
    messages
      .filter((m) => {
        const days = m.reminder > 0 ? reminders[m.reminder - 1] : 0;
        return days !== undefined && dayIn(daysLater(m.dueAt, days, zone), zone) === today;
      })
      .map((m) => m.personId),
  );
}

function daysBetween(from: Day, to: Day): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

interface Nudged {
  item: Item;
  findings: Finding[];
  /** Why the recipient gets it, in the nudge's own words. */
  why: string;
}

interface Planned extends Nudged {
  level: 1 | 2 | 3;
  snoozed: boolean;
  rows: NewDelivery[];
}

/**
 * A person's nudges of the day as one message: two or more items that can go out to the same
 * person become one delivery listing them (keyed per person and day), and each item's row
 * becomes that delivery. Skip records stay one per item, with their reasons.
 */
function mergePerPerson(
  planned: Planned[],
  handles: ReadonlyMap<number, string>,
  today: Day,
  zone: string,
): NewDelivery[] {
  const byPerson = new Map<number, { row: NewDelivery; nudged: Nudged }[]>();
  for (const p of planned)
    for (const row of p.rows)
      if (row.transport !== null && row.personId !== null)
        byPerson.set(row.personId, [...(byPerson.get(row.personId) ?? []), { row, nudged: p }]);
  const merged = new Map<NewDelivery, NewDelivery>();
  for (const [personId, sends] of byPerson) {
    const [first] = sends;
    if (!first || sends.length < 2) continue;
    const one: NewDelivery = {
      ...first.row,
      key: dailyNudgesKey(today, handles.get(personId) as string),
      content: {
        type: 'document',
        reply: nudgeReply(
          sends.map((s) => s.nudged),
          zone,
        ),
      },
    };
    for (const { row } of sends) merged.set(row, one);
  }
  for (const p of planned) p.rows = p.rows.map((row) => merged.get(row) ?? row);
  return [...new Set(planned.flatMap((p) => p.rows))];
}

/** One item's nudge, or several items for one person in one message. */
function nudgeReply(nudged: readonly Nudged[], zone: string): Reply {
  const title = ({ item, findings }: Nudged) =>
    `${findings.some((f) => f.kind === 'overdue') ? 'Overdue' : 'No recent update'}: ${item.ref}`;
  const findingsOf = ({ item, findings }: Nudged) =>
    list(findings.map((finding) => findingItem(item, finding, zone)));
  const single = nudged.length === 1 ? nudged[0] : undefined;
  const ref = single?.item.ref ?? '<ref>';
  return reply(
    heading(single ? title(single) : `${nudged.length} items need an update`),
    ...(single
      ? [findingsOf(single)]
      : nudged.flatMap((n) => [paragraph(strong(title(n))), findingsOf(n)])),
    paragraph(
      'Record where it stands with ',
      code(`set ${ref} <status> [note]`),
      ...(nudged.some((n) => n.item.kind === 'key-result')
        ? [', ', code(`metric ${ref} <value>`)]
        : []),
      ', or pause these nudges with ',
      code(`snooze ${ref} 2w`),
      '.',
    ),
    ...[...new Set(nudged.map((n) => n.why))].map((why) => context(why)),
  );
}
