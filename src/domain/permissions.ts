// Who may change what. Everyone may read. A team's managers and delegates (and those of its
// parent team: SRE's directors answer for SRE's sub-teams) change its goals and notes; a key
// result's KR manager and its objective's manager change that key result; admins change anything.

export interface Authority {
  isAdmin: boolean;
  /** Teams the person manages or is a delegate of. */
  teamIds: ReadonlySet<number>;
  /** Key results the person manages, directly or as the objective's manager. */
  keyResultIds: ReadonlySet<number>;
}

export const NO_AUTHORITY: Authority = {
  isAdmin: false,
  teamIds: new Set(),
  keyResultIds: new Set(),
};

export function mayChangeTeam(
  authority: Authority,
  team: { id: number; parentId: number | null },
): boolean {
  return (
    authority.isAdmin ||
    authority.teamIds.has(team.id) ||
    (team.parentId !== null && authority.teamIds.has(team.parentId))
  );
}

export function mayChangeKeyResult(authority: Authority, keyResultId: number): boolean {
  return authority.isAdmin || authority.keyResultIds.has(keyResultId);
}
