import type { SlackCall } from './fake-slack.ts';

// Block Kit as Slack validates it (api.slack.com/reference/block-kit): the block types okrbot
// may use, their sizes, and unique ids. Slack refuses a payload that breaks one with
// invalid_blocks, so every message and view the adapter sent in a test run is checked here.

type Json = Record<string, unknown>;

const BLOCK_TYPES = new Set(['header', 'section', 'context', 'divider', 'actions', 'input']);
const ELEMENT_TYPES = new Set([
  'button',
  'static_select',
  'overflow',
  'plain_text_input',
  'number_input',
  'datepicker',
  'timepicker',
  'users_select',
  'conversations_select',
  'checkboxes',
  'radio_buttons',
]);

/** Slack's methods that carry blocks or a view, and a response_url's answers. */
const CARRIERS =
  /^(chat\.(postMessage|postEphemeral|update)|views\.(open|publish|update|push)|respond:)/;

const text = (value: unknown): string =>
  typeof value === 'object' && value !== null ? String((value as Json).text ?? '') : '';

function checkElement(element: Json, where: string, problems: string[]): void {
  const type = String(element.type);
  if (!ELEMENT_TYPES.has(type)) problems.push(`${where}: element type ${type}`);
  if (element.action_id !== undefined && String(element.action_id).length > 255)
    problems.push(`${where}: action_id over 255`);
  if (type === 'button') {
    if (text(element.text).length > 75) problems.push(`${where}: button text over 75`);
    if (String(element.value ?? '').length > 2000)
      problems.push(`${where}: button value over 2000`);
  }
  const options = (element.options as Json[] | undefined) ?? [];
  if (options.length > 100) problems.push(`${where}: over 100 options`);
  for (const option of options) {
    if (text(option.text).length > 75) problems.push(`${where}: option text over 75`);
    if (String(option.value ?? '').length > 150) problems.push(`${where}: option value over 150`);
  }
  const placeholder = text(element.placeholder);
  if (placeholder.length > 150) problems.push(`${where}: placeholder over 150`);
}

/** What is wrong with a list of blocks (a message's or a view's). */
export function blocksProblems(blocks: readonly Json[], max: number, where: string): string[] {
  const problems: string[] = [];
  if (blocks.length > max) problems.push(`${where}: ${blocks.length} blocks (at most ${max})`);
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => {
    const at = `${where} block ${i} (${String(block.type)})`;
    if (!BLOCK_TYPES.has(String(block.type))) problems.push(`${at}: type not used by okrbot`);
    if (block.block_id !== undefined) {
      const id = String(block.block_id);
      if (id.length > 255) problems.push(`${at}: block_id over 255`);
      if (blockIds.has(id)) problems.push(`${at}: block_id ${id} repeated`);
      blockIds.add(id);
    }
    const elements = (block.elements as Json[] | undefined) ?? [];
    const actionIds = new Set<string>();
    for (const element of [...elements, ...(block.accessory ? [block.accessory as Json] : [])]) {
      if (element.action_id === undefined) continue;
      const id = String(element.action_id);
      if (actionIds.has(id)) problems.push(`${at}: action_id ${id} repeated`);
      actionIds.add(id);
    }
    switch (block.type) {
      case 'header':
        if (text(block.text).length > 150) problems.push(`${at}: header over 150`);
        if ((block.text as Json | undefined)?.type !== 'plain_text')
          problems.push(`${at}: header not plain_text`);
        break;
      case 'section': {
        const fields = (block.fields as Json[] | undefined) ?? [];
        if (!block.text && fields.length === 0) problems.push(`${at}: neither text nor fields`);
        if (text(block.text).length > 3000) problems.push(`${at}: text over 3000`);
        if (block.text && text(block.text).length === 0) problems.push(`${at}: empty text`);
        if (fields.length > 10) problems.push(`${at}: over 10 fields`);
        for (const field of fields)
          if (text(field).length > 2000) problems.push(`${at}: field over 2000`);
        if (block.accessory) checkElement(block.accessory as Json, at, problems);
        break;
      }
      case 'context':
        if (elements.length === 0 || elements.length > 10)
          problems.push(`${at}: ${elements.length} elements (1 to 10)`);
        for (const element of elements)
          if (text(element).length > 3000) problems.push(`${at}: element over 3000`);
        break;
      case 'actions':
        if (elements.length === 0 || elements.length > 25)
          problems.push(`${at}: ${elements.length} elements (1 to 25)`);
        for (const element of elements) checkElement(element, at, problems);
        break;
      case 'input':
        if (text(block.label).length > 2000) problems.push(`${at}: label over 2000`);
        if (!block.element) problems.push(`${at}: no element`);
        else checkElement(block.element as Json, at, problems);
        break;
    }
  });
  return problems;
}

/** What is wrong with one call's blocks or view; nothing for calls without them. */
export function callProblems(call: SlackCall): string[] {
  if (!CARRIERS.test(call.method)) return [];
  const where = call.method;
  const problems: string[] = [];
  const view = call.body.view as Json | undefined;
  if (view) {
    problems.push(...blocksProblems((view.blocks as Json[]) ?? [], 100, `${where} view`));
    if (view.type === 'modal') {
      if (text(view.title).length > 24) problems.push(`${where}: modal title over 24`);
      for (const button of ['submit', 'close'])
        if (text(view[button]).length > 24) problems.push(`${where}: ${button} over 24`);
    }
    if (String(view.private_metadata ?? '').length > 3000)
      problems.push(`${where}: private_metadata over 3000`);
    if (String(view.callback_id ?? '').length > 255)
      problems.push(`${where}: callback_id over 255`);
  }
  const blocks = call.body.blocks as Json[] | undefined;
  if (blocks) problems.push(...blocksProblems(blocks, 50, where));
  if (!view && !blocks?.length && !call.body.text)
    problems.push(`${where}: neither text nor blocks`);
  if (String(call.body.text ?? '').length > 40_000) problems.push(`${where}: text over 40,000`);
  return problems;
}

/** Every problem in the messages and views of a test run, with how many were checked. */
export function blockKitReport(calls: readonly SlackCall[]): {
  checked: number;
  problems: string[];
} {
  const carriers = calls.filter((call) => CARRIERS.test(call.method));
  return { checked: carriers.length, problems: carriers.flatMap(callProblems) };
}
