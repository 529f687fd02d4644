import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_FORMATS, type ExportFormat } from '../../src/formats/export/export-quarter.ts';
import { importDemo } from '../../src/formats/import/demo.ts';
import { importQuarter } from '../../src/formats/import/import-quarter.ts';
import { parseQuarterFile } from '../../src/formats/import/quarter-file.ts';
import { parseQuarterSource } from '../../src/formats/import/read-quarter-source.ts';
import { quarterDocumentSchema } from '../../src/formats/quarter/quarter-document.ts';
import { createStore, type Store } from '../../src/store/store.ts';
import { createTestDatabase, drivers, type TestDatabase } from '../support/databases.ts';
import { exportQuarter, fiscal } from '../support/quarter-export.ts';

// Golden files: `UPDATE_GOLDEN=1 npx vitest run test/store/export.test.ts` rewrites them; a
// reviewer then reads the diff.
const GOLDEN = new URL('../fixtures/exports/', import.meta.url);
const importOptions = { fiscal, defaultTimeZone: 'UTC' };

/** A fresh empty database with one source imported into it. */
async function importInto(
  driver: Parameters<typeof createTestDatabase>[0],
  source: string,
  name: string,
) {
  const database = await createTestDatabase(driver);
  const summary = await importQuarter(
    database.db,
    parseQuarterSource(source, name),
    name,
    importOptions,
  );
  return { database, store: createStore(database.db), summary };
}

describe.each(drivers())('quarter exports (%s)', (driver) => {
  let database: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    await importDemo(database.db, importOptions);
    store = createStore(database.db);
  });
  afterAll(() => database?.close());

  it.each(Object.keys(EXPORT_FORMATS) as ExportFormat[])(
    'writes the FY2019-20 Q1 Technology demo as its %s golden file',
    async (format) => {
      const text = await exportQuarter(store, 'technology', 'FY2019-20 Q1', format);
      const file = new URL(`technology-fy2019-20-q1.${EXPORT_FORMATS[format].extension}`, GOLDEN);
      if (process.env.UPDATE_GOLDEN) await writeFile(file, text);
      expect(text).toBe(await readFile(file, 'utf8'));
    },
  );

  it('lays the wikitext out like the goals page: teams, managers, templates, task links, notes', async () => {
    const wiki = await exportQuarter(store, 'technology', 'FY2019-20 Q1', 'wikitext');
    expect(wiki).toContain(
      '== Analytics ==\n<!-- okrbot:team {"slug":"analytics"} -->\nTeam Manager: Nuria Ruiz\n',
    );
    expect(wiki).toContain(
      '* {{Partially done}} Release Mediawiki History in JSON/CSV or mysql dump format (the best dataset to measure content and contributors) [https://phabricator.wikimedia.org/T208612 task T208612] — data is public;',
    );
    // Sub-teams sit one level below their parent, as on the page.
    expect(wiki).toMatch(/== Site Reliability Engineering ==[\s\S]*=== Service Operations ===/);
    expect(wiki).toContain('Team Managers: Faidon Liambotis, Mark Bergsma');
    expect(wiki).toContain('Dependencies on: Advancement team, Dlocal, Ingenico');
    expect(wiki).toContain(
      "'''Monthly status'''\n* July 23, 2019 - {{In progress}}\n** Kafka Connect",
    );
    expect(wiki).toContain('** {{To do}} [stretch] Remove HHVM from production');
    // The ops review's objectives and key results beside the teams' goals.
    expect(wiki).toContain('=== Content Integrity - Secure and protect the platform');
    expect(wiki).toContain('Full-time equivalents: budget 10.6, actual 8.4');
    expect(wiki).toMatch(
      /\| KR1 <!-- okrbot:kr [^\n]*\n\| 5% of analytics and production events migrated/,
    );
    expect(wiki).toContain('| 100% of production events and 5% of analytics events migrated');
    expect(wiki).toContain('== Wins, challenges and themes ==');
  });

  it('writes JSON that the documented schema reads exactly', async () => {
    const json = JSON.parse(
      await exportQuarter(store, 'technology', 'FY2020-21 Q2', 'json', new Date('2021-01-15')),
    );
    expect(quarterDocumentSchema.strict().safeParse(json).success).toBe(true);
    const tcb = json.objectives.find((o: { code: string }) => o.code === 'TCB');
    const kr2 = tcb.key_results.find((kr: { code: string }) => kr.code === 'KR2');
    expect(kr2).toMatchObject({
      ref: 'TCB-KR2',
      baseline: 1974,
      target: 2171,
      value: 2067,
      value_on: '2020-12-31',
    });
  });

  it.each([
    ['technology', 'FY2019-20 Q1'],
    ['technology', 'FY2020-21 Q2'],
    ['technical-engagement', 'FY2022-23 Q1'],
  ])(
    'round-trips %s %s: export, import into an empty database, export again',
    async (department, cycle) => {
      const wiki = await exportQuarter(store, department, cycle, 'wikitext');
      const json = await exportQuarter(store, department, cycle, 'json');
      for (const [source, name] of [
        [wiki, 'quarter.wiki'],
        [json, 'quarter.json'],
      ] as const) {
        const copy = await importInto(driver, source, name);
        try {
          expect(copy.summary.total('created')).toBeGreaterThan(0);
          expect(await exportQuarter(copy.store, department, cycle, 'wikitext')).toBe(wiki);
          expect(await exportQuarter(copy.store, department, cycle, 'json')).toBe(json);
        } finally {
          await copy.database.close();
        }
      }
    },
  );

  it('changes nothing when its own export is imported again', async () => {
    const wiki = await exportQuarter(store, 'technology', 'FY2019-20 Q1', 'wikitext');
    const summary = await importQuarter(
      database.db,
      parseQuarterSource(wiki, 'technology.wiki'),
      'technology.wiki',
      importOptions,
    );
    expect(summary.describe()).toMatch(/^0 created, 0 updated, \d+ unchanged$/);
  });
});

describe.each(drivers())('hostile text through an export and back (%s)', (driver) => {
  // Titles and notes people type end up on a wiki page: none of it may become markup, and all
  // of it must come back exactly.
  const hostile = [
    "<script>alert('x')</script> {{subst:Delete}} [[Category:Spam]] '''bold''' ~~~~ __NOTOC__",
    '| table || cell |} {| class=x',
    'Monthly status',
    'Dependencies on: nobody',
    '[stretch] not really — with a dash — and more',
    '* starts like a list\nand a second line',
    '= heading = &amp; &#91; &lt;b&gt;',
    'Ünïcödé, commas, and "quotes"',
  ];
  const yaml = `department: "Hostile ${'&'} Co"
department_slug: hostile
cycle: FY2024-25 Q2
teams:
  - name: "Team | with {{pipes}}"
    slug: pipes
    managers: ["O'Brien, Pat"]
    goals:
${hostile
  .map(
    (text, i) => `      - title: ${JSON.stringify(text)}
        group: ${JSON.stringify(hostile[(i + 2) % hostile.length])}
        tasks: [T${100 + i}]
        status: ${i % 2 ? 'Blocked' : 'Done'}
        status_on: 2024-11-0${i + 1}
        note: ${JSON.stringify(hostile[(i + 1) % hostile.length])}
        history: [{ on: 2024-10-01, status: In progress, note: ${JSON.stringify(text)} }]
        depends_on: [${JSON.stringify(hostile[(i + 3) % hostile.length])}]
        items:
          - { title: ${JSON.stringify(text)}, status: To do }`,
  )
  .join('\n')}
    reports:
      - { month: 2024-11, on: 2024-12-02, status: Stalled, notes: ${JSON.stringify(hostile)} }
objectives:
  - code: HX
    cycle: FY2024-25
    program: ${JSON.stringify(hostile[0])}
    title: ${JSON.stringify(hostile[1])}
    description: ${JSON.stringify(hostile[5])}
    manager: "O'Brien, Pat"
    key_results:
      - code: KR1
        text: ${JSON.stringify(hostile[4])}
        baseline: -5
        target: 0.125
        unit: ${JSON.stringify(hostile[6])}
        direction: down
        milestones: [{ due: 2024-12-31, target: -1, text: ${JSON.stringify(hostile[2])} }]
        values: [{ on: 2024-11-15, value: -3.5, note: ${JSON.stringify(hostile[3])} }]
        statuses: [{ on: 2024-11-16, status: Blocked, note: ${JSON.stringify(hostile[0])} }]
`;

  it('keeps every character and lets none of it become wiki markup', async () => {
    const database = await createTestDatabase(driver);
    try {
      await importQuarter(
        database.db,
        parseQuarterFile(yaml, 'hostile.yaml'),
        'hostile.yaml',
        importOptions,
      );
      const store = createStore(database.db);
      const asOf = new Date('2025-01-15T00:00:00Z');
      const wiki = await exportQuarter(store, 'hostile', 'FY2024-25 Q2', 'wikitext', asOf);
      // Outside okrbot's own comments and markup, no markup characters are left.
      const visible = wiki
        .replace(/<!-- okrbot:[a-z-]+(?: \{[^>]*\})? -->/g, '')
        .replace(/\{\{(In progress|Done|Blocked|To do|Stalled)\}\}/g, '')
        .replace(/\[https:\/\/phabricator\.wikimedia\.org\/T\d+ task T\d+\]/g, '')
        .replace(/^\{\| class="wikitable"$|^\|[-}]?|^!|!!|^'''|'''$|<br \/>/gm, '');
      expect(visible).not.toMatch(/<(?!br)|\{\{|\}\}|\[\[|\]\]|''|~~~|__|\|\|/);
      const copy = await importInto(driver, wiki, 'hostile.wiki');
      try {
        expect(await exportQuarter(copy.store, 'hostile', 'FY2024-25 Q2', 'wikitext', asOf)).toBe(
          wiki,
        );
        const json = await exportQuarter(copy.store, 'hostile', 'FY2024-25 Q2', 'json', asOf);
        expect(json).toBe(await exportQuarter(store, 'hostile', 'FY2024-25 Q2', 'json', asOf));
        const doc = JSON.parse(json);
        expect(doc.teams[0].goals.map((g: { title: string }) => g.title)).toEqual(hostile);
        expect(doc.teams[0].reports[0].notes.map((n: { text: string }) => n.text)).toEqual(hostile);
        expect(doc.objectives[0].key_results[0]).toMatchObject({
          baseline: -5,
          target: 0.125,
          direction: 'down',
        });
      } finally {
        await copy.database.close();
      }
    } finally {
      await database.close();
    }
  });
});
