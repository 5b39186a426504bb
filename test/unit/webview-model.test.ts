import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syntheticProfile } from '../helpers/syntheticProfile';
import { THREAD_STATES, type StrategyResult } from '../../src/profiler/profile';
import {
  callTree,
  coreLanes,
  flameGraphRows,
  functionStats,
  otherLoadRuns,
  threadLanes,
} from '../../src/webview/model';
import { perColumn } from '../../src/webview/overview';
import { firstAbove, runAt } from '../../src/webview/runs';

const S = (name: (typeof THREAD_STATES)[number]): number => THREAD_STATES.indexOf(name);

/**
 * Two threads, 200 Hz (5 ms). Trie of the synthetic call tree: 0 worker, 1 count_words, 2 tokenize,
 * 3 normalize, 4 lower (under normalize), 5 update.
 */
function strategyWith(
  samples: { t: number; thread: number; core: number; state: number; stack: number }[],
): StrategyResult {
  const strategy = structuredClone(syntheticProfile({ threads: 2, samplesPerThread: 1 }).strategies[1]!);
  strategy.samples = {
    t: samples.map((s) => s.t),
    thread: samples.map((s) => s.thread),
    core: samples.map((s) => s.core),
    state: samples.map((s) => s.state),
    stack: samples.map((s) => s.stack),
    inTask: samples.map(() => 1),
  };
  return strategy;
}

const runsOf = (runs: { start: Float64Array; end: Float64Array; frame: Int32Array; length: number }) =>
  Array.from({ length: runs.length }, (_, i) => [runs.start[i], runs.end[i], runs.frame[i]]);

test('thread lanes merge consecutive samples per frame and split at a gap or a new call path', () => {
  const strategy = strategyWith([
    { t: 0, thread: 0, core: 0, state: S('running'), stack: 2 }, // worker/count_words/tokenize
    { t: 5, thread: 0, core: 0, state: S('running'), stack: 2 },
    { t: 10, thread: 0, core: 0, state: S('gilWait'), stack: 4 }, // worker/count_words/normalize/lower
    { t: 100, thread: 0, core: 1, state: S('gilWait'), stack: 4 }, // after a gap: all runs restart
  ]);
  const lane = threadLanes(strategy, 200).lanes[0]!;
  assert.deepEqual(runsOf(lane.rows[0]!), [
    [0, 15, 0],
    [100, 105, 0],
  ]);
  assert.deepEqual(runsOf(lane.rows[1]!), [
    [0, 15, 1],
    [100, 105, 1],
  ]);
  assert.deepEqual(runsOf(lane.rows[2]!), [
    [0, 10, 2],
    [10, 15, 3],
    [100, 105, 3],
  ]);
  assert.deepEqual(runsOf(lane.rows[3]!), [
    [10, 15, 4],
    [100, 105, 4],
  ]);
  assert.deepEqual(runsOf(lane.ribbon!), [
    [0, 10, S('running')],
    [10, 15, S('gilWait')],
    [100, 105, S('gilWait')],
  ]);
  assert.equal(lane.label, `ThreadPoolExecutor-0_0 (${strategy.threads[0]!.tid}) · running 50%, GIL wait 50%`);
});

test('lanes hold their runs in arrays of exactly their length: no spare capacity to keep resident', () => {
  const strategy = syntheticProfile({ threads: 4, samplesPerThread: 3000, runtimeFrames: true }).strategies[1]!;
  for (const model of [threadLanes(strategy, 200), coreLanes(strategy, 200, 2)]) {
    const runs = model.lanes.flatMap((lane) => [
      ...lane.rows,
      ...(lane.ribbon && model.kind === 'threads' ? [lane.ribbon] : []),
    ]);
    assert.ok(
      runs.some((r) => r.length > 64),
      'rows long enough to have grown',
    );
    for (const r of runs) {
      assert.equal(r.start.buffer.byteLength, r.length * 8);
      assert.equal(r.end.buffer.byteLength, r.length * 8);
      assert.equal(r.frame.buffer.byteLength, r.length * 4);
      assert.equal(r.ref.buffer.byteLength, r.length * 4);
    }
  }
});

test('core lanes hold only running samples, with the thread that ran as the first row', () => {
  const strategy = strategyWith([
    { t: 0, thread: 0, core: 0, state: S('running'), stack: 2 },
    { t: 0.01, thread: 1, core: 0, state: S('gilWait'), stack: 2 },
    { t: 5, thread: 1, core: 0, state: S('running'), stack: 2 },
    { t: 5.01, thread: 0, core: 0, state: S('gilWait'), stack: 2 },
  ]);
  const model = coreLanes(strategy, 200, 2);
  assert.equal(model.lanes.length, 2);
  const [core0, core1] = model.lanes;
  // Same stack, but another thread took the core: the thread row and every frame row restart.
  assert.deepEqual(runsOf(core0!.rows[0]!), [
    [0, 5, -2],
    [5, 10, -3],
  ]);
  assert.deepEqual(runsOf(core0!.rows[1]!), [
    [0, 5, 0],
    [5, 10, 0],
  ]);
  assert.equal(core1!.rows.length, 0);
});

test("other programs' load on a core becomes quarter levels, merged while equal, idle left out", () => {
  const strategy = strategyWith([]);
  strategy.cores = {
    intervalMs: 100,
    startMs: 10,
    busy: [[0.1, 0.6, 0.6, 1, 0.05]],
    workload: [[0.1, 0.1, 0.05, 0.2, 0]],
  };
  assert.deepEqual(runsOf(otherLoadRuns(strategy, 0)!), [
    [110, 310, 2],
    [310, 410, 3],
  ]);
  assert.equal(otherLoadRuns(strategy, 1), null);
  // The profiler's own CPU (a share of one core, spread over the 1 core here) is not other programs' load.
  strategy.cores.profiler = [0, 0.2, 0.2, 0.8, 0];
  assert.deepEqual(runsOf(otherLoadRuns(strategy, 0)!), [[110, 310, 1]]);
});

test('call tree: totals, self and GIL wait per function path, and the flame graph lays children inside parents', () => {
  const strategy = strategyWith([
    { t: 0, thread: 0, core: 0, state: S('running'), stack: 2 },
    { t: 5, thread: 0, core: 0, state: S('gilWait'), stack: 2 },
    { t: 10, thread: 1, core: 0, state: S('running'), stack: 4 },
    { t: 15, thread: 1, core: 0, state: S('io'), stack: -1 },
  ]);
  const tree = callTree(strategy);
  assert.equal(tree.samples, 3);
  assert.equal(tree.stackless, 1);
  const byName = (name: string) => [...tree.frame].findIndex((f) => strategy.frames.name[f] === name);
  assert.equal(tree.total[byName('worker')], 3);
  assert.equal(tree.self[byName('worker')], 0);
  assert.equal(tree.total[byName('tokenize')], 2);
  assert.equal(tree.gilWait[byName('tokenize')], 1);
  const rows = flameGraphRows(tree, 5);
  assert.deepEqual(runsOf(rows[0]!), [[0, 15, 0]]);
  assert.deepEqual(runsOf(rows[2]!), [
    [0, 10, 2],
    [10, 15, 3],
  ]); // heaviest child first
});

test('function stats count a recursive function once per sample', () => {
  const strategy = strategyWith([{ t: 0, thread: 0, core: 0, state: S('gilWait'), stack: 1 }]);
  // Make count_words call itself: node 6 = count_words under node 1.
  strategy.stacks.parent.push(1);
  strategy.stacks.frame.push(1);
  strategy.stacks.line.push(20);
  strategy.samples.stack[0] = strategy.stacks.parent.length - 1;
  const stats = functionStats(strategy);
  const countWords = stats.find((s) => strategy.frames.name[s.frame] === 'count_words')!;
  assert.deepEqual(
    { self: countWords.self, total: countWords.total, gil: countWords.gilWait },
    { self: 1, total: 1, gil: 1 },
  );
});

test('run lookup by binary search', () => {
  const ends = Float64Array.from([5, 10, 20]);
  assert.equal(firstAbove(ends, 4.9), 0);
  assert.equal(firstAbove(ends, 5), 1);
  assert.equal(firstAbove(ends, 25), 3);
  const runs = {
    start: Float64Array.from([0, 5, 15]),
    end: ends,
    frame: Int32Array.from([1, 2, 3]),
    ref: Int32Array.from([0, 0, 0]),
    length: 3,
  };
  assert.equal(runAt(runs, 12), -1); // in the gap 10..15
  assert.equal(runAt(runs, 16), 2);
});

test('core utilisation is averaged into as many columns as are drawn', () => {
  const cores = { intervalMs: 100, startMs: 0, busy: [[1, 0.5, 0.5, 1, 0.2]], workload: [[1, 0, 0.5, 0.5, 0.2]] };
  const { mine, other } = perColumn(cores, 0, 2);
  // Ticks 0-2 fall in column 0, ticks 3-4 in column 1.
  const round = (xs: Float64Array) => [...xs].map((v) => Math.round(v * 100) / 100);
  assert.deepEqual(round(mine), [0.5, 0.35]);
  assert.deepEqual(round(other), [0.17, 0.25]);
});
