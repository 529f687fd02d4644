import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../db/database.ts';
import { suggest } from '../../domain/text.ts';
import { createLogger } from '../../runtime/logger.ts';
import { createPeopleStore } from '../../store/people.ts';
import { createPersonDataStore, FORMER_MEMBER, isErased } from '../../store/person-data.ts';
import { databaseOptions } from '../bot.ts';
import { loadConfig } from '../config/load-config.ts';
import { OperatorUsageError } from './operator-commands.ts';

// `okrbot person export|erase HANDLE`: a data-protection request, answered by the operator.

export const PERSON_USAGE =
  'okrbot person export HANDLE [--output FILE] | okrbot person erase HANDLE [--remove-notes] --yes';

export async function personCommand(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args);
  } catch (error) {
    throw new OperatorUsageError(`${(error as Error).message}\nUsage: ${PERSON_USAGE}`);
  }
  const { values, positionals } = parsed;
  const [action = '', handle, ...extra] = positionals;
  if (!['export', 'erase'].includes(action) || !handle || extra.length)
    throw new OperatorUsageError(
      `name export or erase and one handle, e.g. okrbot person export nuria-ruiz\nUsage: ${PERSON_USAGE}`,
    );
  if (action === 'export' && (values['remove-notes'] || values.yes))
    throw new OperatorUsageError(`--remove-notes and --yes are for erase\nUsage: ${PERSON_USAGE}`);
  if (action === 'erase' && values.output)
    throw new OperatorUsageError(
      `--output is for export: export first to keep a copy\nUsage: ${PERSON_USAGE}`,
    );
  if (action === 'erase' && !values.yes)
    throw new OperatorUsageError(
      `erasing ${handle} cannot be undone: their name, email and chat accounts go, and their history stays as "${FORMER_MEMBER}"${values['remove-notes'] ? ' without the notes they wrote' : ''}. Run okrbot person export ${handle} first to keep a copy, then add --yes.`,
    );

  const config = loadConfig(env);
  const database = await openDatabase(databaseOptions(config, createLogger(config.logLevel)));
  try {
    const people = createPeopleStore(database.db);
    const person = await people.findByHandle(handle);
    if (!person || isErased(person.handle)) {
      const close = suggest(
        handle,
        (await people.handles()).filter((h) => !isErased(h)),
        3,
      );
      process.stderr.write(
        `okrbot person: nobody has the handle "${handle}".${close.length ? ` Did you mean ${close.join(', ')}?` : ''}\n`,
      );
      return 1;
    }
    const data = createPersonDataStore(database.db);
    const at = config.now ?? new Date();
    if (action === 'export') {
      const text = `${JSON.stringify(await data.exportPerson(person.id, at), null, 2)}\n`;
      if (values.output) {
        await writeFile(values.output, text, { mode: 0o600 });
        process.stdout.write(`Wrote ${values.output}: everything okrbot keeps about ${handle}.\n`);
      } else process.stdout.write(text);
      return 0;
    }
    const erased = await data.erasePerson(
      person.id,
      { removeNotes: values['remove-notes'] ?? false },
      at,
    );
    process.stdout.write(
      `Erased ${handle}: ${erased.identities} chat accounts, ${erased.roles} team roles, ${erased.messages} messages and prompts, ${erased.mentions} mentions in notes, digests and the audit log${values['remove-notes'] ? `, ${erased.notesRemoved} notes they wrote` : ''}. Their history stays as "${FORMER_MEMBER}". Remove them from the quarter files too, or the next import adds them again.\n`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

function parseOptions(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    options: {
      output: { type: 'string' },
      'remove-notes': { type: 'boolean' },
      yes: { type: 'boolean' },
    },
    allowPositionals: true,
  });
}
