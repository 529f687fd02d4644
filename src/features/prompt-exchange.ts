import type { Exchange } from '../core/command.ts';
import {
  answerPrompt,
  type PromptContent,
  type PromptDeps,
  promptSession,
  recordAnswer,
} from './prompt-content.ts';
import { createReplyExchange } from './reply-exchange.ts';

/**
 * The conversation a prompt opens where replies are plain lines: each line is an answer to the
 * prompt, echoed with what was recorded, until `done`.
 */
export function createPromptExchange(content: PromptContent, deps: PromptDeps): Exchange {
  const session = promptSession(content);
  const exchange = createReplyExchange(
    session,
    (text, ctx) => answerPrompt(content, text, ctx, deps, session),
    deps,
    // A line recorded on a yes answers the prompt as much as one recorded at once.
    (ctx) => recordAnswer(content.prompt.id, ctx, deps),
  );
  return { handle: exchange.handle, prompt: content.prompt };
}
