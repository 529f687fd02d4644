import { dayIn } from '../domain/fiscal-calendar.ts';
import type { Finding } from '../domain/overdue.ts';
import { badge, type Line, type ListItem } from '../reply/document.ts';
import { formatNumber } from '../reply/format.ts';
import type { TrackedGoal, TrackedKeyResult } from '../store/tracking.ts';

/** One line per finding about a goal or key result, shared by `overdue` and the digest. */
export function findingItem(
  item: TrackedGoal | TrackedKeyResult,
  finding: Finding,
  zone: string,
): ListItem {
  const name =
    item.kind === 'goal'
      ? `${item.ref} ${item.title} (${item.teamName})`
      : `${item.ref} ${item.text}`;
  const short = name.length > 90 ? `${name.slice(0, 89)}…` : name;
  const content: Line = [badge(item.status), ` ${short} — `];
  if (finding.kind === 'overdue') {
    const unit = item.kind === 'key-result' && item.unit ? ` ${item.unit}` : '';
    const what = finding.milestone
      ? `milestone "${finding.milestone}" due ${dayIn(new Date(finding.dueAt.getTime() - 1), zone)}`
      : `due ${dayIn(new Date(finding.dueAt.getTime() - 1), zone)}`;
    const measure =
      finding.target === null
        ? ' not Done'
        : `: target ${formatNumber(finding.target)}${unit}, latest ${finding.latest === null ? 'none recorded' : `${formatNumber(finding.latest)}${unit}`}`;
    content.push(`${what}${measure}`);
  } else {
    content.push(finding.days === null ? 'no update yet' : `no update for ${finding.days} days`);
  }
  if (item.kind === 'key-result' && item.managerName)
    content.push(` · KR manager ${item.managerName}`);
  if (finding.snoozed && item.snoozedUntil) {
    // Snoozes last to the end of a day: name that day, not the midnight after it.
    content.push(
      ` · snoozed to the end of ${dayIn(new Date(item.snoozedUntil.getTime() - 1), zone)}`,
    );
  }
  return { content };
}
