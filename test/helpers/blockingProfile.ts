// The synthetic profile with what the blocking recorders add, on its threads strategy: a blocked
// event loop on thread 0 (two callbacks on tokenize's line 17) and a named lock (LOCK, created at
// line 3, held by count_words) that thread 1 waits on in samples 10-19 of its lane, at read_chunk's
// line 60 (a wait site of the lock).
import { syntheticProfile } from './syntheticProfile';
import { THREAD_STATES, type Profile } from '../../src/profiler/profile';

export const BLOCKING_FILE = '/w/word_stats.py';

export function blockingProfile(): Profile {
  const profile = syntheticProfile({ threads: 2, samplesPerThread: 200 });
  const s = profile.strategies.find((x) => x.kind === 'threads')!;
  const read = s.stacks.frame.findIndex((f) => s.frames.name[f] === 'read_chunk');
  const lockWait = THREAD_STATES.indexOf('lockWait');
  let seen = 0;
  for (let i = 0; i < s.samples.t.length; i++) {
    if (s.samples.thread[i] !== 1) continue;
    if (seen >= 10 && seen < 20) {
      s.samples.state[i] = lockWait;
      s.samples.stack[i] = read;
    }
    seen++;
  }
  s.loopBlocks = [
    {
      site: { file: BLOCKING_FILE, line: 17 },
      function: 'tokenize',
      code: '    time.sleep(0.05)  # blocks',
      count: 2,
      totalMs: 100,
      maxMs: 60,
      state: 'sleep',
      runnableShare: 0,
      located: true,
      spans: { thread: [0, 0], start: [100, 600], end: [160, 640] },
    },
  ];
  s.loopLag = { slowCallbackMs: 10, heartbeatMs: 5, beats: 40, meanMs: 4, p95Ms: 50, maxMs: 58, lateMs: 160 };
  s.locks = [
    {
      name: 'LOCK',
      kind: 'Lock',
      site: { file: BLOCKING_FILE, line: 3 },
      function: '<module>',
      code: 'LOCK = threading.Lock()',
      instances: 1,
      acquisitions: 8,
      contended: 5,
      waitMs: 350,
      maxWaitMs: 100,
      waitShare: 0.46,
      waiters: 2,
      conditionWaitMs: 0,
      conditionWaiters: 0,
      waitSites: [
        { function: 'read_chunk', site: { file: BLOCKING_FILE, line: s.stacks.line[read]! }, count: 5, waitMs: 350 },
      ],
      holders: [
        {
          function: 'count_words',
          site: { file: BLOCKING_FILE, line: 20 },
          count: 8,
          meanHoldMs: 100,
          maxHoldMs: 104,
          histogram: [0, 0, 0, 0, 0, 8, 0],
        },
      ],
    },
  ];
  return profile;
}
