import { and, desc, eq, type InferModelFromColumns, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { cycles, goals } from '../db/schema/index.ts';
import type { Cycle } from '../domain/fiscal-calendar.ts';

const cycleColumns = {
  id: cycles.id,
  label: cycles.label,
  fiscalYear: cycles.fiscalYear,
  quarter: cycles.quarter,
  startsOn: cycles.startsOn,
  endsBefore: cycles.endsBefore,
};

export type CycleRow = InferModelFromColumns<typeof cycleColumns>;

export function createCycleStore(db: Db) {
  return {
    async find(cycle: Cycle): Promise<CycleRow | undefined> {
      const [row] = await db
        .select(cycleColumns)
        .from(cycles)
        .where(
          and(
            eq(cycles.fiscalYear, cycle.fiscalYear),
            cycle.quarter ? eq(cycles.quarter, cycle.quarter) : isNull(cycles.quarter),
          ),
        );
      return row;
    },

    /** Quarters in which a team has goals, newest first. */
    async withGoals(teamId: number): Promise<CycleRow[]> {
      return db
        .selectDistinct(cycleColumns)
        .from(cycles)
        .innerJoin(goals, eq(goals.cycleId, cycles.id))
        .where(and(eq(goals.teamId, teamId), sql`${cycles.quarter} is not null`))
        .orderBy(desc(cycles.startsOn));
    },
  };
}

export type CycleStore = ReturnType<typeof createCycleStore>;
