// Real projects, run the way `python -m` runs them from their project root: a module inside a
// package, a src/ layout, namespace packages, standard-library names and names Python cannot
// import, under serial, threads and every process start method. Each fixture's `where(expected)`
// raises in whichever process imported it otherwise, so a strategy's status says how each
// process imported it; nothing here depends on timing.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Profile } from '../../src/profiler/profile';
import { PYTHON, ROOT, runCli } from '../helpers/cli';
import { assertValidProfile } from '../helpers/schema';

const PROJECTS = join(ROOT, 'test', 'fixtures', 'projects');
const EVERY_STRATEGY = 'serial,threads,processes-fork,processes-forkserver,processes-spawn';

async function profileProject(file: string, args: string[]): Promise<{ profile: Profile; stderr: string }> {
  const run = await runCli(['profile', join(PROJECTS, file), '--python', PYTHON, '--out', '-', ...args]);
  let profile: Profile;
  try {
    profile = JSON.parse(run.stdout) as Profile;
  } catch {
    throw new Error(`no profile on stdout (exit ${run.code}); stderr:\n${run.stderr}`);
  }
  assertValidProfile(profile);
  assert.equal(run.code, 0, run.stderr);
  return { profile, stderr: run.stderr };
}

/** A Python literal of a flat tuple of strings, numbers, booleans and None. */
function pythonTuple(values: unknown[]): string {
  const literal = (v: unknown): string =>
    v === null ? 'None' : typeof v === 'boolean' ? (v ? 'True' : 'False') : JSON.stringify(v);
  return `(${values.map(literal).join(', ')},)`;
}

/** Runs `where(expected)` 4 times under every strategy with 2 workers and checks each ran and matched. */
async function whereEverywhere(file: string, expected: unknown[], extra: string[] = []): Promise<Profile> {
  const { profile, stderr } = await profileProject(file, [
    '--function',
    'where',
    '--args',
    `[(${pythonTuple(expected)},)] * 4`,
    '--strategies',
    EVERY_STRATEGY,
    '--workers',
    '2',
    ...extra,
  ]);
  assert.deepEqual(
    profile.strategies.map((s) => [s.id, s.status, s.resultsMatchBaseline]),
    EVERY_STRATEGY.split(',').map((id) => [id, 'ok', true]),
    `${profile.strategies.map((s) => `${s.id}: ${s.error ?? 'ok'}`).join('\n')}\n${stderr}`,
  );
  return profile;
}

describe('a module inside a package', () => {
  const root = join(PROJECTS, 'pkgapp');

  test('relative and absolute imports work in every strategy; the .env sets variables and PYTHONPATH', async () => {
    const profile = await whereEverywhere(
      'pkgapp/app/core/work.py',
      ['app.core.work', 'app.core', '3', root, true],
      ['--env-file', join(root, '.env')],
    );
    const { workload } = profile;
    assert.equal(workload.module, 'app.core.work');
    assert.equal(workload.moduleNote, null);
    assert.deepEqual(workload.sysPathAdded, [root]);
    assert.equal(workload.sysPathAppended, null);
    assert.equal(workload.cwd, root);
    assert.equal(workload.envFile, join(root, '.env'));
  });

  test('without the .env its variables are not set, and the profile says no file was read', async () => {
    const profile = await whereEverywhere('pkgapp/app/core/work.py', ['app.core.work', 'app.core', null, root, false]);
    assert.equal(profile.workload.envFile, null);
  });

  test('a CPU-bound function of the package is sampled in the workers of each start method', async () => {
    const { profile } = await profileProject('pkgapp/app/core/work.py', [
      '--function',
      'crunch',
      '--args',
      '[(300_000,)] * 4',
      '--strategies',
      'serial,processes-fork,processes-forkserver,processes-spawn',
      '--workers',
      '2',
    ]);
    for (const s of profile.strategies) {
      assert.equal(s.status, 'ok', `${s.id}: ${s.error}`);
      assert.equal(s.resultsMatchBaseline, true, s.id);
      assert.ok(s.frames.name.includes('crunch'), `${s.id} sampled crunch`);
    }
  });

  test('whole-script mode runs the module as __main__ by its dotted name', async () => {
    const { profile } = await profileProject('pkgapp/app/cli.py', []);
    const script = profile.strategies[0]!;
    assert.equal(script.status, 'ok', script.error ?? '');
    assert.match(script.output.stdout, /^crunch: \d+$/m);
    assert.equal(profile.workload.module, 'app.cli');
  });
});

describe('a src/ layout', () => {
  test('a module importing its own package by name runs in every strategy', async () => {
    const root = join(PROJECTS, 'srcapp');
    const profile = await whereEverywhere('srcapp/src/tally/counting.py', ['tally.counting', 'tally', root]);
    assert.equal(profile.workload.module, 'tally.counting');
    assert.deepEqual(profile.workload.sysPathAdded, [join(root, 'src'), root]);
    assert.equal(profile.workload.cwd, root);
  });
});

describe('names as python -m has them', () => {
  test('namespace packages (no __init__.py) with a relative import', async () => {
    const root = join(PROJECTS, 'nsapp');
    const profile = await whereEverywhere('nsapp/ns/jobs/job.py', ['ns.jobs.job', 'ns.jobs', 4]);
    assert.equal(profile.workload.module, 'ns.jobs.job');
    assert.equal(profile.workload.sysPathAppended, join(root, 'ns', 'jobs'));
  });

  test('json.py and queue.py are imported under those names, and the pools keep working', async () => {
    for (const name of ['json', 'queue']) {
      const profile = await whereEverywhere(`shadow/${name}.py`, [name, true]);
      assert.equal(profile.workload.module, name);
    }
  });

  test('a file name that is not an identifier is imported by it, as python -m does', async () => {
    const profile = await whereEverywhere('shadow/my-script.py', ['my-script', true]);
    assert.equal(profile.workload.module, 'my-script');
  });

  test('os.py (loaded at start-up) and a folder with a dot fall back to the file, and say why', async () => {
    const os = await whereEverywhere('shadow/os.py', ['_cp_file_os', true]);
    assert.equal(os.workload.module, null);
    assert.match(os.workload.moduleNote!, /^os is the module Python loaded at start-up \(.*os\.py\)/);
    const dotted = await whereEverywhere('shadow/v1.2/job.py', ['job', true]);
    assert.equal(dotted.workload.module, null);
    assert.match(dotted.workload.moduleNote!, /"v1\.2" has a dot in its name/);
    assert.equal(dotted.workload.sysPathAdded![0], join(PROJECTS, 'shadow', 'v1.2'));
  });

  test("a file under the repository's test/ folder: test is the standard library's package, so file mode", async () => {
    const { profile, stderr } = await profileProject(join('..', 'engine', 'cpu_loop.py'), [
      '--function',
      'spin',
      '--args',
      '[(1000,)] * 2',
      '--strategies',
      'serial',
    ]);
    assert.equal(profile.workload.module, null);
    assert.match(
      profile.workload.moduleNote!,
      /python -m test\.fixtures\.engine\.cpu_loop` would not run this file: test is /,
    );
    assert.equal(profile.workload.cwd, ROOT);
    // With --out - the report, and the reason, go to stderr.
    assert.match(stderr, /^Loaded from its file, not imported as a module: `python -m test\.fixtures/m);
  });
});
