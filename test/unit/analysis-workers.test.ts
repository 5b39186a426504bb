// recommendation.workers and "why not more" on built profiles with measured scaling curves.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeProfile } from '../../src/profiler/analysis';
import type { Profile } from '../../src/profiler/profile';
import { buildCurve } from '../../src/profiler/scalingPlanner';
import { CPU, GIL2, IO, profile, type StrategySpec } from '../helpers/profileBuilders';

/** A profile whose `family` ran at each worker count with the given speedups, and its curve. */
function withCurve(
  base: { tasks: number; strategies: StrategySpec[] },
  family: string,
  speedups: Record<number, number>,
  bound: 'cpu' | 'io',
  states = IO,
): Profile {
  const points: StrategySpec[] = Object.entries(speedups).map(([n, speedup]) => ({
    id: Number(n) === 2 ? family : `${family}-${n}`,
    workers: Number(n),
    speedup,
    states,
  }));
  const p = profile({ tasks: base.tasks, strategies: [...base.strategies, ...points] });
  p.scaling = [buildCurve(p, family, bound, [])];
  return p;
}

test('I/O-bound up to the task count: the recommendation is a pool of about the task count', () => {
  const p = withCurve(
    {
      tasks: 32,
      strategies: [
        { id: 'serial', states: IO },
        { id: 'processes-fork', speedup: 1.8, states: IO },
      ],
    },
    'threads',
    { 1: 1, 2: 2, 4: 3.9, 8: 7.7, 16: 15, 32: 27 },
    'io',
  );
  const { recommendation: rec } = analyzeProfile(p);
  assert.equal(rec.strategy, 'threads-32');
  assert.equal(rec.workers, 32);
  assert.match(rec.rationale, /Not more: there are 32 tasks, so a larger pool would leave workers idle\./);
  assert.deepEqual(
    rec.alternatives.filter((a) => a.strategy.startsWith('threads')),
    [],
    'the other points of the curve are in scaling, not alternatives',
  );
});

test('a plateau: the smallest pool within the margin of the best, and the waits set the pace past it', () => {
  const p = withCurve(
    { tasks: 64, strategies: [{ id: 'serial', states: IO }] },
    'threads',
    { 1: 1, 2: 2, 4: 3.9, 8: 7.7, 16: 15, 32: 16.5, 64: 16 },
    'io',
  );
  const { recommendation: rec } = analyzeProfile(p);
  assert.equal(rec.workers, 16, '15x >= 16.5x / 1.2');
  assert.equal(rec.strategy, 'threads-16');
  assert.match(rec.rationale, /past 16 threads the waits themselves .* set the pace: 32 reached 16\.5x/);
});

test('GIL-bound processes: about the core count, because past it the cores are the limit', () => {
  const p = withCurve(
    {
      tasks: 8,
      strategies: [
        { id: 'serial', states: CPU },
        { id: 'threads', speedup: 1.0, states: GIL2 },
      ],
    },
    'processes-fork',
    { 1: 0.95, 2: 1.85, 4: 1.8 },
    'cpu',
    CPU,
  );
  const { recommendation: rec } = analyzeProfile(p);
  assert.equal(rec.strategy, 'processes-fork');
  assert.equal(rec.workers, 2);
  assert.match(rec.rationale, /Not more: past 2 processes the 2 cores are the limit: 4 reached 1\.80x\./);
  // Two distinct parallelism values (2 and 4 both run 2 at once) on 2 cores: the projection says so.
  assert.match(rec.projected!.model, /^a guess/);
});

test(
  'the largest measured pool is the best and larger ones were skipped: the ' + 'rationale says they were not measured',
  () => {
    const p = withCurve(
      { tasks: 64, strategies: [{ id: 'serial', states: IO }] },
      'threads',
      { 1: 1, 2: 2, 4: 3.9, 8: 7.7 },
      'io',
    );
    p.scaling![0]!.skipped.push({ workers: 16, reason: 'over the budget: ~2.0 s estimated, 0.5 s left' });
    const { recommendation: rec } = analyzeProfile(p);
    assert.equal(rec.workers, 8);
    assert.match(rec.rationale, /Larger pools were not measured \(16: over the budget/);
  },
);
