import type { Exchange } from '../core/command.ts';
import { answerPrompt, type PromptContent, type PromptDeps } from './prompt-content.ts';
import { createReplyExchange } from './reply-exchange.ts';

/**
 * The conversation a prompt opens where replies are plain lines: each line is an answer to the
 * prompt, echoed with what was recorded, until `done`.
 */
export function createPromptExchange(content: PromptContent, deps: PromptDeps): Exchange {
  const exchange = createReplyExchange(
    content.team,
    (text, ctx) => answerPrompt(content, text, ctx, deps),
    deps,
  );
  return { handle: exchange.handle, prompt: content.prompt };
}
