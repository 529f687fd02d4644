import { type Cycle, parseCycle } from '../domain/fiscal-calendar.ts';

// The dashboard's addresses, in one place: pages build links with them, the router reads them
// back, and chat answers link to them when OKRBOT_PUBLIC_URL is set.

/** `FY2019-20 Q1` → `FY2019-20-Q1`: a cycle label as a path segment. */
export function cycleSlug(label: string): string {
  return label.trim().replace(/\s+/g, '-');
}

/** Reads a cycle path segment (`FY2019-20-Q1`, `fy2019-20-q1`, `FY2020-21`). */
export function cycleFromSlug(segment: string): Cycle | undefined {
  return parseCycle(segment.replace(/[-_ ]?(q[1-4])$/i, ' $1'));
}

const segment = (text: string) => encodeURIComponent(text);

export const paths = {
  index: () => '/',
  department: (department: string) => `/${segment(department)}`,
  cycle: (department: string, cycleLabel: string) =>
    `/${segment(department)}/${segment(cycleSlug(cycleLabel))}`,
  download: (department: string, cycleLabel: string, extension: string) =>
    `${paths.cycle(department, cycleLabel)}.${extension}`,
  team: (team: string, cycleLabel?: string) =>
    `/teams/${segment(team)}${cycleLabel ? `/${segment(cycleSlug(cycleLabel))}` : ''}`,
  goal: (team: string, cycleLabel: string, goalId: number) =>
    `${paths.team(team, cycleLabel)}#g${goalId}`,
  keyResult: (cycleLabel: string, ref: string) =>
    `/kr/${segment(cycleSlug(cycleLabel))}/${segment(ref)}`,
  chart: (cycleLabel: string, ref: string, extension: 'svg' | 'png') =>
    `${paths.keyResult(cycleLabel, ref)}.${extension}`,
  participation: (department: string) => `/participation/${segment(department)}`,
  stylesheet: () => '/assets/okrbot.css',
};

/** A dashboard path as an address people open, under the configured public URL. */
export function publicLink(publicUrl: string, path: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${path}`;
}
