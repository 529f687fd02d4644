import type { Actor, Services } from '../../core/command.ts';
import type { Dispatch } from '../../core/dispatch.ts';
import { type PromptContent, promptContent } from '../../features/prompt-content.ts';
import { createPromptExchange } from '../../features/prompt-exchange.ts';
import type { PromptRow } from '../../store/prompts.ts';

// Monthly prompts by private message. The prompt opens a conversation: the manager's next
// private lines are answers to it. That conversation lives in memory, so after a restart a
// line that is not a command, from someone with an open prompt sent over IRC, is taken as an
// answer to it all the same.

/** An open prompt older than this is not what a stray line answers. */
const RESUME_DAYS = 31;

export interface PromptDeps {
  services: Services;
  dispatch: Dispatch;
}

/** The prompt's content as the actor will answer it; undefined when its team or person is gone. */
export function contentFor(
  prompt: PromptRow,
  actor: Actor,
  reminder: number,
  { services, dispatch }: PromptDeps,
): Promise<PromptContent | undefined> {
  return promptContent(prompt, dispatch.contextFor(actor), services, reminder);
}

/** Sends the actor's next private lines to the prompt. */
export function openPromptConversation(
  actor: Actor,
  content: PromptContent,
  { services, dispatch }: PromptDeps,
): void {
  dispatch.openExchange(actor, createPromptExchange(content, services));
}

/**
 * After a restart: reopens the conversation of the actor's newest open prompt sent over IRC,
 * if any; true when the actor's line should be read as an answer to it.
 */
export async function resumePromptConversation(actor: Actor, deps: PromptDeps): Promise<boolean> {
  if (!actor.person) return false;
  const now = deps.dispatch.contextFor(actor).now;
  const since = now.getTime() - RESUME_DAYS * 86_400_000;
  const open = (await deps.services.prompts.openFor(actor.person.id)).find(
    (prompt) => prompt.transport === 'irc' && prompt.dueAt.getTime() >= since,
  );
  if (!open) return false;
  const content = await contentFor(open, actor, 0, deps);
  if (!content) return false;
  openPromptConversation(actor, content, deps);
  return true;
}
