import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_REPLY_LINE,
  MAX_REPLY_LINES,
  parseReply,
  parseReplyLine,
  type ReplyItem,
  type ReplyTarget,
} from '../../src/domain/reply-parser.ts';
import { parseStatus, STATUSES, type Status, statusWords } from '../../src/domain/status.ts';

// Lines marked "parser disagrees" state the output the parser SHOULD give; they fail until the
// parser is fixed. The comment says what it returns today.

type KeyResult = Extract<ReplyTarget, { kind: 'key-result' }>;

const UNKNOWN = 'unknown' as const;
type Expected = ReplyItem | typeof UNKNOWN;
type Case = readonly [line: string, expected: Expected];

const num = (number: number): ReplyTarget => ({ kind: 'number', number });
const task = (taskId: string): ReplyTarget => ({ kind: 'task', taskId });
const goal = (goalId: number): ReplyTarget => ({ kind: 'goal', goalId });
const kr = (code: string, objectiveCode?: string): KeyResult => ({
  kind: 'key-result',
  objectiveCode,
  code,
});
const title = (words: string): ReplyTarget => ({ kind: 'title', words });

const status = (target: ReplyTarget, value: Status, note?: string): ReplyItem => ({
  kind: 'status',
  target,
  status: value,
  note,
});
const metric = (target: KeyResult, value: number, percent: boolean, note?: string): ReplyItem => ({
  kind: 'metric',
  target,
  value,
  percent,
  note,
});
const all = (value: Status, note?: string): ReplyItem => ({ kind: 'all', status: value, note });
const note = (text: string): ReplyItem => ({ kind: 'note', text });

const unknownItem = () =>
  expect.objectContaining({ kind: 'unknown', reason: expect.stringMatching(/\S/) });

function expectLine(line: string, expected: Expected): void {
  const item = parseReplyLine(line);
  if (expected === UNKNOWN) expect(item).toEqual(unknownItem());
  else expect(item).toEqual(expected);
}

const ITEM_KINDS = ['status', 'metric', 'all', 'note', 'unknown'];
const TARGET_KINDS = ['number', 'task', 'goal', 'key-result', 'title'];

/** The shape every item must have, whatever the input. */
function expectWellFormed(item: ReplyItem): void {
  expect(ITEM_KINDS).toContain(item.kind);
  switch (item.kind) {
    case 'status':
      expect(TARGET_KINDS).toContain(item.target.kind);
      expect(STATUSES).toContain(item.status);
      if (item.note !== undefined) expect(item.note.trim()).not.toBe('');
      break;
    case 'metric':
      expect(item.target.kind).toBe('key-result');
      expect(Number.isFinite(item.value)).toBe(true);
      if (item.note !== undefined) expect(item.note.trim()).not.toBe('');
      break;
    case 'all':
      expect(STATUSES).toContain(item.status);
      break;
    case 'note':
      expect(item.text.trim()).not.toBe('');
      break;
    case 'unknown':
      expect(item.reason.trim()).not.toBe('');
      // The catch-all in parseReplyLine is for parser bugs: it must never be reached.
      expect(item.reason).not.toMatch(/^could not read this line/);
      break;
  }
}

// Lines a manager types into a reply to the monthly prompt.
const SYNTHETIC: Record<string, readonly Case[]> = {
  'goal numbers': [
    ['2 done', status(num(2), 'done')],
    ['3. postponed to Q2', status(num(3), 'postponed', 'to Q2')],
    ['#4 blocked', status(num(4), 'blocked')],
    ['2: done', status(num(2), 'done')],
    ['2) done', status(num(2), 'done')],
    ['goal 2 done', status(num(2), 'done')],
    ['Goal 3: blocked', status(num(3), 'blocked')],
    ['No. 4 blocked', status(num(4), 'blocked')],
    ['#12 complete, see the dashboard', status(num(12), 'done', 'see the dashboard')],
    ['3 status: partially done, 2 of 3 hosts', status(num(3), 'partially_done', '2 of 3 hosts')],
    ['2 done.', status(num(2), 'done')],
    // parser disagrees: note '!' (a lone "!" is punctuation, not a note)
    ['2 done!', status(num(2), 'done')],
  ],
  'task ids': [
    ['T1 is now done', status(task('T1'), 'done')],
    ['t123 done', status(task('T123'), 'done')],
    ['phab:T123 done', status(task('T123'), 'done')],
    ['Phab:T327558 in progress', status(task('T327558'), 'in_progress')],
    // parser disagrees: note '- licensing issues with kafka connect' (" - " is a separator)
    [
      'T223626 postponed - licensing issues with kafka connect',
      status(task('T223626'), 'postponed', 'licensing issues with kafka connect'),
    ],
    // parser disagrees: title 'task T226089' (the pages write "task T226089" themselves)
    ['task T226089 in progress', status(task('T226089'), 'in_progress')],
  ],
  'goal ids': [
    ['G12 is in progress', status(goal(12), 'in_progress')],
    ['G5 marked as done', status(goal(5), 'done')],
    ['G3 set to blocked', status(goal(3), 'blocked')],
    ['G7 on track', status(goal(7), 'in_progress')],
  ],
  'key results': [
    ['KR2 68%', metric(kr('KR2'), 68, true)],
    ['TCB-KR2 2,067 maintainers', metric(kr('KR2', 'TCB'), 2067, false, 'maintainers')],
    ['TCB KR2 45%', metric(kr('KR2', 'TCB'), 45, true)],
    ['O1-KR2 45%', metric(kr('KR2', 'O1'), 45, true)],
    // parser disagrees: value 5 (the filler "-" eats the minus sign)
    ['KR 3 -5%', metric(kr('KR3'), -5, true)],
    // parser disagrees: value 12 (same)
    ['KR2: -12%', metric(kr('KR2'), -12, true)],
    ['KR2 −5%', metric(kr('KR2'), -5, true)],
    ['KR2 +12%', metric(kr('KR2'), 12, true)],
    ['kr1 150%', metric(kr('KR1'), 150, true)],
    ['KR2 68 %', metric(kr('KR2'), 68, true)],
    ['KR1 50 percent', metric(kr('KR1'), 50, true)],
    ['KR2 is 45%', metric(kr('KR2'), 45, true)],
    ['KR2 = 2,067', metric(kr('KR2'), 2067, false)],
    ['KR2 0.5% of all edits', metric(kr('KR2'), 0.5, true, 'of all edits')],
    // parser disagrees: value 12, percent false, note '5%' (decimal comma)
    ['KR2 12,5%', metric(kr('KR2'), 12.5, true)],
    // parser disagrees: note '- up from 60%'
    ['KR2 68% - up from 60%', metric(kr('KR2'), 68, true, 'up from 60%')],
    ['KR2 blocked waiting on data', status(kr('KR2'), 'blocked', 'waiting on data')],
    ['KR2 in progress, 40% so far', status(kr('KR2'), 'in_progress', '40% so far')],
    ['KR3 done', status(kr('KR3'), 'done')],
  ],
  'goal titles': [
    [
      'mediarequests API in progress, waiting on hardware',
      status(title('mediarequests API'), 'in_progress', 'waiting on hardware'),
    ],
    ['Kerberos is stalled on hardware', status(title('Kerberos'), 'stalled', 'on hardware')],
    ['India form in progress', status(title('India form'), 'in_progress')],
    ['Coolest Tool Award done', status(title('Coolest Tool Award'), 'done')],
  ],
  'every goal': [
    ['all on track', all('in_progress')],
    ['everything done', all('done')],
    ['all goals are in progress', all('in_progress')],
    ['Everything still on track', all('in_progress')],
    ['everything is on track', all('in_progress')],
    ['all of them done', all('done')],
    ['all goals postponed to Q2', all('postponed', 'to Q2')],
    ['all on track, no blockers', all('in_progress', 'no blockers')],
    ['everything finished', all('done')],
    // parser disagrees: { kind: 'all', status: 'done', note: 'except the Ceph cluster POC' }
    // marks the excepted goal done too; an exception must not be applied to every goal.
    ['Everything is done except the Ceph cluster POC', UNKNOWN],
  ],
  notes: [
    ['note: waiting on hardware', note('waiting on hardware')],
    ['Notes - we onboarded a new team member', note('we onboarded a new team member')],
    ['NOTE — Glance is active/passive for now', note('Glance is active/passive for now')],
    ['Notes: Glance is active/passive for now', note('Glance is active/passive for now')],
    ['- note: foo', note('foo')],
  ],
  'page markers': [
    ['3 Yes Done', status(num(3), 'done')],
    ['4 N Postponed', status(num(4), 'postponed')],
    ['1. Yes Done', status(num(1), 'done')],
    ['#3 N Stalled', status(num(3), 'stalled')],
    ['4) Incomplete Partially done', status(num(4), 'partially_done')],
    ['5 - N Not done', status(num(5), 'not_done')],
    ['7: N Blocked', status(num(7), 'blocked')],
    // parser disagrees: note 'In progress' (the doubled marker is one status)
    ['2 In progress In progress', status(num(2), 'in_progress')],
    // parser disagrees: note 'To do'
    ['2 To do To do', status(num(2), 'to_do')],
  ],
  synonyms: [
    ['2 wip', status(num(2), 'in_progress')],
    ['3 ongoing', status(num(3), 'in_progress')],
    ['4 underway', status(num(4), 'in_progress')],
    ['T1 complete', status(task('T1'), 'done')],
    ['G4 finished', status(goal(4), 'done')],
    ['5 shipped', status(num(5), 'done')],
    ['6 resolved', status(num(6), 'done')],
    ['5 deferred to Q3', status(num(5), 'postponed', 'to Q3')],
    ['11 delayed', status(num(11), 'postponed')],
    ['6 partial', status(num(6), 'partially_done')],
    ['14 partly done', status(num(14), 'partially_done')],
    ['7 canceled', status(num(7), 'cancelled')],
    ['9 abandoned', status(num(9), 'cancelled')],
    ['T1 wontfix', status(task('T1'), 'cancelled')],
    ["T1 won't do", status(task('T1'), 'cancelled')],
    // parser disagrees: unknown (typographic apostrophe, as phones and Slack type it)
    ['T1 won’t do', status(task('T1'), 'cancelled')],
    ['8 on hold', status(num(8), 'stalled')],
    ['9 stuck on review', status(num(9), 'stalled', 'on review')],
    ['12 paused', status(num(12), 'stalled')],
    ['7 dropped', status(num(7), 'not_done')],
    ['8 missed', status(num(8), 'not_done')],
    ['18 not done', status(num(18), 'not_done')],
    ['3 not started', status(num(3), 'to_do')],
    ['10 planned', status(num(10), 'to_do')],
    ['15 todo', status(num(15), 'to_do')],
    ['16 to-do', status(num(16), 'to_do')],
    ['17 in-progress', status(num(17), 'in_progress')],
    ['13 blocker: legal review', status(num(13), 'blocked', 'legal review')],
  ],
  typos: [
    ['2 postponned', status(num(2), 'postponed')],
    ['3 in progres', status(num(3), 'in_progress')],
    ['T1 complted', status(task('T1'), 'done')],
    ['4 canceld', status(num(4), 'cancelled')],
    ['G2 bloked', status(goal(2), 'blocked')],
    ['5 stalld', status(num(5), 'stalled')],
    ['KR1 finshed', status(kr('KR1'), 'done')],
    // Short words are not forgiven.
    ['2 dne', UNKNOWN],
    // Real words one letter away from a status word are not typos of it.
    // parser disagrees: done (slipped ~ shipped); a slipped goal is the opposite of done
    ['T1 slipped to Q2', UNKNOWN],
    // parser disagrees: done (skipped ~ shipped)
    ['3 skipped this quarter', UNKNOWN],
    // parser disagrees: stalled (passed ~ paused)
    ['5 passed QA', UNKNOWN],
    // parser disagrees: blocked (writing ~ waiting)
    ['G2 writing the spec', UNKNOWN],
  ],
  bullets: [
    ['- 2 done', status(num(2), 'done')],
    ['* T1 done', status(task('T1'), 'done')],
    ['• 3 wip', status(num(3), 'in_progress')],
    ['– 4 stalled', status(num(4), 'stalled')],
    ['-- 2 done', status(num(2), 'done')],
    ['> 5 done', status(num(5), 'done')],
    ['· G1 done', status(goal(1), 'done')],
    ['(a) 2 done', status(num(2), 'done')],
  ],
  fillers: [
    ['2 -> done', status(num(2), 'done')],
    ['6 → done', status(num(6), 'done')],
    ['3 = blocked', status(num(3), 'blocked')],
    ['4 has been postponed to Q3', status(num(4), 'postponed', 'to Q3')],
    ['2 status: done', status(num(2), 'done')],
  ],
  'not guessed': [
    ['done', UNKNOWN],
    ['T1 50%', UNKNOWN],
    ['G3 25%', UNKNOWN],
    ['2 50%', UNKNOWN],
    ['KR1 NaN', UNKNOWN],
    ['KR1 1e309', UNKNOWN],
    ['KR2 -', UNKNOWN],
    ['T123', UNKNOWN],
    ['phab:T123', UNKNOWN],
    ['hello', UNKNOWN],
    ['thanks!', UNKNOWN],
    ['Yes', UNKNOWN],
    ['-', UNKNOWN],
    ['note:', UNKNOWN],
    ['all good', UNKNOWN],
    // parser disagrees: status done for title 'Kerberos not' (negated status)
    ['Kerberos not finished yet', status(title('Kerberos'), 'not_done', 'yet')],
  ],
};

// Lines taken from, or rephrased from, the monthly status notes of the goals pages
// (003: Technology goals FY2019-20 Q1; 004: Technical Engagement goals FY2022-23).
const FROM_PAGES: Record<string, readonly Case[]> = {
  'Analytics notes (003)': [
    [
      'T223626 postponed: licensing issues with kafka connect',
      status(task('T223626'), 'postponed', 'licensing issues with kafka connect'),
    ],
    [
      'kafka connect not done this quarter, licensing issues',
      status(title('kafka connect'), 'not_done', 'this quarter, licensing issues'),
    ],
    ['Migration of Events to EventGate main has been rolling out w/o issues.', UNKNOWN],
    [
      'mediarequests API in progress, probably in service next quarter',
      status(title('mediarequests API'), 'in_progress', 'probably in service next quarter'),
    ],
    [
      'Enthrophy-based alarms for data issues - is done for this quarter and will be picked up next quarter.',
      status(
        title('Enthrophy-based alarms for data issues'),
        'done',
        'for this quarter and will be picked up next quarter.',
      ),
    ],
    ['T208612 Incomplete Partially done', status(task('T208612'), 'partially_done')],
    [
      'T215863 partially done, work should be continued in Q2',
      status(task('T215863'), 'partially_done', 'work should be continued in Q2'),
    ],
    // parser disagrees: note 'In progress'
    ['T226089 In progress In progress', status(task('T226089'), 'in_progress')],
    // parser disagrees: note 'In progress will continue into Q2 as well'
    [
      'T217057 In progress In progress will continue into Q2 as well',
      status(task('T217057'), 'in_progress', 'will continue into Q2 as well'),
    ],
    ['T211248 Yes Done', status(task('T211248'), 'done')],
    [
      'T211248 done, ahead of schedule, no production issues',
      status(task('T211248'), 'done', 'ahead of schedule, no production issues'),
    ],
    [
      'T159170 In progress this quarter and next',
      status(task('T159170'), 'in_progress', 'this quarter and next'),
    ],
    [
      'T223626 N Postponed to next quarter',
      status(task('T223626'), 'postponed', 'to next quarter'),
    ],
    [
      'Migration of events from job queue to event gate main ahead of schedule, no production issues.',
      UNKNOWN,
    ],
    [
      'Mediawiki history data is public, we are working on the hadoop process that will publish the files as current infrastructure on dumps is not sufficient to publish files fast enough',
      UNKNOWN,
    ],
    // parser disagrees: title 'New Mediarequest API work', to_do, note 'for this quarter is done, …'
    // ("planned" is an adjective here; the line says the work is done)
    [
      'New Mediarequest API work planned for this quarter is done, we have a deployment pending in order to make it public',
      status(
        title('New Mediarequest API work planned for this quarter'),
        'done',
        'we have a deployment pending in order to make it public',
      ),
    ],
    // parser disagrees: status done for a title ending in 'once that' ("once that is done" is
    // a condition, not a status)
    [
      'Work continues on mediarequests API, we are working on backfilling this data on hive, once that is done we can move it to druid or cassandra so it can be served via API.',
      UNKNOWN,
    ],
    // parser disagrees: to_do for title 'We will be moving any work that has' ("has to do with")
    [
      'We will be moving any work that has to do with kafka connect to next quarter due to licensing issues. Thus marking as not done for this quarter.',
      UNKNOWN,
    ],
    [
      'zookeeper cluster blocked on hardware, working with DC ops',
      status(title('zookeeper cluster'), 'blocked', 'on hardware, working with DC ops'),
    ],
    [
      'T217057 blocked on hardware, working with DC ops',
      status(task('T217057'), 'blocked', 'on hardware, working with DC ops'),
    ],
  ],
  'Core Platform and Fundraising Tech notes (003)': [
    [
      'Platform infrastructure build out in progress, waiting on Parsoid work to be completed',
      status(
        title('Platform infrastructure build out'),
        'in_progress',
        'waiting on Parsoid work to be completed',
      ),
    ],
    [
      'Multi-DC storage solutions in progress, figuring out possible alternate solutions',
      status(
        title('Multi-DC storage solutions'),
        'in_progress',
        'figuring out possible alternate solutions',
      ),
    ],
    ['all in progress', all('in_progress')],
    // parser disagrees: title 'all 3' ("In progress on all 3 points" in the page)
    ['all 3 in progress', all('in_progress')],
  ],
  'Release Engineering notes (003)': [
    [
      "Migrate restrouter is Yes Done and is now in Services's team hands",
      status(title('Migrate restrouter'), 'done', "and is now in Services's team hands"),
    ],
    [
      'Kibana -> Phab error reporting workflow in progress, has a POC now',
      status(title('Kibana -> Phab error reporting workflow'), 'in_progress', 'has a POC now'),
    ],
    [
      'POC for GitLab is Yes Done and Zuul3 is Incomplete Partially done',
      status(title('POC for GitLab'), 'done', 'and Zuul3 is Incomplete Partially done'),
    ],
    [
      'Set up an experimental elastic search instance to store and analyze CI logs and metrics: N Stalled, will continue into next quarter',
      status(
        title(
          'Set up an experimental elastic search instance to store and analyze CI logs and metrics',
        ),
        'stalled',
        'will continue into next quarter',
      ),
    ],
    // parser disagrees: stalled for title '… SonarQube is no longer' (negated status)
    [
      'Scope out requirements for a self-hosted version of SonarQube is no longer stalled.',
      UNKNOWN,
    ],
    ["Some portions of SonarQube is not open sourced, so we're looking into options", UNKNOWN],
    ['The Selenium documentation has been updated.', UNKNOWN],
  ],
  'Search Platform notes (003)': [
    [
      "Hardware renewal is ongoing, we're waiting on them to be racked and set up",
      status(
        title('Hardware renewal'),
        'in_progress',
        "we're waiting on them to be racked and set up",
      ),
    ],
    [
      'T226843 in progress, delivered but not racked, will spill into Q2',
      status(task('T226843'), 'in_progress', 'delivered but not racked, will spill into Q2'),
    ],
    [
      'T223787 in progress, waiting for community feedback',
      status(task('T223787'), 'in_progress', 'waiting for community feedback'),
    ],
    [
      'Work through the backlog of WDQS bugs—Yes Done (bugs got worked)',
      status(title('Work through the backlog of WDQS bugs'), 'done', '(bugs got worked)'),
    ],
    [
      'Hiring process for WDQS Engineer—Yes Done (process started)',
      status(title('Hiring process for WDQS Engineer'), 'done', '(process started)'),
    ],
    ['RDF export—unclear who owns it', UNKNOWN],
    ['Hiring process is in full swing for WDQS engineer – lots of folks applying!', UNKNOWN],
    // parser disagrees: title 'Refactor query highlighting is still', note 'In progress with …'
    [
      'Refactor query highlighting is still In progress In progress with lots of patches being uploaded',
      status(
        title('Refactor query highlighting'),
        'in_progress',
        'with lots of patches being uploaded',
      ),
    ],
    // parser disagrees: title 'Improve WDQS updater performance—still', note 'In progress'
    [
      'Improve WDQS updater performance—still In progress In progress',
      status(title('Improve WDQS updater performance'), 'in_progress'),
    ],
    // parser disagrees: note 'In progress almost done, expect 1-2 weeks into Q2'
    [
      'Refactoring Mjolnir—In progress In progress almost done, expect 1-2 weeks into Q2',
      status(title('Refactoring Mjolnir'), 'in_progress', 'almost done, expect 1-2 weeks into Q2'),
    ],
    // parser disagrees: blocked (writing ~ waiting) for title 'Improve WDQS updater performance by';
    // the line is a forecast ("should be done by end of Sept"), not a status
    [
      'Improve WDQS updater performance by writing custom code for updates should be done by end of Sept',
      UNKNOWN,
    ],
  ],
  'Security notes (003)': [
    ['We will be sidelining DAST work for this quarter due to bandwidth', UNKNOWN],
    [
      'DAST design document postponed to next quarter due to bandwidth',
      status(title('DAST design document'), 'postponed', 'to next quarter due to bandwidth'),
    ],
    [
      'Security table top exercise N Postponed, working on corrective action plan and playbooks first',
      status(
        title('Security table top exercise'),
        'postponed',
        'working on corrective action plan and playbooks first',
      ),
    ],
    [
      'Phishing campaign stalled and will likely be abandoned this quarter',
      status(title('Phishing campaign'), 'stalled', 'and will likely be abandoned this quarter'),
    ],
    [
      'Team retro completed and monthly appsec retro created.',
      status(title('Team retro'), 'done', 'and monthly appsec retro created.'),
    ],
    ['All privacy related work currently on target.', UNKNOWN],
    [
      'Draft version of roadmap created, on target for publication at the end of the quarter',
      UNKNOWN,
    ],
  ],
  'Site Reliability Engineering notes (003)': [
    [
      'Move all application server traffic to PHP 7 in progress, about 33%',
      status(title('Move all application server traffic to PHP 7'), 'in_progress', 'about 33%'),
    ],
    ['Self-service Deployment Pipeline draft has been posted', UNKNOWN],
    [
      'Apereo CAS identity provider N Stalled',
      status(title('Apereo CAS identity provider'), 'stalled'),
    ],
    ['T211661 N Not done', status(task('T211661'), 'not_done')],
    [
      'Swift cleanup + WebP ramp up not done',
      status(title('Swift cleanup + WebP ramp up'), 'not_done'),
    ],
    [
      'T212129 in progress: dynamo? mcrouter?',
      status(task('T212129'), 'in_progress', 'dynamo? mcrouter?'),
    ],
    // parser disagrees: note 'In progress and database automation is Yes Done'
    [
      'Firefighting improvements are In progress In progress and database automation is Yes Done',
      status(
        title('Firefighting improvements'),
        'in_progress',
        'and database automation is Yes Done',
      ),
    ],
  ],
  'Technical Engagement notes (003)': [
    [
      'HA for OpenStack API endpoints done',
      status(title('HA for OpenStack API endpoints'), 'done'),
    ],
    ['Completed HA for OpenStack API endpoints.', UNKNOWN],
    [
      'Ceph cluster POC stalled, waiting on hardware to be installed',
      status(title('Ceph cluster POC'), 'stalled', 'waiting on hardware to be installed'),
    ],
    [
      'Toolforge Kubernetes redesign/upgrade in progress, puppetization is in place',
      status(
        title('Toolforge Kubernetes redesign/upgrade'),
        'in_progress',
        'puppetization is in place',
      ),
    ],
    [
      'Jessie deprecation to do, talking with the community first',
      status(title('Jessie deprecation'), 'to_do', 'talking with the community first'),
    ],
    [
      'Jessie deprecation goal for Q1 of notifying community of project and creating a tracking dashboard is complete. Project continues in Q2.',
      status(
        title(
          'Jessie deprecation goal for Q1 of notifying community of project and creating a tracking dashboard',
        ),
        'done',
        'Project continues in Q2.',
      ),
    ],
    // parser disagrees: note 'complete. Expect to finish by mid-October.' ("partially complete")
    [
      'OpenStack upgrades from Mitaka to Newton are partially complete. Expect to finish by mid-October.',
      status(
        title('OpenStack upgrades from Mitaka to Newton'),
        'partially_done',
        'Expect to finish by mid-October.',
      ),
    ],
    ["We've also been onboarding a new team member this quarter.", UNKNOWN],
  ],
  'Technical Engagement goals (004)': [
    ['phab:T324729 Yes Done', status(task('T324729'), 'done')],
    [
      'phab:T313444 in progress (multi-quarter project)',
      status(task('T313444'), 'in_progress', '(multi-quarter project)'),
    ],
    ['Phab:T304380 postponed', status(task('T304380'), 'postponed')],
    [
      'T308030 partially done: vocabulary tags postponed to Q2',
      status(task('T308030'), 'partially_done', 'vocabulary tags postponed to Q2'),
    ],
    [
      'Implement controlled vocabulary tags in Toolhub postponed to Q2',
      status(title('Implement controlled vocabulary tags in Toolhub'), 'postponed', 'to Q2'),
    ],
    [
      'Find a sustainable local storage solution for cloud-vps Yes Done',
      status(title('Find a sustainable local storage solution for cloud-vps'), 'done'),
    ],
    [
      'Release Toolforge Build Service in progress (multi-quarter project)',
      status(title('Release Toolforge Build Service'), 'in_progress', '(multi-quarter project)'),
    ],
    [
      'Clarify Technical Engagement support on Rapid Grants applications postponed',
      status(
        title('Clarify Technical Engagement support on Rapid Grants applications'),
        'postponed',
      ),
    ],
    [
      'Migrate at least one tool to k8s Yes Done',
      status(title('Migrate at least one tool to k8s'), 'done'),
    ],
    [
      'T301949 done, finished migration to new ceph backend',
      status(task('T301949'), 'done', 'finished migration to new ceph backend'),
    ],
  ],
};

const countCases = (groups: Record<string, readonly Case[]>) =>
  Object.values(groups).reduce((sum, cases) => sum + cases.length, 0);

describe('parseReplyLine corpus', () => {
  it('has enough realistic lines', () => {
    expect(countCases(SYNTHETIC) + countCases(FROM_PAGES)).toBeGreaterThanOrEqual(90);
    expect(countCases(FROM_PAGES)).toBeGreaterThanOrEqual(30);
  });

  for (const [group, cases] of Object.entries({ ...SYNTHETIC, ...FROM_PAGES })) {
    describe(group, () => {
      it.each(cases)('%s', (line, expected) => expectLine(line, expected));
    });
  }
});

describe('parseReply', () => {
  it('skips blank lines and keeps the order and the raw text of the others', () => {
    const parsed = parseReply('\n1 done\n\n   \n\t\n  3 blocked  \n2 wip\n\n');
    expect(parsed).toEqual([
      { line: '1 done', item: status(num(1), 'done') },
      { line: '  3 blocked  ', item: status(num(3), 'blocked') },
      { line: '2 wip', item: status(num(2), 'in_progress') },
    ]);
  });

  it('returns nothing for an empty or blank reply', () => {
    expect(parseReply('')).toEqual([]);
    expect(parseReply(' \n\r\n\t\r ')).toEqual([]);
  });

  it('reads CRLF, CR and mixed line endings', () => {
    for (const text of [
      '1 done\r\n2 wip\r\n3 blocked',
      '1 done\r2 wip\r3 blocked',
      '1 done\r\n2 wip\r3 blocked\n',
    ]) {
      const parsed = parseReply(text);
      expect(parsed.map((p) => p.line)).toEqual(['1 done', '2 wip', '3 blocked']);
      expect(parsed.map((p) => p.item)).toEqual([
        status(num(1), 'done'),
        status(num(2), 'in_progress'),
        status(num(3), 'blocked'),
      ]);
    }
  });

  it('reads at most 100 lines and says so in a final unknown item', () => {
    const lines = Array.from({ length: 150 }, (_, i) => `${(i % 999) + 1} done`);
    const parsed = parseReply(lines.join('\n'));
    expect(parsed).toHaveLength(MAX_REPLY_LINES + 1);
    expect(parsed.slice(0, MAX_REPLY_LINES).map((p) => p.line)).toEqual(lines.slice(0, 100));
    expect(parsed[50]?.item).toEqual(status(num(51), 'done'));
    const last = parsed[MAX_REPLY_LINES];
    expect(last?.line).toContain('50');
    expect(last?.item).toEqual(
      expect.objectContaining({ kind: 'unknown', reason: expect.stringContaining('100') }),
    );
  });

  it('reads exactly 100 lines without a limit item, and blank lines do not count', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `${i + 1} wip`);
    const parsed = parseReply(lines.join('\n\n \n'));
    expect(parsed).toHaveLength(100);
    expect(parsed.every((p) => p.item.kind === 'status')).toBe(true);
  });
});

describe('hostile input', () => {
  it('refuses a 40,000-character line with a reason that mentions the limit', () => {
    const item = parseReplyLine(`2 done ${'x'.repeat(40_000 - 7)}`);
    expect(item.kind).toBe('unknown');
    if (item.kind !== 'unknown') return;
    expect(item.reason).toMatch(/limit/);
    expect(item.reason).toContain(String(MAX_REPLY_LINE));
    expect(item.text.length).toBeLessThanOrEqual(200);
  });

  it('reads a line of exactly the limit and refuses one character more', () => {
    const line = `2 done${' '.repeat(MAX_REPLY_LINE - 6)}`;
    expect(line).toHaveLength(MAX_REPLY_LINE);
    expect(parseReplyLine(line)).toEqual(status(num(2), 'done'));
    expect(parseReplyLine(`${line} `)).toEqual(
      expect.objectContaining({ kind: 'unknown', reason: expect.stringMatching(/limit/) }),
    );
  });

  it('drops NUL and other control characters', () => {
    expect(parseReplyLine('2 do\u0000ne')).toEqual(status(num(2), 'done'));
    expect(parseReplyLine('\u0000T1 done\u0000')).toEqual(status(task('T1'), 'done'));
    expect(parseReplyLine('2 done: waiting\u0007 on\u001b hardware')).toEqual(
      status(num(2), 'done', 'waiting on hardware'),
    );
    expect(parseReplyLine('\u0000\u0000')).toEqual(unknownItem());
  });

  it('drops bidi controls, also from the stored note', () => {
    expect(parseReplyLine('\u202E2 done')).toEqual(status(num(2), 'done'));
    expect(parseReplyLine('2 \u202Edone\u202C')).toEqual(status(num(2), 'done'));
    expect(parseReplyLine('T1 done: \u2066waiting on hardware\u2069')).toEqual(
      status(task('T1'), 'done', 'waiting on hardware'),
    );
    expect(parseReplyLine('\u200F3 blocked\u200E')).toEqual(status(num(3), 'blocked'));
  });

  it('reads lines around zero-width characters and a byte-order mark', () => {
    expect(parseReplyLine('T1\u200B done')).toEqual(status(task('T1'), 'done'));
    expect(parseReplyLine('\uFEFF2 done')).toEqual(status(num(2), 'done'));
  });

  // parser disagrees: cleanText keeps zero-width characters and the soft hyphen, so an invisible
  // character splits a word or a ref, or becomes a note of its own. Today: unknown, unknown,
  // title 'T\u200B123', note '\u200B'.
  it.each([
    ['2 do\u200Bne', status(num(2), 'done')],
    ['2 do\u00ADne', status(num(2), 'done')],
    ['T\u200B123 done', status(task('T123'), 'done')],
    ['T1 done\u200B', status(task('T1'), 'done')],
  ])(
    'ignores zero-width characters and soft hyphens inside words and refs: %j',
    (line, expected) => {
      expect(parseReplyLine(line)).toEqual(expected);
    },
  );

  it('treats unusual spaces as spaces', () => {
    expect(parseReplyLine('2\u00A0done')).toEqual(status(num(2), 'done'));
    expect(parseReplyLine('2\u3000done')).toEqual(status(num(2), 'done'));
    expect(parseReplyLine('2\tdone')).toEqual(status(num(2), 'done'));
  });

  // parser disagrees: title '２' (refs should be read after NFKC, as normalizeIdentifier does)
  it('reads full-width digits in refs', () => {
    expect(parseReplyLine('２ done')).toEqual(status(num(2), 'done'));
  });

  it('survives combining-mark floods', () => {
    const inputs = [
      `2 done${'\u0301'.repeat(1990)}`,
      `${'\u0301'.repeat(1999)}x`,
      `Z${'\u0351\u0352\u0353\u0354\u0355\u0356'.repeat(300)} done`,
      `T1 ${'e\u0301\u0302\u0303'.repeat(400)}`,
    ];
    for (const line of inputs) {
      const item = parseReplyLine(line);
      expectWellFormed(item);
    }
  });

  it('survives emoji and keeps them in notes', () => {
    expect(parseReplyLine('3 done 🎉')).toEqual(status(num(3), 'done', '🎉'));
    for (const line of ['🚀'.repeat(1000), '👩‍💻 2 done', '🏳️‍🌈🇩🇪 T1 wip', '2 ✅', '✅✅✅']) {
      expectWellFormed(parseReplyLine(line));
    }
    expect(parseReplyLine('🚀'.repeat(1000)).kind).toBe('unknown');
  });

  it('survives lone surrogates', () => {
    for (const line of ['\uD800 2 done', '2 done \uDFFF', 'T1\uD83D', 'KR2 5\uDC00%']) {
      expectWellFormed(parseReplyLine(line));
    }
  });
});

describe('fuzzing', () => {
  const utf16 = fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
    maxLength: 200,
  });
  const noteWord = fc.constantFrom(
    'hardware',
    'licensing',
    'review',
    'kafka',
    'Q2',
    'racked',
    'ops',
  );

  it('parseReplyLine never throws and returns a well-formed item (graphemes)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (line) => {
        expectWellFormed(parseReplyLine(line));
      }),
      { numRuns: 2000 },
    );
  });

  it('parseReplyLine never throws and returns a well-formed item (any code point)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (line) => {
        expectWellFormed(parseReplyLine(line));
      }),
      { numRuns: 2000 },
    );
  });

  it('parseReplyLine never throws and returns a well-formed item (raw UTF-16)', () => {
    fc.assert(
      fc.property(utf16, (line) => {
        expectWellFormed(parseReplyLine(line));
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on lines built from the grammar with random glue', () => {
    const piece = fc.oneof(
      fc.constantFrom('- ', '* ', '• ', '(a) ', '> ', '#', 'goal ', 'No. ', 'phab:', 'note: '),
      fc.constantFrom('2', '3.', 'T223626', 'G12', 'KR2', 'TCB-KR2', 'KR 3', 'all', 'everything'),
      fc.constantFrom('is', 'now', '->', '=', ':', ',', '-', 'marked as', 'has been', 'still'),
      fc.constantFrom(...statusWords()),
      fc.constantFrom('68%', '-5%', '2,067', '1e309', '12,5', '0.5', 'NaN', '−3'),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 12 }),
        fc.constantFrom(' ', '', '  ', '\t'),
        (pieces, glue) => {
          expectWellFormed(parseReplyLine(pieces.join(glue)));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads a goal number with any accepted status spelling and a note', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 999 }),
        fc.constantFrom(...statusWords()),
        fc.array(noteWord, { maxLength: 4 }),
        (n, phrase, words) => {
          const line = words.length ? `${n} ${phrase}: ${words.join(' ')}` : `${n} ${phrase}`;
          expect(parseReplyLine(line)).toEqual(
            status(
              num(n),
              parseStatus(phrase) as Status,
              words.length ? words.join(' ') : undefined,
            ),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('parseReply never throws and returns one well-formed item per non-blank line, at most 100', () => {
    const line = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.constantFrom('2 done', 'KR2 68%', '', '   ', 'note: x', 'hello'),
    );
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 130 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        (lines, eol) => {
          const text = lines.join(eol);
          const parsed = parseReply(text);
          const nonBlank = text.split(/\r?\n|\r/).filter((l) => l.trim() !== '').length;
          expect(parsed).toHaveLength(nonBlank > MAX_REPLY_LINES ? MAX_REPLY_LINES + 1 : nonBlank);
          for (const p of parsed) {
            expect(typeof p.line).toBe('string');
            expect(p.line).not.toMatch(/[\r\n]/);
            expectWellFormed(p.item);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

// Speed and linear scaling are measured in bench/reply-parser.ts, not in timed tests.
