import type { CommandContext } from '../core/command.ts';
import { formatStatus } from '../domain/status.ts';
import { excerpt } from '../domain/text.ts';
import { LOCAL_TRANSPORT } from '../domain/transports.ts';
import { errorReply, paragraph, type Reply, reply } from '../reply/document.ts';
import { UNDO_WINDOW_MINUTES } from '../store/changes.ts';
import { type UpdateDeps, unlinkedReason } from './updates.ts';

/** Reverts the actor's last change from chat, within the undo window, and says what it was. */
export async function describeUndo(
  ctx: CommandContext,
  deps: Pick<UpdateDeps, 'changes'>,
): Promise<Reply> {
  // Changes without a person are the local operator's: a chat sender nobody is linked to (or a
  // nick not identified) must not undo those.
  if (!ctx.actor.person && ctx.actor.transport !== LOCAL_TRANSPORT)
    return errorReply(...unlinkedReason(ctx.actor));
  const undone = await deps.changes.undoLast(ctx.actor.person?.id ?? null, {
    personId: ctx.actor.person?.id ?? null,
    at: ctx.now,
    source: ctx.actor.transport,
  });
  if (!undone)
    return errorReply(
      `Nothing to undo: you made no change in the last ${UNDO_WINDOW_MINUTES} minutes.`,
    );
  switch (undone.kind) {
    case 'status':
      return reply(
        paragraph(
          `Undone: the status ${formatStatus(undone.status)} you set on ${undone.label}. It shows its previous status again.`,
        ),
      );
    case 'metric':
      return reply(
        paragraph(`Undone: the value ${undone.value} you recorded for ${undone.label}.`),
      );
    case 'note':
      return reply(paragraph(`Undone: your note "${excerpt(undone.text, 80)}".`));
  }
}
