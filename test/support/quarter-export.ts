import { parseCycle } from '../../src/domain/fiscal-calendar.ts';
import { type ExportFormat, renderExport } from '../../src/formats/export/export-quarter.ts';
import { loadQuarter, resolveQuarter } from '../../src/formats/quarter/load-quarter.ts';
import type { Store } from '../../src/store/store.ts';

export const fiscal = { startMonth: 7 };
export const exportOptions = { taskUrl: 'https://phabricator.wikimedia.org/', fiscal };

/** A department's quarter as an export, as `okrbot export` and the downloads make it. */
export async function exportQuarter(
  store: Store,
  department: string,
  cycleLabel: string,
  format: ExportFormat,
  asOf = new Date('2019-10-15T12:00:00Z'),
): Promise<string> {
  const found = await store.teams.findDepartment(department);
  if (!found) throw new Error(`no department ${department}`);
  const cycle = parseCycle(cycleLabel) as { fiscalYear: number; quarter: 1 };
  const snapshot = await loadQuarter(store, {
    department: found,
    cycle: await resolveQuarter(store.cycles, cycle, fiscal),
    asOf,
    fiscal,
  });
  return renderExport(snapshot, format, exportOptions);
}
