import { dayIn } from '../../domain/fiscal-calendar.ts';
import { digestKey } from '../../domain/keys.ts';
import { digestWeek, isoWeek, timeIn } from '../../domain/schedules.ts';
import { CHAT_TRANSPORT_CHOICES } from '../../domain/transports.ts';
import { departmentDigest } from '../../features/digest.ts';
import { context, reply } from '../../reply/document.ts';
import type { NewDelivery } from '../../store/outbox/index.ts';
import {
  emptySummary,
  type JobDeps,
  type RunContext,
  type RunSummary,
  tally,
} from './job-context.ts';

// The weekly digest run: the department's digest for the week before the due instant, the same
// document to each of its digest channels, once per ISO week and channel.

export async function runDigest(ctx: RunContext<'digest'>, deps: JobDeps): Promise<RunSummary> {
  const { department, due, runId } = ctx;
  const zone = department.timeZone;
  const channels = await deps.store.schedules.digestChannels(department.id);
  const summary = emptySummary();
  if (channels.length === 0) {
    summary.notes.push(
      `${department.name} has no digest channel (schedule ${department.slug} digest channel ${CHAT_TRANSPORT_CHOICES} <channel>)`,
    );
    return summary;
  }
  // As of the due instant, whenever it runs: every instance and every retry sends the same digest.
  const blocks = await departmentDigest(
    department,
    { now: due, fiscal: deps.fiscal, rules: deps.rules, publicUrl: deps.publicUrl },
    deps.store,
    digestWeek(due, zone),
  );
  if (ctx.late)
    blocks.splice(
      1,
      0,
      context(`Sent late: okrbot was not running at ${timeIn(due, zone)} on ${dayIn(due, zone)}.`),
    );
  const content = { type: 'document', reply: reply(...blocks) } as const;
  const week = isoWeek(due, zone);
  const rows: NewDelivery[] = channels.map(({ transport, channel }) => {
    const key = digestKey(department.slug, week, transport, channel);
    const base = { key, kind: 'digest', personId: null, content, runId } as const;
    return deps.transports.includes(transport)
      ? { ...base, transport, target: channel }
      : { ...base, transport, target: channel, skipReason: `${transport} is not configured here` };
  });
  return tally(summary, await deps.store.outbox.enqueue(rows));
}
