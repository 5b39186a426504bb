// How fast the engine stops, measured on the real CLI (medians; the tests only check that it stops,
// since wall-clock bounds do not hold on a loaded 2-core machine):
//   1. SIGTERM (and Ctrl-C twice) during a run whose child ignores SIGTERM in its own session:
//      until no process of the run is left, and until the CLI has exited with the partial profile;
//   2. --timeout: how long past the limit the strategy's tree is gone;
//   3. a task that leaves a helper process running: what ending it costs the strategy.
// Usage: npm run build && node --import tsx bench/lifecycle.ts [--rounds N] [--python PATH]
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Profile } from '../src/profiler/profile';
import { processesWithMarker, ROOT, runCli, stubbornWorkloadRuns } from '../test/helpers/cli';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, python: { type: 'string', default: '/usr/bin/python3' } },
});
const ROUNDS = Math.max(3, Number(values.rounds));
const PYTHON = values.python!;
const HOSTILE = join(ROOT, 'test', 'fixtures', 'reliability', 'hostile.py');
const COMMON = ['--python', PYTHON, '--workers', '2', '--scaling', 'off'];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function until(condition: () => boolean, pollMs = 5): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, pollMs));
}

/** Milliseconds from the signal(s) until nothing of the run was left, and until the CLI exited. */
async function stopOnce(
  signals: NodeJS.Signals[],
): Promise<{ treeGoneMs: number; exitMs: number; code: number | null }> {
  const marker = randomUUID();
  let pid = 0;
  let exitedAt = 0;
  const run = runCli(
    [
      'profile',
      HOSTILE,
      '--function',
      'stubborn_forever',
      '--strategies',
      'serial',
      '--out',
      join(tmpdir(), `cp-bench-${marker}.json`),
      ...COMMON,
    ],
    { marker, onSpawn: (p) => (pid = p) },
  ).then((r) => {
    exitedAt = Date.now();
    return r;
  });
  await until(() => stubbornWorkloadRuns(marker), 20);
  const sent = Date.now();
  for (const signal of signals) process.kill(pid, signal);
  await until(() => processesWithMarker(marker).filter((p) => p.pid !== pid).length === 0);
  const treeGoneMs = Date.now() - sent;
  const { code } = await run;
  return { treeGoneMs, exitMs: exitedAt - sent, code };
}

async function stopping(): Promise<void> {
  console.log(`\n1. Stopping a run (budget: <= 1000 ms to exit, the workload gone before), median of ${ROUNDS}:`);
  for (const signals of [['SIGTERM'], ['SIGINT', 'SIGINT']] as NodeJS.Signals[][]) {
    const runs = [];
    for (let i = 0; i < ROUNDS; i++) runs.push(await stopOnce(signals));
    console.log(
      `   ${signals.join(' + ').padEnd(16)} workload gone ${median(runs.map((r) => r.treeGoneMs)).toFixed(0)} ms, ` +
        `CLI exited ${median(runs.map((r) => r.exitMs)).toFixed(0)} ms after (exit ${runs[0]!.code})`,
    );
  }
}

async function profileOf(fn: string, extra: string[]): Promise<Profile> {
  const out = join(tmpdir(), `cp-bench-${randomUUID()}.json`);
  await runCli(['profile', HOSTILE, '--function', fn, '--strategies', 'serial', '--out', out, ...COMMON, ...extra]);
  return JSON.parse(readFileSync(out, 'utf8')) as Profile;
}

async function timeouts(): Promise<void> {
  const late: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const serial = (await profileOf('stubborn_forever', ['--timeout', '1'])).strategies[0]!;
    late.push(serial.timing.totalSeconds - 1);
  }
  console.log(`\n2. --timeout 1 (budget: the tree gone <= 0.5 s past it), median of ${ROUNDS}:`);
  console.log(`   strategy ended ${(median(late) * 1000).toFixed(0)} ms after its limit, its tree killed and drained`);
}

async function leftovers(): Promise<void> {
  const quick: number[] = [];
  const helper: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    quick.push((await profileOf('quick', ['--args', '[()] * 2'])).strategies[0]!.timing.totalSeconds);
    helper.push((await profileOf('helper_in_own_session', ['--args', '[()] * 2'])).strategies[0]!.timing.totalSeconds);
  }
  console.log(
    `\n3. A task leaving a helper process running (budget: <= 0.3 s more than a clean one), median of ${ROUNDS}:`,
  );
  console.log(
    `   clean strategy ${(median(quick) * 1000).toFixed(0)} ms; with two helpers left in their own sessions ` +
      `${(median(helper) * 1000).toFixed(0)} ms (was: until the helpers ended, 10 minutes here)`,
  );
}

async function main(): Promise<void> {
  console.log(`Lifecycle benchmarks with ${PYTHON}, ${ROUNDS} rounds each`);
  await stopping();
  await timeouts();
  await leftovers();
}

void main();
