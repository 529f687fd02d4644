import { defineCommand, type Services } from '../src/core/command.ts';
import { describeUndo } from '../src/features/undo.ts';

export const undoCommand = defineCommand<Pick<Services, 'changes'>>({
  name: 'undo',
  summary: 'Reverts your last change (a status, value or note) made in the last 10 minutes',
  usage: 'undo',
  examples: [
    // The last change the examples before it made as Nuria Ruiz.
    { input: 'undo', result: 'Undone: your note "FOSDEM devroom proposal sent".' },
  ],
  run: (_request, ctx, deps) => describeUndo(ctx, deps),
});
