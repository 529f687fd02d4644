import { describe, expect, it } from 'vitest';
import { DiskFullError, isDiskFull } from '../../src/runtime/disk-full.ts';

// The shapes a full disk reaches okrbot in (see src/runtime/disk-full.ts).

describe('isDiskFull', () => {
  it.each([
    [
      'Node',
      Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }),
    ],
    ['the embedded file system', Object.assign(new Error(), { name: 'ErrnoError', errno: 51 })],
    ['Postgres', Object.assign(new Error('disk full'), { code: '53100' })],
    [
      'a query error wrapping Postgres',
      new Error('Failed query: insert into "report_notes" ... params: secret', {
        cause: new Error('could not extend file "base/5/16427": No space left on device'),
      }),
    ],
    ['okrbot', new DiskFullError({ cause: undefined })],
  ])('knows a full disk from %s', (_, error) => {
    expect(isDiskFull(error)).toBe(true);
  });

  it.each([
    ['another error', new Error('relation "x" does not exist')],
    ['another file system error', Object.assign(new Error(), { name: 'ErrnoError', errno: 44 })],
    ['no error', undefined],
    ['a string', 'No space'],
  ])('is false for %s', (_, error) => {
    expect(isDiskFull(error)).toBe(false);
  });
});
