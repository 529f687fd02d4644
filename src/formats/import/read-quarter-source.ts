import { extname } from 'node:path';
import { quarterDocumentSchema } from '../quarter/quarter-document.ts';
import {
  formatPath,
  parseQuarterFile,
  type QuarterFile,
  QuarterFileError,
  validateQuarterFile,
} from './quarter-file.ts';
import { quarterFileFromDocument } from './quarter-from-document.ts';
import { looksLikeWikitext, readWikitextQuarter } from './wikitext-quarter.ts';

// `okrbot import` takes the YAML quarter files people write, the wiki pages and JSON files
// `okrbot export` writes: told apart by extension, else by content.

const WIKITEXT = new Set(['.wiki', '.wikitext', '.mediawiki', '.mw']);

export type QuarterSourceFormat = 'yaml' | 'wikitext' | 'json';

export function sourceFormat(file: string, source: string): QuarterSourceFormat {
  const extension = extname(file).toLowerCase();
  if (WIKITEXT.has(extension)) return 'wikitext';
  if (extension === '.json') return 'json';
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  if (looksLikeWikitext(source)) return 'wikitext';
  if (/^\s*\{/.test(source)) return 'json';
  return 'yaml';
}

/** Reads a quarter file in any format okrbot knows; every problem reported with its place. */
export function parseQuarterSource(source: string, file: string): QuarterFile {
  switch (sourceFormat(file, source)) {
    case 'wikitext':
      return parseWikitext(source, file);
    case 'json':
      return parseJson(source, file);
    case 'yaml':
      return parseQuarterFile(source, file);
  }
}

function parseWikitext(source: string, file: string): QuarterFile {
  const page = readWikitextQuarter(source);
  if (page.problems.length) throw new QuarterFileError(file, page.problems.slice(0, 50));
  return validateQuarterFile(page.file, file, (path) => {
    // The deepest item on the path that came from a line of the page.
    for (let length = path.length; length > 0; length--) {
      const line = page.lines.get(formatPath(path.slice(0, length)));
      if (line !== undefined) return `line ${line}`;
    }
    return undefined;
  });
}

function parseJson(source: string, file: string): QuarterFile {
  let data: unknown;
  try {
    data = JSON.parse(source);
  } catch (error) {
    throw new QuarterFileError(file, [`not valid JSON (${(error as Error).message})`]);
  }
  const parsed = quarterDocumentSchema.safeParse(data);
  if (!parsed.success)
    throw new QuarterFileError(
      file,
      parsed.error.issues.slice(0, 50).map((i) => `${formatPath(i.path)}: ${i.message}`),
    );
  return validateQuarterFile(quarterFileFromDocument(parsed.data), file);
}
