// Other interpreters on real processes: PyPy (Debian's pypy3, installed by scripts/test-deps.sh)
// runs the same function and tasks as serial@pypy3.9 and friends, its results are compared in the
// main interpreter, a module it cannot import is a per-strategy error, and a timeout there kills
// its tree. What hinges on speedups (PyPy recommended when it wins) is tested on built profiles
// (test/unit/analysis-interpreters.test.ts).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { processesWithMarker, profileFixture, runCli, ENGINE_FIXTURES, PYTHON, strategy } from '../helpers/cli';
import { assertValidProfile } from '../helpers/schema';
import { withReport } from './report-browser';
import { join } from 'node:path';

const TWO_WORKERS = ['--workers', '2'];
const PYPY = 'pypy3';

describe('PyPy', () => {
  test(
    'serial, threads and every process start method run on PyPy, with results ' + 'compared in the main interpreter',
    async () => {
      const { run, profile } = await profileFixture('interpreters.py', [
        '--function',
        'collatz',
        '--args',
        '[(3000,), (4000,), (5000,), (6000,)]',
        '--strategies',
        'serial,threads,processes-forkserver,processes-spawn',
        '--interpreters',
        PYPY,
        ...TWO_WORKERS,
      ]);
      assert.equal(run.code, 0, run.stderr);
      assertValidProfile(profile);
      assert.deepEqual(
        profile.strategies.map((s) => s.id),
        [
          'serial',
          'threads',
          'processes-forkserver',
          'processes-spawn',
          'serial@pypy3.9',
          'threads@pypy3.9',
          'processes-forkserver@pypy3.9',
          'processes-spawn@pypy3.9',
        ],
      );
      const main = profile.interpreters![0]!;
      const pypy = profile.interpreters![1]!;
      assert.equal(main.main, true);
      assert.equal(main.executable, profile.workload.python!.executable);
      assert.deepEqual(
        [pypy.name, pypy.implementation, pypy.gil, pypy.gilDetection, pypy.moduleImports, pypy.source],
        ['pypy3.9', 'PyPy', true, null, true, 'given'],
      );
      assert.match(pypy.note!, /pypy/i);
      for (const id of [
        'serial@pypy3.9',
        'threads@pypy3.9',
        'processes-forkserver@pypy3.9',
        'processes-spawn@pypy3.9',
      ]) {
        const s = strategy(profile, id);
        assert.equal(s.status, 'ok', `${id}: ${s.error}`);
        assert.equal(s.resultsMatchBaseline, true, `${id}: ${JSON.stringify(s.firstDifference)}`);
        assert.match(s.resultsNote!, /portable encoding, in the main interpreter/);
        assert.ok(s.speedup !== null && s.speedup > 0, `${id} speedup against the main serial run`);
        assert.ok(s.processes.length > 0, `${id}: the sampler saw its processes`);
      }
      // PyPy's pool workers are PyPy processes, seen by the sampler like any other.
      const spawn = strategy(profile, 'processes-spawn@pypy3.9');
      assert.ok(spawn.processes.filter((p) => p.role === 'worker').length >= 2, JSON.stringify(spawn.processes));
      assert.match(spawn.processes.find((p) => p.role === 'harness')!.command, /pypy/);
      assert.ok(profile.recommendation, 'the advice covers the interpreters');
      const route = profile.recommendation!.routes!.find((r) => r.route === 'interpreter')!;
      assert.equal(route.status, 'measured');
      assert.ok(route.strategies.includes('serial@pypy3.9'), JSON.stringify(route));
      // The webview groups the table by interpreter: a header row, then that interpreter's runs.
      await withReport(profile, async (page) => {
        const rows = page.getByTestId('strategy-table').locator('tbody tr:not(.detail)');
        const seen = await rows.evaluateAll((trs) =>
          trs.map(
            (tr) => (tr.classList.contains('interpreter-group') ? '# ' : '') + tr.querySelector('th')!.textContent,
          ),
        );
        assert.deepEqual(
          seen.map((r) => r.replace(/ \((fork|forkserver|spawn)\)$/, '')),
          [
            `# ${main.name} (main) · CPython ${main.version}`,
            'serial',
            'threads',
            'processes-forkserver',
            'processes-spawn',
            `# pypy3.9 · PyPy ${pypy.version}`,
            'serial@pypy3.9',
            'threads@pypy3.9',
            'processes-forkserver@pypy3.9',
            'processes-spawn@pypy3.9',
          ],
        );
      });
    },
  );

  test('a result that differs on PyPy is found; one that cannot be encoded is reported not comparable', async () => {
    const differs = await profileFixture('interpreters.py', [
      '--function',
      'implementation',
      '--strategies',
      'serial',
      '--interpreters',
      PYPY,
      ...TWO_WORKERS,
    ]);
    assert.equal(differs.run.code, 0, differs.run.stderr);
    const other = strategy(differs.profile, 'serial@pypy3.9');
    assert.equal(other.resultsMatchBaseline, false);
    assert.deepEqual(other.firstDifference, { task: 0, expected: "'cpython'", actual: "'pypy'" });
    assert.ok(
      differs.profile.recommendation!.caveats.some((c) => /pypy3\.9 computes a different result/.test(c)),
      JSON.stringify(differs.profile.recommendation!.caveats),
    );

    const opaque = await profileFixture('interpreters.py', [
      '--function',
      'opaque',
      '--strategies',
      'serial',
      '--interpreters',
      PYPY,
      ...TWO_WORKERS,
    ]);
    const notComparable = strategy(opaque.profile, 'serial@pypy3.9');
    assert.equal(notComparable.status, 'ok');
    assert.equal(notComparable.resultsMatchBaseline, null);
    assert.match(
      notComparable.resultsNote!,
      /not comparable: a builtins\.object cannot be compared across interpreters/,
    );
  });

  test(
    'a module that does not import on PyPy fails its PyPy strategies clearly; ' + 'the rest of the run goes on',
    async () => {
      const { run, profile } = await profileFixture('needs_numpy.py', [
        '--function',
        'total',
        '--strategies',
        'serial,threads',
        '--interpreters',
        PYPY,
        ...TWO_WORKERS,
      ]);
      assert.equal(run.code, 0, run.stderr);
      assertValidProfile(profile);
      assert.equal(strategy(profile, 'threads').status, 'ok');
      const serial = strategy(profile, 'serial@pypy3.9');
      assert.equal(serial.status, 'failed');
      assert.match(serial.error!, /the module does not import in pypy3\.9: .*numpy/);
      assert.equal(strategy(profile, 'threads@pypy3.9').status, 'skipped');
      assert.equal(profile.interpreters![1]!.moduleImports, false);
      assert.match(run.stderr, /serial@pypy3\.9[^\n]*the module does not import in pypy3\.9/);
    },
  );

  test('a task that never returns on PyPy ends at --timeout and leaves no process behind', async () => {
    const marker = randomUUID();
    const { run, profile } = await profileFixture(
      'interpreters.py',
      [
        '--function',
        'stuck_on_pypy',
        '--args',
        '[()] * 2',
        '--strategies',
        'serial',
        '--interpreters',
        PYPY,
        '--timeout',
        '3',
        ...TWO_WORKERS,
      ],
      { marker },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(strategy(profile, 'serial').status, 'ok');
    const stuck = strategy(profile, 'serial@pypy3.9');
    assert.equal(stuck.status, 'timeout', `${stuck.error} ${JSON.stringify(stuck.output)}`);
    assert.ok(stuck.processes.length >= 1, 'the PyPy harness ran under the sampler');
    assert.deepEqual(processesWithMarker(marker), []);
  });

  test('an @name that is not an interpreter of the run is a usage error naming the ones there are', async () => {
    const run = await runCli([
      'profile',
      join(ENGINE_FIXTURES, 'interpreters.py'),
      '--function',
      'implementation',
      '--python',
      PYTHON,
      '--strategies',
      'serial,threads@pypy2.7',
      '--interpreters',
      PYPY,
    ]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /no interpreter named pypy2\.7 in this run \(pypy3\.9\)/);
  });
});

describe('the default sweep', () => {
  test('measures PyPy when it is installed, serial and threads only, and says it looked', async () => {
    const { run, profile } = await profileFixture('interpreters.py', ['--function', 'implementation', ...TWO_WORKERS]);
    assert.equal(run.code, 0, run.stderr);
    assertValidProfile(profile);
    assert.equal(profile.settings.interpreterSearch, 'default');
    const ids = profile.strategies.map((s) => s.id).filter((id) => id.includes('@'));
    assert.deepEqual(ids, ['serial@pypy3.9', 'threads@pypy3.9']);
  });

  test('an explicit --strategies list without --interpreters runs only the main interpreter', async () => {
    const { profile } = await profileFixture('interpreters.py', [
      '--function',
      'implementation',
      '--strategies',
      'serial,threads',
      ...TWO_WORKERS,
    ]);
    assert.equal(profile.settings.interpreterSearch, 'off');
    assert.deepEqual(
      profile.strategies.map((s) => s.id),
      ['serial', 'threads'],
    );
    assert.equal(profile.interpreters!.length, 1);
  });
});
