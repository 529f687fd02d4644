import { join } from 'node:path';
import { defineConfigSection } from '../../runtime/config-section.ts';
import { optionalText } from '../../runtime/env-fields.ts';

// The shell's settings: who the operator acts as, and where a terminal session keeps its
// history. The shell is always available; whether it runs is its adapter's call.

export interface ShellConfig {
  /** Handle of the person the shell chat speaks as; undefined means the local operator. */
  readonly actAs: string | undefined;
  /** Where a terminal session keeps its history between runs: the embedded database's directory. */
  readonly historyFile: string | undefined;
}

export const shellConfig = defineConfigSection({
  fields: { OKRBOT_AS: optionalText },
  problems: () => [],
  read: (
    values,
    base: { readonly databaseUrl: string | undefined; readonly dataDir: string },
  ): ShellConfig =>
    Object.freeze({
      actAs: values.OKRBOT_AS,
      // With Postgres okrbot keeps nothing on this machine.
      historyFile: base.databaseUrl ? undefined : join(base.dataDir, 'shell_history'),
    }),
  describe: (config) => ({ actAs: config.actAs ?? '(operator)' }),
});
