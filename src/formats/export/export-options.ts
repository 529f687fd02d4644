import type { FiscalSettings } from '../../domain/fiscal-calendar.ts';

/** What the text exports need besides the quarter itself. */
export interface ExportOptions {
  /** Task ids link to this address with the id appended. */
  taskUrl: string;
  /** For the quarters of a fiscal year (key-result columns). */
  fiscal: FiscalSettings;
}
