import type { Command, Services } from '../src/core/command.ts';
import { createRegistry } from '../src/core/registry.ts';
import { awayCommand } from './away.ts';
import { deliveriesCommand } from './deliveries.ts';
import { digestCommand } from './digest.ts';
import { goalsCommand } from './goals.ts';
import { helpCommand } from './help.ts';
import { metricCommand } from './metric.ts';
import { noteCommand } from './note.ts';
import { overdueCommand } from './overdue.ts';
import { personCommand } from './person.ts';
import { scheduleCommand } from './schedule.ts';
import { setCommand } from './set.ts';
import { snoozeCommand } from './snooze.ts';
import { statusCommand } from './status.ts';
import { teamCommand } from './team.ts';
import { undoCommand } from './undo.ts';
import { updateCommand } from './update.ts';
import { whoamiCommand } from './whoami.ts';

/** Every chat command, in the order `help` lists them. */
export const COMMANDS: readonly Command<Services>[] = [
  statusCommand,
  goalsCommand,
  setCommand,
  metricCommand,
  noteCommand,
  updateCommand,
  undoCommand,
  overdueCommand,
  digestCommand,
  snoozeCommand,
  awayCommand,
  whoamiCommand,
  helpCommand,
  teamCommand,
  personCommand,
  scheduleCommand,
  deliveriesCommand,
];

export function createCommandRegistry() {
  return createRegistry(COMMANDS);
}
