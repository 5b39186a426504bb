// Verdict precedence and the recommendation's rules: margin, ties, correctness, pickling, locks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HELD_UP_SHARE } from '../../src/profiler/analysis/caveats';
import { analyzeProfile } from '../../src/profiler/analysis/index';
import { DISTURBED_LOAD, SPEEDUP_MARGIN } from '../../src/profiler/analysis/margin';
import { PREFER_SIMPLER_WITHIN, fitReason } from '../../src/profiler/analysis/recommend';
import { INSTALL } from '../../src/profiler/analysis/routes';
import { VERDICT_LABELS } from '../../src/profiler/analysis/verdict';
import type { VerdictKind } from '../../src/profiler/profile';
import { verdictFixtures } from '../helpers/fixtures';
import { CPU, GIL2, IO, NOGIL2, profile } from '../helpers/profileBuilders';

test('a lock that serial slept under is lock contention, not I/O', () => {
  const { verdict, recommendation } = analyzeProfile(
    profile({
      strategies: [
        { id: 'serial', states: { sleep: 0.97, running: 0.03 } },
        { id: 'threads', speedup: 1.0, states: { lockWait: 0.5, sleep: 0.5 } },
        { id: 'threads-8', workers: 8, speedup: 1.0, states: { lockWait: 0.87, sleep: 0.13 } },
        { id: 'processes-fork', speedup: 1.6, states: { sleep: 0.95 } },
        // Dask's workers are processes too (measured: dask-local 1.86x on lock_sleep, recommended).
        { id: 'dask-local', speedup: 1.8, states: { sleep: 0.95 } },
        { id: 'subinterpreters', speedup: 1.5, states: { sleep: 0.95 } },
      ],
    }),
  );
  assert.equal(verdict.kind, 'lock-contention');
  assert.equal(recommendation.strategy, 'serial', 'processes and interpreters only win by having a lock each');
  for (const id of ['processes-fork', 'dask-local', 'subinterpreters'])
    assert.ok(
      recommendation.caveats.some((c) => new RegExp(`${id} x2 \\(.*own copy of the lock`).test(c)),
      `${id} named: ${recommendation.caveats.join(' | ')}`,
    );
  assert.match(recommendation.codeChange ?? '', /with lock:/);
});

test('the margin: 1.15x stays serial, 1.25x is recommended', () => {
  const rec = (sp: number) =>
    analyzeProfile(
      profile({
        strategies: [
          { id: 'serial', states: CPU },
          { id: 'threads', states: GIL2, speedup: 1.0 },
          { id: 'processes-fork', speedup: sp },
        ],
      }),
    ).recommendation;
  const below = rec(SPEEDUP_MARGIN - 0.05);
  assert.equal(below.strategy, 'serial');
  assert.match(below.rationale, /1\.2x margin/);
  assert.ok(below.alternatives.some((a) => a.strategy === 'processes-fork' && /below the 1\.2x margin/.test(a.why)));
  const above = rec(SPEEDUP_MARGIN + 0.05);
  assert.equal(above.strategy, 'processes-fork');
  assert.match(above.codeChange ?? '', /if __name__ == "__main__":/);
  assert.match(above.codeChange ?? '', /ProcessPoolExecutor\(max_workers=2, mp_context=mp\.get_context\("fork"\)\)/);
});

test('threads win a near-tie with processes', () => {
  const r = analyzeProfile(
    profile({
      strategies: [
        { id: 'serial', states: CPU },
        { id: 'threads', states: NOGIL2, speedup: 1.8 },
        { id: 'processes-fork', speedup: 1.8 * PREFER_SIMPLER_WITHIN - 0.05 },
      ],
    }),
  );
  assert.equal(r.verdict.kind, 'cpu-bound-releases-gil');
  assert.equal(r.recommendation.strategy, 'threads');
  assert.match(r.recommendation.codeChange ?? '', /ThreadPoolExecutor\(max_workers=2\)/);
});

test('asyncio wins ties within the margin for an I/O-bound async def', () => {
  const r = analyzeProfile(
    profile({
      isAsync: true,
      strategies: [
        { id: 'serial', states: IO },
        { id: 'threads-8', workers: 8, speedup: 7.5, states: IO },
        { id: 'asyncio', speedup: 7.5 / SPEEDUP_MARGIN + 0.05, states: IO },
      ],
    }),
  );
  assert.equal(r.verdict.kind, 'io-bound');
  assert.equal(r.recommendation.strategy, 'asyncio');
  assert.match(r.recommendation.codeChange ?? '', /asyncio\.gather/);
  const far = analyzeProfile(
    profile({
      isAsync: true,
      strategies: [
        { id: 'serial', states: IO },
        { id: 'threads-8', workers: 8, speedup: 7.5, states: IO },
        { id: 'asyncio', speedup: 3, states: IO },
      ],
    }),
  );
  assert.equal(far.recommendation.strategy, 'threads-8');
});

test('a strategy with different results is never recommended, and the caveat names it', () => {
  const r = analyzeProfile(
    profile({
      strategies: [
        { id: 'serial', states: CPU },
        {
          id: 'threads',
          states: GIL2,
          speedup: 1.0,
          match: false,
          firstDifference: { task: 3, expected: '3', actual: '1' },
        },
        { id: 'processes-fork', speedup: 1.8, match: false, firstDifference: { task: 1, expected: '1', actual: '0' } },
      ],
    }),
  );
  assert.equal(r.recommendation.strategy, 'serial');
  assert.ok(!r.recommendation.alternatives.some((a) => a.strategy === 'processes-fork'));
  const caveat = r.recommendation.caveats.find((c) => c.startsWith('processes-fork'));
  assert.match(caveat ?? '', /task 1 returned 0 where serial returned 1.*shares mutable state/);
  assert.match(r.recommendation.codeChange ?? '', /return what it produces instead of changing shared state/);
});

test('a pickling failure explains the module-level fix', () => {
  const r = analyzeProfile(
    profile({
      strategies: [
        { id: 'serial', states: CPU },
        { id: 'threads', states: GIL2, speedup: 1.0 },
        {
          id: 'processes-fork',
          status: 'failed',
          errorDetail: {
            type: 'PicklingError',
            message: "Can't pickle <function <lambda>>: attribute lookup <lambda> failed",
            traceback: '',
          },
        },
      ],
    }),
  );
  assert.equal(r.verdict.kind, 'cpu-bound-gil');
  assert.equal(r.recommendation.strategy, 'serial');
  assert.ok(r.recommendation.caveats.some((c) => /failed to pickle.*module level with def/.test(c)));
  assert.match(r.recommendation.codeChange ?? '', /^def work\(x\):/m);
});

test('overhead-bound small tasks stay serial and suggest batching', () => {
  const r = analyzeProfile(
    profile({
      tasks: 20000,
      serialWall: 0.1,
      strategies: [
        { id: 'serial', states: CPU, taskMs: 0.005 },
        { id: 'threads', speedup: 0.02, states: GIL2 },
        { id: 'processes-fork', speedup: 0.08 },
      ],
    }),
  );
  assert.equal(r.verdict.kind, 'overhead-bound');
  assert.equal(r.recommendation.strategy, 'serial');
  assert.match(r.recommendation.alternatives[0].why, /chunksize/);
  assert.match(r.recommendation.codeChange ?? '', /chunksize=/);
});

test('processes for small-but-worthwhile tasks get a chunksize', () => {
  const r = analyzeProfile(
    profile({
      tasks: 4000,
      serialWall: 3.2,
      strategies: [
        { id: 'serial', states: CPU, taskMs: 0.8 },
        { id: 'threads', speedup: 1.0, states: GIL2 },
        { id: 'processes-fork', speedup: 1.5 },
      ],
    }),
  );
  assert.equal(r.recommendation.strategy, 'processes-fork');
  assert.match(r.recommendation.codeChange ?? '', /pool\.map\(work, \*zip\(\*calls\), chunksize=500\)/);
});

test('evidence cites measured numbers and the confidence is a 0-1 number', () => {
  const { verdict } = analyzeProfile(
    profile({
      strategies: [
        { id: 'serial', states: CPU },
        { id: 'threads', states: GIL2, speedup: 0.98 },
        { id: 'processes-fork', speedup: 1.73 },
      ],
    }),
  );
  assert.equal(verdict.label, 'CPU-bound (GIL)');
  assert.ok(verdict.confidence > 0.5 && verdict.confidence <= 1);
  assert.ok(verdict.evidence.some((e) => /0\.98x/.test(e) && /49%/.test(e)));
  assert.deepEqual(verdict.rules, ['gilContention']);
});

test('whole-script mode still gets a verdict and an unmeasured route', () => {
  const r = analyzeProfile(profile({ mode: 'script', tasks: 1, strategies: [{ id: 'script', states: CPU }] }));
  assert.equal(r.verdict.kind, 'cpu-bound-gil');
  assert.ok(r.verdict.confidence < 0.5, 'no pool was measured, so no threshold backs it');
  assert.equal(r.recommendation.strategy, 'native-threads');
  assert.match(r.recommendation.rationale, /Whole-script mode/);
  assert.equal(r.recommendation.expectedSpeedup, null);
});

test('on a busy machine the verdict picks among strategies that beat the margin; on a quiet one the numbers do', () => {
  const run = (load: number) =>
    analyzeProfile(
      profile({
        strategies: [
          { id: 'serial', states: CPU, externalLoad: load },
          { id: 'threads', states: NOGIL2, speedup: 1.36, externalLoad: load },
          { id: 'processes-forkserver', speedup: 3.28, externalLoad: 0.05 },
        ],
      }),
    ).recommendation;
  const busy = run(DISTURBED_LOAD + 0.3);
  assert.equal(busy.strategy, 'threads');
  assert.ok(
    busy.caveats.some((c) =>
      c.includes(
        `Other programs kept the cores busy while this ran (serial ${Math.round((DISTURBED_LOAD + 0.3) * 100)}%`,
      ),
    ),
  );
  assert.equal(run(0.05).strategy, 'processes-forkserver');
});

test("the profiler's own CPU is not other programs' load: busy cores it explains do not make a run disturbed", () => {
  const run = (profilerCpu: number) =>
    analyzeProfile(
      profile({
        strategies: [
          { id: 'serial', states: CPU, externalLoad: DISTURBED_LOAD + 0.1, profilerCpu },
          { id: 'threads', states: NOGIL2, speedup: 1.36 },
          { id: 'processes-forkserver', speedup: 3.28 },
        ],
      }),
    ).recommendation;
  // 2 cores: 0.5 of one core is 0.25 of each, more than the extra 0.1 above the threshold.
  assert.equal(run(0.5).strategy, 'processes-forkserver');
  assert.ok(!run(0.5).caveats.some((c) => /Other programs/.test(c)));
  assert.equal(run(0.1).strategy, 'threads', 'a profiler share of 0.05 a core leaves the load above it');
});

test('on a busy machine a threads gain for GIL-bound work is discarded as noise', () => {
  const rec = (load: number) =>
    analyzeProfile(
      profile({
        strategies: [
          { id: 'serial', states: CPU, externalLoad: load },
          { id: 'threads', states: GIL2, speedup: 1.25, externalLoad: load },
          { id: 'processes-fork', speedup: 1.1, externalLoad: load },
        ],
      }),
    ).recommendation;
  const busy = rec(DISTURBED_LOAD + 0.3);
  assert.equal(busy.strategy, 'serial');
  assert.match(busy.rationale, /threads x2 reached 1\.25x, but its threads waited for the GIL/);
  assert.match(busy.alternatives.find((a) => a.strategy === 'threads')?.why ?? '', /waited for the GIL/);
  assert.equal(rec(0).strategy, 'threads', 'on a quiet machine a measured gain stands');
});

test('a failed serial baseline still yields a verdict, with zero confidence and the reason', () => {
  const r = analyzeProfile(
    profile({
      strategies: [
        {
          id: 'serial',
          status: 'failed',
          errorDetail: { type: 'ZeroDivisionError', message: 'division by zero', traceback: '' },
        },
        { id: 'threads', status: 'failed' },
      ],
    }),
  );
  assert.equal(r.verdict.confidence, 0);
  assert.equal(r.recommendation.strategy, 'serial');
  assert.match(r.recommendation.rationale, /serial baseline failed/);
});

test('an interrupted profile says it is partial', () => {
  const p = profile({
    strategies: [
      { id: 'serial', states: CPU },
      { id: 'threads', states: GIL2, speedup: 1.0 },
      { id: 'processes-fork', status: 'cancelled' },
    ],
  });
  p.interrupted = true;
  const caveats = analyzeProfile(p).recommendation.caveats;
  assert.ok(caveats.some((c) => /interrupted: this profile is partial/.test(c)));
  assert.ok(caveats.some((c) => /processes-fork x2 was cancelled/.test(c)));
});

test('every rationale template says why the chosen route fits in terms of that route', () => {
  const mechanisms: Record<string, RegExp> = {
    threads: /\bthreads?\b/,
    processes: /\bprocess(es)?\b/,
    asyncio: /\bevent loop\b/,
  };
  for (const verdict of Object.keys(VERDICT_LABELS) as VerdictKind[]) {
    for (const kind of ['threads', 'processes', 'asyncio'] as const) {
      const reason = fitReason(verdict, kind);
      const because = /because (.*)$/.exec(reason)?.[1];
      if (!because) {
        assert.match(reason, /^it was fastest|^it overlapped/, `${verdict} x ${kind}: ${reason}`);
        continue;
      }
      assert.match(because, mechanisms[kind]!, `${verdict} x ${kind}: "${because}" must be about ${kind}`);
      for (const [other, mechanism] of Object.entries(mechanisms)) {
        if (other !== kind)
          assert.doesNotMatch(because, mechanism, `${verdict} x ${kind}: "${because}" names ${other}`);
      }
    }
  }
});

test('a process pool chosen for GIL-releasing work is not said to fit because threads share the cores', () => {
  // Threads failed here, so processes won although the work releases the GIL.
  const { verdict, recommendation } = analyzeProfile(
    profile({
      strategies: [
        { id: 'serial', states: CPU },
        { id: 'threads', states: NOGIL2, speedup: 1.0, match: false },
        { id: 'threads-4', workers: 4, states: NOGIL2, speedup: 1.0 },
        { id: 'processes-fork', speedup: 1.7 },
      ],
    }),
  );
  assert.equal(verdict.kind, 'cpu-bound-releases-gil');
  assert.equal(recommendation.strategy, 'processes-fork');
  assert.doesNotMatch(recommendation.rationale, /threads share the cores/);
  assert.match(recommendation.rationale, /though threads would avoid its start-up and pickling/);
});

test('every route of every verdict kind reads consistently: measured ones say so, suggested ones say how', () => {
  for (const [kind, p] of Object.entries(verdictFixtures())) {
    for (const r of p.recommendation!.routes!) {
      const where = `${kind} / ${r.route}`;
      if (r.status === 'measured') assert.doesNotMatch(r.reason, /not (measured|run)/, where);
      if (r.status === 'unmeasured' && r.fits && INSTALL[r.route]) assert.equal(r.install, INSTALL[r.route], where);
      if (!r.fits || r.status === 'measured') assert.equal(r.install, null, where);
      if (r.fits) assert.doesNotMatch(`${r.reason} ${r.detail}`, /not relevant|not suitable|would add little/, where);
    }
  }
});

test('a run whose thread sampler was held up for a tenth of its tasks or more gets a caveat; less does not', () => {
  const caveats = (ms: number) =>
    analyzeProfile(
      profile({
        strategies: [
          { id: 'serial', states: CPU },
          { id: 'threads', states: GIL2, speedup: 1.0 },
          {
            id: 'processes-fork',
            speedup: 1.8,
            samplerHeldUp: { count: 2, ms, longestMs: ms / 2, taskMs: 400 },
          },
        ],
      }),
    ).recommendation.caveats;
  const held = caveats(HELD_UP_SHARE * 400 + 20);
  assert.ok(
    held.some((c) => c.startsWith('Thread states have gaps') && c.includes('processes-fork x2 15%, longest 30 ms')),
    held.join(' | '),
  );
  assert.ok(!caveats(HELD_UP_SHARE * 400 - 20).some((c) => /Thread states have gaps/.test(c)));
});
