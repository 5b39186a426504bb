// The scaling planner on built profiles: which curves, which worker counts, the stopping rule,
// sharing runs the base sweep made, and the budget's skips with their reasons.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RunBudget } from '../../src/profiler/budget';
import type { Profile } from '../../src/profiler/profile';
import { curveLadder, flatDoublings, ScalingPlanner } from '../../src/profiler/scalingPlanner';
import { parseStrategy } from '../../src/profiler/strategies';
import { CPU, GIL2, IO, profile, strategy, type StrategySpec } from '../helpers/profileBuilders';

test('curveLadder doubles up to the limit, adds the limit and K, and respects the cap', () => {
  assert.deepEqual(curveLadder(32, 2, 256), [1, 2, 4, 8, 16, 32]);
  assert.deepEqual(curveLadder(4, 2, 256), [1, 2, 4]);
  assert.deepEqual(curveLadder(24, 3, 256), [1, 2, 3, 4, 8, 16, 24]);
  assert.deepEqual(curveLadder(1000, 2, 256).slice(-2), [128, 256]);
  assert.deepEqual(curveLadder(1000, 2, 10), [1, 2, 4, 8, 10]);
});

test('flatDoublings stops after two doublings in a row under the margin, not after one', () => {
  const pts = (pairs: [number, number][]) => pairs.map(([workers, speedup]) => ({ workers, speedup }));
  assert.equal(
    flatDoublings(
      pts([
        [1, 1],
        [2, 1.9],
        [4, 2.0],
      ]),
    ),
    null,
    'one flat doubling is not enough',
  );
  const stop = flatDoublings(
    pts([
      [1, 1],
      [2, 1.9],
      [4, 2.0],
      [8, 2.05],
    ]),
  );
  assert.match(stop!, /2 doublings in a row gained less than the 1\.2x margin \(2->4 1\.05x, 4->8 1\.02x\)/);
  assert.equal(
    flatDoublings(
      pts([
        [1, 1],
        [2, 1.1],
        [4, 1.15],
        [8, 2.5],
      ]),
    ),
    null,
    'a gain after the flat steps resets the count',
  );
  assert.equal(
    flatDoublings(
      pts([
        [1, 1],
        [3, 1.1],
        [4, 1.1],
      ]),
    ),
    null,
    '3 is not on the doubling ladder; 1 -> 4 is not a doubling',
  );
});

/** Runs the planner to the end, "measuring" each point with `speedupAt`. */
function drive(
  base: Profile,
  planner: ScalingPlanner,
  budget: RunBudget,
  speedupAt: (id: string, n: number) => number,
) {
  const planned = planner.plan(base);
  const ran: string[] = [];
  for (let spec = planner.next(base, budget); spec; spec = planner.next(base, budget)) {
    ran.push(spec.id);
    const run = strategy(
      { id: spec.id, workers: spec.workers, speedup: speedupAt(spec.id, spec.workers) },
      0.8,
      base.workload.tasks,
    );
    base.strategies.push(run);
    budget.charge(run.timing.totalSeconds);
  }
  return { planned, ran, curves: planner.results(base) };
}

function plannerFor(base: Profile, options: Partial<ConstructorParameters<typeof ScalingPlanner>[0]> = {}) {
  return new ScalingPlanner({
    mode: 'auto',
    workers: 2,
    maxWorkers: 256,
    cores: base.machine.logicalCores,
    named: false,
    specFor: (id) => parseStrategy(id, 2),
    ...options,
  });
}

function ioBase(tasks: number, extra: StrategySpec[] = []): Profile {
  return profile({
    tasks,
    strategies: [
      { id: 'serial', states: IO },
      { id: 'threads', speedup: 1.95, states: IO },
      { id: 'processes-fork', speedup: 1.7, states: IO },
      { id: 'threads-8', workers: 8, speedup: 7.5, states: IO },
      ...extra,
    ],
  });
}

test('I/O-bound: a threads curve up to the task count, threads-8 and threads (K) shared, not re-run', () => {
  const base = ioBase(32);
  const budget = new RunBudget(null);
  budget.charge(4);
  budget.closeBaseSweep();
  const { ran, curves } = drive(base, plannerFor(base), budget, (_, n) => n * 0.95);
  assert.deepEqual(
    ran.filter((id) => id.startsWith('threads')),
    ['threads-1', 'threads-4', 'threads-16', 'threads-32'],
  );
  const threads = curves.find((c) => c.strategy === 'threads')!;
  assert.equal(threads.bound, 'io');
  assert.deepEqual(
    threads.points.map((p) => p.strategy),
    ['threads-1', 'threads', 'threads-4', 'threads-8', 'threads-16', 'threads-32'],
  );
  assert.equal(threads.fit!.model, 'usl');
  assert.deepEqual(threads.fit!.ceiling, { workers: 32, reason: 'tasks' });
  assert.ok(
    curves.some((c) => c.strategy === 'processes-fork'),
    'the runner-up of the other kind beat the margin: it gets a curve too',
  );
});

test('the stopping rule skips larger pools once two doublings gained nothing, and says so', () => {
  const base = ioBase(128);
  const budget = new RunBudget(1000);
  const plateau = (_: string, n: number) => Math.min(n, 8) * 0.95;
  const { ran, curves } = drive(base, plannerFor(base), budget, plateau);
  assert.ok(ran.includes('threads-32'), '8 -> 16 and 16 -> 32 are the two flat doublings');
  assert.ok(!ran.includes('threads-64') && !ran.includes('threads-128'));
  const threads = curves.find((c) => c.strategy === 'threads')!;
  assert.deepEqual(
    threads.skipped.map((s) => s.workers),
    [64, 128],
  );
  assert.match(threads.skipped[0]!.reason, /^stopped: 2 doublings in a row/);
  assert.ok(budget.report().skipped.some((s) => s.strategy === 'threads-64' && /stopped/.test(s.reason)));
});

test('full mode tries every doubling of every pool family; the budget skips what it cannot afford', () => {
  const base = ioBase(32, [{ id: 'processes-spawn', speedup: 1.3, states: IO }]);
  const budget = new RunBudget(3); // each run of the builder costs 0.8 s / speedup
  const { ran, curves } = drive(base, plannerFor(base, { mode: 'full' }), budget, (_, n) => Math.min(n, 8) * 0.95);
  assert.deepEqual(
    curves.map((c) => c.strategy),
    ['threads', 'processes-fork', 'processes-spawn'],
  );
  const skipped = budget.report().skipped;
  assert.ok(skipped.length > 0, 'a 3 s budget cannot hold three curves');
  assert.ok(
    skipped.every((s) => /^over the budget: ~\d+\.\d s estimated, \d+\.\d s left of 3\.0 s \(--budget/.test(s.reason)),
  );
  assert.ok(budget.spentSeconds <= 3 + 1e-9, `spent ${budget.spentSeconds}`);
  assert.equal(ran[0], 'threads-1', 'the best family comes first');
});

test('GIL-bound: a processes curve to 2 x cores; threads below the margin get none', () => {
  const base = profile({
    tasks: 8,
    strategies: [
      { id: 'serial', states: CPU },
      { id: 'threads', speedup: 1.0, states: GIL2 },
      { id: 'processes-fork', speedup: 1.85, states: CPU },
      { id: 'processes-spawn', speedup: 1.6, states: CPU },
    ],
  });
  const budget = new RunBudget(null);
  budget.charge(3);
  budget.closeBaseSweep();
  const { ran, curves } = drive(base, plannerFor(base), budget, (_, n) => Math.min(n, 2) * 0.93);
  assert.deepEqual(ran, ['processes-fork-1', 'processes-fork-4']);
  assert.deepEqual(
    curves.map((c) => [c.strategy, c.bound]),
    [['processes-fork', 'cpu']],
  );
  assert.deepEqual(curves[0]!.fit!.ceiling, { workers: 2, reason: 'cores' });
});

test('a limit above --max-workers is skipped with the cap as the reason', () => {
  const base = ioBase(32);
  const budget = new RunBudget(1000);
  const { ran, curves } = drive(base, plannerFor(base, { maxWorkers: 8 }), budget, (_, n) => n * 0.95);
  assert.ok(!ran.some((id) => id === 'threads-16' || id === 'threads-32'));
  assert.deepEqual(curves.find((c) => c.strategy === 'threads')!.skipped, [
    { workers: 32, reason: 'capped: above --max-workers 8' },
  ]);
});

test('named strategies: auto adds no curves, full sizes the named pool families; off never does', () => {
  const base = ioBase(32);
  assert.deepEqual(plannerFor(base, { named: true }).plan(base), []);
  assert.ok(plannerFor(base, { named: true, mode: 'full' }).plan(base).length > 0);
  assert.deepEqual(plannerFor(base, { mode: 'off' }).plan(base), []);
});
