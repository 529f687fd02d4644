import type { Db } from '../db/database.ts';
import { type Clock, systemClock } from '../runtime/clock.ts';
import { createAdminStore } from './admin.ts';
import { createChangeStore } from './changes.ts';
import { createCycleStore } from './cycles.ts';
import { createDeliveryStatsStore } from './delivery-stats.ts';
import { createDigestStore } from './digest.ts';
import { createGoalStore } from './goals.ts';
import { createInboundEventStore } from './inbound-events.ts';
import { createKeyResultStore } from './key-results.ts';
import { createNudgeStore } from './nudges.ts';
import { createOutboxStore } from './outbox/index.ts';
import { createPeopleStore } from './people.ts';
import { createPromptRunStore } from './prompt-runs.ts';
import { createPromptStore } from './prompts.ts';
import { createProposalStore } from './proposals.ts';
import { createQuarterStore } from './quarter.ts';
import { createReportStore } from './reports.ts';
import { createScheduleStore } from './schedules.ts';
import { createTeamAnswerStore } from './team-answers.ts';
import { createTeamStore } from './teams.ts';
import { createTrackingStore } from './tracking.ts';
import { createWikiPageStore } from './wiki-pages.ts';

/**
 * Every store, built once in the composition root; commands take only the parts they use. The
 * outbox reads its instants from `clock`: the bot passes the database's, tests their own or none.
 */
export function createStore(db: Db, clock: Clock = systemClock) {
  return {
    admin: createAdminStore(db),
    changes: createChangeStore(db),
    cycles: createCycleStore(db),
    deliveryStats: createDeliveryStatsStore(db),
    digest: createDigestStore(db),
    goals: createGoalStore(db),
    inboundEvents: createInboundEventStore(db),
    keyResults: createKeyResultStore(db),
    nudges: createNudgeStore(db),
    outbox: createOutboxStore(db, clock),
    people: createPeopleStore(db),
    promptRuns: createPromptRunStore(db),
    prompts: createPromptStore(db),
    proposals: createProposalStore(db),
    quarter: createQuarterStore(db),
    reports: createReportStore(db),
    schedules: createScheduleStore(db),
    teamAnswers: createTeamAnswerStore(db),
    teams: createTeamStore(db),
    tracking: createTrackingStore(db),
    wikiPages: createWikiPageStore(db),
  };
}

export type Store = ReturnType<typeof createStore>;
