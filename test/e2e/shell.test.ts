import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, drivers, dropPostgresDatabase } from '../support/databases.ts';
import { runCli, spawnCli } from '../support/run-cli.ts';

const ACCEPTANCE = 'status analytics\nstatus T208612\ngoals performance\n';
const AUGUST = { OKRBOT_NOW: '2019-08-28T12:00:00Z' };

describe('okrbot start with piped input', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'okrbot-e2e-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('answers each line, loads the demo on first start, and exits 0 at end of input', async () => {
    const result = await runCli(
      ['start'],
      { ...AUGUST, OKRBOT_DATA_DIR: join(dir, 'data') },
      ACCEPTANCE,
    );
    expect(result.stderr).toContain('loaded the demo quarters');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Analytics — FY2019-20 Q1');
    expect(result.stdout).toMatch(/\[In progress\] Release Mediawiki History/);
    expect(result.stdout).toMatch(
      /History\n\nDate +Status +By +Note\n[- ]+\n2019-08-01 +\[In progress\]/,
    );
    expect(result.stdout).toContain('Performance goals — FY2019-20 Q1');
    // Standard output is the chat only: logs go to standard error.
    expect(result.stdout).not.toContain('"level"');
  });

  it('starts again on the same data without reloading the demo', async () => {
    const result = await runCli(
      ['start'],
      { ...AUGUST, OKRBOT_DATA_DIR: join(dir, 'data') },
      'goals analytics\n',
    );
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('loaded the demo quarters');
    expect(result.stdout).toContain('Analytics goals — FY2019-20 Q1');
  });

  it('exits 0 with closed standard input and an empty database when the demo is off', async () => {
    const result = await runCli(
      ['start'],
      { OKRBOT_DATA_DIR: join(dir, 'empty'), OKRBOT_DEMO: '0' },
      '',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toContain('loaded the demo quarters');
  });

  it('refuses a second process on the same embedded data directory', async () => {
    const first = spawnCli(['start'], { OKRBOT_DATA_DIR: join(dir, 'data') });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      first.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('okrbot ready')) resolve();
      });
      first.once('close', () => reject(new Error(`first bot exited early: ${stderr}`)));
    });
    const second = await runCli(
      ['start'],
      { OKRBOT_DATA_DIR: join(dir, 'data') },
      'status analytics\n',
    );
    first.stdin.end();
    await new Promise((resolve) => first.once('close', resolve));
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(
      `Another okrbot (process ${first.pid}) is using the embedded database`,
    );
  });

  it('acts as the person OKRBOT_AS names, and says so when nobody has that handle', async () => {
    const env = { OKRBOT_DATA_DIR: join(dir, 'data') };
    const nuria = await runCli(['start'], { ...env, OKRBOT_AS: 'nuria-ruiz' }, 'whoami\n');
    expect(nuria.stdout).toContain('Teams: Analytics (manager)');
    const typo = await runCli(['start'], { ...env, OKRBOT_AS: 'nuria-ruis' }, 'whoami\n');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain(
      'OKRBOT_AS=nuria-ruis: nobody has that handle. Did you mean nuria-ruiz?',
    );
  });

  it('reports every configuration problem at once and exits 2', async () => {
    const result = await runCli(['start'], {
      OKRBOT_TIMEZONE: 'Mars/Base',
      OKRBOT_FISCAL_YEAR_START: '0',
      DATABASE_URL: 'mysql://x',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('OKRBOT_TIMEZONE');
    expect(result.stderr).toContain('OKRBOT_FISCAL_YEAR_START');
    expect(result.stderr).toContain('DATABASE_URL');
  });

  it('imports a quarter file idempotently and explains a broken one', async () => {
    const env = { OKRBOT_DATA_DIR: join(dir, 'imports'), OKRBOT_DEMO: '0' };
    const file = join(dir, 'quarter.yaml');
    await writeFile(
      file,
      'department: Demo Dept\ncycle: FY2026-27 Q2\nteams:\n  - name: Widgets\n    managers: [Ada Lovelace]\n    goals:\n      - { title: Ship it, tasks: [T1], status: wip }\n',
    );
    const first = await runCli(['import', file], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/quarter\.yaml: \d+ created, 0 updated, 0 unchanged/);
    const second = await runCli(['import', file], env);
    expect(second.stdout).toMatch(/quarter\.yaml: 0 created, 0 updated, \d+ unchanged\n/);

    const missing = await runCli(['import', join(dir, 'missing.yaml')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/missing\.yaml: 1 problem:\n {2}- no such file/);

    await writeFile(
      file,
      'department: Demo Dept\nteams:\n  - name: Widgets\n    goals:\n      - { title: Ship it, status: shiped }\n',
    );
    const broken = await runCli(['import', file], env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('teams[0].goals[0].status: unknown status "shiped"');
  });

  it('explains its subcommands', async () => {
    const help = await runCli(['help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('import FILE...');
    const unknown = await runCli(['frobnicate'], {});
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });
});

describe.runIf(drivers().includes('postgres'))('okrbot start on Postgres', () => {
  let url: string;
  beforeAll(async () => {
    url = await createPostgresDatabase();
  });
  afterAll(() => dropPostgresDatabase(url));

  it('gives the same answers as the embedded database', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'okrbot-e2e-'));
    try {
      const [embedded, server] = await Promise.all([
        runCli(['start'], { ...AUGUST, OKRBOT_DATA_DIR: join(dir, 'data') }, ACCEPTANCE),
        runCli(['start'], { ...AUGUST, DATABASE_URL: url }, ACCEPTANCE),
      ]);
      expect(server.code).toBe(0);
      expect(server.stderr).toContain('loaded the demo quarters');
      expect(server.stdout).toBe(embedded.stdout);
      const migrated = await runCli(['migrate'], { DATABASE_URL: url });
      expect(migrated.stdout).toContain('is up to date');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
