import { normalizeIdentifier } from './text.ts';

/** What a user can point at: a task id, a goal id from `goals`, or a key result code. */
export type Ref =
  | { kind: 'task'; taskId: string }
  | { kind: 'goal'; goalId: number }
  | { kind: 'key-result'; objectiveCode: string; code: string };

/** `T208612`, `G12` (or `#12`), `TCB-KR2`; undefined when the text is none of them. */
export function parseRef(text: string): Ref | undefined {
  const value = normalizeIdentifier(text).replace(/^phab:/i, '');
  let match = /^T(\d{1,9})$/i.exec(value);
  if (match) return { kind: 'task', taskId: `T${match[1]}` };
  match = /^(?:G|#)(\d{1,9})$/i.exec(value);
  if (match) return { kind: 'goal', goalId: Number(match[1]) };
  match = /^([A-Za-z][A-Za-z0-9]{0,15})-(KR\d{1,3})$/i.exec(value);
  if (match)
    return {
      kind: 'key-result',
      objectiveCode: (match[1] as string).toUpperCase(),
      code: (match[2] as string).toUpperCase(),
    };
  return undefined;
}

/** The ref `goals` shows for a goal: its first task id, else its goal id. */
export function goalRef(goal: { id: number; taskIds: readonly string[] }): string {
  return goal.taskIds[0] ?? `G${goal.id}`;
}
