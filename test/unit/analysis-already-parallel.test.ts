// The already-parallel rule from both sides of its threshold, its place in the precedence, the
// oversubscription figures, and the advice for it (native-limited strategies, projections, code).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeProfile } from '../../src/profiler/analysis/index';
import { collectFacts } from '../../src/profiler/analysis/facts';
import { insideWork } from '../../src/profiler/analysis/inside';
import { threadsAgainstPool } from '../../src/profiler/analysis/nativeAdvice';
import {
  ALREADY_PARALLEL_CORES_MIN,
  ALREADY_PARALLEL_THREADS_MIN,
  alreadyParallel,
  oversubscription,
} from '../../src/profiler/analysis/rules/alreadyParallel';
import type { NativePool } from '../../src/profiler/profile';
import { CPU, GIL2, NOGIL2, profile, type StrategySpec, type WorkThread } from '../helpers/profileBuilders';

const OPENBLAS: NativePool = {
  library: 'openblas',
  threads: 1,
  cpuShare: 0.5,
  path: '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so',
  maxThreads: 2,
};
const CALLER: WorkThread = { role: 'caller', running: 1 };
/** The calling thread and one OpenBLAS thread, both busy: 2.0 threads wanting a core. */
const BLAS_WORK: WorkThread[] = [CALLER, { role: 'native', library: 'openblas', running: 1 }];

function serial(work: WorkThread[], extra: Partial<StrategySpec> = {}): StrategySpec {
  return { id: 'serial', states: CPU, work, ...extra };
}

const facts = (strategies: StrategySpec[], cores = 2) => collectFacts(profile({ strategies, serialWall: 1, cores }));

test('alreadyParallel fires at 1.3 threads wanting a core in serial, and not just below', () => {
  const at = (helper: number) => alreadyParallel(facts([serial([CALLER, { role: 'native', running: helper }])]));
  assert.equal(at(ALREADY_PARALLEL_THREADS_MIN - 1)?.kind, 'already-parallel');
  assert.equal(at(ALREADY_PARALLEL_THREADS_MIN - 1 - 0.02), null);
  // One busy thread alone, however busy, is not parallel inside.
  assert.equal(alreadyParallel(facts([serial([CALLER])])), null);
});

test('queued threads count: on a busy machine the pool thread waits for a core but still wants one', () => {
  const hit = alreadyParallel(
    facts([serial([CALLER, { role: 'native', running: 0.2, runnable: 0.6 }], { nativePools: [OPENBLAS] })]),
  );
  assert.equal(hit?.kind, 'already-parallel');
  assert.match(hit!.evidence[0]!, /kept 1\.8 threads on a core or queued for one/);
});

/** Four Python threads a function started, taking turns, while its calling thread waits in join(). */
const turns = (state: Omit<WorkThread, 'role' | 'offset'>): WorkThread[] => [
  { role: 'caller', running: 0, lock: 1 },
  ...[0, 0.25, 0.5, 0.75].map((offset) => ({ role: 'thread' as const, offset, ...state })),
];

test('Python threads taking turns under the GIL on a busy machine are not parallel work', () => {
  // At each tick one thread on a core, one or two queued (preempted holding the GIL, or woken to
  // contend for it) and the rest waiting for the GIL: 1.6 threads "wanting a core" counted whole.
  const hit = alreadyParallel(facts([serial(turns({ running: 0.1, runnable: 0.3, gil: 0.6 }))]));
  assert.equal(hit, null);
});

test('Python threads in GIL-free native code on a busy machine still count as parallel work', () => {
  const hit = alreadyParallel(facts([serial(turns({ running: 0.3, runnable: 0.6, gil: 0.02 }))]));
  assert.equal(hit?.kind, 'already-parallel');
  assert.match(hit!.evidence[0]!, /through threads it starts/);
});

test('samples out of time order give the same threads wanting a core as in order', () => {
  const s = profile({ strategies: [serial(turns({ running: 0.3, runnable: 0.6, gil: 0.02 }))], serialWall: 1 })
    .strategies[0]!;
  const ordered = insideWork(s)!;
  const order = s.samples.t.map((_, i) => i).reverse();
  for (const column of ['t', 'thread', 'core', 'state', 'stack', 'inTask'] as const)
    s.samples[column] = order.map((i) => s.samples[column][i]!);
  const reversed = insideWork(s)!;
  assert.equal(reversed.ticks, ordered.ticks);
  // Python threads' ticks are counted again out of order, which can only lower the figure.
  assert.ok(reversed.threadsWanted <= ordered.threadsWanted + 1e-9);
  assert.ok(reversed.threadsWanted > 1.3, `${reversed.threadsWanted}`);
});

test('the evidence names the native pool, its library file, share and threadpoolctl limit', () => {
  const hit = alreadyParallel(facts([serial(BLAS_WORK, { nativePools: [OPENBLAS] })]))!;
  assert.match(hit.evidence[0]!, /through native thread pools/);
  const text = hit.evidence.join('\n');
  assert.match(
    text,
    /openblas \(libopenblasp-r0\.3\.21\.so\): 1 pool thread\(s\) beside the calling thread did 50% of the CPU/,
  );
  assert.match(text, /threadpoolctl reports a limit of 2 per process/);
});

test('a function running its own process pool: child processes, and its wait is not lock contention', () => {
  const work: WorkThread[] = [
    { role: 'caller', running: 0.05, lock: 0.9 },
    { role: 'child', running: 0.8 },
    { role: 'child', running: 0.8 },
  ];
  const p = profile({
    serialWall: 1,
    strategies: [
      { id: 'serial', states: { running: 0.05, lockWait: 0.9, sleep: 0.05 }, work },
      { id: 'threads', speedup: 0.9, states: { lockWait: 0.85, running: 0.15 } },
      { id: 'processes-fork', speedup: 0.8, states: CPU },
    ],
  });
  const { verdict, recommendation } = analyzeProfile(p);
  assert.equal(verdict.kind, 'already-parallel');
  assert.equal(verdict.label, 'Already parallel inside each call');
  assert.deepEqual(verdict.rules?.slice(0, 2), ['alreadyParallel', 'lockContention']);
  const text = verdict.evidence.join('\n');
  assert.match(text, /through child processes it starts/);
  assert.match(text, /2 child process\(es\) the function started did \d+% of the CPU/);
  assert.match(text, /waited 90% of its samples on a lock or condition: the results of its own pool, not contention/);
  assert.doesNotMatch(text, /Also consistent with Lock contention/);
  assert.equal(recommendation.strategy, 'serial');
  assert.match(recommendation.rationale, /Do not nest pools/);
  assert.match(recommendation.codeChange!, /already runs its own process pool: call it one at a time/);
});

test('it comes before copy cost: pickling signals of pools on top are its side effects', () => {
  const p = profile({
    serialWall: 1,
    strategies: [
      serial(BLAS_WORK, { nativePools: [OPENBLAS] }),
      {
        id: 'processes-fork',
        speedup: 0.6,
        states: CPU,
        processCosts: { pickledBytesSentPerTask: 8e6, pickledBytesSentTotal: 64e6 },
      },
    ],
  });
  const { verdict } = analyzeProfile(p);
  assert.equal(verdict.kind, 'already-parallel');
  assert.ok(verdict.rules?.includes('copyCost'), 'copy cost still fired, behind it');
});

test('pure-Python CPU work keeps its verdict', () => {
  const p = profile({
    serialWall: 1,
    strategies: [
      serial([CALLER]),
      { id: 'threads', speedup: 1.0, states: GIL2 },
      { id: 'processes-fork', speedup: 1.8, states: CPU },
    ],
  });
  const { verdict, recommendation } = analyzeProfile(p);
  assert.equal(verdict.kind, 'cpu-bound-gil');
  assert.equal(recommendation.strategy, 'processes-fork');
});

test('without thread states it falls back to CPU seconds per wall second, with less confidence', () => {
  const noStates = (cpu: number) =>
    alreadyParallel(
      collectFacts(
        profile({ serialWall: 1, strategies: [{ id: 'serial', states: null, cpuSeconds: cpu }], gilDetected: false }),
      ),
    );
  const hit = noStates(ALREADY_PARALLEL_CORES_MIN);
  assert.equal(hit?.kind, 'already-parallel');
  assert.ok(hit!.score < 1);
  assert.equal(noStates(ALREADY_PARALLEL_CORES_MIN - 0.1), null);
});

test('oversubscription is stated with its figures for the strategy where it happened', () => {
  const f = facts([
    serial(BLAS_WORK, { nativePools: [OPENBLAS] }),
    {
      id: 'threads',
      speedup: 1.0,
      states: { running: 0.6, runnable: 0.4 },
      work: [CALLER, { ...CALLER }, { role: 'native', running: 0.9 }],
    },
    { id: 'threads+native-1', speedup: 1.5, states: NOGIL2, work: [CALLER, { ...CALLER }] },
  ]);
  const text = oversubscription(f)!;
  assert.match(
    text,
    /threads x2: 3 threads on CPU \(2 task, 1 openblas\), 2\.9 wanting a core at once, task threads queued 40%/,
  );
  assert.doesNotMatch(text, /threads\+native-1/);
  // Busy pools without inner threads are not oversubscription.
  assert.equal(
    oversubscription(facts([serial([CALLER]), { id: 'threads-8', workers: 8, speedup: 4, work: [CALLER] }])),
    null,
  );
});

function blasSweep(overrides: Record<string, number>): ReturnType<typeof profile> {
  const speed = (id: string, fallback: number) => overrides[id] ?? fallback;
  return profile({
    serialWall: 1,
    strategies: [
      serial(BLAS_WORK, { nativePools: [OPENBLAS] }),
      { id: 'threads', speedup: speed('threads', 1.0), states: { running: 0.5, lockWait: 0.5 } },
      { id: 'processes-fork', speedup: speed('processes-fork', 0.9), states: CPU },
      { id: 'serial+native-1', speedup: speed('serial+native-1', 0.55), states: CPU },
      { id: 'threads+native-1', speedup: speed('threads+native-1', 1.0), states: NOGIL2 },
      { id: 'processes-fork+native-1', speedup: speed('processes-fork+native-1', 1.0), states: CPU },
    ],
  });
}

test('nothing beats the margin: keep it serial, with the pool limits for anyone who pools anyway', () => {
  const { verdict, recommendation: rec } = analyzeProfile(blasSweep({}));
  assert.equal(verdict.kind, 'already-parallel');
  assert.equal(rec.strategy, 'serial');
  assert.match(rec.rationale, /Keep it serial: the library already uses the cores \(openblas's own pool\)/);
  assert.match(rec.rationale, /workers x native threads oversubscribe the cores/);
  assert.match(rec.codeChange!, /threadpool_limits\(1\)/);
  assert.match(rec.codeChange!, /OMP_NUM_THREADS=1\n# \(and OPENBLAS_, MKL_, BLIS_, NUMEXPR_NUM_THREADS/);
  // The pool's own scaling (serial 1.0x on 2 threads vs serial+native-1 0.55x) projects serial itself.
  assert.ok(rec.projected && rec.projected.cores2x! > 1, JSON.stringify(rec.projected));
  assert.match(rec.projected!.assumptions, /openblas's own pool/);
});

test('a pool with one native thread per worker wins over the same pool on top of the native pools', () => {
  const { recommendation: rec } = analyzeProfile(blasSweep({ 'processes-fork': 1.55, 'processes-fork+native-1': 1.5 }));
  assert.equal(rec.strategy, 'processes-fork+native-1');
  assert.match(rec.rationale, /OPENBLAS_NUM_THREADS=1/);
  assert.match(rec.rationale, /threadpoolctl\.threadpool_limits\(1\)|set before the interpreter started/);
  assert.match(rec.codeChange!, /^# One native thread per worker \(OPENBLAS_NUM_THREADS for the pools seen here\)/);
  assert.match(rec.codeChange!, /ProcessPoolExecutor\(max_workers=2/);
  // Its projection is relative to serial on that machine, whose pool grows too.
  assert.match(rec.projected!.model, /divided by serial's own gain/);
  // Clearly faster without the limit: the measured winner stays.
  const plain = analyzeProfile(blasSweep({ 'processes-fork': 1.9, 'processes-fork+native-1': 1.3 }));
  assert.equal(plain.recommendation.strategy, 'processes-fork');
});

test('Python threads over one-thread calls against the library pool: which is better, measured', () => {
  const said = (threads: number, states = NOGIL2) =>
    threadsAgainstPool(
      collectFacts(
        profile({
          serialWall: 1,
          strategies: [
            serial(BLAS_WORK, { nativePools: [OPENBLAS] }),
            { id: 'serial+native-1', speedup: 0.55, states: CPU },
            { id: 'threads+native-1', speedup: threads, states },
          ],
        }),
      ),
    )!;
  assert.match(
    said(1.6),
    /threads\+native-1 x2: 1\.60x against serial on openblas's own pool: the work releases the GIL/,
  );
  assert.match(said(1.6), /beat openblas's own pool splitting each call/);
  assert.match(said(0.7), /^openblas's own pool is better: serial on it beat threads\+native-1 x2 \(0\.70x\)/);
  assert.match(said(1.05), /within the 1\.2x margin/);
  assert.match(said(1.0, GIL2), /holds the GIL/);
});
