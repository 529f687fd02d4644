import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config/load-config.ts';
import { validateQuarterFile } from '../../src/formats/import/quarter-file.ts';
import { readWikitextQuarter } from '../../src/formats/import/wikitext-quarter.ts';
import { diffPages } from '../../src/formats/wiki/page-edits.ts';
import { readPage } from '../../src/formats/wiki/page-text.ts';
import { pageTitle } from '../../src/wiki/wiki-config.ts';

const header =
  '<!-- okrbot:quarter {"department":"technology","name":"Technology","timezone":"UTC","cycle":"FY2019-20 Q1"} -->\n';

// A page as people write it: no okrbot comments but the header, the templates and markers of
// the foundation's pages, their task links and their headings.
const peoples = `${header}<!-- Reviewed for the Q1 close -->
Technology goals for the quarter.

== Analytics ==
'''Team Manager:''' Nuria Ruiz

Make easier to understand the history of all Wikimedia projects
* Release Mediawiki History in JSON/CSV or mysql dump format task T208612 {{Partially done}} work should be continued in Q2
* Yes Done - Support Parsing Team with performance insights <!-- asked by Gilles -->
* {{Yes}} Audit use of CSS image-embedding T121730
* Sunset MySQL data store for eventlogging [[phab:T159170]] In progress In progress this quarter and next.
* (Stretch): MobileContentService is now In progress In progress
* {{Done}} Schema Repository CI {{phabricator|T2345}}
'''Dependencies on:''' none

=== Key results ===

'''Monthly status'''
* July 23, 2019 - {{In progress}}
** Work started.
*** The API comes next quarter.
* September 10, 2019 - {{In progress}}
** Release Mediawiki History in JSON/CSV data is public.
* September 2019 - {{To do}}

== Site Reliability Engineering ==
Directors: Mark Bergsma and Faidon Liambotis

{{Done}} - Database automation (continuation)
* Dependencies on: Release Engineering
`;

describe('a goals page as people write it', () => {
  const page = readWikitextQuarter(peoples);
  const file = validateQuarterFile(page.file, 'page.wiki');

  it('reads every line: templates before or after the title, markers as text, all task links', () => {
    expect(page.problems).toEqual([]);
    const [analytics, sre] = file.teams ?? [];
    expect(analytics?.managers).toEqual(['Nuria Ruiz']);
    expect(
      analytics?.goals?.map((g) => [
        g.title,
        g.status,
        g.tasks ?? [],
        g.note ?? null,
        g.stretch ?? false,
      ]),
    ).toEqual([
      [
        'Release Mediawiki History in JSON/CSV or mysql dump format',
        'partially_done',
        ['T208612'],
        'work should be continued in Q2',
        false,
      ],
      ['Support Parsing Team with performance insights', 'done', [], null, false],
      ['Audit use of CSS image-embedding', 'done', ['T121730'], null, false],
      [
        'Sunset MySQL data store for eventlogging',
        'in_progress',
        ['T159170'],
        'this quarter and next.',
        false,
      ],
      ['MobileContentService', 'in_progress', [], null, true],
      ['Schema Repository CI', 'done', ['T2345'], null, false],
    ]);
    expect(
      analytics?.goals?.every(
        (g) => g.group === 'Make easier to understand the history of all Wikimedia projects',
      ),
    ).toBe(true);
    expect(analytics?.goals?.every((g) => g.depends_on?.length === 0)).toBe(true);
    expect(sre?.managers).toEqual(['Mark Bergsma', 'Faidon Liambotis']);
    expect(sre?.goals?.[0]).toMatchObject({
      title: 'Database automation (continuation)',
      status: 'done',
      depends_on: ['Release Engineering'],
    });
  });

  it('keeps several dated reports of a month and nested notes', () => {
    expect(file.teams?.[0]?.reports).toEqual([
      {
        month: '2019-07',
        on: '2019-07-23',
        status: 'in_progress',
        notes: [
          { text: 'Work started.', level: 0 },
          { text: 'The API comes next quarter.', level: 1 },
        ],
      },
      {
        month: '2019-09',
        on: '2019-09-10',
        status: 'in_progress',
        notes: [{ text: 'Release Mediawiki History in JSON/CSV data is public.', level: 0 }],
      },
      { month: '2019-09', status: 'to_do', notes: [] },
    ]);
  });

  it("dates each status from the page's own notes, not the quarter's first day", () => {
    const days = file.teams?.[0]?.goals?.map((g) => g.status_on);
    // The goal a note names takes that note's day; the others the team's latest report.
    expect(days).toEqual([
      '2019-09-10',
      '2019-09-10',
      '2019-09-10',
      '2019-09-10',
      '2019-09-10',
      '2019-09-10',
    ]);
  });

  it('keeps the lines that carry no data where people put them', () => {
    expect(page.extras).toEqual([
      { anchor: 'intro', text: '<!-- Reviewed for the Q1 close -->' },
      { anchor: 'team:analytics/goal:T2345', text: '=== Key results ===' },
    ]);
  });
});

describe('what changed on a page', () => {
  it('names a rename, a reorder, a status, a removal and a manager replaced', () => {
    const before = readPage(
      `${header}== A ==\n<!-- okrbot:team {"slug":"a"} -->\nTeam Manager: Ann\n\n* {{To do}} One <!-- okrbot:goal {"key":"one"} -->\n* {{To do}} Two <!-- okrbot:goal {"key":"two"} -->\n\n== B ==\n<!-- okrbot:team {"slug":"b"} -->\n\n* {{Done}} Three <!-- okrbot:goal {"key":"three"} -->\n`,
      'before',
    );
    const after = readPage(
      `${header}== Bee ==\n<!-- okrbot:team {"slug":"b"} -->\n\n* {{Done}} Three <!-- okrbot:goal {"key":"three"} -->\n\n== A ==\n<!-- okrbot:team {"slug":"a"} -->\nTeam Manager: Bob\n\n* {{Blocked}} One <!-- okrbot:goal {"key":"one"} -->\n`,
      'after',
    );
    expect(diffPages(before, after).map((e) => e.kind)).toEqual([
      'teams-reordered',
      'team-renamed',
      'managers',
      'status',
      'goal-removed',
    ]);
  });
});

describe('the wiki settings', () => {
  const base = {
    WIKI_API_URL: 'https://wiki.example/w/api.php',
    WIKI_USER: 'Okrbot@okrbot',
    WIKI_PASSWORD: 'secret',
  };

  it('names a department page from its pattern', () => {
    const config = loadConfig({
      ...base,
      WIKI_PAGE_TITLES: 'technical-engagement=TE/Goals/{cycle}',
    });
    const cycle = { label: 'FY2019-20 Q1', fiscalYear: 2019, quarter: 1 };
    expect(pageTitle(config.wiki as never, { slug: 'technology', name: 'Technology' }, cycle)).toBe(
      'Technology/Goals/2019-20 Q1',
    );
    expect(
      pageTitle(
        config.wiki as never,
        { slug: 'technical-engagement', name: 'Technical Engagement' },
        cycle,
      ),
    ).toBe('TE/Goals/FY2019-20 Q1');
  });

  it('reports every bad wiki variable at once', () => {
    expect(() =>
      loadConfig({
        WIKI_API_URL: 'not a url',
        WIKI_USER: 'okrbot',
        WIKI_PAGE_TITLE: 'Goals [x]',
        WIKI_PAGE_TITLES: 'nonsense',
      }),
    ).toThrow(
      /WIKI_API_URL[\s\S]*WIKI_USER[\s\S]*WIKI_PAGE_TITLE[\s\S]*WIKI_PAGE_TITLES[\s\S]*WIKI_PASSWORD: is required/,
    );
    expect(() => loadConfig({ WIKI_USER: 'Okrbot@okrbot' })).toThrow(
      /WIKI_USER: is set but WIKI_API_URL is not/,
    );
  });
});
