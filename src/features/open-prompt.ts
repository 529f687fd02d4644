import type { LineAnswer } from '../core/adapter-context.ts';
import type { Actor, Services } from '../core/command.ts';
import type { Dispatch } from '../core/dispatch.ts';
import { cleanText } from '../domain/text.ts';
import type { TransportId } from '../domain/transports.ts';
import type { PromptRow } from '../store/prompts.ts';
import { type PromptContent, promptContent } from './prompt-content.ts';
import { createPromptExchange } from './prompt-exchange.ts';

// "A line that is not a command answers the open prompt", on every transport. A prompt's
// conversation lives in memory (a transport without threads opens it when the prompt goes
// out), so after a restart, or where the prompt went out with buttons and a thread, a line
// that is not a command from someone with an open prompt on that transport reopens it.

/** An open prompt older than this is not what a stray line answers. */
const RESUME_DAYS = 31;

// Words an open conversation answers itself rather than as commands.
const EXCHANGE_WORDS = new Set(['undo', 'help', '?']);

export interface OpenPromptDeps {
  services: Services;
  dispatch: Dispatch;
}

/** The prompt's content as the actor will answer it; undefined when its team or person is gone. */
export function promptContentFor(
  prompt: PromptRow,
  actor: Actor,
  reminder: number,
  { services, dispatch }: OpenPromptDeps,
): Promise<PromptContent | undefined> {
  return promptContent(prompt, dispatch.contextFor(actor), services, reminder);
}

/** Sends the actor's next private lines to the prompt. */
export function openPromptConversation(
  actor: Actor,
  content: PromptContent,
  { services, dispatch }: OpenPromptDeps,
): void {
  dispatch.openExchange(actor, createPromptExchange(content, services));
}

/** Reopens the conversation of the actor's newest open prompt sent on `transport`, if any. */
async function resumePromptConversation(
  actor: Actor,
  transport: TransportId,
  deps: OpenPromptDeps,
): Promise<PromptRow | undefined> {
  if (!actor.person) return undefined;
  const now = deps.dispatch.contextFor(actor).now;
  const since = now.getTime() - RESUME_DAYS * 86_400_000;
  const open = (await deps.services.prompts.openFor(actor.person.id)).find(
    (prompt) => prompt.transport === transport && prompt.dueAt.getTime() >= since,
  );
  if (!open) return undefined;
  const content = await promptContentFor(open, actor, 0, deps);
  if (!content) return undefined;
  openPromptConversation(actor, content, deps);
  return open;
}

/**
 * A private line. While a conversation (a prompt, an `update`) is open, a line is an answer
 * unless it starts with a command (conversations open by themselves, so commands must still
 * work inside them); with none open, a line that is not a command answers the open prompt.
 */
export async function answerLine(
  line: string,
  actor: Actor,
  transport: TransportId,
  deps: OpenPromptDeps,
): Promise<LineAnswer> {
  const word = cleanText(line).split(/\s+/, 1)[0]?.toLowerCase() ?? '';
  const command = deps.services.registry.find(word) !== undefined;
  const exchange = deps.dispatch.exchangeOf(actor);
  if (command && !(exchange && EXCHANGE_WORDS.has(word)))
    return { reply: await deps.dispatch(line, actor, { commandsOnly: true }) };
  const prompt = exchange
    ? exchange.prompt
    : command
      ? undefined
      : await resumePromptConversation(actor, transport, deps);
  return { reply: await deps.dispatch(line, actor), ...(prompt && { prompt }) };
}
