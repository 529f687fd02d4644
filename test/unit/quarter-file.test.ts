import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SEEDS_FOLDER } from '../../src/formats/import/demo.ts';
import { parseQuarterFile, QuarterFileError } from '../../src/formats/import/quarter-file.ts';

function problemsOf(source: string): string[] {
  try {
    parseQuarterFile(source, 'test.yaml');
  } catch (error) {
    if (error instanceof QuarterFileError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('quarter files', () => {
  it('reads every demo file', async () => {
    const files = (await readdir(SEEDS_FOLDER)).filter((name) => name.endsWith('.yaml'));
    expect(files).toHaveLength(4);
    for (const name of files) {
      const file = parseQuarterFile(await readFile(`${SEEDS_FOLDER}/${name}`, 'utf8'), name);
      expect(file.department).toBeTruthy();
    }
  });

  it('turns page markers into statuses', () => {
    const file = parseQuarterFile(
      `department: Technology
cycle: FY2019-20 Q1
teams:
  - name: Analytics
    goals:
      - { title: Release history, tasks: [t208612], status: Incomplete Partially done }
      - { title: Kafka connect, status: N Postponed }`,
      'test.yaml',
    );
    expect(file.teams?.[0]?.goals?.map((g) => [g.status, g.tasks])).toEqual([
      ['partially_done', ['T208612']],
      ['postponed', undefined],
    ]);
  });

  it('reports every problem with where it is', () => {
    const problems = problemsOf(`department: Technology
cycle: FY2019-20 Q5
teams:
  - name: Analytics
    managers: [Nuria Ruiz]
    goals:
      - title: Release history
        status: Finnished
        tasks: [208612]
      - title: ""
        stauts: Done
    reports:
      - { month: 2019-13, notes: [fine] }
objectives:
  - code: TCB
    cycle: FY2020-21
    title: Technical Community Building
    key_results:
      - { code: KR2, text: More maintainers, baseline: lots, due: 2021-02-30 }`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^cycle: expected a cycle such as "FY2019-20 Q1"/),
        expect.stringMatching(
          /^teams\[0\]\.goals\[0\]\.status: unknown status "Finnished" \(did you mean "finished"\?\)/,
        ),
        expect.stringMatching(/^teams\[0\]\.goals\[0\]\.tasks\[0\]: /),
        expect.stringMatching(/^teams\[0\]\.goals\[1\]\.title: must not be empty/),
        expect.stringMatching(/^teams\[0\]\.goals\[1\]: Unrecognized key: "stauts"/),
        expect.stringMatching(/^teams\[0\]\.reports\[0\]\.month: expected a month written YYYY-MM/),
        expect.stringMatching(/^objectives\[0\]\.key_results\[0\]\.baseline: /),
        expect.stringMatching(/^objectives\[0\]\.key_results\[0\]\.due: expected a real date/),
      ]),
    );
  });

  it('reports YAML syntax errors', () => {
    expect(problemsOf('department: [unclosed')[0]).toMatch(/flow sequence|Missing/i);
  });

  it('refuses a file without a department', () => {
    expect(problemsOf('teams: []')).toEqual([expect.stringMatching(/^department: /)]);
  });

  it('reads schedules and digest channels, and explains mistakes in them', () => {
    const file = parseQuarterFile(
      `department: Technology
schedules:
  prompt: { day: 25, time: "9:30", reminders: [2, 5], catch_up_days: 3 }
  digest: { weekday: friday, time: 16:00, channels: ["slack:C0123ABCD", "irc:#tech"] }
  overdue: { enabled: false }
`,
      'ok.yaml',
    );
    expect(file.schedules).toEqual({
      prompt: { day: 25, time: '09:30', reminders: [2, 5], catch_up_days: 3 },
      digest: {
        weekday: 5,
        time: '16:00',
        channels: [
          { transport: 'slack', channel: 'C0123ABCD' },
          { transport: 'irc', channel: '#tech' },
        ],
      },
      overdue: { enabled: false },
    });
    expect(
      problemsOf(`department: Technology
schedules:
  prompt: { day: 32, time: "25:00" }
  digest: { weekday: someday, channels: ["slack:#general", "matrix:!room"] }
  weekly: {}
`),
    ).toEqual([
      'schedules.prompt.day: Too big: expected number to be <=31',
      'schedules.prompt.time: expected a time of day written HH:MM, such as "09:00"',
      'schedules.digest.weekday: expected a weekday such as monday',
      'schedules.digest.channels[0]: "#general" is not a Slack channel id (like C0123ABCD).',
      'schedules.digest.channels[1]: expected slack:C0123ABCD or irc:#okr',
      'schedules: Unrecognized key: "weekly"',
    ]);
  });
});
