// The advice across interpreters, on built profiles (speedup choices are never tested on real runs):
// PyPy's serial run, a free-threaded build's threads, a newer CPython, subinterpreters.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeProfile } from '../../src/profiler/analysis/index';
import type { Profile, RouteCoverage, RouteId } from '../../src/profiler/profile';
import { INTERPRETER_GAIN_UNDER_LOAD } from '../../src/profiler/analysis/interpreterChoice';
import { CPU, GIL2, NOGIL2, profile } from '../helpers/profileBuilders';

/** One route of the recommendation, with its detail's line wrapping irrelevant. */
const route = (p: Profile, id: RouteId): RouteCoverage =>
  analyzeProfile(p).recommendation.routes!.find((r) => r.route === id)!;

const PYPY = { name: 'pypy3.9', implementation: 'PyPy', version: '3.9.16', note: 'pypy: no GIL detection' };
const FREE = { name: 'python3.13t', version: '3.13.1', freeThreaded: true, gil: false };

describe('PyPy', () => {
  test('a pure-Python loop is recommended PyPy when PyPy wins, with the code to run it there', () => {
    const p = profile({
      interpreters: [PYPY],
      strategies: [
        { id: 'serial', states: CPU },
        { id: 'threads', states: GIL2, speedup: 1.0 },
        { id: 'processes-fork', speedup: 1.7 },
        { id: 'serial@pypy3.9', states: CPU, speedup: 9 },
        { id: 'threads@pypy3.9', states: { running: 0.5, lockWait: 0.5 }, speedup: 8.5 },
      ],
    });
    const { recommendation } = analyzeProfile(p);
    assert.equal(recommendation.strategy, 'serial@pypy3.9');
    assert.equal(recommendation.expectedSpeedup, 9);
    assert.match(recommendation.rationale, /PyPy's JIT/);
    assert.match(recommendation.codeChange!, /# run with pypy3\.9 instead: \/usr\/bin\/pypy3\.9 work\.py/);
    assert.equal(recommendation.projected!.model, 'serial');
    const pypy = route(p, 'interpreter');
    assert.equal(pypy.status, 'measured');
    assert.deepEqual(pypy.strategies, ['serial@pypy3.9', 'threads@pypy3.9']);
    assert.match(pypy.detail, /serial@pypy3\.9 9\.00x, threads@pypy3\.9 x2 8\.50x \(0\.94x over its own serial\)/);
    assert.ok(recommendation.alternatives.some((a) => a.strategy === 'processes-fork'));
  });

  test('a PyPy pool that beats PyPy serial clearly is chosen over PyPy serial', () => {
    const p = profile({
      interpreters: [PYPY],
      strategies: [
        { id: 'serial', states: CPU },
        { id: 'processes-fork', speedup: 1.7 },
        { id: 'serial@pypy3.9', speedup: 9 },
        { id: 'processes-fork@pypy3.9', speedup: 16 },
      ],
    });
    assert.equal(analyzeProfile(p).recommendation.strategy, 'processes-fork@pypy3.9');
  });

  test('when the module does not import in PyPy, the route says what to install', () => {
    const p = profile({
      interpreters: [{ ...PYPY, moduleImports: false, importError: "ModuleNotFoundError: No module named 'numpy'" }],
      strategies: [
        { id: 'serial', states: CPU },
        { id: 'processes-fork', speedup: 1.7 },
        { id: 'serial@pypy3.9', status: 'failed' },
        { id: 'threads@pypy3.9', status: 'skipped' },
      ],
    });
    const { recommendation } = analyzeProfile(p);
    assert.equal(recommendation.strategy, 'processes-fork');
    const pypy = route(p, 'interpreter');
    assert.equal(pypy.status, 'unmeasured');
    assert.equal(pypy.reason, 'the module does not import in pypy3.9');
    assert.match(
      pypy.detail,
      /^Not measured here, because the module does not import in pypy3\.9 \(ModuleNotFoundError/,
    );
    assert.match(pypy.detail, /\/usr\/bin\/pypy3\.9 -m pip install/);
    assert.ok(recommendation.caveats.some((c) => /serial@pypy3\.9 failed/.test(c)));
  });

  test('without PyPy the route names what to install, and says whether the run looked for one', () => {
    const looked = route(
      profile({
        interpreterSearch: 'default',
        strategies: [
          { id: 'serial', states: CPU },
          { id: 'processes-fork', speedup: 1.7 },
        ],
      }),
      'interpreter',
    );
    assert.match(looked.detail, /^Not measured here, because no PyPy was found on PATH or in pyenv, uv or conda/);
    assert.match(looked.install!, /apt-get install pypy3/);
    const notLooked = route(
      profile({
        interpreterSearch: 'off',
        strategies: [
          { id: 'serial', states: CPU },
          { id: 'processes-fork', speedup: 1.7 },
        ],
      }),
      'interpreter',
    );
    assert.match(notLooked.detail, /^Not measured here, because this run did not look for other interpreters/);
  });
});

describe('other CPython versions', () => {
  test('a small gain on another version does not outweigh switching interpreters', () => {
    const p = profile({
      interpreters: [{ name: 'python3.12', version: '3.12.1' }],
      strategies: [
        { id: 'serial', states: CPU },
        { id: 'processes-fork', speedup: 1.7 },
        { id: 'serial@python3.12', speedup: 1.25 },
        { id: 'processes-fork@python3.12', speedup: 1.8 },
      ],
    });
    const { recommendation } = analyzeProfile(p);
    assert.equal(recommendation.strategy, 'processes-fork');
    const other = route(p, 'interpreter');
    assert.equal(other.status, 'measured');
    assert.match(
      other.detail,
      /serial@python3\.12 1\.25x, processes-fork@python3\.12 x2 1\.80x \(1\.44x over its own serial\)/,
    );
  });

  test(`on a busy machine another interpreter must gain ${INTERPRETER_GAIN_UNDER_LOAD}x what the main one does`, () => {
    const busy = (speedup: number) =>
      profile({
        interpreters: [{ name: 'python3.12', version: '3.12.1' }],
        strategies: [
          { id: 'serial', states: CPU, externalLoad: 0.4 },
          { id: 'processes-fork', speedup: 1.5, externalLoad: 0.4 },
          { id: 'serial@python3.12', speedup, externalLoad: 0.4 },
        ],
      });
    assert.equal(analyzeProfile(busy(2.5)).recommendation.strategy, 'processes-fork');
    assert.equal(
      analyzeProfile(busy(1.5 * INTERPRETER_GAIN_UNDER_LOAD + 0.5)).recommendation.strategy,
      'serial@python3.12',
    );
  });

  test('a different result on another interpreter is a caveat about that interpreter, not shared state', () => {
    const p = profile({
      interpreters: [{ name: 'python3.12', version: '3.12.1' }],
      strategies: [
        { id: 'serial', states: CPU },
        { id: 'processes-fork', speedup: 1.7 },
        {
          id: 'serial@python3.12',
          speedup: 1.1,
          match: false,
          firstDifference: { task: 0, expected: '1', actual: '2' },
        },
      ],
    });
    const { recommendation } = analyzeProfile(p);
    assert.ok(recommendation.caveats.some((c) => /python3\.12 computes a different result/.test(c)));
    assert.ok(!recommendation.codeChange!.includes('Make each task independent'));
  });
});

describe('free-threaded builds', () => {
  test('threads on a build without a GIL are judged on their own scaling and can win', () => {
    const p = profile({
      interpreters: [FREE],
      strategies: [
        { id: 'serial', states: CPU },
        { id: 'threads', states: GIL2, speedup: 1.0 },
        { id: 'processes-fork', speedup: 1.2 },
        { id: 'serial@python3.13t', speedup: 0.9 },
        { id: 'threads@python3.13t', states: NOGIL2, speedup: 1.75 },
      ],
    });
    const { recommendation } = analyzeProfile(p);
    assert.equal(recommendation.strategy, 'threads@python3.13t');
    assert.match(
      recommendation.rationale,
      /without a GIL its threads run Python on several cores at once \(1\.94x over its own serial run\)/,
    );
    const free = route(p, 'free-threaded');
    assert.deepEqual([free.status, free.fits], ['measured', true]);
    assert.match(
      free.detail,
      /serial@python3\.13t 0\.90x, threads@python3\.13t x2 1\.75x \(1\.94x over its own serial\)/,
    );
    assert.equal(route(p, 'interpreter').status, 'unmeasured', 'a free-threaded build is its own route');
  });

  test('a free-threaded build that turned its GIL back on is said to, and its threads are ruled out when busy', () => {
    const p = profile({
      interpreters: [{ ...FREE, gil: true }],
      strategies: [
        { id: 'serial', states: CPU, externalLoad: 0.4 },
        { id: 'processes-fork', speedup: 1.6, externalLoad: 0.4 },
        { id: 'serial@python3.13t', speedup: 0.9, externalLoad: 0.4 },
        { id: 'threads@python3.13t', states: GIL2, speedup: 1.5, externalLoad: 0.4 },
      ],
    });
    assert.equal(analyzeProfile(p).recommendation.strategy, 'processes-fork');
    const free = route(p, 'free-threaded');
    assert.equal(free.fits, false);
    assert.match(free.detail, /python3\.13t turned its GIL back on when your module was imported/);
  });
});

describe('subinterpreters', () => {
  test('a measured subinterpreters run is reported as measured, whichever interpreter ran it', () => {
    const p = profile({
      interpreters: [{ name: 'python3.14', version: '3.14.0', subinterpreters: true }],
      strategies: [
        { id: 'serial', states: CPU },
        { id: 'processes-fork', speedup: 1.7 },
        { id: 'serial@python3.14', speedup: 1.0 },
        { id: 'subinterpreters@python3.14', speedup: 1.8 },
      ],
    });
    const sub = route(p, 'subinterpreters');
    assert.equal(sub.status, 'measured');
    assert.match(sub.detail, /subinterpreters@python3\.14 x2 1\.80x/);
  });

  test("on 3.13 the run used its private module: the route says so, the code is 3.14's executor", () => {
    const p = profile({
      interpreters: [{ name: 'python3.13', version: '3.13.0', subinterpreters: true }],
      strategies: [
        { id: 'serial', states: CPU },
        { id: 'processes-fork', speedup: 1.3 },
        { id: 'serial@python3.13', speedup: 1.0 },
        { id: 'subinterpreters@python3.13', speedup: 3.5 },
      ],
    });
    const sub = route(p, 'subinterpreters');
    assert.equal(sub.status, 'measured');
    assert.match(sub.detail, /subinterpreters@python3\.13 x2 ran on 3\.13's private _interpreters module/);
    assert.match(sub.detail, /InterpreterPoolExecutor is the supported way/);
    const { recommendation } = analyzeProfile(p);
    assert.equal(recommendation.strategy, 'subinterpreters@python3.13');
    assert.match(recommendation.codeChange!, /# Python 3\.14\+: each worker is an interpreter with its own GIL/);
    assert.match(recommendation.codeChange!, /with InterpreterPoolExecutor\(max_workers=2\) as pool:/);
    // On 3.14 itself the executor is what ran: no word of a private module.
    const on314 = profile({
      interpreters: [{ name: 'python3.14', version: '3.14.0', subinterpreters: true }],
      strategies: [
        { id: 'serial', states: CPU },
        { id: 'serial@python3.14', speedup: 1.0 },
        { id: 'subinterpreters@python3.14', speedup: 1.8 },
      ],
    });
    assert.doesNotMatch(route(on314, 'subinterpreters').detail, /private/);
    // On 3.12 the run went through _xxsubinterpreters, and the route names that module.
    const on312 = profile({
      interpreters: [{ name: 'python3.12', version: '3.12.1', subinterpreters: true }],
      strategies: [
        { id: 'serial', states: CPU },
        { id: 'serial@python3.12', speedup: 1.0 },
        { id: 'subinterpreters@python3.12', speedup: 1.8 },
      ],
    });
    assert.match(
      route(on312, 'subinterpreters').detail,
      /subinterpreters@python3\.12 x2 ran on 3\.12's private _xxsubinterpreters module/,
    );
  });

  test('without 3.14 the route says what to install', () => {
    const sub = route(
      profile({
        interpreterSearch: 'auto',
        strategies: [
          { id: 'serial', states: CPU },
          { id: 'processes-fork', speedup: 1.7 },
        ],
      }),
      'subinterpreters',
    );
    assert.match(sub.detail, /no 3\.12 or newer was found/);
    assert.match(sub.install!, /uv python install 3\.14/);
  });
});
