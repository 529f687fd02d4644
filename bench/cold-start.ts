// Start-up of the embedded database, measured as whole processes, the way a user meets it.
// Compares okrbot's first start (fresh data directory: migrations and demo import included)
// and warm restart with a bare PGlite process doing the same open, in the same run.
// Usage: npm run bench [-- --runs 5]
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;

const BARE_PGLITE = `
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(process.argv[1]);
  await db.query('select 1');
  if (process.argv[2] === 'idle') { console.log('ready'); setInterval(() => {}, 60000); await new Promise(() => {}); }
  await db.close();`;

interface Timed {
  ms: number;
  stderr: string;
}

/** Runs a command to completion with standard input closed; wall time in ms. */
function timed(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...cleanEnv(), ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ ms: performance.now() - started, stderr });
    });
  });
}

function cleanEnv(): NodeJS.ProcessEnv {
  // OKRBOT_EMBEDDED_FSYNC passes through: `=0` compares okrbot with a bare PGlite like with like.
  const { PATH, HOME, TMPDIR, OKRBOT_EMBEDDED_FSYNC } = process.env;
  return { PATH, HOME, TMPDIR, OKRBOT_EMBEDDED_FSYNC, LOG_LEVEL: 'info' };
}

const bare = (dir: string) =>
  timed(['--input-type=module', '-e', BARE_PGLITE, join(dir, 'pglite')]);
const okrbot = (dir: string, env: NodeJS.ProcessEnv = {}) =>
  timed(['bin/okrbot.js', 'start'], { OKRBOT_DATA_DIR: join(dir, 'okrbot'), ...env });

/** Resident memory (MB) of a process once it is idle after start-up. */
async function idleRss(
  args: string[],
  env: NodeJS.ProcessEnv,
  readyText: string,
  stream: 'stdout' | 'stderr',
): Promise<number> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...cleanEnv(), ...env },
    stdio: 'pipe',
  });
  await new Promise<void>((resolve, reject) => {
    let text = '';
    child[stream].on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes(readyText)) resolve();
    });
    child.once('close', () => reject(new Error(`exited before ready: ${text}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
  child.kill('SIGKILL');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'okrbot-bench-'));
  const emptyCache = join(work, 'no-template');
  await mkdir(emptyCache);
  const samples: Record<string, number[]> = {
    'bare PGlite first open': [],
    'okrbot first start': [],
    'okrbot first start, no template': [],
    'bare PGlite reopen': [],
    'okrbot warm restart': [],
  };
  let readyMs: number[] = [];
  try {
    // Warm the OS file cache and tsx's transform cache so run 1 is not an outlier.
    await okrbot(join(work, 'warm-up'));
    for (let run = 1; run <= runs; run++) {
      const dir = join(work, `run-${run}`);
      await mkdir(dir);
      // Interleaved, so a busy moment of the machine affects every variant alike.
      samples['bare PGlite first open']?.push((await bare(dir)).ms);
      const first = await okrbot(dir);
      samples['okrbot first start']?.push(first.ms);
      samples['okrbot first start, no template']?.push(
        (await okrbot(dir, { OKRBOT_DATA_DIR: join(dir, 'slow'), OKRBOT_CACHE_DIR: emptyCache }))
          .ms,
      );
      samples['bare PGlite reopen']?.push((await bare(dir)).ms);
      const warm = await okrbot(dir);
      samples['okrbot warm restart']?.push(warm.ms);
      readyMs = [
        ...readyMs,
        ...[...warm.stderr.matchAll(/"ms":(\d+),"msg":"okrbot ready"/g)].map((m) => Number(m[1])),
      ];
      process.stderr.write(`run ${run}/${runs} done\n`);
    }
    const memory = {
      bare: await idleRss(
        ['--input-type=module', '-e', BARE_PGLITE, join(work, 'run-1', 'pglite'), 'idle'],
        {},
        'ready',
        'stdout',
      ),
      okrbot: await idleRss(
        ['bin/okrbot.js', 'start'],
        { OKRBOT_DATA_DIR: join(work, 'run-1', 'okrbot') },
        'okrbot ready',
        'stderr',
      ),
    };

    const m = (name: string) => median(samples[name] ?? []);
    const rows = Object.entries(samples).map(([name, values]) => ({
      name,
      median: m(name),
      runs: values.map((v) => Math.round(v)).join(' '),
    }));
    const lines = [
      `okrbot start-up, ${runs} runs each, medians (whole processes, wall time; ${new Date().toISOString().slice(0, 10)})`,
      '',
      ...rows.map(
        (r) => `${r.name.padEnd(34)} ${(r.median / 1000).toFixed(2).padStart(6)} s   [${r.runs}]`,
      ),
      '',
      `first start / bare first open          ${(m('okrbot first start') / m('bare PGlite first open')).toFixed(2)}x  (target <= 1.3x)`,
      `first start without template / bare    ${(m('okrbot first start, no template') / m('bare PGlite first open')).toFixed(2)}x`,
      `warm restart / bare reopen             ${(m('okrbot warm restart') / m('bare PGlite reopen')).toFixed(2)}x`,
      `warm restart, database ready in-process ${(median(readyMs) / 1000).toFixed(2)} s  (target < 1 s)`,
      `idle memory: okrbot ${memory.okrbot.toFixed(0)} MB, bare PGlite ${memory.bare.toFixed(0)} MB, difference ${(memory.okrbot - memory.bare).toFixed(0)} MB (target <= 80 MB)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    await mkdir(join(ROOT, 'bench/results'), { recursive: true });
    await writeFile(
      join(ROOT, 'bench/results/cold-start.json'),
      JSON.stringify({ samples, readyMs, memory }, null, 2),
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
