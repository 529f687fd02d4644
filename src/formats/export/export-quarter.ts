import { type QuarterDocument, quarterDocumentSchema } from '../quarter/quarter-document.ts';
import { renderCsv } from './csv.ts';
import type { ExportOptions } from './export-options.ts';
import { renderMarkdown } from './markdown.ts';
import { renderWikitext } from './wikitext.ts';

// The export formats, shared by `okrbot export` and the dashboard's download links.

export const EXPORT_FORMATS = {
  wikitext: { extension: 'wiki', contentType: 'text/plain; charset=utf-8' },
  markdown: { extension: 'md', contentType: 'text/markdown; charset=utf-8' },
  csv: { extension: 'csv', contentType: 'text/csv; charset=utf-8; header=present' },
  json: { extension: 'json', contentType: 'application/json; charset=utf-8' },
} as const;

export type ExportFormat = keyof typeof EXPORT_FORMATS;

export function isExportFormat(value: string): value is ExportFormat {
  return Object.hasOwn(EXPORT_FORMATS, value);
}

/** The format whose file extension this is (`wiki` → wikitext). */
export function formatOfExtension(extension: string): ExportFormat | undefined {
  return (Object.keys(EXPORT_FORMATS) as ExportFormat[]).find(
    (format) => EXPORT_FORMATS[format].extension === extension,
  );
}

/** The JSON export: the documented structure only (database ids and other extras dropped). */
export function quarterJson(doc: QuarterDocument): string {
  return `${JSON.stringify(quarterDocumentSchema.parse(doc), null, 2)}\n`;
}

export function renderExport(
  doc: QuarterDocument,
  format: ExportFormat,
  options: ExportOptions,
): string {
  switch (format) {
    case 'wikitext':
      return renderWikitext(doc, options);
    case 'markdown':
      return renderMarkdown(doc, options);
    case 'csv':
      return renderCsv(doc);
    case 'json':
      return quarterJson(doc);
  }
}

/** `technology-fy2019-20-q1.wiki`: the name a download or `--output` default gets. */
export function exportFileName(doc: QuarterDocument, format: ExportFormat): string {
  const cycle = doc.cycle.label.toLowerCase().replace(/\s+/g, '-');
  return `${doc.department.slug}-${cycle}.${EXPORT_FORMATS[format].extension}`;
}
