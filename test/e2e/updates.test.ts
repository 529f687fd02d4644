import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';

// The acceptance of the chat grammar, as a user tries it: the shell chat on the demo data.
describe('updating goals from the shell chat', () => {
  let dir: string;
  const env = (extra: Record<string, string> = {}) => ({
    OKRBOT_DATA_DIR: join(dir, 'data'),
    OKRBOT_NOW: '2019-08-28T12:00:00Z',
    ...extra,
  });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'okrbot-updates-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('records a status set by the team manager and refuses it from someone else', async () => {
    const manager = await runCli(
      ['start'],
      env({ OKRBOT_AS: 'nuria-ruiz' }),
      'set T211248 done migrated ahead of schedule\nstatus T211248\n',
    );
    expect(manager.code).toBe(0);
    expect(manager.stdout).toContain(
      'Recorded: T211248 Continue moving events from job queue to event gate main: In progress → Done (note: migrated ahead of schedule)',
    );
    expect(manager.stdout).toMatch(/Status: \[Done\] \(updated 2019-08-28\)/);
    expect(manager.stdout).toMatch(
      /2019-08-01 +\[In progress\][^\n]*\n2019-08-28 +\[Done\] +Nuria Ruiz +migrated ahead of schedule/,
    );

    const other = await runCli(['start'], env({ OKRBOT_AS: 'gilles-dubuc' }), 'set T211248 done\n');
    expect(other.stdout).toContain(
      'Only Nuria Ruiz (managers and delegates of Analytics) or an admin may change T211248 (Analytics).',
    );
  });

  it('reads a five-line free-text reply, echoes each line, and undoes the last', async () => {
    const reply = [
      'update analytics',
      '2 done',
      'T223626 postponed: licensing',
      'kerberos blocked, waiting on hardware',
      'TCB-KR2 2100',
      'note: survey responses are in',
      'undo',
      'done',
      'status analytics',
    ].join('\n');
    const result = await runCli(
      ['start'],
      env({ OKRBOT_AS: 'nuria-ruiz', OKRBOT_ADMINS: 'nuria-ruiz' }),
      `${reply}\n`,
    );
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain('Update Analytics — FY2019-20 Q1');
    expect(out).toMatch(/✓ T210313 Work starting on mediarequests API[^\n]*: In progress → Done/);
    expect(out).toContain(
      '✓ T223626 Development work for kafka connect: still Postponed (note: licensing)',
    );
    expect(out).toContain(
      '✓ T226089 Make kerberos infra prod ready: In progress → Blocked (note: waiting on hardware)',
    );
    expect(out).toMatch(/✓ TCB-KR2: 2100 tool maintainers on 2019-08-28/);
    expect(out).toContain(
      '✓ Note added to the Analytics report for 2019-08: survey responses are in',
    );
    expect(out).toContain('Undone: your note "survey responses are in".');
    expect(out).toContain('Update of Analytics finished: 4 changes recorded.');
    expect(out).toMatch(/\[Done\] Work starting on mediarequests API/);
    expect(out).not.toContain('survey responses are in\n\n(Sub-teams');
  });

  it('asks before recording a line it is not sure of: yes records it, no drops it', async () => {
    const reply = [
      'update analytics',
      'T217057 done I think',
      'yes',
      'T159170 stalled? or blocked',
      'no',
      'Done.',
      'status T217057',
      'status T159170',
    ].join('\n');
    const result = await runCli(['start'], env({ OKRBOT_AS: 'nuria-ruiz' }), `${reply}\n`);
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain('? "T217057 done I think"');
    expect(out).toContain('"I think" sounds unsure');
    expect(out).toContain('✓ T217057 New zookeeper cluster for tier-2: In progress → Done');
    expect(out).toContain('Stalled or Blocked?');
    expect(out).toContain('Not recorded. Write the line again as you mean it.');
    expect(out).toContain('Update of Analytics finished: 1 change recorded.');
    expect(out).toMatch(/2019-08-28 +\[Done\] +Nuria Ruiz/);
    // T159170 keeps its imported history: nothing of the dropped proposal was recorded.
    expect(out.slice(out.indexOf('T159170 — '))).not.toContain('Nuria Ruiz');
  });

  it('names key results whose milestones passed unmet', async () => {
    const result = await runCli(
      ['start'],
      env({ OKRBOT_NOW: '2021-01-15T12:00:00Z' }),
      'overdue technology\n',
    );
    expect(result.stdout).toContain('Overdue and stale — Technology');
    expect(result.stdout).toMatch(
      /TCB-KR1 [^\n]*milestone "Toolhub working prototype" due 2020-12-31 not Done/,
    );
    expect(result.stdout).toMatch(/PQ-KR2 [^\n]*target 40 [^\n]*latest 28/);
  });

  it('uses the configured number of days for stale items', async () => {
    const strict = await runCli(
      ['start'],
      env({ OKRBOT_STALE_DAYS: '20' }),
      'overdue performance\n',
    );
    expect(strict.stdout).toContain('Stale: no update for more than 20 days');
    const relaxed = await runCli(
      ['start'],
      env({ OKRBOT_STALE_DAYS: '90' }),
      'overdue performance\n',
    );
    expect(relaxed.stdout).toContain('Nothing overdue or stale.');
  });

  it('prints a digest covering every part', async () => {
    const result = await runCli(['start'], env(), 'digest technology\n');
    const out = result.stdout;
    expect(out).toContain('Technology — weekly digest, week of 2019-08-26');
    for (const part of [
      'Goals by status',
      'Status changes this week',
      'New notes',
      'Blocked and stalled',
      'Overdue key results',
      'Teams without a report for August 2019',
    ]) {
      expect(out).toContain(part);
    }
    expect(out).toMatch(/2019-08-27 Release Engineering · /);
    expect(out).toMatch(/\[Stalled\] [^\n]*— depends on /);
    expect(out).toMatch(/Teams without a report for August 2019 \(\d+\)\n\n[^\n]*Core Platform/);
  });
});
