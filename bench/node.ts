// The cost of Node's JavaScript stack sampling: V8's tick profiler (`--prof`, the collection 0x uses,
// at the rate the engine runs every Node strategy under: V8_TICK_HZ) on a CPU loop, against the same
// loop without it. Runs interleaved (these 2-core machines are noisy); the loop times itself, so
// start-up and writing the log are left out, as the Python sampler's budget (1.03x) leaves them out.
// Usage: node --import tsx bench/node.ts [--rounds N] [--iterations N] [--node PATH]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { V8_TICK_HZ } from '../src/profiler/node/runtime';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '9' },
    iterations: { type: 'string', default: '40000000' },
    node: { type: 'string', default: 'node' },
  },
});
const ROUNDS = Number(values.rounds);
/** The Python stack sampler's budget with one thread: the figure to compare with. */
const PYTHON_SAMPLER_BUDGET = 1.03;
const LOOP = join(__dirname, 'node', 'cpu_loop.mjs');
const PROF_FLAGS = ['--prof', `--prof-sampling-interval=${Math.round(1e6 / V8_TICK_HZ)}`, '--no-logfile-per-isolate'];

/** The loop's CPU seconds and wall seconds. */
function timedLoop(flags: string[]): [number, number] {
  const out = execFileSync(values.node, [...flags, LOOP, values.iterations], { encoding: 'utf8' });
  const [cpu, wall] = out.split(' ').map(Number);
  return [cpu!, wall!];
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const logDir = mkdtempSync(join(tmpdir(), 'cp-bench-node-'));
const plain: number[] = [];
const sampled: number[] = [];
const ratios: number[] = [];
const wallRatios: number[] = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so a drift in the machine's load falls on both.
    const run = (prof: boolean) =>
      timedLoop(prof ? [...PROF_FLAGS, `--logfile=${join(logDir, `v8-${round}.log`)}`] : []);
    const [a, b] = round % 2 === 0 ? [run(false), run(true)] : [run(true), run(false)].reverse();
    plain.push(a![0]);
    sampled.push(b![0]);
    ratios.push(b![0] / a![0]);
    wallRatios.push(b![1] / a![1]);
  }
  const logBytes = readdirSync(logDir).reduce((sum, f) => sum + statSync(join(logDir, f)).size, 0) / ROUNDS;
  const ratio = median(ratios);
  console.log(
    `V8 tick profiler (--prof at ${V8_TICK_HZ} Hz, what the engine's Node runs sample with) on a ` +
      `${values.iterations}-iteration ` +
      `CPU loop, median of ${ROUNDS} interleaved pairs (load average ${loadavg()[0]!.toFixed(1)}):`,
  );
  console.log(`   CPU without: ${median(plain).toFixed(3)} s   with: ${median(sampled).toFixed(3)} s`);
  console.log(
    `   slowdown ${ratio.toFixed(3)}x (pairs ${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)}); ` +
      `wall ${median(wallRatios).toFixed(3)}x; log ${(logBytes / 1e6).toFixed(1)} MB per run; ` +
      `the Python stack sampler's budget: ${PYTHON_SAMPLER_BUDGET}x ` +
      `-> ${ratio <= PYTHON_SAMPLER_BUDGET ? 'within' : 'OVER'}`,
  );
  if (ratio > PYTHON_SAMPLER_BUDGET) process.exitCode = 1;
} finally {
  rmSync(logDir, { recursive: true, force: true });
}
