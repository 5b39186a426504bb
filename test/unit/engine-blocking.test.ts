// The engine's side of the blocking recorders: slow asyncio callbacks attributed to the line that
// blocked (lag attribution), the heartbeat summary, and the lock bookkeeping (which run is traced
// again, what the recorder's report becomes in the profile).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOCK_TRACE_SHARE_MIN, lockName, lockTable, lockTraceTarget, taskThreadMs } from '../../src/profiler/locks';
import { dominantState, loopBlocks, loopLag, type LoopInputs } from '../../src/profiler/loopBlocks';
import { THREAD_STATES, type Samples, type ThreadState } from '../../src/profiler/profile';
import type { RawLock } from '../../src/profiler/traces';
import { profile } from '../helpers/profileBuilders';

const APP = '/home/me/app.py';
const ASYNCIO = '/usr/lib/python3.11/asyncio/events.py';
const LIB = '/home/me/.venv/lib/python3.11/site-packages/requests/api.py';
const LOOP_TID = 100;

/** Frames: 0 asyncio's Handle._run, 1 the user's fetch(), 2 requests.get (site-packages). Stack
 * nodes: 0 = _run, 1 = fetch at line 10 (under _run), 2 = requests.get (under 1), 3 = fetch at line 12. */
function inputs(over: Partial<LoopInputs> = {}): LoopInputs {
  const procStates: [number, ThreadState][] = [];
  for (let t = 0; t <= 200; t += 5) procStates.push([t, t < 100 ? 'io' : 'running']);
  const samples: Samples = {
    t: procStates.map(([t]) => t),
    thread: procStates.map(() => 0),
    core: procStates.map(() => 0),
    state: procStates.map(([, s]) => THREAD_STATES.indexOf(s)),
    stack: procStates.map(() => -1),
    inTask: procStates.map(() => 1),
  };
  return {
    callbacks: [
      { tid: LOOP_TID, start: 0, end: 60, file: APP, line: 8, function: 'fetch' },
      { tid: LOOP_TID, start: 100, end: 130, file: APP, line: 8, function: 'fetch' },
    ],
    // Inside the first callback: twice in requests (under fetch line 10), once at line 12; one sample
    // of another thread and one after the callback, which must not count.
    stackSamples: {
      t: [10, 20, 30, 40, 70, 110, 120],
      tid: [LOOP_TID, LOOP_TID, LOOP_TID, 999, LOOP_TID, LOOP_TID, LOOP_TID],
      stack: [2, 2, 3, 3, 3, 3, 3],
    },
    frames: { name: ['_run', 'fetch', 'get'], file: [ASYNCIO, APP, LIB], line: [80, 8, 60] },
    stacks: { parent: [-1, 0, 1, 0], frame: [0, 1, 2, 1], line: [88, 10, 73, 12] },
    samples,
    threads: [
      { pid: 1, tid: LOOP_TID, name: 'MainThread', process: 0, samples: 41, taskSamples: 41, nativePool: null },
    ],
    workload: { file: APP, function: 'fetch' },
    readLine: (file, line) => (file === APP ? `    line ${line} of app` : null),
    ...over,
  };
}

test('a slow callback is attributed to the innermost frame of the user’s code on the loop thread, by majority', () => {
  const blocks = loopBlocks(inputs());
  assert.equal(blocks.length, 2);
  const [first, second] = blocks;
  // First callback (60 ms): 2 samples in requests under fetch line 10, 1 at line 12: line 10 wins, not site-packages.
  assert.deepEqual(first!.site, { file: APP, line: 10 });
  assert.equal(first!.function, 'fetch');
  assert.equal(first!.code, '    line 10 of app');
  assert.equal(first!.located, true);
  assert.equal(first!.totalMs, 60);
  assert.equal(first!.state, 'io');
  assert.deepEqual(first!.spans, { thread: [0], start: [0], end: [60] });
  assert.deepEqual(second!.site, { file: APP, line: 12 });
  assert.equal(second!.state, 'running');
});

test('callbacks on the same line are counted together; one without samples falls back to its coroutine', () => {
  const blocks = loopBlocks(
    inputs({
      callbacks: [
        { tid: LOOP_TID, start: 100, end: 115, file: APP, line: 8, function: 'fetch' },
        { tid: LOOP_TID, start: 116, end: 140, file: APP, line: 8, function: 'fetch' },
        { tid: LOOP_TID, start: 150, end: 190, file: APP, line: 8, function: 'fetch' },
        { tid: LOOP_TID, start: 195, end: 206, file: null, line: 0, function: 'Task.task_wakeup' },
      ],
    }),
  );
  const line12 = blocks.find((b) => b.site.line === 12)!;
  assert.equal(line12.count, 2);
  assert.equal(line12.totalMs, 15 + 24);
  assert.equal(line12.maxMs, 24);
  const unlocated = blocks.filter((b) => !b.located);
  assert.deepEqual(
    unlocated.map((b) => [b.site.line, b.function, b.code]),
    [
      [8, 'fetch', '    line 8 of app'],
      [0, 'fetch', null], // no coroutine known: the profiled function, no line
    ],
  );
  assert.deepEqual(
    blocks.map((b) => b.totalMs),
    [...blocks.map((b) => b.totalMs)].sort((a, b) => b - a),
  );
});

test('the loop thread’s state: on CPU counts queued-for-a-core, whose share is kept apart', () => {
  const running = THREAD_STATES.indexOf('running');
  const runnable = THREAD_STATES.indexOf('runnable');
  const sleep = THREAD_STATES.indexOf('sleep');
  const counts = (pairs: [number, number][]) => {
    const c = new Array<number>(THREAD_STATES.length).fill(0);
    for (const [s, n] of pairs) c[s] = n;
    return c;
  };
  assert.equal(
    dominantState(
      counts([
        [running, 2],
        [runnable, 3],
        [sleep, 4],
      ]),
    ),
    'running',
  );
  assert.equal(dominantState(counts([[sleep, 1]])), 'sleep');
  assert.equal(dominantState(counts([])), null);
  const base = inputs();
  const busy = inputs({
    samples: { ...base.samples, state: base.samples.state.map((s, i) => (i % 2 ? runnable : s)) },
  });
  assert.ok(loopBlocks(busy).every((b) => b.runnableShare > 0.3 && b.runnableShare < 0.7));
});

test('the heartbeat summary: mean, p95, longest and total lateness; early beats count as on time', () => {
  const lag = loopLag({ slowCallbackMs: 10, heartbeatMs: 5 }, [
    { dueNs: 0, ranNs: 1e6 },
    { dueNs: 10e6, ranNs: 9.9e6 },
    { dueNs: 20e6, ranNs: 70e6 },
    { dueNs: 80e6, ranNs: 81e6 },
  ]);
  assert.deepEqual(lag, { slowCallbackMs: 10, heartbeatMs: 5, beats: 4, meanMs: 13, p95Ms: 50, maxMs: 50, lateMs: 52 });
  assert.equal(loopLag({ slowCallbackMs: 10, heartbeatMs: 5 }, []).maxMs, 0);
});

const RAW: RawLock = {
  file: APP,
  line: 7,
  function: '<module>',
  name: 'LOCK',
  kind: 'Lock',
  instances: 1,
  acquisitions: 8,
  contended: 5,
  waitNs: 700e6,
  maxWaitNs: 200e6,
  waiters: [11, 12],
  conditionWaitNs: 0,
  conditionWaiters: [],
  waitSites: [[APP, 12, 'update', 5, 700e6]],
  holders: [[APP, 12, 'update', 8, 800e6, 103e6, [0, 0, 0, 0, 0, 8, 0]]],
};

test('the lock report becomes the profile’s locks: ms, wait share of task time, waiters, holders', () => {
  const [lock] = lockTable([RAW], 1400, (file, line) =>
    file === APP && line === 7 ? 'LOCK = threading.Lock()' : null,
  );
  assert.deepEqual(lock, {
    name: 'LOCK',
    kind: 'Lock',
    site: { file: APP, line: 7 },
    function: '<module>',
    code: 'LOCK = threading.Lock()',
    instances: 1,
    acquisitions: 8,
    contended: 5,
    waitMs: 700,
    maxWaitMs: 200,
    waitShare: 0.5,
    waiters: 2,
    conditionWaitMs: 0,
    conditionWaiters: 0,
    waitSites: [{ function: 'update', site: { file: APP, line: 12 }, count: 5, waitMs: 700 }],
    holders: [
      {
        function: 'update',
        site: { file: APP, line: 12 },
        count: 8,
        meanHoldMs: 100,
        maxHoldMs: 103,
        histogram: [0, 0, 0, 0, 0, 8, 0],
      },
    ],
  });
  assert.equal(lockName(lock!), 'LOCK');
  assert.equal(lockName({ ...lock!, name: null }), 'the Lock created at app.py:7');
  assert.equal(lockTable([RAW], 0, () => null)[0]!.waitShare, 0);
  assert.equal(lockTable([RAW], 100, () => null)[0]!.waitShare, 1, 'capped');
});

test('locks are named by a re-run only of a multi-threaded run that waited on locks enough', () => {
  const target = (lockWait: number, id = 'threads', workers = 2, status: 'ok' | 'failed' = 'ok') =>
    lockTraceTarget(
      profile({
        strategies: [
          { id: 'serial', states: { sleep: 1 } },
          { id, workers, status, states: { lockWait, sleep: 1 - lockWait } },
        ],
      }).strategies,
    );
  assert.deepEqual(target(LOCK_TRACE_SHARE_MIN), {
    id: 'threads',
    kind: 'threads',
    workers: 2,
    startMethod: null,
    nativeThreads: null,
    interpreter: null,
  });
  assert.equal(target(LOCK_TRACE_SHARE_MIN - 0.01), null);
  assert.equal(target(0.5, 'threads@pypy3.9'), null, "another interpreter's lock waits may be its GIL's");
  assert.equal(target(0.5, 'threads', 1), null, 'one thread cannot contend');
  assert.equal(target(0.5, 'threads', 2, 'failed'), null);
  assert.equal(target(0.5, 'processes-fork'), null, 'process pools: each process has its own locks');
  const both = profile({
    strategies: [
      { id: 'serial', states: { sleep: 1 } },
      { id: 'threads', states: { lockWait: 0.3, sleep: 0.7 } },
      { id: 'threads-8', workers: 8, states: { lockWait: 0.7, sleep: 0.3 } },
    ],
  }).strategies;
  assert.equal(lockTraceTarget(both)?.id, 'threads-8');
});

test('task thread time: the task spans, or each thread’s sampled stretch in a whole script', () => {
  const fn = profile({ strategies: [{ id: 'serial', states: { sleep: 1 }, taskMs: 50 }], tasks: 4 }).strategies[0]!;
  assert.equal(taskThreadMs(fn), 200);
  const script = { ...fn, kind: 'script' as const };
  script.samples = {
    t: [0, 5, 10, 3, 13, 20],
    thread: [0, 0, 0, 1, 1, 1],
    core: [],
    state: [],
    stack: [],
    inTask: [1, 1, 1, 1, 1, 0],
  };
  assert.equal(taskThreadMs(script), 10 + 10);
});
