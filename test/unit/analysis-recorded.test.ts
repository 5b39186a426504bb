// The analysis on profiles recorded from real runs of the labelled fixtures (test/helpers/recorded.ts):
// which verdict and which route, choices that hinge on speedups measured on a real machine, are
// tested here on those measurements, deterministically. `npm run accuracy` measures them afresh.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeProfile } from '../../src/profiler/analysis/index';
import { followsRoute, loadRecorded, recordedCases, routeOf } from '../helpers/recorded';

const cases = recordedCases();

test('profiles are recorded for the labelled fixtures', () => {
  assert.ok(cases.length >= 10, `${cases.length} recorded profiles`);
});

for (const entry of cases) {
  const expected = `${entry.kind} -> ${entry.routes.join('|')}`;
  test(`${entry.fixture} (recorded ${entry.recordedAt.slice(0, 10)}): ${expected}`, () => {
    const profile = loadRecorded(entry);
    const { verdict, recommendation } = analyzeProfile(profile);
    assert.equal(verdict.kind, entry.kind, `evidence:\n${verdict.evidence.join('\n')}`);
    const route = routeOf(recommendation.strategy);
    assert.ok(
      followsRoute(recommendation.strategy, entry.routes),
      `recommended ${recommendation.strategy} (${route}), expected ${entry.routes.join(' or ')}: ` +
        recommendation.rationale,
    );
  });
}

// Already parallel inside each call, on real runs (OpenBLAS under Debian's numpy and the PATH wheel,
// numexpr, a function running its own multiprocessing.Pool): the pools named in the profile and the
// evidence, the +native-1 strategies measured, and the advice not to nest pools.
const alreadyParallel = cases.filter((c) => c.kind === 'already-parallel');

test('the already-parallel fixtures are recorded: OpenBLAS on both interpreters, numexpr, a nested pool', () => {
  assert.deepEqual(
    alreadyParallel.map((c) => c.fixture),
    ['nested_pool', 'numexpr_eval', 'numpy_blas', 'numpy_blas@python3'],
  );
});

for (const entry of alreadyParallel) {
  test(`${entry.fixture}: the inner parallelism is named, with its figures`, () => {
    const profile = loadRecorded(entry);
    const { verdict, recommendation } = analyzeProfile(profile);
    const text = verdict.evidence.join('\n');
    const serial = profile.strategies[0]!;
    const ids = profile.strategies.map((s) => s.id);
    if (entry.fixture === 'nested_pool') {
      assert.deepEqual(serial.nativePools, [], 'a process pool is not a native thread pool');
      assert.match(text, /through child processes it starts/);
      assert.match(text, /child process\(es\) the function started did \d+% of the CPU/);
      assert.doesNotMatch(text, /Also consistent with Lock contention/);
      assert.match(recommendation.rationale, /Do not nest pools/);
      assert.ok(!ids.some((id) => id.includes('+native-')), ids.join(', '));
      return;
    }
    const library = entry.fixture === 'numexpr_eval' ? 'numexpr' : 'openblas';
    assert.equal(serial.nativePools?.[0]?.library, library, JSON.stringify(serial.nativePools));
    assert.match(text, /through native thread pools/);
    assert.match(text, new RegExp(`^${library} \\(.+\\): \\d+ pool thread\\(s\\) beside the calling thread`, 'm'));
    assert.ok(ids.includes('serial+native-1'), ids.join(', '));
    assert.ok(
      ids.some((id) => /^(threads|processes-\w+)\+native-1$/.test(id)),
      ids.join(', '),
    );
    assert.ok(
      serial.threads.some((t) => t.nativePool === library),
      'a pool thread is marked for its lane',
    );
    // The winner named the variables it ran with (serial keeps the code as it is).
    if (recommendation.strategy.includes('+native-'))
      assert.match(recommendation.rationale, /OPENBLAS_NUM_THREADS=1, .*NUMEXPR_NUM_THREADS=1 set before/);
  });
}
