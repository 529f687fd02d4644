// Names that look alike: "Аnalytics" with a Cyrillic А reads as "Analytics" but is another
// string. A skeleton in the spirit of Unicode TS #39 maps each character to the Latin letter it
// is commonly mistaken for, so two names with one skeleton are refused as confusable. The table
// covers the look-alikes of Latin letters and digits in Cyrillic, Greek, Armenian and the
// full-width and mathematical forms (the latter two NFKD already folds).

const LOOK_ALIKES: Record<string, string> = {
  // Cyrillic
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  һ: 'h',
  ӏ: 'l',
  ԍ: 'g',
  ү: 'y',
  // Greek
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  γ: 'y',
  μ: 'u',
  ω: 'w',
  ϲ: 'c',
  ϳ: 'j',
  // Armenian
  օ: 'o',
  ս: 'u',
  հ: 'h',
  ո: 'n',
  զ: 'q',
  ց: 'g',
  // Digits and Latin letters people swap
  '0': 'o',
  '1': 'l',
  '5': 's',
  '|': 'l',
  ı: 'i',
  ł: 'l',
  ø: 'o',
  đ: 'd',
  ħ: 'h',
};

/** The confusable skeleton of a name: what it looks like, as plain Latin letters. */
export function skeleton(name: string): string {
  const folded = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  let out = '';
  for (const char of folded) out += LOOK_ALIKES[char] ?? char;
  return out
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** The first of `existing` that looks like `name` without being it, if any. */
export function confusableWith(name: string, existing: Iterable<string>): string | undefined {
  const wanted = skeleton(name);
  if (!wanted) return undefined;
  for (const other of existing)
    if (other.toLowerCase() !== name.toLowerCase() && skeleton(other) === wanted) return other;
  return undefined;
}
