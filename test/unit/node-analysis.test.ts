// The Node.js rules, each at its threshold and just past it, the verdict's precedence and the
// recommendation's choices, on hand-built profiles (no timing: the speedups are stated).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeProfile, formatAdvice } from '../../src/profiler/analysis/index';
import { collectNodeFacts } from '../../src/profiler/analysis/node/facts';
import {
  BLOCKED_WAIT_SHARE_MIN,
  BLOCKING_CPU_SHARE_MIN,
  LOOP_CPU_SHARE_MIN,
  cpuBoundEventLoop,
  eventLoopBlocked,
} from '../../src/profiler/analysis/node/rules/eventLoop';
import {
  CLONE_BYTES_PER_SECOND,
  CLONE_SHARE_MIN,
  MIN_CLONE_BYTES_PER_TASK,
  SMALL_CALL_SECONDS,
  cloneCost,
  handoffOverhead,
} from '../../src/profiler/analysis/node/rules/handoff';
import { POOL_BUSY_MIN, threadpoolBound } from '../../src/profiler/analysis/node/rules/threadpool';
import {
  LOOP_WAIT_SHARE_MIN,
  MIXED_SHARE_MIN,
  loopWait,
  nodeMixedWork,
} from '../../src/profiler/analysis/node/rules/waiting';
import { LIBUV_BUSY_MIN, markNativePools } from '../../src/profiler/node/libuv';
import { LOOP_CPU, LOOP_IDLE, nodeProfile, type NodeProfileSpec } from '../helpers/nodeProfileBuilders';

const facts = (spec: NodeProfileSpec) => collectNodeFacts(nodeProfile(spec));

test('cpuBoundEventLoop fires at its CPU share and not just below it', () => {
  const at = (cpu: number) =>
    cpuBoundEventLoop(
      facts({
        strategies: [
          { id: 'serial', states: { running: cpu, io: 1 - cpu }, loop: { utilization: 1 } },
          { id: 'worker-threads', speedup: 1.8 },
        ],
      }),
    );
  const hit = at(LOOP_CPU_SHARE_MIN);
  assert.equal(hit?.kind, 'cpu-bound-event-loop');
  assert.match(hit!.evidence.join(' '), /worker-threads x2: 1\.80x/);
  assert.equal(at(LOOP_CPU_SHARE_MIN - 0.02), null);
});

test('cpuBoundEventLoop is weaker when async beat serial anyway', () => {
  const score = (asyncSpeedup: number) =>
    cpuBoundEventLoop(
      facts({
        isAsync: true,
        strategies: [
          { id: 'serial', states: LOOP_CPU },
          { id: 'async', speedup: asyncSpeedup },
        ],
      }),
    )!.score;
  assert.ok(score(2) < score(1));
});

test('eventLoopBlocked needs an async function that both computes and awaits', () => {
  const at = (cpu: number, wait: number, isAsync = true) =>
    eventLoopBlocked(
      facts({
        isAsync,
        strategies: [
          { id: 'serial', states: { running: cpu, io: wait, other: 1 - cpu - wait } },
          { id: 'async', speedup: 1.4, loop: { utilization: 0.9, p99Ms: 60 } },
        ],
      }),
    );
  const hit = at(BLOCKING_CPU_SHARE_MIN, 0.5);
  assert.equal(hit?.kind, 'event-loop-blocked');
  assert.match(hit!.evidence.join(' '), /callbacks up to 60 ms late/);
  assert.equal(at(BLOCKING_CPU_SHARE_MIN - 0.02, 0.5), null, 'too little synchronous work');
  assert.equal(at(0.8, BLOCKED_WAIT_SHARE_MIN - 0.02), null, 'no awaits worth overlapping: plain CPU');
  assert.equal(at(0.5, 0.5, false), null, 'a synchronous function is not an async one');
});

test('eventLoopBlocked is surer when callbacks ran late', () => {
  const score = (p99Ms: number) =>
    eventLoopBlocked(
      facts({
        isAsync: true,
        strategies: [
          { id: 'serial', states: { running: 0.5, io: 0.5 }, loop: { utilization: 0.5, p99Ms: 1 } },
          { id: 'async', speedup: 1.5, loop: { utilization: 0.9, p99Ms } },
        ],
      }),
    )!.score;
  assert.ok(score(50) > score(2));
});

test('loopWait fires at its wait share (futex waits count: Atomics.wait blocks the loop too)', () => {
  const at = (wait: number) =>
    loopWait(
      facts({
        isAsync: true,
        strategies: [
          { id: 'serial', states: { lockWait: wait / 2, io: wait / 2, running: 1 - wait } },
          { id: 'async', speedup: 6 },
        ],
      }),
    );
  const hit = at(LOOP_WAIT_SHARE_MIN);
  assert.equal(hit?.kind, 'io-bound');
  assert.match(hit!.evidence.join(' '), /async: 6\.00x/);
  assert.equal(at(LOOP_WAIT_SHARE_MIN - 0.02), null);
});

test('nodeMixedWork fires for a synchronous function split between computing and blocking', () => {
  const at = (cpu: number, isAsync = false) =>
    nodeMixedWork(facts({ isAsync, strategies: [{ id: 'serial', states: { running: cpu, io: 1 - cpu } }] }));
  const hit = at(MIXED_SHARE_MIN);
  assert.equal(hit?.kind, 'mixed');
  assert.ok(hit!.shares?.['cpu-bound-event-loop'] !== undefined && hit!.shares?.['io-bound'] !== undefined);
  assert.equal(at(MIXED_SHARE_MIN - 0.02), null);
  assert.equal(at(0.5, true), null, 'async functions belong to the blocked rule');
});

test('threadpoolBound fires when libuv threads worked half a thread on average, and nativePools records it', () => {
  const spec = (uvBusy: number): NodeProfileSpec => ({
    isAsync: true,
    strategies: [
      { id: 'serial', states: LOOP_IDLE, uvBusy },
      { id: 'async', speedup: 2, uvBusy: 3.5 },
    ],
  });
  const hit = threadpoolBound(facts(spec(POOL_BUSY_MIN)));
  assert.equal(hit?.kind, 'threadpool-bound');
  assert.match(hit!.evidence.join(' '), /3\.5 of 4 pool threads busy on average: the pool was saturated/);
  assert.equal(threadpoolBound(facts(spec(POOL_BUSY_MIN - 0.05))), null);
  const serial = nodeProfile(spec(1)).strategies[0]!;
  const pools = markNativePools(serial);
  assert.deepEqual(
    pools.map((p) => [p.library, p.threads, p.maxThreads]),
    [['libuv', 1, 4]],
  );
  assert.ok(pools[0]!.cpuShare > 0.9, 'the pool thread did all the running');
  assert.deepEqual(
    serial.threads.map((t) => t.nativePool),
    [null, 'libuv', null, null, null],
    'the busy pool thread is marked',
  );
});

test('nativePools leaves out a pool busy less than LIBUV_BUSY_MIN threads per tick', () => {
  const profile = nodeProfile({ strategies: [{ id: 'serial', states: LOOP_IDLE, uvBusy: LIBUV_BUSY_MIN - 0.02 }] });
  assert.deepEqual(markNativePools(profile.strategies[0]!), []);
});

test('cloneCost fires when copying is a quarter of serial and no pool beat serial', () => {
  const serialWall = 1;
  const bytesFor = (share: number) => (share * CLONE_BYTES_PER_SECOND * serialWall) / 8;
  const at = (share: number, speedup = 0.9) =>
    cloneCost(
      facts({
        serialWall,
        strategies: [
          { id: 'serial', states: LOOP_CPU },
          { id: 'worker-threads', speedup, bytesPerTask: Math.max(bytesFor(share), MIN_CLONE_BYTES_PER_TASK) },
        ],
      }),
    );
  assert.equal(at(CLONE_SHARE_MIN + 0.01)?.kind, 'copy-bound');
  assert.equal(at(CLONE_SHARE_MIN - 0.05), null);
  assert.equal(at(CLONE_SHARE_MIN + 0.5, 1.5), null, 'workers won anyway: copying is not the limit');
});

test('handoffOverhead fires for sub-millisecond calls that no strategy sped up', () => {
  const at = (taskMs: number, speedup: number) =>
    handoffOverhead(
      facts({
        tasks: 1000,
        serialWall: (taskMs * 1000) / 1000,
        strategies: [
          { id: 'serial', states: LOOP_CPU, taskMs },
          { id: 'worker-threads', speedup },
        ],
      }),
    );
  assert.equal(at(SMALL_CALL_SECONDS * 1000 * 0.5, 0.3)?.kind, 'overhead-bound');
  assert.equal(at(SMALL_CALL_SECONDS * 1000 * 2, 0.3), null, 'calls long enough');
  assert.equal(at(SMALL_CALL_SECONDS * 1000 * 0.5, 1.5), null, 'a strategy did beat serial');
});

test('the verdict follows the precedence: libuv work before waiting, blocking before computing', () => {
  const pool = analyzeProfile(
    nodeProfile({
      isAsync: true,
      strategies: [
        { id: 'serial', states: LOOP_IDLE, uvBusy: 1 },
        { id: 'async', speedup: 1.9 },
      ],
    }),
  );
  assert.equal(pool.verdict.kind, 'threadpool-bound');
  assert.deepEqual(pool.verdict.rules?.slice(0, 2), ['threadpoolBound', 'loopWait']);
  assert.equal(pool.verdict.label, 'Threadpool-bound (libuv)');
  const blocked = analyzeProfile(
    nodeProfile({
      isAsync: true,
      strategies: [
        { id: 'serial', states: { running: 0.7, io: 0.3 } },
        { id: 'async', speedup: 1.3 },
      ],
    }),
  );
  assert.equal(blocked.verdict.kind, 'event-loop-blocked');
  assert.equal(blocked.verdict.label, 'Event loop blocked');
});

test('recommendation: worker threads for a CPU-bound loop, with the measured speedup and a pool snippet', () => {
  const { verdict, recommendation } = analyzeProfile(
    nodeProfile({
      strategies: [
        { id: 'serial', states: LOOP_CPU, loop: { utilization: 1 } },
        { id: 'worker-threads', speedup: 1.8 },
        { id: 'child-processes', speedup: 1.7 },
      ],
    }),
  );
  assert.equal(verdict.kind, 'cpu-bound-event-loop');
  assert.equal(verdict.label, 'CPU-bound (event loop)');
  assert.equal(recommendation.strategy, 'worker-threads');
  assert.equal(recommendation.expectedSpeedup, 1.8);
  assert.match(recommendation.codeChange!, /run\(new Worker\(__filename\)\)/);
  assert.match(recommendation.codeChange!, /const \{ work \} = require\('\.\/work\.js'\)/);
  assert.ok(recommendation.projected && recommendation.projected.cores2x! > 1.8);
});

test('recommendation: async (Promise.all) for timers, preferred over a worker pool within noise', () => {
  const { verdict, recommendation } = analyzeProfile(
    nodeProfile({
      isAsync: true,
      file: '/nonexistent/work.mjs',
      strategies: [
        { id: 'serial', states: LOOP_IDLE },
        { id: 'worker-threads', speedup: 2 },
        { id: 'async', speedup: 7.5 },
      ],
    }),
  );
  assert.equal(verdict.kind, 'io-bound');
  assert.equal(recommendation.strategy, 'async');
  assert.match(recommendation.codeChange!, /import \{ work \} from '\.\/work\.mjs'/);
  assert.match(recommendation.codeChange!, /await Promise\.all/);
});

test('recommendation: a bigger libuv pool is named with UV_THREADPOOL_SIZE when it measured fastest', () => {
  const { recommendation } = analyzeProfile(
    nodeProfile({
      isAsync: true,
      cores: 16,
      strategies: [
        { id: 'serial', states: LOOP_IDLE, uvBusy: 1 },
        { id: 'async', speedup: 3.8, uvBusy: 3.9 },
        { id: 'async+uv-16', speedup: 7.2, uvBusy: 7.5 },
      ],
    }),
  );
  assert.equal(recommendation.strategy, 'async+uv-16');
  assert.match(recommendation.codeChange!, /UV_THREADPOOL_SIZE=16 node/);
  assert.ok(recommendation.caveats.some((c) => /UV_THREADPOOL_SIZE=16 helps while pool jobs wait/.test(c)));
});

test('recommendation: a DataCloneError gets the structured-clone caveat, a mismatch the module-state one', () => {
  const { recommendation } = analyzeProfile(
    nodeProfile({
      strategies: [
        { id: 'serial', states: LOOP_CPU },
        {
          id: 'worker-threads',
          status: 'failed',
          errorDetail: { type: 'DataCloneError', message: '() => 1 could not be cloned.', traceback: '' },
        },
        { id: 'child-processes', speedup: 1.6, match: false, firstDifference: { task: 1, expected: '2', actual: '1' } },
      ],
    }),
  );
  assert.equal(recommendation.strategy, 'serial');
  assert.ok(recommendation.caveats.some((c) => /structured clone: functions/.test(c)));
  assert.ok(recommendation.caveats.some((c) => /own copy of module-level state/.test(c)));
});

test('the CLI advice for Node lists the routes of Node.js, not the GIL', () => {
  const text = formatAdvice(
    nodeProfile({
      strategies: [
        { id: 'serial', states: LOOP_CPU },
        { id: 'worker-threads', speedup: 1.8 },
      ],
    }),
  );
  assert.match(text, /^Routes in Node\.js \(--verbose explains each\):$/m);
  assert.match(text, /^ {2}worker-threads +measured +1\.80x {2}each has its own event loop and isolate$/m);
  assert.match(text, /^ {2}libuv-pool +not here +the pool was idle/m);
  assert.doesNotMatch(text, /GIL/);
});
