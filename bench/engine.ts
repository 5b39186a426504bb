// Engine costs, measured side by side in one run (medians; runs interleaved because these 2-core
// machines are noisy):
//   1. the in-process stack sampler's slowdown of a CPU-bound workload, 1 and 4 threads;
//   2. the /proc thread-state sampler's CPU cost at 200 Hz over 10 threads, against not sampling;
//   3. what the engine adds per strategy beyond interpreter start-up and the module import;
//   4. the blocking recorders' cost: the lock recorder and the event-loop recorder (heartbeat and
//      callback timing) on work that takes a lock or awaits after each ~100 us piece;
//   5. the stack sampler's observer effect: the GIL-wait share of a 4-thread GIL-bound run, from the
//      /proc thread states alone, with and without the stack sampler (runs interleaved).
// Usage: npm run build && node --import tsx bench/engine.ts [--rounds N] [--python PATH]
import { execFileSync, spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runProfile } from '../src/profiler/engine';
import { ThreadSampler } from '../src/profiler/sampler/threadSampler';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, python: { type: 'string', default: '/usr/bin/python3' } },
});
const ROUNDS = Math.max(5, Number(values.rounds));
const PYTHON = values.python!;
const ROOT = join(__dirname, '..');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function stackSamplerOverhead(): void {
  const out = execFileSync(
    PYTHON,
    [join(__dirname, 'python', 'sampler_overhead.py'), join(ROOT, 'src', 'profiler', 'python'), '100', String(ROUNDS)],
    {
      encoding: 'utf8',
    },
  );
  const result = JSON.parse(out) as Record<
    string,
    { plainSeconds: number; sampledSeconds: number; slowdown: number; cpuSlowdown: number }
  >;
  console.log(
    `\n1. In-process stack sampler at 100 Hz (budget: <= 1.03x with 1 thread, <= 1.05x with 4), median of ${ROUNDS}:`,
  );
  for (const [name, r] of Object.entries(result)) {
    console.log(
      `   ${name}: ${r.plainSeconds.toFixed(3)} s plain, ${r.sampledSeconds.toFixed(3)} ` +
        `s sampled -> wall ${r.slowdown.toFixed(3)}x, process CPU time ${r.cpuSlowdown.toFixed(3)}x`,
    );
  }
}

async function cpuShareWhile(sampling: boolean, seconds: number): Promise<number> {
  const child = spawn(PYTHON, [join(__dirname, 'python', 'idle_threads.py'), String(seconds + 1)], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300)); // let its threads start
  const sampler = sampling ? new ThreadSampler(child.pid!, 200, process.hrtime.bigint()) : null;
  const before = process.cpuUsage();
  const started = process.hrtime.bigint();
  sampler?.start();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  sampler?.stop();
  const used = process.cpuUsage(before);
  const wallUs = Number(process.hrtime.bigint() - started) / 1000;
  child.kill('SIGKILL');
  if (sampler && sampler.threads.filter((t) => t.pid === child.pid).length < 10)
    throw new Error('the sampler did not see the 10 threads');
  return (used.user + used.system) / wallUs;
}

async function procSamplerCost(): Promise<void> {
  const idle: number[] = [];
  const sampling: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    idle.push(await cpuShareWhile(false, 3));
    sampling.push(await cpuShareWhile(true, 3));
  }
  const cost = median(sampling) - median(idle);
  console.log(
    `\n2. /proc thread-state sampler at 200 Hz over 10 threads (budget: <= 7% of one core), median of ${ROUNDS}:`,
  );
  console.log(
    `   this process used ${(median(idle) * 100).toFixed(2)}% of a core idle, ` +
      `${(median(sampling) * 100).toFixed(2)}% sampling -> sampler cost ${(cost * 100).toFixed(2)}% of one core`,
  );
}

async function engineOverhead(): Promise<void> {
  const phases = new Map<string, { interpreter: number[]; importing: number[]; overhead: number[]; tasks: number[] }>();
  for (let i = 0; i < ROUNDS; i++) {
    const { profile } = await runProfile({
      file: join(ROOT, 'test', 'fixtures', 'engine', 'cpu_loop.py'),
      functionName: 'spin',
      args: '[(50_000,)] * 8',
      workers: 2,
      python: PYTHON,
      strategies: ['serial', 'threads', 'processes-fork', 'processes-spawn'],
    });
    for (const s of profile.strategies) {
      const entry = phases.get(s.id) ?? { interpreter: [], importing: [], overhead: [], tasks: [] };
      entry.interpreter.push(s.timing.interpreterStartSeconds ?? NaN);
      entry.importing.push(s.timing.importSeconds ?? NaN);
      entry.overhead.push(s.timing.engineOverheadSeconds ?? NaN);
      entry.tasks.push(s.timing.tasksSeconds ?? NaN);
      phases.set(s.id, entry);
    }
  }
  console.log(
    `\n3. Per strategy (budget: engine overhead <= 0.3 s), median of ${ROUNDS} profiles of a 8-task CPU loop:`,
  );
  console.log('   strategy          interpreter  import   tasks    engine overhead');
  for (const [id, p] of phases) {
    const ms = (values: number[]) => `${(median(values) * 1000).toFixed(0)} ms`.padEnd(9);
    console.log(`   ${id.padEnd(17)} ${ms(p.interpreter)}    ${ms(p.importing)}${ms(p.tasks)}${ms(p.overhead)}`);
  }
}

/** Budget for either recorder: the workload's time grows by less than this. */
const BLOCKING_BUDGET = 1.03;

function blockingRecordersOverhead(): void {
  const out = execFileSync(
    PYTHON,
    [
      join(__dirname, 'python', 'blocking_overhead.py'),
      join(ROOT, 'src', 'profiler', 'python'),
      String(2 * ROUNDS + 1),
    ],
    { encoding: 'utf8' },
  );
  type Figures = { plainSeconds: number; plainCpuSeconds: number; slowdown: number; cpuSlowdown: number };
  const { locks, loops } = JSON.parse(out) as {
    locks: Figures & {
      acquisitions: number;
      acquisitionsPerSecond: number;
      plainAcquireNs: number;
      tracedAcquireNs: number;
    };
    loops: Figures & {
      callbacks: number;
      callbacksPerSecond: number;
      plainCallbackNs: number;
      watchedCallbackNs: number;
    };
  };
  // The recorder's own CPU per operation times the operations, over the workload's CPU: the direct
  // cost, steady where the side-by-side ratios swing with other programs' load.
  const direct = (extraNs: number, operations: number, r: Figures) => (extraNs * operations) / 1e9 / r.plainCpuSeconds;
  const lockCost = direct(locks.tracedAcquireNs - locks.plainAcquireNs, locks.acquisitions, locks);
  const loopCost = direct(loops.watchedCallbackNs - loops.plainCallbackNs, loops.callbacks, loops);
  const verdict = (cost: number) => (1 + cost < BLOCKING_BUDGET ? 'within' : 'OVER');
  const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
  console.log(
    `\n4. Blocking recorders (budget: < ${BLOCKING_BUDGET}x), median of ${2 * ROUNDS + 1} interleaved pairs:`,
  );
  console.log(
    '   lock recorder, 4 threads taking one lock after each ~100 us of work ' +
      `(${Math.round(locks.acquisitionsPerSecond)} ` +
      `acquisitions/s): an uncontended \`with lock:\` costs ${Math.round(locks.tracedAcquireNs)} ` +
      `ns traced vs ${Math.round(locks.plainAcquireNs)} ns -> direct cost ${pct(lockCost)} ` +
      `of the workload's CPU (${verdict(lockCost)}); side by side: wall ${locks.slowdown.toFixed(3)}x, ` +
      `process CPU ${locks.cpuSlowdown.toFixed(3)}x`,
  );
  console.log(
    `   event-loop recorder, 8 coroutines awaiting after each ~100 us of work ` +
      `(${Math.round(loops.callbacksPerSecond)} callbacks/s): a loop round trip ` +
      `costs ${Math.round(loops.watchedCallbackNs)} ns watched vs ${Math.round(loops.plainCallbackNs)} ` +
      `ns -> direct cost ${pct(loopCost)} (${verdict(loopCost)}); side by side: ` +
      `wall ${loops.slowdown.toFixed(3)}x, process CPU ${loops.cpuSlowdown.toFixed(3)}x`,
  );
}

/** The GIL share of a pool's thread states: of the time its task threads ran or waited for the GIL, the waiting. */
function gilShare(states: { running: number; gilWait: number }): number {
  return states.gilWait / (states.running + states.gilWait);
}

async function observerEffect(): Promise<void> {
  const shares: Record<'with' | 'without', { gilWait: number[]; share: number[] }> = {
    with: { gilWait: [], share: [] },
    without: { gilWait: [], share: [] },
  };
  let undetected = 0;
  for (let i = 0; i < ROUNDS; i++) {
    for (const sampler of ['with', 'without'] as const) {
      const { profile } = await runProfile({
        file: join(ROOT, 'test', 'fixtures', 'engine', 'cpu_loop.py'),
        functionName: 'spin',
        args: '[(400_000,)] * 8',
        workers: 4,
        python: PYTHON,
        strategies: ['serial', 'threads-4'],
        scaling: 'off',
        stackSampleHz: sampler === 'with' ? 100 : 0,
      });
      if (!profile.sampling.gilDetection) undetected++;
      const states = profile.strategies.find((s) => s.id === 'threads-4')?.threadStates;
      if (!states) throw new Error(`threads-4 has no thread states (${profile.sampling.note ?? 'no note'})`);
      shares[sampler].gilWait.push(states.gilWait);
      shares[sampler].share.push(gilShare(states));
    }
  }
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  console.log(
    `\n5. Observer effect of the stack sampler (100 Hz) on a 4-thread GIL-bound loop, /proc states only, ` +
      `median of ${ROUNDS} interleaved pairs${undetected ? ` (${undetected} runs without a recognised GIL)` : ''}:`,
  );
  for (const sampler of ['without', 'with'] as const) {
    const m = shares[sampler];
    console.log(
      `   ${sampler.padEnd(7)} the stack sampler: GIL wait ${pct(median(m.gilWait))} of task samples, ` +
        `${pct(median(m.share))} of the time running or waiting for the GIL (runs: ${m.share.map(pct).join(', ')})`,
    );
  }
  const shift = median(shares.with.share) - median(shares.without.share);
  console.log(`   -> the sampler moves the GIL share by ${shift >= 0 ? '+' : ''}${(shift * 100).toFixed(1)} points`);
}

const load = (): string => `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`;

async function main(): Promise<void> {
  console.log(`Engine benchmarks with ${PYTHON}, ${ROUNDS} rounds each; ${load()} at the start`);
  stackSamplerOverhead();
  console.log(`   (${load()})`);
  await procSamplerCost();
  await engineOverhead();
  blockingRecordersOverhead();
  await observerEffect();
  console.log(`\nDone; ${load()} at the end (figures scale with the load).`);
}

void main();
