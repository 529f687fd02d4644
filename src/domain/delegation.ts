// Who a team's monthly prompt goes to when managers are away: the managers who are here; for
// an away manager, the team's delegates who are here; and if nobody can answer, it waits until
// an away manager is back.

export interface Member {
  id: number;
  name: string;
  awayUntil: Date | null;
}

export interface Recipients {
  to: Member[];
  /** Set when nobody can answer now: the prompt waits until this instant. */
  waitUntil: Date | null;
}

const isAway = (member: Member, now: Date) => member.awayUntil !== null && member.awayUntil > now;

export function promptRecipients(
  managers: readonly Member[],
  delegates: readonly Member[],
  now: Date,
): Recipients {
  const present = managers.filter((m) => !isAway(m, now));
  const away = managers.filter((m) => isAway(m, now));
  const to = new Map(present.map((m) => [m.id, m]));
  if (away.length > 0) for (const d of delegates) if (!isAway(d, now)) to.set(d.id, d);
  if (to.size > 0) return { to: [...to.values()], waitUntil: null };
  const back = [...away, ...delegates.filter((d) => isAway(d, now))]
    .map((m) => m.awayUntil as Date)
    .sort((a, b) => a.getTime() - b.getTime())[0];
  return { to: [], waitUntil: back ?? null };
}
