export const IMPORT_KINDS = [
  'departments',
  'people',
  'teams',
  'team roles',
  'cycles',
  'objectives',
  'key results',
  'milestones',
  'metric values',
  'quarter statuses',
  'notes',
  'goals',
  'dependencies',
  'status entries',
  'reports',
  'report notes',
  'schedules',
  'digest channels',
] as const;

export type ImportKind = (typeof IMPORT_KINDS)[number];

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
}

/** What an import did, kind by kind. */
export class ImportSummary {
  readonly counts = new Map<ImportKind, ImportCounts>(
    IMPORT_KINDS.map((kind) => [kind, { created: 0, updated: 0, unchanged: 0, removed: 0 }]),
  );

  add(kind: ImportKind, outcome: keyof ImportCounts, count = 1): void {
    (this.counts.get(kind) as ImportCounts)[outcome] += count;
  }

  total(outcome: keyof ImportCounts): number {
    let sum = 0;
    for (const counts of this.counts.values()) sum += counts[outcome];
    return sum;
  }

  get changed(): boolean {
    return this.total('created') + this.total('updated') + this.total('removed') > 0;
  }

  /** `12 created, 1 updated, 340 unchanged` and, for what changed, the kinds. */
  describe(): string {
    const head = `${this.total('created')} created, ${this.total('updated')} updated, ${this.total('unchanged')} unchanged`;
    const removed = this.total('removed') ? `, ${this.total('removed')} removed` : '';
    const details = [...this.counts]
      .filter(([, c]) => c.created + c.updated + c.removed > 0)
      .map(
        ([kind, c]) =>
          `${kind}: ${[
            c.created && `${c.created} created`,
            c.updated && `${c.updated} updated`,
            c.removed && `${c.removed} removed`,
          ]
            .filter(Boolean)
            .join(', ')}`,
      );
    return details.length ? `${head}${removed} (${details.join('; ')})` : `${head}${removed}`;
  }

  toJSON(): Record<string, ImportCounts> {
    return Object.fromEntries(this.counts);
  }
}
