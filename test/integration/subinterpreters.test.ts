// Subinterpreters on a real CPython 3.13 (pyenv's, on the development machines; Debian 12 has no
// 3.13 package, so where none is found these tests are skipped and say so): worker interpreters
// with their own GIL run the same tasks as subinterpreters@python3.13, results compared with the
// main interpreter's serial run; a module that such an interpreter refuses is a per-strategy
// error with its traceback. No timing is asserted (the speedups are in the bench figures).
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { profileFixture, strategy } from '../helpers/cli';
import { assertValidProfile } from '../helpers/schema';

/** A CPython 3.13 build: CP_TEST_PYTHON313, else pyenv's newest 3.13.x. */
function python313(): string | null {
  if (process.env.CP_TEST_PYTHON313) return process.env.CP_TEST_PYTHON313;
  const versions = join(process.env.PYENV_ROOT ?? join(homedir(), '.pyenv'), 'versions');
  if (!existsSync(versions)) return null;
  const found = readdirSync(versions)
    .filter((v) => /^3\.13\.\d+$/.test(v))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
    .map((v) => join(versions, v, 'bin', 'python3.13'))
    .filter((p) => existsSync(p));
  return found.at(-1) ?? null;
}

const PY313 = python313();
const skip = PY313 ? false : 'no CPython 3.13 here (set CP_TEST_PYTHON313 or pyenv install 3.13)';

describe('subinterpreters on CPython 3.13', { skip }, () => {
  test('worker interpreters run the tasks, match serial, their threads sampled from /proc', async () => {
    const { run, profile } = await profileFixture('subinterpreters.py', [
      '--function',
      'squares',
      '--args',
      // Tasks of ~0.2 s: a 0.1 s run was missed whole by the /proc sampler once, on a CI machine so
      // busy that it held the sampler up (the profile says so now: samplerHeldUp).
      '[(2_000_000,)] * 6',
      '--strategies',
      'serial,subinterpreters',
      '--interpreters',
      PY313!,
      '--workers',
      '2',
      '--budget',
      '60', // serial on 3.13 runs after the base sweep: a loaded machine must not budget it out
    ]);
    assert.equal(run.code, 0, run.stderr);
    assertValidProfile(profile);
    const info = profile.interpreters!.find((i) => i.name === 'python3.13')!;
    assert.equal(info.subinterpreters, true, JSON.stringify(info));
    // The main interpreter (3.11) has neither InterpreterPoolExecutor nor _interpreters.
    assert.equal(strategy(profile, 'subinterpreters').status, 'skipped');
    const sub = strategy(profile, 'subinterpreters@python3.13');
    assert.equal(sub.status, 'ok', `${sub.error}`);
    assert.equal(sub.resultsMatchBaseline, true, JSON.stringify(sub.firstDifference));
    assert.equal(sub.workers, 2);
    assert.ok(sub.speedup !== null && sub.speedup > 0);
    // One process: the worker interpreters are threads of the harness, each task on one of two.
    assert.deepEqual(
      sub.processes.map((p) => p.role),
      ['harness'],
    );
    const taskThreads = sub.threads.filter((t) => t.taskSamples > 0);
    assert.ok(
      taskThreads.length >= 1 && taskThreads.length <= 2,
      JSON.stringify({ threads: sub.threads.map((t) => t.name), heldUp: sub.samplerHeldUp }),
    );
    assert.ok(
      sub.capped?.some((c) => /stacks were not sampled while the worker interpreters ran/.test(c)),
      JSON.stringify(sub.capped),
    );
    const route = profile.recommendation!.routes!.find((r) => r.route === 'subinterpreters')!;
    assert.equal(route.status, 'measured');
    assert.match(route.detail, /private _interpreters module/);
  });

  test('a module that isolated interpreters refuse fails that strategy with its traceback', async () => {
    const { run, profile } = await profileFixture('subinterpreters.py', [
      '--function',
      'single_phase_import',
      '--args',
      '[(i,) for i in range(4)]',
      '--strategies',
      'serial,subinterpreters',
      '--interpreters',
      PY313!,
      '--workers',
      '2',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assertValidProfile(profile);
    assert.equal(strategy(profile, 'serial@python3.13').status, 'ok');
    const sub = strategy(profile, 'subinterpreters@python3.13');
    assert.equal(sub.status, 'failed');
    assert.equal(sub.errorDetail!.type, 'ImportError');
    assert.match(sub.errorDetail!.message, /_testsinglephase does not support loading in subinterpreters/);
    assert.match(sub.errorDetail!.traceback, /subinterpreters\.py", line \d+, in single_phase_import/);
    assert.doesNotMatch(sub.errorDetail!.traceback, /cp_worker|cp_harness/);
  });
});
