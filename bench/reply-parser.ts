// How the reply parser's cost grows with line length: linear work means the time per
// character stays flat from 250 to 2,000 characters. Usage: npx tsx bench/reply-parser.ts
import { MAX_REPLY_LINE, parseReplyLine } from '../src/domain/reply-parser.ts';
import { median } from './stats.ts';

const WORDS = [
  'blokced porgress compelted wiating stlaled pasued',
  'in progress',
  'the quick brown fox',
  'postponned',
];

function lineOf(word: string, length: number): string {
  let line = '';
  while (line.length < length) line += `${word} `;
  return line.slice(0, length);
}

const rows: string[] = [];
for (const word of WORDS) {
  const perChar: string[] = [];
  for (const length of [250, 500, 1000, MAX_REPLY_LINE]) {
    const line = lineOf(word, length);
    for (let i = 0; i < 50; i++) parseReplyLine(line);
    const samples = Array.from({ length: 15 }, () => {
      const start = performance.now();
      for (let i = 0; i < 50; i++) parseReplyLine(line);
      return (performance.now() - start) / 50;
    });
    perChar.push(`${length}: ${((median(samples) * 1000) / length).toFixed(2)} µs/char`);
  }
  rows.push(`${JSON.stringify(word).padEnd(52)} ${perChar.join('  ')}`);
}
process.stdout.write(
  `reply parser, median time per character by line length\n${rows.join('\n')}\n`,
);
