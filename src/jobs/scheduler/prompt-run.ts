import { promptRecipients } from '../../domain/delegation.ts';
import {
  cycleAt,
  dayIn,
  formatCycle,
  nextMonth,
  startOfDayIn,
} from '../../domain/fiscal-calendar.ts';
import { promptDeliveryKey } from '../../domain/keys.ts';
import { promptInstant } from '../../domain/schedules.ts';
import type { NewDelivery } from '../../store/outbox/index.ts';
import type { PersonRow } from '../../store/people.ts';
import { promptKey } from '../../store/prompt-runs.ts';
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

// The monthly prompt run: each team manager whose local prompt time this run is gets the
// team's prompt, or their delegates get it while they are away; every person left out is a
// skip record with the reason, so `okrbot deliveries --why` can tell the story.

interface Planned {
  key: string;
  teamId: number;
  recipient: PersonRow;
  onBehalfOf: PersonRow | null;
  month: string;
  dueAt: Date;
  note?: string;
}

export async function runPrompts(ctx: RunContext<'prompt'>, deps: JobDeps): Promise<RunSummary> {
  const { department, due, now, runId, schedule } = ctx;
  const { store } = deps;
  const quarter = cycleAt(due, deps.fiscal, department.timeZone);
  const cycle = await store.cycles.find(quarter);
  const teams = await store.promptRuns.teams(department.id, cycle?.id ?? null);
  const teamIds = teams.map((t) => t.id);
  const [managersOf, delegatesOf] = await Promise.all([
    store.people.members(teamIds, 'manager'),
    store.people.members(teamIds, 'delegate'),
  ]);
  // Run again for the newly reachable: a team that answered the month meanwhile is not asked.
  const answered = ctx.again
    ? await store.teamAnswers.answered(
        teamIds,
        dayIn(due, department.timeZone).slice(0, 7),
        department.timeZone,
      )
    : new Set<number>();
  const planned = new Map<string, Planned>();
  const skips: NewDelivery[] = [];
  const promptContent = { type: 'prompt', promptId: 0, reminder: 0 } as const;

  for (const team of teams) {
    if (answered.has(team.id)) continue;
    const delegates = (delegatesOf.get(team.id) ?? []).filter((d) => !d.deactivatedAt);
    for (const manager of managersOf.get(team.id) ?? []) {
      const zone = manager.timeZone ?? department.timeZone;
      if (ctx.zone !== '*' && zone !== ctx.zone) continue;
      const month = dayIn(due, zone).slice(0, 7);
      // A run is for one zone's instant: a manager of that zone whose month differs is not due.
      if (
        ctx.zone !== '*' &&
        promptInstant(month, schedule.settings, zone).getTime() !== due.getTime()
      )
        continue;
      const key = promptDeliveryKey(team.slug, manager.handle, month);
      const skip = (reason: string) =>
        skips.push(skipFor(key, 'prompt', manager, reason, promptContent, runId));
      if (!team.hasGoals) {
        skip(`${team.name} has no goals for ${formatCycle(quarter, deps.fiscal)}: nothing to ask`);
        continue;
      }
      const plan = (
        recipient: PersonRow,
        onBehalfOf: PersonRow | null,
        extra: Partial<Planned> = {},
      ) => {
        const recipientKey = promptDeliveryKey(team.slug, recipient.handle, month);
        if (!planned.has(recipientKey))
          planned.set(recipientKey, {
            key: recipientKey,
            teamId: team.id,
            recipient,
            onBehalfOf,
            month,
            dueAt: due,
            ...extra,
          });
      };
      const away = absence(manager, now, zone);
      // A deactivated manager is away for good: delegates answer, or nobody.
      const recipients = manager.deactivatedAt
        ? { to: delegates.filter((d) => !absence(d, now, zone)), waitUntil: null }
        : promptRecipients([manager], delegates, now);
      if (recipients.to.some((r) => r.id === manager.id)) {
        plan(manager, null);
        continue;
      }
      if (recipients.to.length > 0) {
        const names = recipients.to.map((r) => r.name).join(', ');
        skip(`${away}: ${team.name}'s prompt went to ${names} instead`);
        for (const delegate of recipients.to) plan(delegate as PersonRow, manager);
        continue;
      }
      const monthEnd = startOfDayIn(nextMonth(month), zone);
      if (recipients.waitUntil && recipients.waitUntil < monthEnd) {
        plan(manager, null, {
          dueAt: recipients.waitUntil,
          note: `waited: ${away}, and no delegate of ${team.name} to answer meanwhile`,
        });
        continue;
      }
      skip(`${away}, and no delegate of ${team.name} to answer this month`);
    }
  }

  const everyone = [...new Set([...planned.values()].map((p) => p.recipient.id))];
  const accounts = await store.outbox.accounts(everyone);
  const routed = [...planned.values()].map((p) => ({
    ...p,
    route: routeTo(accounts.get(p.recipient.id), deps.transports),
  }));
  // Prompt rows only for prompts that can go out: a skipped one has nothing to answer.
  const ids = await store.promptRuns.ensure(
    routed
      .filter((p) => !('skip' in p.route))
      .map((p) => ({
        teamId: p.teamId,
        personId: p.recipient.id,
        month: p.month,
        dueAt: p.dueAt,
        onBehalfOfId: p.onBehalfOf?.id ?? null,
      })),
  );
  const messages = routed.map((p) => {
    const promptId =
      ids.get(promptKey({ teamId: p.teamId, personId: p.recipient.id, month: p.month })) ?? 0;
    return messageTo(
      p.key,
      'prompt',
      p.recipient,
      p.route,
      { type: 'prompt', promptId, reminder: 0 },
      runId,
      {
        ...(p.dueAt > due ? { notBefore: p.dueAt } : {}),
        ...(p.note ? { note: p.note } : {}),
      },
    );
  });
  const summary = tally(emptySummary(), await store.outbox.enqueue([...skips, ...messages]));
  if (teams.length === 0) summary.notes.push(`${department.name} has no teams`);
  return summary;
}
