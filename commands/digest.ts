import { type CommandContext, defineCommand, type Services } from '../src/chat/command.ts';
import { findingItem } from '../src/chat/findings.ts';
import { type Department, scopeOf } from '../src/chat/lookups.ts';
import { cycleAt, dayIn, startOfWeekIn } from '../src/domain/fiscal-calendar.ts';
import { assess } from '../src/domain/overdue.ts';
import { STATUSES } from '../src/domain/status.ts';
import {
  type Block,
  badge,
  context,
  heading,
  type Line,
  list,
  paragraph,
  reply,
  strong,
  table,
} from '../src/reply/document.ts';

type Deps = Pick<Services, 'teams' | 'people' | 'cycles' | 'digest' | 'tracking'>;

export const digestCommand = defineCommand<Deps>({
  name: 'digest',
  summary:
    "A department's digest for this week: changes, notes, blocked items, overdue key results, missing reports",
  usage: 'digest [department]',
  examples: ['digest technology', 'digest'],
  async run({ text }, ctx, deps) {
    const scope = await scopeOf(text, ctx, deps);
    if ('reply' in scope) return scope.reply;
    const blocks: Block[] = [];
    for (const department of scope.departments)
      blocks.push(...(await departmentDigest(department, ctx, deps)));
    return reply(...(blocks.length ? blocks : [paragraph('There are no departments yet.')]));
  },
});

async function departmentDigest(
  department: Department,
  ctx: CommandContext,
  deps: Deps,
): Promise<Block[]> {
  const zone = department.timeZone;
  const from = startOfWeekIn(ctx.now, zone);
  const quarter = await deps.cycles.find(cycleAt(ctx.now, ctx.fiscal, zone));
  const month = dayIn(ctx.now, zone).slice(0, 7);
  const [facts, tracked] = await Promise.all([
    deps.digest.facts({
      departmentId: department.id,
      cycleId: quarter?.id ?? null,
      from,
      to: ctx.now,
      month,
    }),
    deps.tracking.items({ departmentIds: [department.id] }, ctx.now),
  ]);
  const blocks: Block[] = [
    heading(`${department.name} — weekly digest, week of ${dayIn(from, zone)}`),
    context(`${quarter?.label ?? 'no goals this quarter'} · as of ${dayIn(ctx.now, zone)}`),
  ];

  const total = facts.counts.reduce((sum, row) => sum + row.count, 0);
  if (total > 0) {
    const order = [...STATUSES, null];
    const rows = [...facts.counts].sort(
      (a, b) => order.indexOf(a.status) - order.indexOf(b.status),
    );
    blocks.push(
      paragraph(strong(`Goals by status (${total})`)),
      table(
        ['Status', 'Goals'],
        rows.map((row) => [badge(row.status), String(row.count)]),
      ),
    );
  }

  blocks.push(paragraph(strong(`Status changes this week (${facts.changes.length})`)));
  blocks.push(
    facts.changes.length
      ? list(
          facts.changes.map((c) => ({
            content: [
              `${dayIn(c.at, zone)} `,
              c.teamName ? `${c.teamName} · ` : '',
              `${c.ref} ${short(c.title)}: `,
              badge(c.status),
              ` by ${c.personName ?? `(${c.source})`}${c.note ? ` — ${c.note}` : ''}`,
            ] as Line,
          })),
        )
      : paragraph('None.'),
  );

  blocks.push(paragraph(strong(`New notes (${facts.notes.length})`)));
  blocks.push(
    facts.notes.length
      ? list(
          facts.notes.map((n) => ({
            content: [
              `${dayIn(n.at, zone)} ${n.teamName}: ${n.text}${n.personName ? ` (${n.personName})` : ''}`,
            ],
          })),
        )
      : paragraph('None.'),
  );

  blocks.push(paragraph(strong(`Blocked and stalled (${facts.blocked.length})`)));
  blocks.push(
    facts.blocked.length
      ? list(
          facts.blocked.map((b) => ({
            content: [
              badge(b.status),
              ` ${b.ref} ${short(b.title)} (${b.teamName})${b.dependsOn.length ? ` — depends on ${b.dependsOn.join(', ')}` : ''}`,
            ],
          })),
        )
      : paragraph('None.'),
  );

  const overdue = tracked.keyResults.flatMap((kr) =>
    assess(kr, ctx.now)
      .filter((f) => f.kind === 'overdue')
      .map((f) => findingItem(kr, f, zone)),
  );
  blocks.push(
    paragraph(strong(`Overdue key results (${overdue.length})`)),
    overdue.length ? list(overdue) : paragraph('None.'),
  );

  const monthName = new Date(`${month}-01T00:00:00Z`).toLocaleString('en', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  blocks.push(
    paragraph(strong(`Teams without a report for ${monthName} (${facts.notReported.length})`)),
  );
  blocks.push(
    paragraph(facts.notReported.length ? facts.notReported.join(', ') : 'Every team has reported.'),
  );
  return blocks;
}

function short(title: string): string {
  return title.length > 70 ? `${title.slice(0, 69)}…` : title;
}
