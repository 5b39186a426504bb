// Profiles of typical sweeps, one per verdict kind and a few more shapes, with their verdict,
// recommendation and hot lines from the real analysis: what the views are checked against.
import { analyzeProfile } from '../../src/profiler/analysis/index';
import type { LoopBlock, Profile, PythonVerdictKind } from '../../src/profiler/profile';
import { CPU, GIL2, IO, NOGIL2, profile, type ProfileSpec } from './profileBuilders';
import { LOOP_CPU, LOOP_IDLE, nodeProfile } from './nodeProfileBuilders';
import { syntheticProfile } from './syntheticProfile';

export function analysed(p: Profile): Profile {
  return Object.assign(p, analyzeProfile(p));
}

const ONE_MIB = 1 << 20;

/** A coroutine that calls time.sleep: every call holds up the event loop. */
const BLOCKING_SLEEP: LoopBlock = {
  site: { file: '/nonexistent/work.py', line: 10 },
  function: 'fetch',
  code: '    time.sleep(0.05)',
  count: 8,
  totalMs: 700,
  maxMs: 51,
  state: 'sleep',
  runnableShare: 0,
  located: true,
  spans: { thread: [0], start: [0], end: [50] },
};

/** The default sweep (serial, threads, processes with each start method) and what each kind adds. */
const SPECS: Record<PythonVerdictKind, ProfileSpec> = {
  'event-loop-blocked': {
    isAsync: true,
    strategies: [
      { id: 'serial', states: { sleep: 0.95, running: 0.05 }, loopBlocks: [] },
      { id: 'threads', states: { sleep: 0.95, running: 0.05 }, speedup: 1.9 },
      { id: 'threads-8', workers: 8, speedup: 6, states: { sleep: 0.95, running: 0.05 } },
      { id: 'processes-fork', speedup: 1.7 },
      { id: 'asyncio', speedup: 1, loopBlocks: [BLOCKING_SLEEP] },
    ],
  },
  'io-bound': {
    strategies: [
      { id: 'serial', states: IO },
      { id: 'threads', states: IO, speedup: 1.9 },
      { id: 'threads-8', workers: 8, states: IO, speedup: 6.8 },
      { id: 'processes-fork', speedup: 1.8 },
      { id: 'processes-forkserver', speedup: 1.6 },
      { id: 'processes-spawn', speedup: 1.4 },
    ],
  },
  'cpu-bound-gil': {
    strategies: [
      { id: 'serial', states: CPU },
      { id: 'threads', states: GIL2, speedup: 1.0 },
      { id: 'processes-fork', speedup: 1.73 },
      { id: 'processes-forkserver', speedup: 1.6 },
      { id: 'processes-spawn', speedup: 1.5 },
    ],
  },
  'cpu-bound-releases-gil': {
    strategies: [
      { id: 'serial', states: CPU },
      { id: 'threads', states: NOGIL2, speedup: 1.8 },
      { id: 'processes-fork', speedup: 1.6 },
      { id: 'processes-forkserver', speedup: 1.5 },
      { id: 'processes-spawn', speedup: 1.4 },
    ],
  },
  'lock-contention': {
    strategies: [
      { id: 'serial', states: { sleep: 0.97, running: 0.03 } },
      { id: 'threads', speedup: 1.0, states: { lockWait: 0.5, sleep: 0.5 } },
      { id: 'threads-8', workers: 8, speedup: 1.0, states: { lockWait: 0.87, sleep: 0.13 } },
      { id: 'processes-fork', speedup: 1.6, states: { sleep: 0.95 } },
      { id: 'processes-forkserver', speedup: 1.5, states: { sleep: 0.95 } },
      { id: 'processes-spawn', speedup: 1.4, states: { sleep: 0.95 } },
    ],
  },
  'overhead-bound': {
    tasks: 10_000,
    serialWall: 0.04,
    strategies: [
      { id: 'serial', states: CPU, taskMs: 0.004 },
      { id: 'threads', states: GIL2, speedup: 0.3 },
      { id: 'processes-fork', speedup: 0.05 },
      { id: 'processes-forkserver', speedup: 0.04 },
      { id: 'processes-spawn', speedup: 0.03 },
    ],
  },
  'copy-bound': {
    serialWall: 0.5,
    strategies: [
      { id: 'serial', states: CPU },
      { id: 'threads', states: NOGIL2, speedup: 1.7 },
      ...(['fork', 'forkserver', 'spawn'] as const).map((method, k) => ({
        id: `processes-${method}`,
        speedup: 0.6 - k * 0.1,
        processCosts: { pickledBytesSentPerTask: 8 * ONE_MIB, pickledBytesSentTotal: 64 * ONE_MIB },
      })),
    ],
  },
  // numpy on OpenBLAS: the calling thread and one pool thread busy in serial; pools on top gain
  // nothing, the same pools with one native thread per worker are measured beside them.
  'already-parallel': {
    serialWall: 1,
    strategies: [
      {
        id: 'serial',
        states: CPU,
        work: [
          { role: 'caller', running: 0.97 },
          { role: 'native', library: 'openblas', running: 0.95 },
        ],
        nativePools: [
          {
            library: 'openblas',
            threads: 1,
            cpuShare: 0.49,
            path: '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so',
            maxThreads: 2,
          },
        ],
      },
      { id: 'threads', states: { running: 0.55, lockWait: 0.45 }, speedup: 1.02 },
      { id: 'processes-fork', states: CPU, speedup: 0.9 },
      { id: 'processes-forkserver', states: CPU, speedup: 0.6 },
      { id: 'processes-spawn', states: CPU, speedup: 0.5 },
      { id: 'serial+native-1', states: CPU, speedup: 0.55 },
      { id: 'threads+native-1', states: NOGIL2, speedup: 1.05 },
      { id: 'processes-fork+native-1', states: CPU, speedup: 0.95 },
    ],
  },
  mixed: {
    strategies: [
      { id: 'serial', states: { running: 0.5, io: 0.48, other: 0.02 } },
      { id: 'threads', states: { running: 0.3, gilWait: 0.25, io: 0.45 }, speedup: 1.5 },
      { id: 'threads-8', workers: 8, states: { running: 0.2, gilWait: 0.4, io: 0.4 }, speedup: 1.6 },
      { id: 'processes-fork', speedup: 1.7 },
      { id: 'processes-forkserver', speedup: 1.6 },
      { id: 'processes-spawn', speedup: 1.5 },
    ],
  },
};

/** One analysed profile per verdict kind, from the default sweep; throws if a kind comes out wrong. */
export function verdictFixtures(): Record<PythonVerdictKind, Profile> {
  const out = {} as Record<PythonVerdictKind, Profile>;
  for (const [kind, spec] of Object.entries(SPECS) as [PythonVerdictKind, ProfileSpec][]) {
    const p = analysed(profile(spec));
    if (p.verdict!.kind !== kind) throw new Error(`the ${kind} fixture got ${p.verdict!.kind}`);
    out[kind] = p;
  }
  return out;
}

/** Every fixture profile the views are compared on, by name. */
export function fixtureProfiles(): [string, Profile][] {
  const scriptMode = analysed(profile({ mode: 'script', strategies: [{ id: 'script', kind: 'script', states: CPU }] }));
  const noGain = analysed(
    profile({
      strategies: [
        { id: 'serial', states: CPU },
        { id: 'threads', states: GIL2, speedup: 0.95 },
        { id: 'processes-fork', speedup: 1.1 },
      ],
    }),
  );
  const asyncIo = analysed(
    profile({
      isAsync: true,
      strategies: [
        { id: 'serial', states: IO },
        { id: 'threads', states: IO, speedup: 1.9 },
        { id: 'threads-8', workers: 8, states: IO, speedup: 6.5 },
        { id: 'asyncio', states: IO, speedup: 7.2 },
      ],
    }),
  );
  return [
    ...Object.entries(verdictFixtures()),
    ['serial wins', noGain],
    ['asyncio', asyncIo],
    ['whole script', scriptMode],
    ['synthetic', syntheticProfile({ threads: 4, samplesPerThread: 400, runtimeFrames: true })],
    ...nodeFixtures(),
  ];
}

/** Node.js sweeps: a CPU loop, timers, and work on libuv's pool. */
function nodeFixtures(): [string, Profile][] {
  const cpu = nodeProfile({
    strategies: [
      { id: 'serial', states: LOOP_CPU, loop: { utilization: 1 } },
      { id: 'worker-threads', speedup: 1.8 },
      { id: 'child-processes', speedup: 1.6 },
    ],
  });
  const timers = nodeProfile({
    isAsync: true,
    strategies: [
      { id: 'serial', states: LOOP_IDLE },
      { id: 'worker-threads', speedup: 1.9 },
      { id: 'async', speedup: 7.5 },
    ],
  });
  const pool = nodeProfile({
    isAsync: true,
    strategies: [
      { id: 'serial', states: LOOP_IDLE, uvBusy: 1 },
      { id: 'worker-threads', speedup: 1.3 },
      { id: 'async', speedup: 1.9, uvBusy: 3.6 },
      { id: 'async+uv-8', speedup: 1.9, uvBusy: 3.8 },
    ],
  });
  return [
    ['node cpu-bound-event-loop', analysed(cpu)],
    ['node io-bound', analysed(timers)],
    ['node threadpool-bound', analysed(pool)],
  ];
}
