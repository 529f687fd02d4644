import type { types } from '@slack/bolt';
import { monthName } from '../../domain/fiscal-calendar.ts';
import { goalRef } from '../../domain/refs.ts';
import { formatStatus, STATUSES, type Status } from '../../domain/status.ts';
import type { PromptContent } from '../../features/prompt-content.ts';
import { MAX_NOTE } from '../../features/updates.ts';
import { formatNumber } from '../../reply/format.ts';
import type { GoalRow } from '../../store/goals.ts';
import type { KeyResultRow } from '../../store/key-results.ts';
import { type SlackBlock, statusBadge } from './render-blocks.ts';
import { escapeMrkdwn, plainText, truncate } from './slack-text.ts';

// The monthly prompt as Slack knows it: the team's goals, each with a status menu and an
// "Add note" button, and a "Submit update" form; plus the two forms themselves. Ids of goals
// travel in block ids and values, but they only say what was clicked: who may change it is
// decided from the clicking user, never from the payload.

export const ACTION = {
  goalStatus: 'okr_goal_status',
  addNote: 'okr_add_note',
  openUpdate: 'okr_open_update',
  openKeyResult: 'okr_open_key_result',
  proposalRecord: 'okr_proposal_record',
  proposalChange: 'okr_proposal_change',
  proposalSkip: 'okr_proposal_skip',
} as const;

export const VIEW = {
  update: 'okr_update',
  note: 'okr_note',
  keyResult: 'okr_key_result',
} as const;

/** Travels in a form's private_metadata: where to confirm what the form recorded. */
export interface FormOrigin {
  /** The team of an update form or a goal's note form. */
  teamId?: number;
  /** Set for a goal's note form. */
  goalId?: number;
  /** Set for a key result's form. */
  keyResultId?: number;
  /** The prompt the form answers, when it came from one. */
  promptId?: number;
  /** The message (a prompt) whose thread gets the confirmation. */
  channel?: string;
  threadTs?: string;
  /** A slash command's response_url, when the form came from `/okr update`. */
  responseUrl?: string;
}

const GOAL_BLOCK = /^goal:(\d+)$/;

export function goalIdOfBlock(blockId: string): number | undefined {
  const match = GOAL_BLOCK.exec(blockId);
  return match ? Number(match[1]) : undefined;
}

const option = (status: Status): types.PlainTextOption => ({
  text: { type: 'plain_text', text: formatStatus(status) },
  value: status,
});

function statusSelect(actionId: string, current: Status | null): types.StaticSelect {
  return {
    type: 'static_select',
    action_id: actionId,
    placeholder: { type: 'plain_text', text: 'Set status' },
    options: STATUSES.map(option),
    ...(current ? { initial_option: option(current) } : {}),
  };
}

function goalLine(goal: GoalRow, number: number): string {
  const extra = [goalRef(goal), goal.keyResultCode ? `for ${goal.keyResultCode}` : '']
    .filter(Boolean)
    .join(' · ');
  const indent = goal.parentId === null ? '' : '      ↳ ';
  return truncate(
    `${indent}*${number}.* ${statusBadge(goal.status)}  ${escapeMrkdwn(goal.title)} · ${extra}`,
    3000,
  );
}

/** The prompt message: intro and the form button first, then a line and controls per goal. */
export function promptBlocks(content: PromptContent, reminder: number): SlackBlock[] {
  const { team, recipient, onBehalfOf, goals } = content;
  const month = monthName(content.prompt.month);
  const intro = [
    `Hi ${escapeMrkdwn(recipient.name)}, how are *${escapeMrkdwn(team.name)}*'s goals${content.cycleLabel ? ` for ${content.cycleLabel}` : ''} going?`,
    onBehalfOf ? ` You get this because ${escapeMrkdwn(onBehalfOf.name)} is away.` : '',
    ' Pick a status per goal below, use *Submit update* for a form, or reply in this thread with one line per change (`2 done`, `T223626 postponed: licensing`, `KR2 68%`, `all on track`, `note: waiting on hardware`).',
  ].join('');
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: plainText(
          `${reminder > 0 ? 'Reminder: ' : ''}${team.name} — monthly update for ${month}`,
          150,
        ),
      },
    },
    { type: 'section', text: { type: 'mrkdwn', text: intro } },
    {
      type: 'actions',
      block_id: `team:${team.id}`,
      elements: [
        {
          type: 'button',
          action_id: ACTION.openUpdate,
          style: 'primary',
          text: { type: 'plain_text', text: 'Submit update' },
          value: String(team.id),
        },
      ],
    },
  ];
  if (goals.length === 0)
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `${escapeMrkdwn(team.name)} has no goals this quarter; a note for the monthly report is welcome (reply \`note: ...\`).`,
      },
    });
  goals.forEach((goal, i) => {
    blocks.push(
      { type: 'section', text: { type: 'mrkdwn', text: goalLine(goal, i + 1) } },
      {
        type: 'actions',
        block_id: `goal:${goal.id}`,
        elements: [
          statusSelect(ACTION.goalStatus, goal.status),
          {
            type: 'button',
            action_id: ACTION.addNote,
            text: { type: 'plain_text', text: 'Add note' },
            value: String(goal.id),
          },
        ],
      },
    );
  });
  return blocks;
}

// A modal holds at most 100 blocks: two per goal, and room for the intro and the team note.
const FORM_GOALS = 48;

const noteInput = (blockId: string, label: string, optional: boolean): types.InputBlock => ({
  type: 'input',
  block_id: blockId,
  optional,
  label: { type: 'plain_text', text: plainText(label, 2000) },
  element: {
    type: 'plain_text_input',
    action_id: 'note',
    multiline: true,
    max_length: MAX_NOTE,
  },
});

/** The "Submit update" form: a status and a note per goal, and a note for the monthly report. */
export function updateForm(
  teamName: string,
  cycleLabel: string,
  goals: readonly GoalRow[],
  origin: FormOrigin,
): types.ModalView {
  const shown = goals.slice(0, FORM_GOALS);
  const blocks: types.KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*${escapeMrkdwn(teamName)}*${cycleLabel ? ` — ${cycleLabel}` : ''}: change what moved; untouched goals stay as they are.${goals.length > shown.length ? ` The form shows the first ${shown.length} of ${goals.length} goals; answer the rest in the thread.` : ''}`,
      },
    },
  ];
  shown.forEach((goal, i) => {
    blocks.push(
      {
        type: 'input',
        block_id: `status:${goal.id}`,
        optional: true,
        label: {
          type: 'plain_text',
          text: plainText(`${i + 1}. ${goal.title} (${goalRef(goal)})`, 2000),
        },
        element: statusSelect('status', goal.status),
      },
      noteInput(`note:${goal.id}`, `Note on ${goalRef(goal)}`, true),
    );
  });
  blocks.push(noteInput('report', `Note for ${teamName}'s monthly report`, true));
  return {
    type: 'modal',
    callback_id: VIEW.update,
    private_metadata: JSON.stringify(origin),
    title: { type: 'plain_text', text: plainText(`Update ${teamName}`, 24) },
    submit: { type: 'plain_text', text: 'Submit update' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

/** The "Add note" form for one goal, its status preset to the current one. */
export function noteForm(goal: GoalRow, origin: FormOrigin): types.ModalView {
  return {
    type: 'modal',
    callback_id: VIEW.note,
    private_metadata: JSON.stringify(origin),
    title: { type: 'plain_text', text: plainText(`Note on ${goalRef(goal)}`, 24) },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(escapeMrkdwn(goal.title), 3000) } },
      {
        type: 'input',
        block_id: 'status',
        label: { type: 'plain_text', text: 'Status' },
        element: statusSelect('status', goal.status ?? 'in_progress'),
      },
      noteInput('note', 'Note', false),
    ],
  };
}

/** A key result's form: status, a measured value and a note. */
export function keyResultForm(
  kr: KeyResultRow,
  status: Status | null,
  origin: FormOrigin,
): types.ModalView {
  const name = `${kr.objectiveCode}-${kr.code}`;
  const target =
    kr.target === null ? '' : ` Target: ${formatNumber(kr.target)}${kr.unit ? ` ${kr.unit}` : ''}.`;
  return {
    type: 'modal',
    callback_id: VIEW.keyResult,
    private_metadata: JSON.stringify(origin),
    title: { type: 'plain_text', text: plainText(`Update ${name}`, 24) },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: truncate(`*${name}* ${escapeMrkdwn(kr.text)}${escapeMrkdwn(target)}`, 3000),
        },
      },
      {
        type: 'input',
        block_id: 'status',
        optional: true,
        label: { type: 'plain_text', text: 'Status' },
        element: statusSelect('status', status),
      },
      {
        type: 'input',
        block_id: 'value',
        optional: true,
        label: {
          type: 'plain_text',
          text: plainText(`Value${kr.unit ? ` (${kr.unit})` : ''}`, 2000),
        },
        element: { type: 'number_input', action_id: 'value', is_decimal_allowed: true },
      },
      noteInput('note', 'Note', true),
    ],
  };
}

export interface FormValues {
  /** By block id without its `status:` prefix (a goal id, or `status` alone). */
  statuses: Map<string, Status>;
  /** By block id without its `note:` prefix (a goal id, `note` or `report`). */
  notes: Map<string, string>;
  /** A number input's text, when one was filled. */
  value: string | undefined;
}

export type StateValues = Record<
  string,
  Record<string, { selected_option?: { value: string } | null; value?: string | null }>
>;

/** What a submitted form says, read from Slack's `view.state.values`. */
export function readForm(values: StateValues): FormValues {
  const statuses = new Map<string, Status>();
  const notes = new Map<string, string>();
  let value: string | undefined;
  for (const [blockId, actions] of Object.entries(values)) {
    const status = actions.status?.selected_option?.value;
    if (status && (STATUSES as readonly string[]).includes(status))
      statuses.set(blockId.replace(/^status:/, ''), status as Status);
    const note = actions.note?.value?.trim();
    if (note) notes.set(blockId.replace(/^note:/, ''), note);
    const number = actions.value?.value?.trim();
    if (number) value = number;
  }
  return { statuses, notes, value };
}

/** A form's origin from private_metadata; undefined when it is not one of ours. */
export function readOrigin(metadata: string): FormOrigin | undefined {
  try {
    const origin = JSON.parse(metadata) as FormOrigin;
    return typeof origin === 'object' && origin !== null ? origin : undefined;
  } catch {
    return undefined;
  }
}
