import type { FiscalSettings } from '../../domain/fiscal-calendar.ts';
import { formatStatus, STATUSES, type Status } from '../../domain/status.ts';
import { slugify } from '../../domain/text.ts';
import { paths } from '../../features/dashboard-paths.ts';
import { NOTE_HEADINGS, teamDepths } from '../../formats/export/wikitext.ts';
import {
  goalGroups,
  krFigure,
  longDate,
  quarterCells,
  quarterColumns,
  reportDate,
} from '../../formats/quarter/layout.ts';
import type {
  CycleNoteKind,
  GoalSnapshot,
  QuarterNote,
  QuarterObjective,
  QuarterReport,
  QuarterSnapshot,
  TeamSnapshot,
} from '../../formats/quarter/quarter-document.ts';
import { formatNumber, plural } from '../../reply/format.ts';
import { type Html, type HtmlPart, html, joinHtml } from '../html.ts';

// The pieces the pages are made of, in the goals pages' layout: status badges, goals with task
// links and notes, "Dependencies on" lines, the dated monthly notes, key-result tables.

export interface RenderContext {
  taskUrl: string;
  fiscal: FiscalSettings;
  /** The quarter's label (links to team pages and key results of that quarter). */
  cycleLabel: string;
  /** A team's slug by any name it goes by, to link "Dependencies on" labels. */
  teamSlugs: ReadonlyMap<string, string>;
  /** Show each goal's dated status history (the team page). */
  history?: boolean;
}

export function renderContext(
  snapshot: QuarterSnapshot,
  options: { taskUrl: string; fiscal: FiscalSettings; history?: boolean },
  extraTeams: readonly { slug: string; name: string; aliases?: readonly string[] }[] = [],
): RenderContext {
  const teamSlugs = new Map<string, string>();
  for (const team of [...extraTeams, ...snapshot.teams])
    for (const key of [team.slug, slugify(team.name), ...(team.aliases ?? [])])
      teamSlugs.set(key, team.slug);
  return { ...options, cycleLabel: snapshot.cycle.label, teamSlugs };
}

export function badge(status: Status | null): Html {
  return html`<span class="badge s-${status ?? 'none'}">${status ? formatStatus(status) : 'No status'}</span>`;
}

export function taskLink(taskUrl: string, taskId: string): Html {
  return html`<a class="task" href="${taskUrl}${taskId}">${taskId}</a>`;
}

/** `9 goals: [In progress] 4 · [Done] 3` */
export function statusSummary(goals: readonly { status: Status | null }[]): Html {
  const counts = new Map<Status | null, number>();
  for (const goal of goals) counts.set(goal.status, (counts.get(goal.status) ?? 0) + 1);
  const parts = [...STATUSES, null]
    .filter((status) => counts.has(status))
    .map((status) => html`${badge(status)} ${counts.get(status)}`);
  return html`<span class="summary">${plural(goals.length, 'goal')}${parts.length ? ': ' : ''}${joinHtml(parts, ' · ')}</span>`;
}

function dependencyLine(labels: readonly string[], ctx: RenderContext): Html {
  const links = labels.map((label) => {
    const slug = ctx.teamSlugs.get(slugify(label));
    return slug ? html`<a href="${paths.team(slug, ctx.cycleLabel)}">${label}</a>` : label;
  });
  return html`<div class="deps">Dependencies on: ${joinHtml(links)}</div>`;
}

function goalItem(goal: GoalSnapshot, ctx: RenderContext, depsShown: boolean): Html {
  const earlier = goal.history.slice(0, -1);
  return html`<li id="g${goal.id}">${badge(goal.status)} ${goal.stretch ? html`<span class="tag">stretch</span> ` : ''}${goal.multi_quarter ? html`<span class="tag">multi-quarter</span> ` : ''}<span class="title">${goal.title}</span>${goal.tasks.map((task) => html` ${taskLink(ctx.taskUrl, task)}`)}${goal.key_result ? html` <a class="kr" href="${paths.keyResult(ctx.cycleLabel, goal.key_result)}">${goal.key_result}</a>` : ''}${goal.status_on ? html` <span class="meta">· since ${goal.status_on}${goal.status_by ? ` by ${goal.status_by}` : ''}</span>` : ''}${goal.removal ? html` <span class="tag removal">removed from the wiki page${goal.removal.by ? ` by ${goal.removal.by}` : ''} on ${goal.removal.on}, waiting for an admin to confirm</span>` : ''}
${goal.note ? html`<div class="note">${goal.note}</div>` : ''}${!depsShown && goal.depends_on.length ? dependencyLine(goal.depends_on, ctx) : ''}${ctx.history && earlier.length ? historyTable(goal.history) : ''}${goal.items.length ? html`<ul>${goal.items.map((item) => goalItem(item, ctx, false))}</ul>` : ''}</li>
`;
}

function historyTable(history: GoalSnapshot['history']): Html {
  return html`<details class="history"><summary>History (${plural(history.length, 'status', 'statuses')})</summary>
<div class="table-wrap"><table><thead><tr><th>Date</th><th>Status</th><th>Note</th></tr></thead><tbody>
${history.map((entry) => html`<tr><td>${entry.on}</td><td>${badge(entry.status)}</td><td>${entry.note ?? ''}</td></tr>`)}
</tbody></table></div></details>`;
}

/** A team's part of a quarter page: manager line, goals by heading, monthly notes. */
export function teamSection(team: TeamSnapshot, depth: number, ctx: RenderContext): Html {
  const heading = depth === 0 ? 'h2' : 'h3';
  const people: HtmlPart[] = [];
  if (team.managers.length)
    people.push(
      html`Team manager${team.managers.length > 1 ? 's' : ''}: ${joinHtml(team.managers)}`,
    );
  if (team.delegates.length) people.push(html`Delegates: ${joinHtml(team.delegates)}`);
  const groups = goalGroups(team.goals);
  return html`<section class="team" id="team-${team.slug}">
${html`<${heading}><a href="${paths.team(team.slug, ctx.cycleLabel)}">${team.name}</a></${heading}>`}
${people.length ? html`<p class="people">${joinHtml(people, ' · ')}</p>` : ''}
${team.goals.length ? html`<p class="sub">${statusSummary(team.goals)}</p>` : html`<p class="muted">No goals this quarter.</p>`}
${groups.map(
  (group) => html`${group.label !== null ? html`<h4 class="group">${group.label}</h4>` : ''}
<ul class="goals">
${group.goals.map((goal) => goalItem(goal, ctx, group.shared.length > 0))}</ul>
${group.shared.length ? dependencyLine(group.shared, ctx) : ''}`,
)}
${team.reports.length ? reportsBlock(team) : ''}
</section>
`;
}

function reportsBlock(team: TeamSnapshot): Html {
  return html`<details class="reports" open><summary>Monthly status</summary>
<ul class="reports">
${team.reports.map(
  (
    report,
  ) => html`<li><time datetime="${report.on ?? report.month}">${reportDate(report)}</time>${report.status ? html` ${badge(report.status)}` : ''}${noteTree(report.notes)}</li>
`,
)}</ul></details>`;
}

/** Notes as nested lists: each note under the shallower one before it. */
function noteTree(notes: QuarterReport['notes'], level = 0): Html {
  const items: Html[] = [];
  for (let i = 0; i < notes.length; i++) {
    const note = notes[i] as QuarterReport['notes'][number];
    if (note.level < level) break;
    if (note.level > level) continue;
    let end = i + 1;
    while (end < notes.length && (notes[end] as { level: number }).level > level) end++;
    items.push(html`<li>${note.text}${noteTree(notes.slice(i + 1, end), level + 1)}</li>`);
  }
  return items.length ? html`<ul>${items}</ul>` : html``;
}

/** Dated notes (work delivered, wins, challenges, themes) under a heading per kind. */
export function notesBlock(notes: readonly QuarterNote[]): Html {
  return html`${(Object.keys(NOTE_HEADINGS) as CycleNoteKind[]).map((kind) => {
    const ofKind = notes.filter((note) => note.kind === kind);
    return ofKind.length
      ? html`<h4 class="group">${NOTE_HEADINGS[kind]}</h4><ul class="notes">${ofKind.map((note) => html`<li>${note.text}${note.on ? html` <span class="meta">· ${longDate(note.on)}</span>` : ''}</li>`)}</ul>`
      : '';
  })}`;
}

/** Every team section of a quarter, sub-teams one level down. */
export function teamSections(snapshot: QuarterSnapshot, ctx: RenderContext): Html {
  const depths = teamDepths(snapshot.teams);
  return html`${snapshot.teams.map((team) => teamSection(team, depths.get(team.slug) ?? 0, ctx))}`;
}

/** An objective with its key results: baseline, target and the value (or status) per quarter. */
export function objectiveSection(objective: QuarterObjective, ctx: RenderContext): Html {
  const quarters = quarterColumns(objective.cycle, ctx.fiscal);
  const facts: HtmlPart[] = [];
  if (objective.manager) facts.push(html`Objective manager: ${objective.manager}`);
  if (objective.budget_fte !== null || objective.actual_fte !== null)
    facts.push(
      html`Full-time equivalents: budget ${objective.budget_fte === null ? '?' : formatNumber(objective.budget_fte)}, actual ${objective.actual_fte === null ? '?' : formatNumber(objective.actual_fte)}`,
    );
  if (objective.target_cycle)
    facts.push(html`Target quarter for completion: ${objective.target_cycle}`);
  return html`<section class="objective" id="objective-${objective.code}">
<h3>${objective.program ? `${objective.program} - ` : ''}${objective.title} <span class="muted">(${objective.kind === 'outcome' ? 'outcome, ' : ''}${objective.code}, ${objective.cycle})</span></h3>
${facts.length ? html`<p class="people">${joinHtml(facts, ' · ')}</p>` : ''}
${objective.deliverables.length ? html`<p class="people">Key deliverables: ${joinHtml(objective.deliverables)}</p>` : ''}
${objective.description ? html`<p>${objective.description}</p>` : ''}
${
  objective.key_results.length
    ? html`<div class="table-wrap"><table class="key-results">
<thead><tr><th>KR</th><th>Key result</th><th>Manager</th><th>Baseline</th><th>Target</th>${quarters.map((q) => html`<th>${q}</th>`)}</tr></thead>
<tbody>
${objective.key_results.map(
  (
    kr,
  ) => html`<tr id="kr-${kr.ref}"><td><a href="${paths.keyResult(objective.cycle, kr.ref)}">${kr.ref}</a></td><td>${kr.text}</td><td>${kr.manager ?? ''}</td><td class="num">${krFigure(kr.baseline, kr.baseline_text, kr.unit, formatNumber)}</td><td class="num">${krFigure(kr.target, kr.target_text, kr.unit, formatNumber)}</td>${quarterCells(kr, objective.cycle, ctx.fiscal).map((cell) => html`<td class="num">${cell.text !== null ? cell.text : cell.value !== null ? formatNumber(cell.value) : cell.status ? badge(cell.status) : ''}</td>`)}</tr>
`,
)}</tbody></table></div>`
    : html`<p class="muted">No key results.</p>`
}
${objective.tables.map(
  (table) =>
    html`<div class="table-wrap"><table>${table.caption !== null ? html`<caption>${table.caption}</caption>` : ''}<thead><tr>${table.columns.map((c) => html`<th>${c}</th>`)}</tr></thead><tbody>${table.rows.map((row) => html`<tr>${row.map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody></table></div>`,
)}
${notesBlock(objective.notes)}
</section>
`;
}
