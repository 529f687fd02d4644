import { z } from 'zod';
import { defineConfigSection } from '../runtime/config-section.ts';
import { httpUrl, optionalText } from '../runtime/env-fields.ts';

// The wiki's variables. WIKI_API_URL turns publishing on; the bot password (Special:BotPasswords:
// user `Name@app`, and its password) logs okrbot in; a title pattern names each department's
// quarter page.

export interface WikiConfig {
  /** The Action API: `https://www.mediawiki.org/w/api.php`. */
  readonly api: string;
  readonly user: string;
  readonly password: string;
  /** The title pattern of a department's page, by department slug, else `default`. */
  readonly titles: Readonly<Record<string, string>> & { readonly default: string };
  /** Departments whose page is published after each weekly digest (`*`: all). */
  readonly afterDigest: readonly string[];
}

export const DEFAULT_TITLE = '{department}/Goals/{year} Q{quarter}';
const PLACEHOLDERS = ['{department}', '{slug}', '{cycle}', '{year}', '{quarter}'] as const;

/** A page title pattern's problem, if it has one. */
function patternProblem(pattern: string): string | undefined {
  if (/[#<>[\]|{}]/.test(pattern.replace(/\{(?:department|slug|cycle|year|quarter)\}/g, '')))
    return `"${pattern}" has a character page titles cannot have (# < > [ ] | { }) outside the placeholders ${PLACEHOLDERS.join(' ')}`;
  if (
    !pattern.includes('{cycle}') &&
    !(pattern.includes('{year}') && pattern.includes('{quarter}'))
  )
    return `"${pattern}" must name the quarter: {cycle}, or {year} and {quarter}`;
  return undefined;
}

const titlePattern = optionalText.refine((value) => value === undefined || !patternProblem(value), {
  message: `expected a page title pattern such as "${DEFAULT_TITLE}" (placeholders ${PLACEHOLDERS.join(' ')})`,
});

const titlesByDepartment = optionalText.transform((value, ctx) => {
  const titles: Record<string, string> = {};
  for (const entry of (value ?? '')
    .split(';')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const at = entry.indexOf('=');
    const slug = entry.slice(0, at).trim();
    const pattern = entry.slice(at + 1).trim();
    const problem = at < 1 ? `"${entry}" is not slug=pattern` : patternProblem(pattern);
    if (problem) {
      ctx.addIssue({
        code: 'custom',
        message: `expected department=pattern entries separated by ";" such as "technology=Wikimedia Technology/Goals/{year} Q{quarter}": ${problem}`,
      });
      return z.NEVER;
    }
    titles[slug] = pattern;
  }
  return titles;
});

export const wikiConfig = defineConfigSection({
  fields: {
    WIKI_API_URL: httpUrl(
      "expected the address of the wiki's api.php, e.g. https://www.mediawiki.org/w/api.php",
    ),
    WIKI_USER: optionalText.refine((value) => value === undefined || value.includes('@'), {
      message: 'expected a bot password user name: the account, @, the bot name (Okrbot@okrbot)',
    }),
    WIKI_PASSWORD: optionalText,
    WIKI_PAGE_TITLE: titlePattern,
    WIKI_PAGE_TITLES: titlesByDepartment,
    WIKI_PUBLISH_AFTER_DIGEST: optionalText.transform((value) =>
      (value ?? '')
        .split(',')
        .map((slug) => slug.trim().toLowerCase())
        .filter(Boolean),
    ),
  },

  problems(env) {
    const set = (name: string) => Boolean(env[name]?.trim());
    if (!set('WIKI_API_URL'))
      return [
        'WIKI_USER',
        'WIKI_PASSWORD',
        'WIKI_PAGE_TITLE',
        'WIKI_PAGE_TITLES',
        'WIKI_PUBLISH_AFTER_DIGEST',
      ]
        .filter(set)
        .map((name) => `${name}: is set but WIKI_API_URL is not; publishing needs the wiki's API`);
    return ['WIKI_USER', 'WIKI_PASSWORD']
      .filter((name) => !set(name))
      .map(
        (name) => `${name}: is required with WIKI_API_URL (a bot password, Special:BotPasswords)`,
      );
  },

  read(values): WikiConfig | undefined {
    if (!values.WIKI_API_URL || !values.WIKI_USER || !values.WIKI_PASSWORD) return undefined;
    return Object.freeze({
      api: values.WIKI_API_URL,
      user: values.WIKI_USER,
      password: values.WIKI_PASSWORD,
      titles: Object.freeze({
        ...values.WIKI_PAGE_TITLES,
        default: values.WIKI_PAGE_TITLE ?? DEFAULT_TITLE,
      }),
      afterDigest: Object.freeze(values.WIKI_PUBLISH_AFTER_DIGEST),
    });
  },

  describe: (config) => ({
    api: config.api,
    user: config.user,
    titles: config.titles,
    afterDigest: config.afterDigest.length ? config.afterDigest : '(never)',
  }),
});

/** A department's page title for a quarter. */
export function pageTitle(
  config: Pick<WikiConfig, 'titles'>,
  department: { slug: string; name: string },
  cycle: { label: string; fiscalYear: number; quarter: number },
): string {
  const year = `${cycle.fiscalYear}-${String((cycle.fiscalYear + 1) % 100).padStart(2, '0')}`;
  return (config.titles[department.slug] ?? config.titles.default)
    .replaceAll('{department}', department.name)
    .replaceAll('{slug}', department.slug)
    .replaceAll('{cycle}', cycle.label)
    .replaceAll('{year}', year)
    .replaceAll('{quarter}', String(cycle.quarter));
}

/** Whether a department's page is published after its weekly digest. */
export function publishesAfterDigest(config: WikiConfig | undefined, slug: string): boolean {
  return (
    config !== undefined && (config.afterDigest.includes('*') || config.afterDigest.includes(slug))
  );
}
