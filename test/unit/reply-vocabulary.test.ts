import { describe, expect, it } from 'vitest';
import data from '../../src/domain/reply-vocabulary.json' with { type: 'json' };
import { buildVocabulary, VOCABULARY } from '../../src/domain/reply-vocabulary.ts';

// The vocabulary is data that people extend; these checks catch the edits that would make the
// reader guess: a phrase meaning two statuses, a language left out of a status, a repeated entry.

describe('the reply vocabulary', () => {
  it('gives every status words in every language it lists', () => {
    for (const [status, byLanguage] of Object.entries(data.statuses))
      for (const language of data.languages)
        expect(
          (byLanguage as Record<string, string[]>)[language]?.length ?? 0,
          `${status} in ${language}`,
        ).toBeGreaterThan(0);
  });

  it('never lets one phrase mean two statuses, in any language', () => {
    const clashes = [...VOCABULARY.byFirst.values()]
      .flat()
      .map((phrase) => ({
        phrase: phrase.words.join(' '),
        statuses: new Set(phrase.meanings.flatMap((m) => (m.kind === 'status' ? [m.status] : []))),
      }))
      .filter(({ statuses }) => statuses.size > 1)
      .map(({ phrase, statuses }) => `${phrase}: ${[...statuses].join(', ')}`);
    expect(clashes).toEqual([]);
  });

  it('lists each phrase once per list', () => {
    const repeated: string[] = [];
    const check = (where: string, list: unknown) => {
      if (!Array.isArray(list)) return;
      const seen = new Set<string>();
      for (const phrase of list as string[]) {
        const key = phrase.toLowerCase();
        if (seen.has(key)) repeated.push(`${where}: ${phrase}`);
        seen.add(key);
      }
    };
    for (const [section, value] of Object.entries(data)) {
      if (section === '$comment' || section === 'languages') continue;
      if (Array.isArray(value)) check(section, value);
      else if (section === 'statuses')
        for (const [status, byLanguage] of Object.entries(value))
          for (const [language, list] of Object.entries(byLanguage as object))
            check(`${status}.${language}`, list);
      else
        for (const [key, list] of Object.entries(value as object)) check(`${section}.${key}`, list);
    }
    expect(repeated).toEqual([]);
  });

  it('refuses a malformed file with what is wrong', () => {
    expect(() => buildVocabulary({ ...data, statuses: { finished: { en: ['done'] } } })).toThrow(
      /statuses/,
    );
    expect(() => buildVocabulary({ ...data, weak: { en: [''] } })).toThrow(/weak/);
  });
});
