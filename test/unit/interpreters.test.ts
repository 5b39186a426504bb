// The interpreter finder on fake folders (PATH, pyenv, uv, conda), the short names, the selection
// for `--interpreters`, and the per-interpreter plan. Free-threaded 3.13t and 3.14 do not exist on
// this machine: fake interpreters (shell scripts) print recorded probe output for them
// (test/fixtures/interpreters), so those paths run through the real probe parsing, stated as such.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { findInterpreters, type FinderEnvironment } from '../../src/profiler/interpreterFinder';
import {
  afterMainPlan,
  basePlan,
  gate,
  prepareInterpreters,
  type RunInterpreter,
} from '../../src/profiler/interpreterRuns';
import {
  interpreterBaseName,
  parseInterpreterRequest,
  selectInterpreters,
  uniqueNames,
} from '../../src/profiler/interpreters';
import type { InterpreterInfo, StrategyResult } from '../../src/profiler/profile';
import { probe, type InterpreterAbout, type ProbeResult } from '../../src/profiler/python';
import { parseStrategy } from '../../src/profiler/strategies';
import { ENGINE_FIXTURES, ROOT } from '../helpers/cli';
import { interpreter } from '../helpers/profileBuilders';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'interpreters');

function file(path: string, text = '', mode = 0o755): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

/** A fake interpreter answering the engine's probe with recorded output. */
function fakeInterpreter(path: string, about: string, full: string): string {
  return file(path, `#!/bin/sh\ncase "$2" in\n  --about) cat '${about}' ;;\n  *) cat '${full}' ;;\nesac\n`);
}

function fixtureInterpreter(path: string, fixture: string): string {
  return fakeInterpreter(path, join(FIXTURES, `${fixture}-about.json`), join(FIXTURES, `${fixture}-probe.json`));
}

function pypyInterpreter(path: string, folder: string): string {
  const about = { ...MAIN, executable: path, version: '3.9.16', implementation: 'PyPy' };
  const full: Partial<ProbeResult> = { ...about, syntaxError: null };
  Object.assign(full, {
    gilOffsets: null,
    gilNote: 'pypy: GIL waits cannot be told apart from lock waits',
    importError: "ModuleNotFoundError: No module named 'numpy'",
  });
  return fakeInterpreter(
    path,
    file(join(folder, 'pypy-about.json'), JSON.stringify(about), 0o644),
    file(join(folder, 'pypy-probe.json'), JSON.stringify(full), 0o644),
  );
}

const WHERE = { cwd: ENGINE_FIXTURES, env: process.env };
/** The harness's import plan for the fixture: loaded from its file. */
const IMPORT_PLAN = {
  file: join(ENGINE_FIXTURES, 'cpu_loop.py'),
  module: null,
  moduleNote: 'test: loaded from its file',
  sysPathAdded: [ENGINE_FIXTURES],
  sysPathAppended: null,
};

const MAIN: InterpreterAbout = {
  executable: '/usr/bin/python3.11',
  version: '3.11.2',
  implementation: 'CPython',
  freeThreaded: false,
  gil: true,
  subinterpreters: false,
  distributed: false,
};

describe('findInterpreters on fake folders', () => {
  const home = mkdtempSync(join(tmpdir(), 'cp-finder-'));
  const bin = join(home, 'bin');
  file(join(bin, 'python3.12'));
  symlinkSync('python3.12', join(bin, 'python3')); // the same interpreter under a shorter name
  file(join(bin, 'python3.11'), '', 0o644); // not executable
  file(join(bin, 'python'));
  file(join(bin, 'pypy3'));
  file(join(home, '.pyenv', 'shims', 'python3.9')); // a shim: runs only for the selected version
  const pyenv = join(home, 'pyenv-root');
  file(join(pyenv, 'versions', '3.13.1t', 'bin', 'python3.13t'));
  symlinkSync('python3.13t', join(pyenv, 'versions', '3.13.1t', 'bin', 'python3'));
  file(join(pyenv, 'versions', '2.7.18', 'bin', 'python2.7'));
  file(join(home, 'data', 'uv', 'python', 'cpython-3.14.0-linux-x86_64-gnu', 'bin', 'python3.14'));
  file(join(home, 'miniconda3', 'bin', 'python3.10'));
  file(join(home, 'miniconda3', 'envs', 'ml', 'bin', 'python3.9'));
  const elsewhere = join(home, 'projects', 'env');
  file(join(elsewhere, 'bin', 'python3.8'));
  file(join(home, '.conda', 'environments.txt'), `${elsewhere}\n`, 0o644);
  const venv = join(home, 'work', '.venv', 'bin');
  mkdirSync(venv, { recursive: true });
  symlinkSync(join(bin, 'python3.12'), join(venv, 'python3')); // a venv: its own packages

  const env: FinderEnvironment = {
    home,
    platform: 'linux',
    env: {
      PATH: [venv, bin, join(home, '.pyenv', 'shims'), join(home, 'missing')].join(':'),
      PYENV_ROOT: pyenv,
      XDG_DATA_HOME: join(home, 'data'),
    },
  };

  test('PATH, pyenv, uv and conda, each file once, shims and old or non-executable files left out', () => {
    const found = findInterpreters(env).map((c) => `${c.source} ${c.executable.slice(home.length)}`);
    assert.deepEqual(found, [
      'PATH /work/.venv/bin/python3',
      'PATH /bin/python3.12',
      'PATH /bin/pypy3',
      'pyenv /pyenv-root/versions/3.13.1t/bin/python3.13t',
      'uv /data/uv/python/cpython-3.14.0-linux-x86_64-gnu/bin/python3.14',
      'conda /miniconda3/bin/python3.10',
      'conda /miniconda3/envs/ml/bin/python3.9',
      'conda /projects/env/bin/python3.8',
    ]);
  });

  test('UV_PYTHON_INSTALL_DIR and CONDA_PREFIX are honoured; nothing is invented', () => {
    const empty = mkdtempSync(join(tmpdir(), 'cp-finder-empty-'));
    assert.deepEqual(findInterpreters({ home: empty, platform: 'linux', env: { PATH: '' } }), []);
    const uv = join(empty, 'uv-here');
    file(join(uv, 'pypy-3.10-linux', 'bin', 'pypy3.10'));
    const prefix = join(empty, 'active');
    file(join(prefix, 'bin', 'python3.12'));
    const found = findInterpreters({
      home: empty,
      platform: 'linux',
      env: { UV_PYTHON_INSTALL_DIR: uv, CONDA_PREFIX: prefix },
    });
    assert.deepEqual(
      found.map((c) => c.source),
      ['uv', 'conda'],
    );
  });
});

describe('names', () => {
  test('implementation, major.minor and t for free-threaded builds; -2 on a clash', () => {
    assert.equal(interpreterBaseName({ implementation: 'PyPy', version: '3.9.16', freeThreaded: false }), 'pypy3.9');
    assert.equal(
      interpreterBaseName({ implementation: 'CPython', version: '3.13.1', freeThreaded: true }),
      'python3.13t',
    );
    assert.equal(
      interpreterBaseName({ implementation: 'CPython', version: '3.12.1', freeThreaded: false }),
      'python3.12',
    );
    assert.deepEqual(uniqueNames(['python3.11', 'python3.12', 'python3.11', 'python3.11']), [
      'python3.11',
      'python3.12',
      'python3.11-2',
      'python3.11-3',
    ]);
    assert.ok(parseStrategy('serial@python3.11-2', 2), 'a suffixed name is a valid id part');
  });

  test('--interpreters takes auto, none or a list', () => {
    assert.deepEqual(parseInterpreterRequest(undefined), { kind: 'default' });
    assert.deepEqual(parseInterpreterRequest('none'), { kind: 'none' });
    assert.deepEqual(parseInterpreterRequest(' pypy3, auto '), { kind: 'list', items: ['pypy3', 'auto'] });
    assert.throws(() => parseInterpreterRequest('none,pypy3'), /auto, none, or a comma-separated list/);
    assert.throws(() => parseInterpreterRequest(','), /auto, none/);
  });
});

describe('selection with recorded probe output (3.13t and 3.14 are not installed here)', () => {
  const home = mkdtempSync(join(tmpdir(), 'cp-select-'));
  const bin = join(home, 'bin');
  fixtureInterpreter(join(bin, 'python3.13t'), 'python3.13t');
  fixtureInterpreter(join(bin, 'python3.14'), 'python3.14');
  pypyInterpreter(join(bin, 'pypy3'), home);
  const finder: FinderEnvironment = { home, platform: 'linux', env: { PATH: bin } };

  test('by default PyPy and free-threaded builds; auto adds other versions', async () => {
    const byDefault = await selectInterpreters({ kind: 'default' }, MAIN, { finder });
    assert.deepEqual(
      byDefault.chosen.map((c) => c.executable.slice(bin.length + 1)),
      ['python3.13t', 'pypy3'],
    );
    const auto = await selectInterpreters({ kind: 'list', items: ['auto'] }, MAIN, { finder });
    assert.deepEqual(
      auto.chosen.map((c) => c.about.version),
      ['3.13.1', '3.14.0', '3.9.16'],
    );
    assert.equal(auto.chosen[1]!.about.subinterpreters, true);
  });

  test('the main interpreter is not added again; a named one that does not exist is a usage error', async () => {
    const main = { ...MAIN, executable: join(bin, 'python3.14'), version: '3.14.0' };
    const auto = await selectInterpreters({ kind: 'list', items: ['auto'] }, main, { finder });
    assert.ok(!auto.chosen.some((c) => c.about.version === '3.14.0'));
    await assert.rejects(
      selectInterpreters({ kind: 'list', items: ['/nonexistent/python9'] }, MAIN, { finder }),
      /"\/nonexistent\/python9" was not found/,
    );
  });

  test('prepared: probed with the module import, named, GIL and its detection per interpreter', async () => {
    const mainProbe = await probe(
      fixtureInterpreter(join(home, 'main', 'python3.14'), 'python3.14'),
      join(ENGINE_FIXTURES, 'cpu_loop.py'),
      WHERE,
    );
    const prepared = await prepareInterpreters(
      { kind: 'list', items: ['auto'] },
      mainProbe,
      join(ENGINE_FIXTURES, 'cpu_loop.py'),
      { timeoutSeconds: 10, finder, where: WHERE, importPlan: IMPORT_PLAN },
    );
    assert.equal(prepared.main.info.name, 'python3.14');
    assert.match(prepared.main.info.gilDetection!, /_PyRuntime\+0x410, \+0x414/);
    const [free, pypy] = prepared.others;
    assert.equal(pypy!.info.name, 'pypy3.9');
    assert.equal(pypy!.info.moduleImports, false);
    assert.match(pypy!.info.importError!, /No module named 'numpy'/);
    assert.equal(free!.info.name, 'python3.13t');
    assert.deepEqual(
      [free!.info.gil, free!.info.freeThreaded, free!.info.gilDetection, free!.info.note],
      [false, true, null, 'free-threaded build: there is no GIL to wait for'],
    );
    // The 3.14 main interpreter: the same name on another path gets -2.
    const again = await prepareInterpreters(
      { kind: 'list', items: [join(bin, 'python3.14')] },
      mainProbe,
      join(ENGINE_FIXTURES, 'cpu_loop.py'),
      { timeoutSeconds: 10, finder, where: WHERE, importPlan: IMPORT_PLAN },
    );
    assert.equal(again.others[0]!.info.name, 'python3.14-2');
  });
});

function other(info: Partial<InterpreterInfo> & { name: string }): RunInterpreter {
  return { executable: `/usr/bin/${info.name}`, gilOffsets: null, info: interpreter({ version: '3.12.1', ...info }) };
}

function ran(id: string, status: StrategyResult['status'], speedup: number | null): StrategyResult {
  return { id, status, speedup, kind: parseStrategy(id, 2)!.kind, resultsMatchBaseline: true } as StrategyResult;
}

describe('what runs on another interpreter', () => {
  test('serial and threads by default; subinterpreters on 3.14; a --strategies list applies to each', () => {
    const ids = (specs: { id: string }[]) => specs.map((s) => s.id);
    assert.deepEqual(ids(basePlan(other({ name: 'pypy3.9' }), null, 2)), ['serial@pypy3.9', 'threads@pypy3.9']);
    assert.deepEqual(ids(basePlan(other({ name: 'python3.14', subinterpreters: true }), null, 2)), [
      'serial@python3.14',
      'threads@python3.14',
      'subinterpreters@python3.14',
    ]);
    const requested = ['threads', 'processes-spawn', 'subinterpreters', 'threads-8@pypy3.9', 'serial@python3.14'].map(
      (id) => parseStrategy(id, 2)!,
    );
    assert.deepEqual(ids(basePlan(other({ name: 'pypy3.9' }), requested, 2)), [
      'serial@pypy3.9',
      'threads@pypy3.9',
      'processes-spawn@pypy3.9',
      'threads-8@pypy3.9',
    ]);
    assert.deepEqual(ids(basePlan(other({ name: 'python3.14', subinterpreters: true }), requested, 2)), [
      'serial@python3.14',
      'threads@python3.14',
      'processes-spawn@python3.14',
      'subinterpreters@python3.14',
    ]);
  });

  test('processes-fork@NAME when processes won on the main interpreter and NAME has a GIL', () => {
    const won = [ran('serial', 'ok', 1), ran('threads', 'ok', 1), ran('processes-fork', 'ok', 1.7)];
    const lost = [ran('serial', 'ok', 1), ran('threads', 'ok', 1.9), ran('processes-fork', 'ok', 1.7)];
    const auto = { kind: 'list' as const, items: ['auto'] };
    const pypy = other({ name: 'pypy3.9' });
    assert.deepEqual(
      afterMainPlan(pypy, won, auto, null, 2).map((s) => s.id),
      ['processes-fork@pypy3.9'],
    );
    assert.deepEqual(afterMainPlan(pypy, lost, auto, null, 2), []);
    assert.deepEqual(
      afterMainPlan(pypy, won, { kind: 'default' }, null, 2),
      [],
      'the default runs serial and threads only',
    );
    assert.deepEqual(afterMainPlan(other({ name: 'python3.13t', gil: false }), won, auto, null, 2), []);
  });

  test('a module that does not import fails serial@NAME with the error and skips the rest there', () => {
    const broken = other({
      name: 'pypy3.9',
      moduleImports: false,
      importError: "ModuleNotFoundError: No module named 'numpy'",
    });
    const serial = gate(parseStrategy('serial@pypy3.9', 2)!, broken, [])!;
    assert.equal(serial.status, 'failed');
    assert.match(serial.reason, /does not import in pypy3\.9: ModuleNotFoundError: No module named 'numpy'/);
    assert.equal(gate(parseStrategy('threads@pypy3.9', 2)!, broken, [])!.status, 'skipped');
    const fine = other({ name: 'pypy3.9' });
    assert.equal(gate(parseStrategy('threads@pypy3.9', 2)!, fine, [ran('serial@pypy3.9', 'ok', 9)]), null);
    assert.match(
      gate(parseStrategy('threads@pypy3.9', 2)!, fine, [ran('serial@pypy3.9', 'failed', null)])!.reason,
      /serial@pypy3\.9 did not complete/,
    );
  });
});

test('the recorded probe output matches what cp_probe.py prints here, field for field', async () => {
  const real = await probe('/usr/bin/python3', join(ENGINE_FIXTURES, 'cpu_loop.py'), WHERE, {
    importPlan: IMPORT_PLAN,
  });
  assert.equal(real.importError, null);
  for (const fixture of ['python3.13t', 'python3.14']) {
    const recorded = JSON.parse(readFileSync(join(FIXTURES, `${fixture}-probe.json`), 'utf8')) as ProbeResult;
    assert.deepEqual(Object.keys(recorded).sort(), Object.keys(real).sort(), fixture);
  }
});
