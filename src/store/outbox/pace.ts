import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/rows.ts';
import { outboxPace } from '../../db/schema/index.ts';
import { paceKey } from '../../domain/keys.ts';
import type { ChatTransport } from '../../domain/transports.ts';
import { instant, type OutboxContext } from './delivery.ts';

/** Destination slots older than this are forgotten: they can no longer hold anything up. */
const PACE_MEMORY_MS = 3_600_000;

export function pacing({ db, clock }: OutboxContext) {
  return {
    /** Holds a transport's sending for `ms` (a rate limit's Retry-After), across instances. */
    async pauseTransport(transport: ChatTransport, ms: number): Promise<void> {
      const until = instant(new Date(clock.now().getTime() + ms));
      await queryRows(
        db,
        sql`insert into outbox_pace (key, next_at) values (${paceKey.transport(transport)}, ${until})
            on conflict (key) do update set next_at = greatest(outbox_pace.next_at, ${until})`,
      );
    },

    /** Forgets destination slots that passed long ago (one row per destination ever paced). */
    async prunePace(): Promise<void> {
      const before = instant(new Date(clock.now().getTime() - PACE_MEMORY_MS));
      await db
        .delete(outboxPace)
        .where(sql`${outboxPace.key} like 'target:%' and ${outboxPace.nextAt} < ${before}`);
    },
  };
}
