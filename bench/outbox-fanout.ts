// Fan-out of the monthly prompts through the outbox: N managers (5,000 by default) each get
// their prompt from three okrbot processes sharing one Postgres database, with the outbox
// limited to R messages a second (50 by default) for all of them together. The processes send
// through the real Slack adapter to a fake Slack Web API in this process, which enforces the
// same limit the way Slack does (429 with Retry-After beyond R posts a second) and records
// every message with the outbox key okrbot puts in its metadata.
//
// Two runs: three instances to the end, then three instances of which one is SIGKILLed at 40%.
// Reported: the achieved rate (messages after the first, over the time from the first to the
// last), against the limit; duplicates (a key sent twice); lost (a prompt never sent); 429s.
// Usage: TEST_DATABASE_URL=postgres://... npx tsx bench/outbox-fanout.ts [--count 5000] [--rate 50]
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/db/database.ts';
import { queryRows } from '../src/db/rows.ts';
import { createPostgresDatabase, dropPostgresDatabase } from '../test/support/databases.ts';
import { type FakeSlack, startFakeSlack } from '../test/support/fake-slack.ts';
import { type Instance, startInstance, waitFor } from '../test/support/instances.ts';
import { SIGNING_SECRET } from '../test/support/slack-requests.ts';
import { numberOption } from './stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const count = numberOption('--count', 5000);
const rate = numberOption('--rate', 50);
/** The 20th of November 2026, just after 10:00 UTC: the prompts are due. */
const NOW = '2026-11-20T10:00:05Z';

if (!process.env.TEST_DATABASE_URL) {
  console.error('Set TEST_DATABASE_URL to a Postgres server: several instances need one.');
  process.exit(2);
}

/** One department of `count` teams, a manager with a Slack account and a goal each. */
async function seed(url: string): Promise<void> {
  const database = await openDatabase({ url, dataDir: 'unused' });
  try {
    for (const statement of [
      sql`insert into departments (slug, name, time_zone) values ('fanout', 'Fan-out', 'UTC')`,
      sql`insert into cycles (label, kind, fiscal_year, quarter, starts_on, ends_before)
          values ('FY2026-27 Q2', 'quarter', 2026, 2, '2026-10-01', '2027-01-01')`,
      sql`insert into teams (department_id, slug, name)
          select d.id, 'team-' || g, 'Team ' || g from generate_series(1, ${count}) g, departments d`,
      sql`insert into people (handle, name)
          select 'manager-' || g, 'Manager ' || g from generate_series(1, ${count}) g`,
      sql`insert into team_roles (team_id, person_id, role)
          select t.id, p.id, 'manager' from teams t
          join people p on p.handle = 'manager-' || substring(t.slug from 6)`,
      sql`insert into identities (person_id, transport, external_id)
          select id, 'slack', 'U' || lpad(id::text, 9, '0') from people`,
      sql`insert into goals (team_id, cycle_id, key, title)
          select t.id, c.id, 'goal', 'Goal of ' || t.name from teams t, cycles c`,
      // Only the prompt runs here.
      sql`insert into schedules (department_id, kind, catch_up_seconds, enabled)
          select id, kind, 86400, false from departments, (values ('digest'), ('overdue')) k(kind)`,
      sql`analyze`,
    ])
      await queryRows(database.db, statement);
  } finally {
    await database.close();
  }
}

interface Result {
  scenario: string;
  sent: number;
  /** Most messages sent within any one second: the limit plus at most a second's make-up burst. */
  peakPerSecond: number;
  unique: number;
  duplicates: number;
  lost: number;
  /** Posts the fake Slack refused for exceeding the limit (the outbox paces to avoid them). */
  rateLimited: number;
  seconds: number;
  rate: number;
  ofLimit: number;
  killed: string | null;
}

async function scenario(name: string, killAt: number | undefined): Promise<Result> {
  const url = await createPostgresDatabase('okrbot_bench');
  const slack: FakeSlack = await startFakeSlack();
  slack.postsPerSecond = rate;
  // The keys of the prompts that reached Slack (each first message carries its key).
  const sent = () => slack.posts().filter((post) => post.key);
  const instances: Instance[] = [];
  try {
    await seed(url);
    for (const id of ['a', 'b', 'c'])
      instances.push(
        startInstance(['start'], {
          DATABASE_URL: url,
          OKRBOT_DEMO: '0',
          OKRBOT_NOW: NOW,
          OKRBOT_INSTANCE_ID: id,
          SLACK_BOT_TOKEN: 'xoxb-fanout',
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: slack.apiUrl,
          HOST: '127.0.0.1',
          OKRBOT_OUTBOX_RATE: String(rate),
          OKRBOT_OUTBOX_LEASE: '5',
          LOG_LEVEL: 'warn',
        }),
      );
    let killed: string | null = null;
    const expectedSeconds = count / rate;
    if (killAt !== undefined) {
      await waitFor(
        'the fan-out under way',
        () => sent().length >= count * killAt,
        expectedSeconds * 2000,
      );
      instances[1]?.child.kill('SIGKILL');
      killed = `instance b, after ${sent().length} messages`;
    }
    await waitFor(
      'every prompt sent',
      () => new Set(sent().map((post) => post.key)).size >= count,
      expectedSeconds * 3000 + 60_000,
    );
    // Anything still in flight lands now, duplicates included.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const lines = sent();
    const unique = new Set(lines.map((post) => post.key)).size;
    const times = lines.map((post) => post.at).sort((a, b) => a - b);
    const seconds = ((times.at(-1) as number) - (times[0] as number)) / 1000;
    const achieved = (lines.length - 1) / seconds;
    let peak = 0;
    for (let first = 0, last = 0; last < times.length; last++) {
      while ((times[last] as number) - (times[first] as number) >= 1000) first++;
      peak = Math.max(peak, last - first + 1);
    }
    return {
      scenario: name,
      sent: lines.length,
      peakPerSecond: peak,
      unique,
      duplicates: lines.length - unique,
      lost: count - unique,
      rateLimited: slack.rateLimited,
      seconds: Number(seconds.toFixed(1)),
      rate: Number(achieved.toFixed(2)),
      ofLimit: Number((achieved / rate).toFixed(3)),
      killed,
    };
  } finally {
    await Promise.all(instances.map((instance) => instance.stop()));
    await dropPostgresDatabase(url);
    await slack.close();
  }
}

console.log(
  `Fan-out of ${count} prompts, limit ${rate}/s for all instances together, 3 instances on Postgres (${availableParallelism()} cores, load ${loadavg()[0]?.toFixed(2)})`,
);
const results = [await scenario('three-instances', undefined), await scenario('one-killed', 0.4)];
console.table(results);
await mkdir(join(ROOT, 'bench/results'), { recursive: true });
await writeFile(
  join(ROOT, 'bench/results/outbox-fanout.json'),
  `${JSON.stringify({ count, rate, at: new Date().toISOString(), results }, null, 2)}\n`,
);
