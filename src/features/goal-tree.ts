import { goalRef } from '../domain/refs.ts';
import { badge, type ListItem } from '../reply/document.ts';
import type { GoalRow } from '../store/goals.ts';

export interface GoalNode {
  goal: GoalRow;
  children: GoalNode[];
}

/** Goals in page order as trees of sub-items. */
export function goalTree(goals: readonly GoalRow[]): GoalNode[] {
  const nodes = new Map(goals.map((goal) => [goal.id, { goal, children: [] as GoalNode[] }]));
  const roots: GoalNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.goal.parentId === null ? undefined : nodes.get(node.goal.parentId);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

/** Top-level goals grouped under their page headings, keeping the order of first appearance. */
export function groupByHeading(
  nodes: readonly GoalNode[],
): { heading: string | null; nodes: GoalNode[] }[] {
  const groups: { heading: string | null; nodes: GoalNode[] }[] = [];
  for (const node of nodes) {
    const heading = node.goal.groupLabel;
    const last = groups.at(-1);
    if (last && last.heading === heading) last.nodes.push(node);
    else groups.push({ heading, nodes: [node] });
  }
  return groups;
}

/**
 * Goals numbered in the order shown, sub-items included, so that "3 done" in a reply means the
 * third line of the list the person was shown.
 */
export function numberGoals(goals: readonly GoalRow[]): { numbered: GoalRow[]; items: ListItem[] } {
  const numbered: GoalRow[] = [];
  const toItems = (nodes: GoalNode[]): ListItem[] =>
    nodes.map(({ goal, children }) => {
      numbered.push(goal);
      const number = numbered.length;
      return {
        content: [`${number}. `, badge(goal.status), ` ${goal.title} · ${goalRef(goal)}`],
        children: toItems(children),
      };
    });
  const items = toItems(goalTree(goals));
  return { numbered, items };
}
