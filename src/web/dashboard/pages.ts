import { dayIn, monthName } from '../../domain/fiscal-calendar.ts';
import { paths } from '../../features/dashboard-paths.ts';
import { EXPORT_FORMATS, type ExportFormat } from '../../formats/export/export-quarter.ts';
import { NOTES_HEADING } from '../../formats/export/wikitext.ts';
import { longDate, monthRange } from '../../formats/quarter/layout.ts';
import type { QuarterSnapshot } from '../../formats/quarter/quarter-document.ts';
import { formatNumber, plural } from '../../reply/format.ts';
import type { GoalRow } from '../../store/goals.ts';
import type { MetricValueRow, MilestoneRow } from '../../store/key-results.ts';
import type { DepartmentCycleRow, KeyResultPageRow } from '../../store/quarter.ts';
import type { StatusEntryRow } from '../../store/status-history.ts';
import type { Participation } from '../../store/team-answers.ts';
import { type Html, html, joinHtml } from '../html.ts';
import {
  badge,
  notesBlock,
  objectiveSection,
  type RenderContext,
  statusSummary,
  teamSections,
} from './components.ts';
import { renderPage } from './layout.ts';

type Department = { slug: string; name: string };

const FORMAT_NAMES: Record<ExportFormat, string> = {
  wikitext: 'Wikitext',
  markdown: 'Markdown',
  csv: 'CSV',
  json: 'JSON',
};

function cycleLinks(department: string, cycles: readonly DepartmentCycleRow[]): Html {
  return html`<ul>${cycles.map(
    (cycle) =>
      html`<li><a href="${paths.cycle(department, cycle.label)}">${cycle.label}</a> <span class="muted">${[cycle.goals ? plural(cycle.goals, 'goal') : '', cycle.objectives ? plural(cycle.objectives, 'objective') : ''].filter(Boolean).join(', ')}</span></li>`,
  )}</ul>`;
}

export function indexPage(
  departments: readonly (Department & { cycles: DepartmentCycleRow[]; current?: string })[],
  teams: readonly { slug: string; name: string }[],
): string {
  const body = departments.length
    ? html`${departments.map(
        (
          department,
        ) => html`<section><h2><a href="${paths.department(department.slug)}">${department.name}</a></h2>
${department.current ? html`<p>Latest quarter with goals: <a class="current" href="${paths.cycle(department.slug, department.current)}">${department.name} — ${department.current}</a></p>` : ''}
${cycleLinks(department.slug, department.cycles)}</section>`,
      )}
<h2>Teams</h2>
<ul class="toc">${teams.map((team) => html`<li><a href="${paths.team(team.slug)}">${team.name}</a></li>`)}</ul>`
    : html`<p>No departments yet. Load a quarter with <code>okrbot import FILE</code>.</p>`;
  return renderPage({ title: 'Goals and key results', body });
}

export function departmentPage(
  department: Department,
  cycles: readonly DepartmentCycleRow[],
): string {
  return renderPage({
    title: department.name,
    crumbs: [{ label: department.name }],
    body: html`${
      cycles.length
        ? html`<h2>Quarters and years</h2>${cycleLinks(department.slug, cycles)}`
        : html`<p>${department.name} has no goals or objectives yet.</p>`
    }<p><a href="${paths.participation(department.slug)}">Participation</a>: which teams answered each month.</p>`,
  });
}

/**
 * Which teams answered each month, when, how and after how many reminders, and the
 * department's response rate. By team only: a team that did not answer names nobody.
 */
export function participationPage(
  department: Department,
  months: readonly string[],
  rows: readonly Participation[],
  zone: string,
): string {
  const teams = [...new Set(rows.map((r) => r.teamName))];
  const cell = (team: string, month: string) => {
    const row = rows.find((r) => r.teamName === team && r.month === month);
    if (!row?.answer) return html`<td class="muted">${row?.prompted ? 'no answer' : '—'}</td>`;
    const { answer } = row;
    return html`<td>✓ ${dayIn(answer.at, zone)}${answer.source ? ` · ${answer.source}` : ''}${answer.personName ? ` · ${answer.personName}` : ''}${row.reminders ? ` · after ${plural(row.reminders, 'reminder')}` : ''}</td>`;
  };
  const rate = (month: string) => {
    const asked = rows.filter((r) => r.month === month && (r.prompted || r.answer));
    const answered = asked.filter((r) => r.answer).length;
    return asked.length
      ? `${answered} of ${asked.length} (${Math.round((answered / asked.length) * 100)}%)`
      : '—';
  };
  return renderPage({
    title: `${department.name} — participation`,
    crumbs: [
      { label: department.name, href: paths.department(department.slug) },
      { label: 'Participation' },
    ],
    body: teams.length
      ? html`<table class="participation"><thead><tr><th>Team</th>${months.map((m) => html`<th>${monthName(m)}</th>`)}</tr></thead>
<tbody>${teams.map((team) => html`<tr><th scope="row">${team}</th>${months.map((m) => cell(team, m))}</tr>`)}
<tr class="rate"><th scope="row">Response rate</th>${months.map((m) => html`<td>${rate(m)}</td>`)}</tr></tbody></table>`
      : html`<p>${department.name} has no teams yet.</p>`,
  });
}

export function quarterPage(
  snapshot: QuarterSnapshot,
  ctx: RenderContext,
  cycles: readonly DepartmentCycleRow[],
): string {
  const { department, cycle } = snapshot;
  const zone = department.timezone;
  const quarters = cycles.filter((c) => c.quarter !== null);
  const at = quarters.findIndex((c) => c.label === cycle.label);
  const newer = at > 0 ? quarters[at - 1] : undefined;
  const older = at >= 0 ? quarters[at + 1] : quarters.find((c) => c.startsOn < cycle.starts_on);
  const goals = snapshot.teams.flatMap((team) => team.goals);
  const sub = html`<p class="sub">${monthRange(cycle.starts_on, cycle.ends_on)} · as of ${longDate(dayIn(new Date(snapshot.as_of), zone))} · ${plural(snapshot.teams.length, 'team')} · ${statusSummary(goals)}</p>
<p class="sub downloads">Download: ${(Object.keys(EXPORT_FORMATS) as ExportFormat[]).map((format) => html`<a href="${paths.download(department.slug, cycle.label, EXPORT_FORMATS[format].extension)}" download>${FORMAT_NAMES[format]}</a>`)}</p>
<p class="sub">${older ? html`<a rel="prev" href="${paths.cycle(department.slug, older.label)}">← ${older.label}</a> ` : ''}${newer ? html`<a rel="next" href="${paths.cycle(department.slug, newer.label)}">${newer.label} →</a>` : ''}</p>`;
  const body = html`${
    snapshot.teams.length
      ? html`<nav aria-label="teams"><ul class="toc">${snapshot.teams.map((team) => html`<li><a href="#team-${team.slug}">${team.name}</a> <span class="muted">${plural(team.goals.length, 'goal')}</span></li>`)}</ul></nav>`
      : html`<p class="muted">No team goals recorded for ${cycle.label}.</p>`
  }
${snapshot.objectives.length ? html`<h2 id="objectives">Objectives and key results</h2>${snapshot.objectives.map((o) => objectiveSection(o, ctx))}` : ''}
${snapshot.notes.length ? html`<h2 id="notes">${NOTES_HEADING}</h2>${notesBlock(snapshot.notes)}` : ''}
${teamSections(snapshot, ctx)}`;
  return renderPage({
    title: `${department.name} — ${cycle.label}`,
    crumbs: [
      { label: department.name, href: paths.department(department.slug) },
      { label: cycle.label },
    ],
    sub,
    body,
  });
}

export function yearPage(
  snapshot: QuarterSnapshot,
  yearLabel: string,
  ctx: RenderContext,
  cycles: readonly DepartmentCycleRow[],
): string {
  const { department } = snapshot;
  const objectives = snapshot.objectives.filter((o) => o.cycle === yearLabel);
  const quarters = cycles.filter((c) => c.quarter !== null && c.label.startsWith(`${yearLabel} `));
  return renderPage({
    title: `${department.name} — ${yearLabel}`,
    crumbs: [
      { label: department.name, href: paths.department(department.slug) },
      { label: yearLabel },
    ],
    sub: html`<p class="sub">as of ${longDate(dayIn(new Date(snapshot.as_of), department.timezone))}</p>`,
    body: html`${quarters.length ? html`<h2>Quarters</h2>${cycleLinks(department.slug, quarters)}` : ''}
<h2>Objectives and key results</h2>
${objectives.length ? objectives.map((o) => objectiveSection(o, ctx)) : html`<p class="muted">No objectives for ${yearLabel}.</p>`}`,
  });
}

export function teamPage(
  snapshot: QuarterSnapshot,
  ctx: RenderContext,
  team: { slug: string; name: string; parent?: { slug: string; name: string } },
  subTeams: readonly { slug: string; name: string }[],
  cycles: readonly { label: string }[],
): string {
  const { department, cycle } = snapshot;
  const section = snapshot.teams.length
    ? teamSections(snapshot, ctx)
    : html`<p class="muted">${team.name} has no goals or monthly notes in ${cycle.label}.</p>`;
  return renderPage({
    title: `${team.name} — ${cycle.label}`,
    crumbs: [
      { label: department.name, href: paths.department(department.slug) },
      {
        label: cycle.label,
        href: `${paths.cycle(department.slug, cycle.label)}#team-${team.slug}`,
      },
      { label: team.name },
    ],
    sub: html`<p class="sub">${monthRange(cycle.starts_on, cycle.ends_on)} · as of ${longDate(dayIn(new Date(snapshot.as_of), department.timezone))}${team.parent ? html` · part of <a href="${paths.team(team.parent.slug, cycle.label)}">${team.parent.name}</a>` : ''}${subTeams.length ? html` · sub-teams: ${joinHtml(subTeams.map((t) => html`<a href="${paths.team(t.slug, cycle.label)}">${t.name}</a>`))}` : ''}</p>
${
  cycles.length > 1
    ? html`<p class="sub">Quarters: ${joinHtml(
        cycles.map((c) =>
          c.label === cycle.label
            ? html`<strong>${c.label}</strong>`
            : html`<a href="${paths.team(team.slug, c.label)}">${c.label}</a>`,
        ),
        ' · ',
      )}</p>`
    : ''
}`,
    body: section,
  });
}

export interface KeyResultPageData {
  kr: KeyResultPageRow;
  milestones: MilestoneRow[];
  values: MetricValueRow[];
  history: StatusEntryRow[];
  goals: GoalRow[];
  chart: Html;
  asOf: Date;
}

export function keyResultPage(data: KeyResultPageData): string {
  const { kr } = data;
  const zone = kr.timeZone;
  const ref = `${kr.objectiveCode}-${kr.code}`;
  const unit = kr.unit ? ` ${kr.unit}` : '';
  const number = (value: number | null) => (value === null ? '—' : `${formatNumber(value)}${unit}`);
  const latest = data.values.at(-1);
  const status = data.history.at(-1);
  const body = html`<p>${kr.text}</p>
<div class="table-wrap"><table class="facts"><tbody>
<tr><th>Status</th><td>${badge(status?.status ?? null)}${status ? ` since ${dayIn(status.at, zone)}` : ''}</td></tr>
<tr><th>Baseline</th><td>${number(kr.baseline)}</td></tr>
<tr><th>Target</th><td>${number(kr.target)} (${kr.direction === 'up' ? 'higher is better' : 'lower is better'})</td></tr>
<tr><th>Latest value</th><td>${latest ? `${number(latest.value)} on ${dayIn(latest.at, zone)}` : 'none recorded'}</td></tr>
<tr><th>Due</th><td>${kr.dueOn ?? '—'}</td></tr>
<tr><th>Key result manager</th><td>${kr.manager ?? '—'}</td></tr>
<tr><th>Objective</th><td>${kr.program ? `${kr.program} - ` : ''}${kr.objectiveTitle}${kr.objectiveManager ? ` (objective manager: ${kr.objectiveManager})` : ''}</td></tr>
</tbody></table></div>
<figure class="chart">${data.chart}<figcaption class="muted">Values over time against baseline and target. <a href="${paths.chart(kr.cycleLabel, ref, 'png')}">PNG</a> · <a href="${paths.chart(kr.cycleLabel, ref, 'svg')}">SVG</a></figcaption></figure>
${data.milestones.length ? html`<h2>Milestones</h2><div class="table-wrap"><table><thead><tr><th>Due</th><th>Target</th><th>What</th></tr></thead><tbody>${data.milestones.map((m) => html`<tr><td>${m.dueOn}</td><td class="num">${m.target === null ? '' : number(m.target)}</td><td>${m.text ?? ''}</td></tr>`)}</tbody></table></div>` : ''}
<h2>Values</h2>
${data.values.length ? html`<div class="table-wrap"><table class="values"><thead><tr><th>Date</th><th>Value</th><th>By</th><th>Note</th></tr></thead><tbody>${data.values.map((v) => html`<tr><td>${dayIn(v.at, zone)}</td><td class="num">${number(v.value)}</td><td>${v.personName ?? `(${v.source})`}</td><td>${v.note ?? ''}</td></tr>`)}</tbody></table></div>` : html`<p class="muted">No values recorded yet.</p>`}
<h2>Status history</h2>
${data.history.length ? html`<div class="table-wrap"><table class="history"><thead><tr><th>Date</th><th>Status</th><th>By</th><th>Note</th></tr></thead><tbody>${data.history.map((h) => html`<tr><td>${dayIn(h.at, zone)}</td><td>${badge(h.status)}</td><td>${h.personName ?? `(${h.source})`}</td><td>${h.note ?? ''}</td></tr>`)}</tbody></table></div>` : html`<p class="muted">No status recorded yet.</p>`}
${data.goals.length ? html`<h2>Goals serving it</h2><ul class="goals">${data.goals.map((g) => html`<li>${badge(g.status)} <a href="${paths.goal(g.teamSlug, g.cycleLabel, g.id)}">${g.title}</a> <span class="muted">(${g.teamName}, ${g.cycleLabel})</span></li>`)}</ul>` : ''}`;
  return renderPage({
    title: `${ref} — ${kr.objectiveTitle}`,
    crumbs: [
      { label: kr.departmentName, href: paths.department(kr.departmentSlug) },
      { label: kr.cycleLabel, href: paths.cycle(kr.departmentSlug, kr.cycleLabel) },
      { label: ref },
    ],
    sub: html`<p class="sub">${kr.cycleLabel} · as of ${longDate(dayIn(data.asOf, zone))}</p>`,
    body,
  });
}

/** A 404 that says what was not found and where to go instead. */
export function notFoundPage(
  message: string,
  suggestions: readonly { label: string; href: string }[],
): string {
  return renderPage({
    title: 'Not found',
    body: html`<p>${message}</p>
${suggestions.length ? html`<p>Perhaps:</p><ul>${suggestions.map((s) => html`<li><a href="${s.href}">${s.label}</a></li>`)}</ul>` : ''}
<p><a href="${paths.index()}">All departments and teams</a></p>`,
  });
}
