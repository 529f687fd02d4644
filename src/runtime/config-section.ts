import { z } from 'zod';

// A part of the configuration that lives beside the code it configures (a transport's
// variables in its own folder). loadConfig checks every part beside its own variables, so
// each bad variable is still reported, all at once.

export type Env = Readonly<Record<string, string | undefined>>;

export interface ConfigSection<Fields extends z.ZodRawShape, Settings, Base = unknown> {
  /** Its environment variables, each with its check and hint. */
  readonly fields: Fields;
  /** Problems of variables that only make sense together, from the raw values. */
  problems(env: Env): string[];
  /**
   * Its settings from the checked values (and the general settings it builds on); undefined
   * when this part is not configured.
   */
  read(values: z.output<z.ZodObject<Fields>>, base: Base): Settings | undefined;
  /** The settings as they may be logged: secrets redacted. */
  describe(settings: Settings): unknown;
}

/** Gives a section its type. */
export function defineConfigSection<Fields extends z.ZodRawShape, Settings, Base = unknown>(
  section: ConfigSection<Fields, Settings, Base>,
): ConfigSection<Fields, Settings, Base> {
  return section;
}

/**
 * Checks a section's variables and combinations; its settings when every one is valid and the
 * general settings are there (undefined: they have problems of their own).
 */
export function readSection<Fields extends z.ZodRawShape, Settings, Base>(
  section: ConfigSection<Fields, Settings, Base>,
  env: Env,
  base: Base | undefined,
): { problems: string[]; settings: Settings | undefined } {
  const parsed = z.object(section.fields).safeParse(env);
  const problems = [
    ...(parsed.success ? [] : envProblems(parsed.error.issues, env)),
    ...section.problems(env),
  ];
  const settings =
    parsed.success && problems.length === 0 && base !== undefined
      ? section.read(parsed.data, base)
      : undefined;
  return { problems, settings };
}

/** `NAME: what was expected (got "value")` for each failed check; secrets are shown redacted. */
export function envProblems(issues: z.ZodError['issues'], env: Env): string[] {
  return issues.map((issue) => {
    const name = issue.path.join('.');
    const got = env[name];
    const shown = got === undefined ? '' : ` (got "${isSecret(name) ? redact(got) : got}")`;
    return `${name}: ${issue.message}${shown}`;
  });
}

function isSecret(name: string): boolean {
  return /URL|TOKEN|SECRET|PASSWORD/.test(name);
}

/** Hides passwords inside URLs and whole secrets; what stays is enough to tell which one it is. */
export function redact(value: string): string {
  if (/^[a-z]+:\/\//i.test(value)) return value.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  return value.length <= 4 ? '***' : `${value.slice(0, 4)}***`;
}
