// What the reply parser costs: the median time per line over the reply corpus, read with the
// corpus team's goals as a manager's prompt gives them (the design's target: under 1 ms), and how
// the cost grows with line length (linear work keeps the time per character flat from 250 to
// 2,000 characters). Usage: npx tsx bench/reply-parser.ts
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { MAX_REPLY_LINE, parseReplyLine, type ReadContext } from '../src/domain/reply-parser.ts';
import { median } from './stats.ts';

const FIXTURES = new URL('../test/fixtures/replies/', import.meta.url);
const corpusLines = readFileSync(new URL('corpus.jsonl', FIXTURES), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => (JSON.parse(line) as { line: string }).line);
const team = parse(readFileSync(new URL('corpus-team.yaml', FIXTURES), 'utf8')) as {
  teams: { goals: { title: string; tasks?: string[] }[] }[];
};
const context: ReadContext = {
  goals: (team.teams[0]?.goals ?? []).map((goal) => ({
    title: goal.title,
    taskIds: goal.tasks ?? [],
  })),
};

function corpusFigures(): string {
  for (const line of corpusLines) parseReplyLine(line, context);
  const perLine = corpusLines.map((line) => {
    const start = performance.now();
    for (let i = 0; i < 20; i++) parseReplyLine(line, context);
    return (performance.now() - start) / 20;
  });
  const sorted = [...perLine].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  const chars = corpusLines.map((line) => line.length).sort((a, b) => a - b);
  const micro = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
  return (
    `reply corpus, ${corpusLines.length} lines (median ${chars[chars.length >> 1]} characters, ` +
    `longest ${chars.at(-1)}): median ${micro(median(perLine))} per line, ` +
    `p95 ${micro(at(0.95))}, slowest ${micro(at(1))}\n`
  );
}

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
process.stdout.write(corpusFigures());
process.stdout.write(
  `reply parser, median time per character by line length\n${rows.join('\n')}\n`,
);
