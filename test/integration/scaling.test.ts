// Scaling curves on real processes: which curves ran, their points, fits, skips and the plan.
// Structural checks only, plus ratios that hold under load (overlapped waits); choices that hinge
// on speedups are tested on built profiles (test/unit/analysis-workers.test.ts).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { parseStrategyId } from '../../src/shared/strategyId';
import type { Profile, ScalingCurve } from '../../src/profiler/profile';
import { profileFixture } from '../helpers/cli';
import { assertValidProfile } from '../helpers/schema';

const TWO_WORKERS = ['--workers', '2'];

/** Every worker count of the curve is either measured or skipped with a reason, none twice. */
function assertAccounted(curve: ScalingCurve, counts: number[]): void {
  const measured = curve.points.map((p) => p.workers);
  const skipped = curve.skipped.map((s) => s.workers);
  for (const n of counts) {
    assert.ok(measured.includes(n) || skipped.includes(n), `${curve.strategy}: ${n} workers neither ran nor skipped`);
  }
  assert.equal(new Set(measured).size, measured.length, 'a worker count measured twice');
  for (const s of curve.skipped) assert.ok(s.reason.length > 10, `no reason for ${s.workers}`);
}

/** Each point is a full strategy of the profile, with the worker count its id says. */
function assertPointsAreStrategies(profile: Profile, curve: ScalingCurve): void {
  for (const point of curve.points) {
    const run = profile.strategies.find((s) => s.id === point.strategy);
    assert.ok(run, `${point.strategy} is not in strategies`);
    assert.equal(run.workers, point.workers);
    assert.equal(run.wallSeconds, point.wallSeconds);
    assert.equal(run.status, 'ok');
    const parts = parseStrategyId(point.strategy)!;
    assert.ok(parts.workers === point.workers || parts.workers === null, point.strategy);
  }
  const ids = profile.strategies.map((s) => s.id);
  assert.equal(new Set(ids).size, ids.length, `a configuration ran twice: ${ids.join(', ')}`);
}

describe('I/O-bound tasks over loopback', () => {
  let server: Server;
  let port = 0;
  before(async () => {
    server = createServer((socket) => {
      socket.once('data', () => setTimeout(() => socket.end('pong\n'), 50));
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  after(() => server.close());

  test('a threads curve up to the task count, fitted, printed as one line, planned before it ran', async () => {
    const { run, profile } = await profileFixture('socket_io.py', [
      '--function',
      'fetch',
      '--args',
      `[(${port}, 1)] * 16`,
      ...TWO_WORKERS,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assertValidProfile(profile);
    assert.equal(profile.settings.scaling, 'auto');
    const threads = profile.scaling!.find((c) => c.strategy === 'threads');
    assert.ok(threads, `no threads curve: ${JSON.stringify(profile.scaling)}`);
    assert.equal(threads.bound, 'io');
    assertAccounted(threads, [1, 2, 4, 8, 16]);
    assertPointsAreStrategies(profile, threads);
    assert.ok(
      threads.points.some((p) => p.strategy === 'threads-8'),
      'the I/O pool of the base sweep is the 8-worker point',
    );
    assert.equal(threads.fit?.model, 'usl');
    assert.deepEqual(threads.fit.ceiling, { workers: 16, reason: 'tasks' });
    // Overlapped waits hold under CPU load: 16 threads finish 16 round trips far faster than 2.
    const at = (n: number) => threads.points.find((p) => p.workers === n);
    if (at(16) && at(2)) assert.ok(at(16)!.speedup > 2 * at(2)!.speedup, JSON.stringify(threads.points));
    assert.ok(profile.budget!.spentSeconds > profile.budget!.baseSweepSeconds);
    assert.ok(profile.budget!.seconds >= profile.budget!.baseSweepSeconds * 3 - 0.05);
    // The plan comes before the runs it announces, and the table has the curve's line.
    const plan = run.stderr.indexOf('Scaling plan: ');
    assert.ok(plan > 0 && plan < run.stderr.indexOf('threads-1 ...'), run.stderr);
    assert.match(run.stderr, /Plan: threads/);
    assert.equal(typeof profile.recommendation!.workers, 'number');
  });
});

describe('GIL-bound pure Python', () => {
  test('a processes curve of 1, 2 and 4 workers with a fit; --scaling off and a tiny --budget', async () => {
    const args = ['--function', 'spin', '--args', '[(1_000_000,)] * 8', ...TWO_WORKERS];
    const { run, profile } = await profileFixture('cpu_loop.py', args);
    assert.equal(run.code, 0, run.stderr);
    assertValidProfile(profile);
    const processes = profile.scaling!.find((c) => c.strategy.startsWith('processes'));
    assert.ok(processes, `no processes curve: ${JSON.stringify(profile.scaling)}`);
    assert.equal(processes.bound, 'cpu');
    assert.deepEqual(
      processes.points.map((p) => p.workers),
      [1, 2, 4],
    );
    assertPointsAreStrategies(profile, processes);
    assert.deepEqual(processes.fit?.ceiling, { workers: 2, reason: 'cores' });

    const off = await profileFixture('cpu_loop.py', [...args, '--scaling', 'off']);
    assert.equal(off.run.code, 0, off.run.stderr);
    assert.deepEqual(off.profile.scaling, []);
    assert.ok(!off.profile.strategies.some((s) => parseStrategyId(s.id)?.workers === 1));

    // 1 ms: less than any interpreter takes to start, so on any machine every run after serial is skipped.
    const tight = await profileFixture('cpu_loop.py', [...args, '--budget', '0.001']);
    assert.equal(tight.run.code, 0, tight.run.stderr);
    assertValidProfile(tight.profile);
    assert.equal(tight.profile.strategies[0]!.status, 'ok', 'the baseline always runs');
    const skipped = tight.profile.strategies.filter((s) => s.status === 'skipped');
    assert.ok(skipped.length >= 4, `the base sweep does not fit in 1 ms: ${JSON.stringify(tight.profile.budget)}`);
    for (const s of skipped) assert.match(s.error!, /over the budget: .* \(--budget; raise --budget to run it\)/);
    assert.deepEqual(
      tight.profile.budget!.skipped.map((s) => s.strategy),
      skipped.map((s) => s.id),
    );
  });
});

describe('whole-script what-ifs', () => {
  test(
    'a script running GIL-bound work on its own ThreadPoolExecutor gets script+processes ' +
      'measured, and a size curve',
    async () => {
      const { run, profile } = await profileFixture('script_pool.py', []);
      assert.equal(run.code, 0, run.stderr);
      assertValidProfile(profile);
      const [own, swapped] = profile.strategies;
      assert.equal(own!.id, 'script');
      assert.equal(own!.workers, 2, 'the size the script passes');
      assert.deepEqual(
        own!.pools!.map((p) => [p.api, p.workers, p.sized, p.line, p.swappedTo]),
        [['ThreadPoolExecutor', 2, true, 13, null]],
      );
      assert.equal(swapped!.id, 'script+processes');
      assert.equal(swapped!.status, 'ok', swapped!.error ?? '');
      assert.equal(swapped!.resultsMatchBaseline, true, JSON.stringify(swapped!.firstDifference));
      assert.equal(swapped!.pools![0]!.swappedTo, 'processes');
      assert.ok(swapped!.speedup! > 0);
      // The worker processes were really there: the tree had more than the harness.
      assert.ok(swapped!.processes.length > own!.processes.length, JSON.stringify(swapped!.processes));
      const curve = profile.scaling!.find((c) => c.strategy === 'script' || c.strategy === 'script+processes');
      assert.ok(curve, `no size curve: ${JSON.stringify(profile.scaling)}`);
      assertAccounted(curve, [1, 2, 4]);
      assertPointsAreStrategies(profile, curve);
      assert.match(run.stderr, /^script(\+processes)?: 1->/m);
    },
  );

  test('a thread pool running a lambda: the swap is refused with the reason and the fix', async () => {
    const { run, profile } = await profileFixture('script_lambda_pool.py', ['--scaling', 'off']);
    assert.equal(run.code, 0, run.stderr);
    assertValidProfile(profile);
    const refused = profile.strategies.find((s) => s.id === 'script+processes')!;
    assert.equal(refused.status, 'skipped');
    assert.ok(
      refused.error!.startsWith(
        'SwapRefused: the ThreadPoolExecutor created at script_lambda_pool.py:5 cannot become a process pool: ' +
          'the task <lambda> at script_lambda_pool.py:6 cannot be pickled',
      ),
      refused.error!,
    );
    assert.match(refused.error!, / Fix: .*module-level def/);
    assert.equal(profile.recommendation!.strategy, 'script');
    assert.ok(profile.recommendation!.caveats.some((c) => c.startsWith('script+processes could not apply')));
    assert.match(run.stderr, /script\+processes could not apply/);
  });

  test('a script without pools of its own runs once; one strategies list serves both modes', async () => {
    // The extension passes its strategies setting in both modes: function-mode ids are left out
    // of a whole-script run (with a warning), and script ids out of a function run.
    const { run, profile } = await profileFixture('script_threads.py', ['--strategies', 'serial,threads']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      profile.strategies.map((s) => s.id),
      ['script'],
    );
    assert.deepEqual(profile.strategies[0]!.pools, []);
    assert.match(run.stderr, /--strategies: serial, threads left out: they need --function/);
    const mixed = await profileFixture('cpu_loop.py', [
      '--function',
      'spin',
      '--args',
      '[(10_000,)] * 2',
      '--strategies',
      'serial,script+processes',
    ]);
    assert.equal(mixed.run.code, 0, mixed.run.stderr);
    assert.deepEqual(
      mixed.profile.strategies.map((s) => s.id),
      ['serial'],
    );
    assert.match(mixed.run.stderr, /--strategies: script\+processes left out: they run the whole script/);
  });
});
