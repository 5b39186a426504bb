// A serial baseline that fails prints a short report, no verdict or route advice: the error, the
// user's frames and a hint for the common causes (test/fixtures/projects/broken), in at most 15
// lines of everything the CLI prints (progress included).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Profile } from '../../src/profiler/profile';
import { PYTHON, ROOT, runCli } from '../helpers/cli';
import { assertValidProfile } from '../helpers/schema';

const BROKEN = join(ROOT, 'test', 'fixtures', 'projects', 'broken');
const MAX_LINES = 15;

async function failedRun(file: string, extra: string[] = []): Promise<{ output: string; profile: Profile }> {
  const out = join(mkdtempSync(join(tmpdir(), 'cp-broken-')), 'profile.json');
  const run = await runCli([
    'profile',
    join(BROKEN, file),
    '--function',
    'work',
    '--python',
    PYTHON,
    '--out',
    out,
    ...extra,
  ]);
  const output = `${run.stderr}${run.stdout}`;
  assert.equal(run.code, 1, output);
  const lines = output.trimEnd().split('\n');
  assert.ok(lines.length <= MAX_LINES, `${lines.length} lines:\n${output}`);
  assert.doesNotMatch(output, /Verdict|Recommendation|Routes around the GIL|Clusters|PyPy/);
  assert.match(output, /^The serial run of work failed, so the \d+ other strategies were not run\.$/m);
  assert.match(output, new RegExp(`; profile: ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  const profile = JSON.parse(readFileSync(out, 'utf8')) as Profile;
  assertValidProfile(profile);
  assert.equal(profile.strategies[0]!.status, 'failed');
  return { output, profile };
}

describe('a failed serial baseline', () => {
  test('relative import in a top-level module: the error, its line, and why python -m has no package', async () => {
    const { output } = await failedRun('top_relative.py');
    assert.match(output, /^ {2}File ".*top_relative\.py", line 2, in <module>\n {4}from \. import helpers/m);
    assert.match(output, /^ImportError: attempted relative import with no known parent package$/m);
    assert.match(output, /^Hint: top_relative is a top-level module .*`python -m top_relative`/m);
  });

  test("a package not installed: the hint names this run's interpreter", async () => {
    const { output, profile } = await failedRun('missing_dep.py');
    assert.match(output, /^ModuleNotFoundError: No module named 'cp_fixture_missing_dependency'$/m);
    const hint = output.slice(output.indexOf('Hint:')).replace(/\n {2}/g, ' ');
    assert.match(hint, /cp_fixture_missing_dependency is not installed for this run's interpreter/);
    assert.ok(hint.includes(profile.workload.python!.executable), hint);
  });

  test(
    "a package whose __init__ imports a missing package: the user's error, not " + 'a reason to load the file',
    async () => {
      const { output, profile } = await failedRun('needsdep/job.py');
      assert.equal(profile.workload.module, 'needsdep.job');
      assert.match(output, /^ {2}File ".*needsdep\/__init__\.py", line 1, in <module>$/m);
      assert.match(output, /^ModuleNotFoundError: No module named 'cp_fixture_missing_dependency'$/m);
      assert.match(output, /^Ran as needsdep\.job in /m);
    },
  );

  test('a project package that is not on sys.path: the hint says where it is and how to import it', async () => {
    const { output } = await failedRun('uses_lib.py');
    const hint = output.slice(output.indexOf('Hint:')).replace(/\n {2}/g, ' ');
    assert.match(hint, /tallylib is at .*broken\/lib\/tallylib, but .*broken\/lib is not on sys\.path/);
    assert.match(hint, /import it as lib\.tallylib/);
  });

  test('a missing environment variable: the hint points at the .env file, or says the given one lacks it', async () => {
    const { output } = await failedRun('needs_env.py');
    assert.match(output, /^KeyError: 'CP_FIXTURE_API_TOKEN'$/m);
    assert.match(output.replace(/\n {2}/g, ' '), /Hint: CP_FIXTURE_API_TOKEN is not set .* pass --env-file/);
    const envFile = join(ROOT, 'test', 'fixtures', 'projects', 'pkgapp', '.env');
    const withFile = await failedRun('needs_env.py', ['--env-file', envFile]);
    assert.match(
      withFile.output.replace(/\n {2}/g, ' '),
      new RegExp(`and ${envFile.replace(/\./g, '\\.')} does not set it`),
    );
  });

  test('a file opened relative to the module: the hint names the working directory and where the file is', async () => {
    const { output } = await failedRun('reports/load.py');
    const hint = output.slice(output.indexOf('Hint:')).replace(/\n {2}/g, ' ');
    assert.ok(hint.includes(`from the working directory, the project root ${BROKEN}`), hint);
    assert.ok(hint.includes(join(BROKEN, 'reports', 'input.csv')), hint);
  });

  test('a deep traceback keeps the first and last user frames', async () => {
    const { output } = await failedRun('deep.py');
    assert.match(output, /^ {2}\.\.\. 38 more frames \.\.\.$/m);
    assert.match(output, /raise ValueError\("no answer at the bottom"\)\nValueError: no answer at the bottom$/m);
    assert.doesNotMatch(output, /Hint:/);
  });
});
