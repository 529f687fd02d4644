import type { CommandContext, Services } from '../core/command.ts';
import { cycleAt, dayIn, digestPeriod } from '../domain/fiscal-calendar.ts';
import { assess } from '../domain/overdue.ts';
import { STATUSES } from '../domain/status.ts';
import {
  type Block,
  badge,
  commandCode,
  context,
  heading,
  type Inline,
  type Line,
  link,
  list,
  paragraph,
  strong,
  table,
} from '../reply/document.ts';
import { paths, publicLink } from './dashboard-paths.ts';
import { findingItem } from './findings.ts';
import type { Department } from './lookups.ts';

/** What a department's digest reads. */
export type DigestDeps = Pick<Services, 'teams' | 'cycles' | 'digest' | 'tracking' | 'nudges'>;

/**
 * A department's digest as of `ctx.now`: by default this week so far (the `digest` command); the
 * scheduled digest passes the week before its due instant.
 */
export async function departmentDigest(
  department: Department,
  ctx: Pick<CommandContext, 'now' | 'fiscal' | 'rules' | 'publicUrl'>,
  deps: DigestDeps,
  period: { from: Date; month: string } = digestPeriod(ctx.now, department.timeZone),
): Promise<Block[]> {
  const zone = department.timeZone;
  const quarter = await deps.cycles.find(cycleAt(ctx.now, ctx.fiscal, zone));
  const [facts, tracked, escalated] = await Promise.all([
    deps.digest.facts({
      departmentId: department.id,
      cycleId: quarter?.id ?? null,
      to: ctx.now,
      ...period,
    }),
    deps.tracking.items({ departmentIds: [department.id], keyResultsOnly: true }, ctx.now),
    deps.nudges.escalations(department.id, new Date(ctx.now.getTime() - 7 * 86_400_000), ctx.now),
  ]);
  // With a public dashboard, each key result that changed or is overdue links its chart.
  const chart = (cycleLabel: string, ref: string): Inline[] =>
    ctx.publicUrl
      ? [' · ', link(publicLink(ctx.publicUrl, paths.chart(cycleLabel, ref, 'png')), 'chart')]
      : [];
  const blocks: Block[] = [
    heading(`${department.name} — weekly digest, week of ${dayIn(period.from, zone)}`),
    context(
      `${quarter?.label ?? 'no goals this quarter'} · as of ${dayIn(ctx.now, zone)}`,
      ...(ctx.publicUrl && quarter
        ? [
            ' · ',
            link(
              publicLink(ctx.publicUrl, paths.cycle(department.slug, quarter.label)),
              'dashboard',
            ),
          ]
        : []),
    ),
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

  blocks.push(
    ...section(
      'Status changes this week',
      facts.changes.map((c) => [
        `${dayIn(c.at, zone)} `,
        c.teamName ? `${c.teamName} · ` : '',
        `${c.ref} ${short(c.title)}: `,
        ...(c.previous === null
          ? []
          : c.previous === c.status
            ? ['still ']
            : [badge(c.previous), ' → ']),
        badge(c.status),
        ` by ${c.personName ?? `(${c.source})`}${c.note ? ` — ${c.note}` : ''}`,
        ...(c.keyResult ? chart(c.cycleLabel, c.ref) : []),
      ]),
    ),
    ...section(
      'New notes',
      facts.notes.map((n) => [
        `${dayIn(n.at, zone)} ${n.teamName}: ${n.text}${n.personName ? ` (${n.personName})` : ''}`,
      ]),
    ),
    ...section(
      'Blocked and stalled',
      facts.blocked.map((b) => [
        badge(b.status),
        ` ${b.ref} ${short(b.title)} (${b.teamName})${b.dependsOn.length ? ` — depends on ${b.dependsOn.join(', ')}` : ''}`,
      ]),
    ),
    ...section(
      'Overdue key results',
      tracked.keyResults.flatMap((kr) =>
        assess(kr, ctx.now, ctx.rules)
          .filter((f) => f.kind === 'overdue')
          .map((f) => [...findingItem(kr, f, zone).content, ...chart(kr.cycleLabel, kr.ref)]),
      ),
    ),
  );
  // Items whose owners let two rounds of nudges pass: named here, never @-mentioned.
  if (escalated.length)
    blocks.push(
      ...section(
        'Escalated: no answer to repeated nudges',
        escalated.map((e) => [`${e.ref} ${short(e.title)}${e.teamName ? ` (${e.teamName})` : ''}`]),
      ),
    );

  const monthName = new Date(`${period.month}-01T00:00:00Z`).toLocaleString('en', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  blocks.push(
    paragraph(strong(`Teams without a report for ${monthName} (${facts.notReported.length})`)),
  );
  blocks.push(
    paragraph(
      facts.notReported.length
        ? facts.notReported.join(', ')
        : total > 0
          ? 'Every team has reported.'
          : 'No team has goals this quarter.',
    ),
  );
  // Participation by team, never by person: how many of the teams asked have answered.
  if (facts.teamsAsked > 0) {
    const answered = facts.teamsAsked - facts.notReported.length;
    blocks.push(
      context(
        `Answered for ${monthName}: ${answered} of ${facts.teamsAsked} teams (${Math.round((answered / facts.teamsAsked) * 100)}%)`,
      ),
    );
  }
  return blocks;
}

/** Most items a digest section lists; a digest stays readable in a chat for any department size. */
const MAX_SECTION_ITEMS = 25;

function section(title: string, lines: Line[]): Block[] {
  const heading = paragraph(strong(`${title} (${lines.length})`));
  if (lines.length === 0) return [heading, paragraph('None.')];
  const shown = lines.slice(0, MAX_SECTION_ITEMS).map((content) => ({ content }));
  const more = lines.length - shown.length;
  if (more > 0)
    shown.push({
      content: [
        `… and ${more} more: ask for a team's digest with `,
        commandCode('status <team>'),
        ' or see the dashboard',
      ],
    });
  return [heading, list(shown)];
}

function short(title: string): string {
  return title.length > 70 ? `${title.slice(0, 69)}…` : title;
}
