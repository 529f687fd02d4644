import type { Services } from '../../core/command.ts';
import type { DataVersion } from '../../db/data-version.ts';
import {
  type Cycle,
  cycleAt,
  dayIn,
  type FiscalSettings,
  formatCycle,
  parseCycle,
  previousDay,
  previousMonth,
} from '../../domain/fiscal-calendar.ts';
import { parseRef } from '../../domain/refs.ts';
import { suggest } from '../../domain/text.ts';
import { cycleFromSlug, cycleSlug, paths } from '../../features/dashboard-paths.ts';
import { teamQuarter } from '../../features/lookups.ts';
import {
  EXPORT_FORMATS,
  exportFileName,
  formatOfExtension,
  renderExport,
} from '../../formats/export/export-quarter.ts';
import { loadQuarter, resolveQuarter } from '../../formats/quarter/load-quarter.ts';
import type { HttpServer } from '../../runtime/http-server.ts';
import type { DepartmentCycleRow } from '../../store/quarter.ts';
import { chartPng } from '../charts/chart-png.ts';
import { type KeyResultChart, renderKeyResultChart } from '../charts/kr-chart.ts';
import { trusted } from '../html.ts';
import { renderContext } from './components.ts';
import { createPageCache, type RenderedPage } from './page-cache.ts';
import {
  departmentPage,
  indexPage,
  keyResultPage,
  notFoundPage,
  participationPage,
  quarterPage,
  teamPage,
  yearPage,
} from './pages.ts';
import { STYLESHEET } from './styles.ts';

// The read-only dashboard: department quarter pages like the goals pages, team pages, key
// results with their charts, and the exports as downloads. One prefix route on the shared HTTP
// server; the paths below it are matched here (src/dashboard/urls.ts builds them).

export interface DashboardDeps {
  services: Pick<
    Services,
    'teams' | 'cycles' | 'quarter' | 'people' | 'keyResults' | 'goals' | 'teamAnswers'
  >;
  clock: () => Date;
  fiscal: FiscalSettings;
  taskUrl: string;
  /** Moves when the data changes: rendered pages are kept until it does (see page-cache.ts). */
  version: DataVersion;
}

/** Where a page is written: recorded, then sent and kept (see registerDashboard). */
interface PageOut {
  writeHead(status: number, headers: Record<string, string>): void;
  end(body?: string | Buffer): void;
}

// No scripts anywhere, styles only from our own stylesheet: even a markup bug cannot run code.
const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

function send(
  response: PageOut,
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = HTML_HEADERS,
): void {
  response.writeHead(status, {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'cache-control': 'no-cache',
    ...headers,
  });
  response.end(body);
}

function redirect(response: PageOut, location: string): void {
  response.writeHead(302, { location, 'cache-control': 'no-cache' });
  response.end();
}

/** Renders a page into a record of what it wrote. */
async function renderInto(segments: string[], deps: DashboardDeps): Promise<RenderedPage> {
  const page: RenderedPage = { status: 500, headers: {}, body: '' };
  await route(
    segments,
    {
      writeHead(status, headers) {
        page.status = status;
        page.headers = headers;
      },
      end(body) {
        page.body = body ?? '';
      },
    },
    deps,
  );
  return page;
}

/** `http` applies the access rules (web/access.ts: readersOnly) to the routes registered here. */
export function registerDashboard(http: Pick<HttpServer, 'route'>, deps: DashboardDeps): void {
  const pages = createPageCache(deps.version);
  // `/` is both the index (exact) and the prefix every other dashboard path falls under.
  http.route(['GET', 'HEAD'], '/', async (_request, response, url) => {
    let segments: string[];
    try {
      segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      return send(response, 400, notFoundPage('That address is not valid.', []));
    }
    // No name has a NUL (Postgres refuses one in text): such an address names nothing, and it
    // must not reach the database.
    if (segments.some((segment) => segment.includes('\0')))
      return send(response, 404, notFoundPage('There is no such page.', []));
    // Pages are of their clock's day and age: one kept from another minute is not this one.
    const minute = deps.clock().toISOString().slice(0, 16);
    const page = await pages.page(`${minute} ${url.pathname}`, () => renderInto(segments, deps));
    response.writeHead(page.status, page.headers);
    response.end(page.body);
  });
}

async function route(segments: string[], response: PageOut, deps: DashboardDeps) {
  const [first, second, third, ...rest] = segments;
  if (first === undefined) return showIndex(response, deps);
  if (first === 'assets' && second === 'okrbot.css' && third === undefined)
    return send(response, 200, STYLESHEET, {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': 'public, max-age=3600',
    });
  if (rest.length === 0) {
    if (first === 'participation' && second !== undefined && third === undefined)
      return showParticipation(second, response, deps);
    if (first === 'teams' && second !== undefined) return showTeam(second, third, response, deps);
    if (first === 'kr' && second !== undefined && third !== undefined)
      return showKeyResult(second, third, response, deps);
    if (third === undefined) return showDepartment(first, second, response, deps);
  }
  return send(
    response,
    404,
    notFoundPage(`There is no page at /${segments.join('/')}.`, [
      { label: 'All departments and teams', href: paths.index() },
    ]),
  );
}

/** The quarter to feature for a department: the current one when it has goals, else the latest. */
export function featuredQuarter(
  cycles: readonly DepartmentCycleRow[],
  today: string,
): DepartmentCycleRow | undefined {
  const withGoals = cycles.filter((c) => c.quarter !== null && c.goals > 0);
  return withGoals.find((c) => c.startsOn <= today) ?? withGoals.at(-1);
}

async function showIndex(response: PageOut, deps: DashboardDeps) {
  const { teams, quarter } = deps.services;
  const departments = await teams.departments();
  const listed = await Promise.all(
    departments.map(async (department) => {
      const cycles = await quarter.cyclesOf(department.id);
      const current = featuredQuarter(cycles, dayIn(deps.clock(), department.timeZone))?.label;
      return { ...department, cycles, ...(current && { current }) };
    }),
  );
  send(response, 200, indexPage(listed, await teams.list()));
}

async function findDepartmentOr404(name: string, response: PageOut, deps: DashboardDeps) {
  const department = await deps.services.teams.findDepartment(name);
  if (department) return department;
  const all = await deps.services.teams.departments();
  const close = suggest(
    name,
    all.map((d) => d.slug),
    3,
  );
  send(
    response,
    404,
    notFoundPage(
      `No department "${name}".`,
      (close.length ? all.filter((d) => close.includes(d.slug)) : all).map((d) => ({
        label: d.name,
        href: paths.department(d.slug),
      })),
    ),
  );
  return undefined;
}

/** How many months the participation page shows, the current one last. */
const PARTICIPATION_MONTHS = 6;

async function showParticipation(name: string, response: PageOut, deps: DashboardDeps) {
  const department = await findDepartmentOr404(name, response, deps);
  if (!department) return;
  if (name !== department.slug) return redirect(response, paths.participation(department.slug));
  const months = [dayIn(deps.clock(), department.timeZone).slice(0, 7)];
  while (months.length < PARTICIPATION_MONTHS) months.unshift(previousMonth(months[0] as string));
  const rows = await deps.services.teamAnswers.participation(department.id, months);
  send(response, 200, participationPage(department, months, rows, department.timeZone));
}

async function showDepartment(
  name: string,
  cycleSegment: string | undefined,
  response: PageOut,
  deps: DashboardDeps,
) {
  const department = await findDepartmentOr404(name, response, deps);
  if (!department) return;
  const cycles = await deps.services.quarter.cyclesOf(department.id);
  if (cycleSegment === undefined) {
    if (name !== department.slug) return redirect(response, paths.department(department.slug));
    return send(response, 200, departmentPage(department, cycles));
  }
  const dot = cycleSegment.lastIndexOf('.');
  const format = dot > 0 ? formatOfExtension(cycleSegment.slice(dot + 1)) : undefined;
  const cycle = cycleFromSlug(format ? cycleSegment.slice(0, dot) : cycleSegment);
  if (!cycle) {
    return send(
      response,
      404,
      notFoundPage(
        `"${cycleSegment}" is not a quarter or fiscal year (they look like FY2019-20-Q1 or FY2020-21).`,
        cycles.map((c) => ({ label: c.label, href: paths.cycle(department.slug, c.label) })),
      ),
    );
  }
  const label = formatCycle(cycle, deps.fiscal);
  const canonical = format
    ? paths.download(department.slug, label, EXPORT_FORMATS[format].extension)
    : paths.cycle(department.slug, label);
  if (
    name !== department.slug ||
    (format ? cycleSegment.slice(0, dot) : cycleSegment) !== cycleSlug(label)
  )
    return redirect(response, canonical);
  if (
    !cycles.some(
      (c) =>
        c.label === label ||
        (cycle.quarter && c.label === formatCycle({ fiscalYear: cycle.fiscalYear }, deps.fiscal)),
    )
  ) {
    return send(
      response,
      404,
      notFoundPage(
        `${department.name} has no goals or objectives in ${label}.`,
        cycles.map((c) => ({ label: c.label, href: paths.cycle(department.slug, c.label) })),
      ),
    );
  }
  // A year's page shows its objectives as of its last quarter.
  const quarter: Required<Cycle> = { fiscalYear: cycle.fiscalYear, quarter: cycle.quarter ?? 4 };
  const snapshot = await loadQuarter(deps.services, {
    department,
    cycle: await resolveQuarter(deps.services.cycles, quarter, deps.fiscal),
    asOf: deps.clock(),
    fiscal: deps.fiscal,
  });
  if (format) {
    const body = renderExport(snapshot, format, { taskUrl: deps.taskUrl, fiscal: deps.fiscal });
    return send(response, 200, body, {
      'content-type': EXPORT_FORMATS[format].contentType,
      'content-disposition': `attachment; filename="${exportFileName(snapshot, format)}"`,
    });
  }
  const ctx = renderContext(snapshot, { taskUrl: deps.taskUrl, fiscal: deps.fiscal });
  send(
    response,
    200,
    cycle.quarter ? quarterPage(snapshot, ctx, cycles) : yearPage(snapshot, label, ctx, cycles),
  );
}

async function showTeam(
  name: string,
  cycleSegment: string | undefined,
  response: PageOut,
  deps: DashboardDeps,
) {
  const { teams, cycles, goals } = deps.services;
  const team = await teams.find(name);
  if (!team) {
    const all = await teams.list();
    const close = suggest(
      name,
      all.flatMap((t) => [t.slug, t.name]),
      6,
    );
    return send(
      response,
      404,
      notFoundPage(
        `No team "${name}".`,
        all
          .filter((t) => close.includes(t.slug) || close.includes(t.name))
          .map((t) => ({ label: t.name, href: paths.team(t.slug) })),
      ),
    );
  }
  const now = deps.clock();
  let cycle: Cycle | undefined;
  if (cycleSegment !== undefined) {
    cycle = cycleFromSlug(cycleSegment);
    if (!cycle?.quarter)
      return send(
        response,
        404,
        notFoundPage(`"${cycleSegment}" is not a quarter (they look like FY2019-20-Q1).`, [
          { label: `${team.name}, latest quarter`, href: paths.team(team.slug) },
        ]),
      );
  }
  const label = cycle
    ? formatCycle(cycle, deps.fiscal)
    : (await teamQuarter(team, { now, fiscal: deps.fiscal }, { cycles, goals }))?.cycleLabel;
  if (
    label &&
    (name !== team.slug || (cycleSegment !== undefined && cycleSegment !== cycleSlug(label)))
  )
    return redirect(
      response,
      paths.team(team.slug, cycleSegment === undefined ? undefined : label),
    );
  const quarter = (label && parseCycle(label)) || cycleAt(now, deps.fiscal, team.timeZone);
  const [snapshot, parent, subTeams, withGoals] = await Promise.all([
    loadQuarter(deps.services, {
      department: {
        id: team.departmentId,
        slug: team.departmentSlug,
        name: team.departmentName,
        timeZone: team.timeZone,
      },
      cycle: await resolveQuarter(
        cycles,
        { fiscalYear: quarter.fiscalYear, quarter: quarter.quarter ?? 1 },
        deps.fiscal,
      ),
      asOf: now,
      fiscal: deps.fiscal,
      teamIds: [team.id],
    }),
    team.parentId === null ? undefined : teams.byId(team.parentId),
    teams.subTeams(team.id),
    cycles.withGoals(team.id),
  ]);
  const ctx = renderContext(
    snapshot,
    { taskUrl: deps.taskUrl, fiscal: deps.fiscal, history: true },
    await teams.list(),
  );
  send(
    response,
    200,
    teamPage(
      snapshot,
      ctx,
      { slug: team.slug, name: team.name, ...(parent && { parent }) },
      subTeams,
      withGoals,
    ),
  );
}

async function showKeyResult(
  cycleSegment: string,
  refSegment: string,
  response: PageOut,
  deps: DashboardDeps,
) {
  const extension = /\.(svg|png)$/.exec(refSegment)?.[1] as 'svg' | 'png' | undefined;
  const ref = parseRef(extension ? refSegment.slice(0, -4) : refSegment);
  const cycle = cycleFromSlug(cycleSegment);
  if (!cycle || ref?.kind !== 'key-result')
    return send(
      response,
      404,
      notFoundPage(
        `"${cycleSegment}/${refSegment}" names no key result; addresses look like /kr/FY2020-21/TCB-KR2.`,
        [],
      ),
    );
  const { quarter, keyResults, goals } = deps.services;
  const label = formatCycle(cycle, deps.fiscal);
  const refText = `${ref.objectiveCode}-${ref.code}`;
  let kr = await quarter.keyResult(label, ref.objectiveCode, ref.code);
  // Goals link their key result from their quarter; the key result may be the year's.
  if (!kr && cycle.quarter) {
    const year = formatCycle({ fiscalYear: cycle.fiscalYear }, deps.fiscal);
    kr = await quarter.keyResult(year, ref.objectiveCode, ref.code);
  }
  if (!kr) {
    const others = await keyResults.withCode(ref.code, '9999-12-31');
    return send(
      response,
      404,
      notFoundPage(
        `No key result ${refText} in ${label}.`,
        others
          .filter((o) => o.objectiveCode === ref.objectiveCode)
          .map((o) => ({
            label: `${refText} (${o.cycleLabel})`,
            href: paths.keyResult(o.cycleLabel, refText),
          })),
      ),
    );
  }
  const canonical = extension
    ? paths.chart(kr.cycleLabel, refText, extension)
    : paths.keyResult(kr.cycleLabel, refText);
  if (cycleSegment !== cycleSlug(kr.cycleLabel) || refSegment !== canonical.split('/').at(-1))
    return redirect(response, canonical);
  const now = deps.clock();
  const [milestones, values, history, linked] = await Promise.all([
    keyResults.milestones(kr.id),
    keyResults.values(kr.id, now),
    extension ? Promise.resolve([]) : keyResults.history(kr.id, now),
    extension ? Promise.resolve([]) : goals.forKeyResult(kr.id, now),
  ]);
  const chart: KeyResultChart = {
    ref: refText,
    unit: kr.unit,
    baseline: kr.baseline,
    target: kr.target,
    due: kr.dueOn,
    from: kr.cycleStartsOn,
    to: previousDay(kr.cycleEndsBefore),
    values: values.map((v) => ({ on: dayIn(v.at, kr.timeZone), value: v.value })),
    milestones: milestones.map((m) => ({ due: m.dueOn, target: m.target, text: m.text })),
  };
  const svg = renderKeyResultChart(chart);
  if (extension === 'svg')
    return send(response, 200, svg, {
      'content-type': 'image/svg+xml; charset=utf-8',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    });
  if (extension === 'png')
    return send(response, 200, await chartPng(svg), { 'content-type': 'image/png' });
  send(
    response,
    200,
    keyResultPage({
      kr,
      milestones,
      values,
      history,
      goals: linked,
      chart: trusted(svg),
      asOf: now,
    }),
  );
}
