import { readFile } from 'node:fs/promises';
import { and, count, eq, isNotNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  goalDependencies,
  goals,
  people,
  statusEntries,
  teams,
} from '../../src/db/schema/index.ts';
import { demoFiles, importDemo } from '../../src/formats/import/demo.ts';
import { importQuarter, importQuarterFile } from '../../src/formats/import/import-quarter.ts';
import {
  type GoalInput,
  parseQuarterFile,
  QuarterFileError,
} from '../../src/formats/import/quarter-file.ts';
import { createStore } from '../../src/store/store.ts';
import { createTestDatabase, drivers, type TestDatabase } from '../support/databases.ts';

const options = { fiscal: { startMonth: 7 }, defaultTimeZone: 'UTC' };

function findGoal(goals: GoalInput[] | undefined, taskId: string): GoalInput | undefined {
  for (const goal of goals ?? []) {
    if (goal.tasks?.includes(taskId)) return goal;
    const nested = findGoal(goal.items, taskId);
    if (nested) return nested;
  }
  return undefined;
}

describe.each(drivers())('importing quarter files (%s)', (driver) => {
  let database: TestDatabase;
  let first: Map<string, import('../../src/formats/import/import-summary.ts').ImportSummary>;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    first = await importDemo(database.db, options);
  });
  afterAll(() => database?.close());

  it('loads every team, goal and status of the demo quarters', async () => {
    expect([...first.values()].every((summary) => summary.total('created') > 0)).toBe(true);
    const db = database.db;
    const [teamCount] = await db.select({ n: count() }).from(teams);
    const [goalCount] = await db.select({ n: count() }).from(goals);
    expect(teamCount?.n).toBe(17 + 4);
    expect(goalCount?.n).toBe(197 + 165);
    const [nuria] = await db.select().from(people).where(eq(people.handle, 'nuria-ruiz'));
    expect(nuria?.name).toBe('Nuria Ruiz');
    const [birgit] = await db.select().from(people).where(eq(people.handle, 'birgit-muller'));
    expect(birgit?.name).toBe('Birgit Müller');
  });

  it('nests sub-teams under their parent', async () => {
    const store = createStore(database.db);
    const sre = await store.teams.find('SRE');
    expect(sre?.slug).toBe('sre');
    expect((await store.teams.subTeams(sre?.id as number)).map((t) => t.slug)).toContain(
      'data-persistence',
    );
    expect((await store.teams.find('dc ops'))?.slug).toBe('data-center-operations');
  });

  it('links dependencies to the teams they name and keeps outside parties as labels', async () => {
    const rows = await database.db
      .select({ label: goalDependencies.label, team: teams.slug })
      .from(goalDependencies)
      .leftJoin(teams, eq(teams.id, goalDependencies.teamId));
    expect(rows).toContainEqual({ label: 'SRE', team: 'sre' });
    expect(rows).toContainEqual({ label: 'Performance', team: 'performance' });
    expect(rows.find((row) => row.label === 'Dlocal')).toEqual({ label: 'Dlocal', team: null });
  });

  it('changes nothing when the same files are imported again', async () => {
    for (const file of await demoFiles()) {
      const again = await importQuarterFile(database.db, file, options);
      expect(again.total('created'), file).toBe(0);
      expect(again.total('updated'), file).toBe(0);
      expect(again.total('removed'), file).toBe(0);
      expect(again.total('unchanged'), file).toBeGreaterThan(0);
    }
  });

  it('records exactly one status change when one goal changes in the file', async () => {
    const path = (await demoFiles()).find((file) => file.endsWith('fy2019-20-q1-technology.yaml'));
    const file = parseQuarterFile(await readFile(path as string, 'utf8'), 'edited.yaml');
    const goal = findGoal(
      file.teams?.find((t) => t.name === 'Analytics')?.goals,
      'T223626',
    ) as GoalInput;
    expect(goal.status).toBe('postponed');
    goal.status = 'cancelled';
    const [before] = await database.db.select({ n: count() }).from(statusEntries);

    const changed = await importQuarter(database.db, file, 'edited.yaml', options);
    expect(changed.describe()).toMatch(
      /^1 created, 0 updated, \d+ unchanged \(status entries: 1 created\)$/,
    );
    const [after] = await database.db.select({ n: count() }).from(statusEntries);
    expect(after?.n).toBe((before?.n as number) + 1);

    const store = createStore(database.db);
    const [shown] = await store.goals.byTaskId('T223626', new Date('2019-12-31T00:00:00Z'));
    expect(shown?.status).toBe('cancelled');
    const history = await store.goals.history(
      shown?.id as number,
      new Date('2019-12-31T00:00:00Z'),
    );
    expect(history.map((entry) => entry.status)).toEqual(['postponed', 'cancelled']);

    const again = await importQuarter(database.db, file, 'edited.yaml', options);
    expect(again.total('created') + again.total('updated')).toBe(0);
  });

  it('writes nothing when a file has a problem only the database can see', async () => {
    const file = parseQuarterFile(
      `department: Broken Department
cycle: FY2019-20 Q1
teams:
  - name: Lonely Team
    parent: no-such-team
    goals:
      - { title: Something, key_result: NOPE-KR1 }`,
      'broken.yaml',
    );
    await expect(importQuarter(database.db, file, 'broken.yaml', options)).rejects.toThrow(
      QuarterFileError,
    );
    const rows = await database.db.select().from(teams).where(eq(teams.slug, 'lonely-team'));
    expect(rows).toEqual([]);
  });

  it("refuses to move another department's team, or to give two teams one slug", async () => {
    const file = parseQuarterFile(
      `department: Other Department
cycle: FY2019-20 Q1
teams:
  - { name: Analytics, goals: [{ title: Something else }] }
  - { name: Gadget Team }
  - { name: gadget team }`,
      'other.yaml',
    );
    const error = await importQuarter(database.db, file, 'other.yaml', options).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(QuarterFileError);
    expect((error as QuarterFileError).problems).toEqual([
      'teams[0]: the slug "analytics" belongs to a team of another department; give this team a distinct "slug"',
      'teams[2]: its slug "gadget-team" is also the slug of teams[1]; give one of them a distinct "slug"',
    ]);
    const store = createStore(database.db);
    expect((await store.teams.find('analytics'))?.departmentSlug).toBe('technology');
  });

  it('refuses two goals of one team and quarter with the same key', async () => {
    const file = parseQuarterFile(
      `department: Technology
cycle: FY2019-20 Q1
teams:
  - name: Analytics
    goals:
      - { title: One, tasks: [T1] }
      - { title: Two, tasks: [T1] }`,
      'duplicate.yaml',
    );
    const error = await importQuarter(database.db, file, 'duplicate.yaml', options).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(QuarterFileError);
    expect((error as QuarterFileError).problems[0]).toMatch(
      /teams\[0\]\.goals\[1\]: another goal .* has the key "T1"/,
    );
  });

  it('stores hostile text verbatim but clean', async () => {
    const file = parseQuarterFile(
      `department: Hostile
cycle: FY2019-20 Q1
teams:
  - name: "Robert'); DROP TABLE goals;--"
    goals:
      - title: "Null\\0 byte and \\u202Ebidi and <!channel> ping"
        status: done
        note: "100% done; 150% of target; -5%"`,
      'hostile.yaml',
    );
    await importQuarter(database.db, file, 'hostile.yaml', options);
    const [row] = await database.db
      .select({ title: goals.title, note: statusEntries.note })
      .from(goals)
      .innerJoin(statusEntries, eq(statusEntries.goalId, goals.id))
      .where(and(isNotNull(statusEntries.note), sql`${goals.title} like 'Null%'`));
    expect(row).toEqual({
      title: 'Null byte and bidi and <!channel> ping',
      note: '100% done; 150% of target; -5%',
    });
    const [goalCount] = await database.db.select({ n: count() }).from(goals);
    expect(goalCount?.n).toBeGreaterThan(362);
  });
});
