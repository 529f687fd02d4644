import type { Services } from '../core/command.ts';
import type { Db } from '../db/database.ts';
import { cycleDays, type FiscalSettings, formatCycle } from '../domain/fiscal-calendar.ts';
import type { QuarterDepartment } from '../formats/quarter/load-quarter.ts';
import { decideRemoval } from '../formats/wiki/apply-page-edits.ts';
import type { RemovalRequest } from '../store/wiki-pages.ts';
import { createMediaWikiClient, type MediaWikiClient } from './mediawiki-client.ts';
import { type PageReport, reconcilePage, type WikiDeps, WikiPageError } from './publish-page.ts';
import { pageTitle, type WikiConfig } from './wiki-config.ts';

// The wiki as okrbot uses it: publish a department's quarter page, sync every page it has
// written, and the goals people removed from a page that wait for an admin. The command line and
// the scheduler (after a weekly digest) both go through here.

export interface WikiPublisherOptions {
  config: WikiConfig;
  db: Db;
  services: Pick<Services, 'quarter' | 'people' | 'wikiPages' | 'teams' | 'cycles'>;
  fiscal: FiscalSettings;
  taskUrl: string;
  clock: () => Date;
  /** Tests may pass a client of their own (one that pauses between read and write). */
  client?: MediaWikiClient;
}

export interface WikiPublisher {
  publish(
    department: QuarterDepartment,
    quarter: { fiscalYear: number; quarter: 1 | 2 | 3 | 4 },
    options?: { dryRun?: boolean },
  ): Promise<PageReport>;
  /** Every page okrbot has written, reconciled. */
  sync(options: { dryRun: boolean }): Promise<PageReport[]>;
  removals(): Promise<RemovalRequest[]>;
  /** An admin's decision on removals, by ref (`T123`, `G12`); refs that wait for none are returned. */
  decide(
    refs: readonly string[],
    decision: 'confirm' | 'keep',
  ): Promise<{ done: number; unknown: string[] }>;
  /** A team's name by slug, for reports. */
  teamName(slug: string): Promise<string>;
}

export function createWikiPublisher(options: WikiPublisherOptions): WikiPublisher {
  const { config, services, fiscal } = options;
  const client =
    options.client ??
    createMediaWikiClient({ api: config.api, user: config.user, password: config.password });
  const deps: WikiDeps = {
    db: options.db,
    quarter: services,
    pages: services.wikiPages,
    client,
    botAccount: config.user.split('@')[0] as string,
    fiscal,
    taskUrl: options.taskUrl,
    clock: options.clock,
  };

  async function cycleRow(fiscalYear: number, quarter: 1 | 2 | 3 | 4) {
    const row = await services.cycles.find({ fiscalYear, quarter });
    const label = formatCycle({ fiscalYear, quarter }, fiscal);
    if (!row) throw new WikiPageError(`nothing is filed under ${label} yet: no page to publish`);
    return {
      id: row.id,
      label,
      fiscalYear,
      quarter,
      ...cycleDays({ fiscalYear, quarter }, fiscal),
    };
  }

  return {
    async publish(department, quarter, publishOptions = {}) {
      const cycle = await cycleRow(quarter.fiscalYear, quarter.quarter);
      return reconcilePage(
        deps,
        { department, cycle, title: pageTitle(config, department, cycle) },
        { dryRun: publishOptions.dryRun ?? false },
      );
    },

    async sync({ dryRun }) {
      const departments = await services.teams.departments();
      const reports: PageReport[] = [];
      for (const page of await services.wikiPages.list()) {
        const department = departments.find((d) => d.id === page.departmentId);
        if (!department) continue;
        const cycle = await cycleRow(page.fiscalYear, page.quarter as 1 | 2 | 3 | 4);
        reports.push(
          await reconcilePage(deps, { department, cycle, title: page.title }, { dryRun }),
        );
      }
      return reports;
    },

    removals: () => services.wikiPages.removals(),

    async decide(refs, decision) {
      const waiting = await services.wikiPages.removals();
      const found = refs.map((ref) =>
        waiting.find((r) => r.ref.toUpperCase() === ref.toUpperCase()),
      );
      const ids = found.flatMap((r) => (r ? [r.goalId] : []));
      const done = await options.db.transaction((tx) => decideRemoval(tx, ids, decision, null));
      return { done, unknown: refs.filter((_, i) => !found[i]) };
    },

    async teamName(slug) {
      return (await services.teams.find(slug))?.name ?? slug;
    },
  };
}
