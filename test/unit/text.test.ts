import { describe, expect, it } from 'vitest';
import { cleanText, normalizeIdentifier, slugify, suggest } from '../../src/domain/text.ts';

describe('identifiers', () => {
  it.each([
    ['ａｎａｌｙｔｉｃｓ', 'analytics'],
    ['analy\u200Btics', 'analytics'],
    ['\u202Eanalytics\u202C', 'analytics'],
    ['\uFEFF T208612 ', 'T208612'],
  ])('normalises %j to %j', (input, output) => {
    expect(normalizeIdentifier(input)).toBe(output);
  });

  it.each([
    ['Birgit Müller', 'birgit-muller'],
    ['Birgit Mu\u0308ller', 'birgit-muller'],
    ['Release Engineering', 'release-engineering'],
    ['  SRE / DC Ops ', 'sre-dc-ops'],
    ['R&D', 'r-and-d'],
    ['', ''],
  ])('slugifies %j as %j', (input, output) => {
    expect(slugify(input)).toBe(output);
  });

  it('makes NFC and NFD look-alikes the same slug', () => {
    expect(slugify('Müller'.normalize('NFC'))).toBe(slugify('Müller'.normalize('NFD')));
  });
});

describe('stored text', () => {
  it('strips NUL, control and bidi characters but keeps newlines and tabs', () => {
    expect(cleanText('a\u0000b\u0007c\r\nd\te\u202Ef')).toBe('abc\nd\tef');
  });

  it('normalises to NFC', () => {
    expect(cleanText('Mu\u0308ller')).toBe('Müller');
  });
});

describe('suggestions', () => {
  const teams = ['analytics', 'performance', 'release-engineering', 'research', 'sre'];

  it('offers close names, best first', () => {
    expect(suggest('analyticz', teams)).toEqual(['analytics']);
    expect(suggest('perf', teams)).toEqual(['performance']);
    expect(suggest('Release Enginering', teams)).toEqual(['release-engineering']);
  });

  it('offers nothing for unrelated input or empty candidates', () => {
    expect(suggest('zzzzzzzz', teams)).toEqual([]);
    expect(suggest('stauts', ['?', 'status'])).toEqual(['status']);
  });
});
