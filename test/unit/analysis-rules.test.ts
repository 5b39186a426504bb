// Each rule's threshold, on both sides of it, with hand-built profiles.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectFacts } from '../../src/profiler/analysis/facts';
import {
  COPY_BYTES_PER_SECOND,
  COPY_SHARE_MIN,
  MIN_BYTES_PER_TASK,
  copyCost,
} from '../../src/profiler/analysis/rules/copyCost';
import { CPU_SHARE_MIN, GIL_WAIT_SHARE_MIN, gilContention } from '../../src/profiler/analysis/rules/gilContention';
import { LATENESS_MIN_MS } from '../../src/profiler/analysis/rules/gilShare';
import { IO_WAIT_SHARE_MIN, ioWait } from '../../src/profiler/analysis/rules/ioWait';
import { LOCK_WAIT_SHARE_MIN, lockContention } from '../../src/profiler/analysis/rules/lockContention';
import { MIXED_SHARE_MIN, mixedWork } from '../../src/profiler/analysis/rules/mixedWork';
import { releasesGil } from '../../src/profiler/analysis/rules/releasesGil';
import { SMALL_TASK_SECONDS, taskOverhead } from '../../src/profiler/analysis/rules/taskOverhead';
import { CPU, GIL2, IO, NOGIL2, profile } from '../helpers/profileBuilders';

const facts = (spec: Parameters<typeof profile>[0]) => collectFacts(profile(spec));

test('ioWait fires at the wait-share threshold and not just below it', () => {
  const at = (wait: number) =>
    ioWait(
      facts({
        strategies: [
          { id: 'serial', states: { io: wait, running: 1 - wait } },
          { id: 'threads-8', workers: 8, speedup: 4 },
        ],
      }),
    );
  const hit = at(IO_WAIT_SHARE_MIN);
  assert.equal(hit?.kind, 'io-bound');
  assert.match(hit!.evidence.join(' '), /threads-8: 4\.00x/);
  assert.equal(at(IO_WAIT_SHARE_MIN - 0.02), null);
});

test('ioWait notices a function that waits for its own parallel workers', () => {
  const hit = ioWait(
    facts({
      strategies: [
        { id: 'serial', states: { io: 0.9, running: 0.1 }, cpuSeconds: 1.5 },
        { id: 'threads', speedup: 1.0 },
      ],
    }),
  );
  assert.match(hit!.evidence.join(' '), /serial kept 1\.9 cores busy while its task thread waited/);
});

test('ioWait is less sure when no pool overlapped the waits', () => {
  const score = (sp: number) =>
    ioWait(
      facts({
        strategies: [
          { id: 'serial', states: IO },
          { id: 'threads', speedup: sp },
        ],
      }),
    )!.score;
  assert.ok(score(1.0) < score(1.9));
});

test('gilContention needs CPU-bound serial and GIL waits in the pool', () => {
  const run = (serial: object, pool: object) =>
    gilContention(
      facts({
        strategies: [
          { id: 'serial', ...serial },
          { id: 'threads', ...pool },
          { id: 'processes-fork', speedup: 1.7 },
        ],
      }),
    );
  const hit = run({ states: CPU }, { states: GIL2, speedup: 1.0 });
  assert.equal(hit?.kind, 'cpu-bound-gil');
  assert.match(hit!.evidence[0], /threads x2: 1\.00x speedup while 49% of thread samples waited for the GIL/);
  // GIL share just under the threshold: 0.1 / (0.1 + 0.9).
  assert.equal(run({ states: CPU }, { states: { running: 0.9, gilWait: 0.1 } }), null);
  assert.ok(0.1 < GIL_WAIT_SHARE_MIN);
  // Serial not CPU-bound enough.
  assert.equal(
    run({ states: { running: CPU_SHARE_MIN - 0.05, io: 1 - CPU_SHARE_MIN + 0.05 } }, { states: GIL2 }),
    null,
  );
});

test('gilContention falls back to sampler lateness without thread states', () => {
  const run = (late: number) =>
    gilContention(
      facts({
        strategies: [
          { id: 'serial', cpuSeconds: 0.8, latenessMs: 0.5 },
          { id: 'threads', speedup: 1.0, latenessMs: late },
        ],
      }),
    );
  assert.equal(run(LATENESS_MIN_MS + 3)?.kind, 'cpu-bound-gil');
  assert.equal(run(LATENESS_MIN_MS - 1), null);
});

test('releasesGil needs the pool on CPU together, not just free of GIL waits', () => {
  const run = (pool: object) =>
    releasesGil(
      facts({
        strategies: [
          { id: 'serial', states: CPU },
          { id: 'threads', speedup: 1.8, ...pool },
        ],
      }),
    );
  assert.equal(run({ states: NOGIL2 })?.kind, 'cpu-bound-releases-gil');
  assert.equal(run({ states: GIL2 }), null);
  assert.equal(run({ states: { running: 0.4, io: 0.6 } }), null);
  // No GIL waits, but blocked on a lock a third of the time: not free-running threads.
  assert.equal(run({ states: { running: 0.6, runnable: 0.1, lockWait: 0.3 } }), null);
});

test('lockContention fires at the lock-wait threshold', () => {
  const run = (lock: number) =>
    lockContention(
      facts({
        strategies: [
          { id: 'serial', states: { sleep: 0.98, running: 0.02 } },
          { id: 'threads', speedup: 1.0, states: { lockWait: lock, sleep: 1 - lock } },
        ],
      }),
    );
  assert.equal(run(LOCK_WAIT_SHARE_MIN)?.kind, 'lock-contention');
  assert.equal(run(LOCK_WAIT_SHARE_MIN - 0.05), null);
});

test('taskOverhead: tiny tasks that every pool runs slower', () => {
  const run = (taskMs: number, sp: number) =>
    taskOverhead(
      facts({
        tasks: 10000,
        serialWall: (taskMs * 10000) / 1000,
        strategies: [
          { id: 'serial', states: CPU, taskMs },
          { id: 'threads', speedup: sp },
          { id: 'processes-fork', speedup: sp * 3 },
        ],
      }),
    );
  const hit = run(0.004, 0.02);
  assert.equal(hit?.kind, 'overhead-bound');
  assert.match(hit!.evidence[0], /10000 tasks of 4\.0 µs/);
  assert.equal(run(SMALL_TASK_SECONDS * 1000 * 2, 0.3), null, 'tasks above the threshold are not overhead by size');
  assert.equal(run(0.004, 0.5), null, 'a pool at 1.5x beats the margin: not overhead-bound');
});

test('copyCost compares the estimated copy time with the serial run', () => {
  const serialWall = 0.5;
  const run = (share: number, sp = 0.6) => {
    const total = share * serialWall * COPY_BYTES_PER_SECOND;
    return copyCost(
      facts({
        serialWall,
        strategies: [
          { id: 'serial', states: CPU },
          {
            id: 'processes-fork',
            speedup: sp,
            processCosts: { pickledBytesSentTotal: total, pickledBytesSentPerTask: total / 8 },
          },
        ],
      }),
    );
  };
  const hit = run(COPY_SHARE_MIN + 0.1);
  assert.equal(hit?.kind, 'copy-bound');
  assert.match(hit!.evidence[0], /processes-fork x2: pickled .*MiB of arguments per task/);
  assert.equal(run(COPY_SHARE_MIN - 0.1), null);
  assert.equal(run(2, 1.5), null, 'processes that beat serial anyway are not copy-bound');
});

test('copyCost ignores many small messages: that is per-task overhead', () => {
  const tasks = 10000;
  const perTask = MIN_BYTES_PER_TASK / 2;
  const f = facts({
    tasks,
    serialWall: 0.012,
    strategies: [
      { id: 'serial', states: CPU, taskMs: 0.0012 },
      {
        id: 'processes-fork',
        speedup: 0.01,
        processCosts: { pickledBytesSentPerTask: perTask, pickledBytesSentTotal: perTask * tasks },
      },
    ],
  });
  assert.equal(copyCost(f), null);
  assert.equal(taskOverhead(f)?.kind, 'overhead-bound');
});

test('mixedWork needs both CPU and waiting above the share', () => {
  const run = (cpu: number) =>
    mixedWork(
      facts({
        strategies: [
          { id: 'serial', states: { running: cpu, sleep: 1 - cpu } },
          { id: 'threads', states: GIL2 },
        ],
      }),
    );
  const hit = run(0.5);
  assert.equal(hit?.kind, 'mixed');
  assert.deepEqual(Object.keys(hit!.shares!).sort(), ['cpu-bound-gil', 'io-bound']);
  assert.equal(run(MIXED_SHARE_MIN - 0.05), null);
  assert.equal(run(1 - MIXED_SHARE_MIN + 0.05), null);
});

test('GIL share leaves out run-queue time: a GIL-bound pool on a busy machine is still GIL-bound', () => {
  // Measured: pure-Python loop, threads x2 while other programs held ~75% of the cores.
  const busy = { running: 0.33, runnable: 0.52, gilWait: 0.14 };
  const f = facts({
    strategies: [
      { id: 'serial', states: { running: 0.55, runnable: 0.41 } },
      { id: 'threads', speedup: 1.17, states: busy },
    ],
  });
  assert.equal(gilContention(f)?.kind, 'cpu-bound-gil');
  assert.equal(releasesGil(f), null);
});

test("without a recognised GIL, a CPU-bound pool's lock waits are read as GIL waits", () => {
  const f = facts({
    gilDetected: false,
    strategies: [
      { id: 'serial', states: CPU, latenessMs: 5 },
      { id: 'threads', speedup: 1.0, states: { running: 0.5, lockWait: 0.5 }, latenessMs: 6 },
    ],
  });
  assert.equal(lockContention(f), null);
  const gil = gilContention(f);
  assert.equal(gil?.kind, 'cpu-bound-gil');
  assert.match(gil!.evidence[0], /did not recognise the GIL/);
});

test('without a recognised GIL, lock waits of waiting work are lock contention unless the sampler was late', () => {
  const run = (late: number) =>
    facts({
      gilDetected: false,
      strategies: [
        { id: 'serial', states: { sleep: 0.95, running: 0.05 }, latenessMs: 1 },
        { id: 'threads', speedup: 1.0, states: { sleep: 0.5, lockWait: 0.5 }, latenessMs: late },
      ],
    });
  assert.equal(lockContention(run(1))?.kind, 'lock-contention');
  assert.equal(lockContention(run(10)), null);
});
