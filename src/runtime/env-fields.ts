import { z } from 'zod';

// Field parsers shared by the configuration schema: every variable is a string or unset, and an
// empty value means unset (process managers write `VAR=` for "not set").

export const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : undefined));

/** `1/0`, `true/false`, `yes/no`, `on/off`; unset or empty gives `fallback`. */
export const flag = (fallback: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      if (['1', 'true', 'yes', 'on'].includes(value)) return true;
      if (['0', 'false', 'no', 'off'].includes(value)) return false;
      ctx.addIssue({ code: 'custom', message: 'expected 1 or 0 (or true/false, on/off)' });
      return z.NEVER;
    });

/** A whole number in a range; unset gives `fallback` (which may be undefined). */
export const wholeNumber = <F extends number | undefined>(
  min: number,
  max: number,
  fallback: F,
  message: string,
) =>
  optionalText
    .transform((value) => (value === undefined ? fallback : Number(value)))
    .refine(
      (value) => value === undefined || (Number.isInteger(value) && value >= min && value <= max),
      {
        message,
      },
    );

/** A positive number (fractions allowed); unset gives `fallback`. */
export const positiveNumber = (fallback: number, max: number, message: string) =>
  optionalText
    .transform((value) => (value === undefined ? fallback : Number(value)))
    .refine((value) => Number.isFinite(value) && value > 0 && value <= max, { message });

/** An http(s) URL; `trailingSlash` appends the `/` base URLs need for relative resolution. */
export const httpUrl = (message: string, trailingSlash = false) =>
  optionalText
    .refine((value) => value === undefined || isHttpUrl(value), { message })
    .transform((value) => (value && trailingSlash && !value.endsWith('/') ? `${value}/` : value));

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
