import { defineCommand, type Services } from '../src/core/command.ts';
import { describeUndo } from '../src/features/undo.ts';

export const undoCommand = defineCommand<Pick<Services, 'changes'>>({
  name: 'undo',
  summary: 'Reverts your last change (a status, value or note) made in the last 10 minutes',
  usage: 'undo',
  examples: ['undo'],
  run: (_request, ctx, deps) => describeUndo(ctx, deps),
});
