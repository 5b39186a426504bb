// The small pieces that keep hostile input inert, each from both sides: caps, option ranges,
// output paths and atomic writes, usable cores, stale run folders, the workload's environment, the
// profile loader's checks and the webview message checks. (test/reliability/ runs them for real.)
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { syntheticProfile } from '../helpers/syntheticProfile';
import {
  exportRefusal,
  isPlainLocalPath,
  openSourceRefusal,
  parseWebviewMessage,
} from '../../src/extension/webviewMessages';
import { codeSpan } from '../../src/extension/sourceHeat';
import { capText, forTerminal } from '../../src/profiler/caps';
import { cgroupQuota, countCpuList } from '../../src/profiler/cores';
import { workloadEnvironment } from '../../src/profiler/environment';
import { parseNumber, rangeProblem } from '../../src/profiler/options';
import { jsonParts, outputProblem, writeFileAtomic } from '../../src/profiler/output';
import { checkProfile, ProfileFormatError } from '../../src/profiler/profileLoader';
import { removeStaleRunDirs, RUN_DIR_PREFIX } from '../../src/profiler/runDirs';

test('capText keeps short text whole and cuts long text to its head and tail, saying how much', () => {
  assert.equal(capText('short', 10), 'short');
  const cut = capText('a'.repeat(500) + 'b'.repeat(500), 100);
  assert.ok(cut.length <= 100, `${cut.length}`);
  assert.match(cut, /^a+\n\[\.\.\. 900 characters cut \.\.\.\]\nb+$/);
});

test('forTerminal shows control characters instead of sending them', () => {
  assert.equal(forTerminal('ok\ttab\nline'), 'ok\ttab\nline');
  assert.equal(forTerminal('\u001b]0;title\u0007x\u009b'), '\\x1b]0;title\\x07x\\x9b');
});

test('numeric options: whole numbers in range pass, the rest name the option and the range', () => {
  assert.equal(rangeProblem('timeoutSeconds', 120, '--timeout'), null);
  assert.equal(rangeProblem('timeoutSeconds', 604800, '--timeout'), null);
  assert.match(rangeProblem('timeoutSeconds', 3_000_000, '--timeout')!, /from 0\.1 to 604800 \(seconds\), got 3000000/);
  assert.match(
    rangeProblem('workers', 2.5, 'concurrencyProfiler.workers')!,
    /^concurrencyProfiler\.workers must be a whole/,
  );
  assert.match(rangeProblem('sampleHz', 'fast', '--sample-hz')!, /got "fast"/);
  assert.match(rangeProblem('workers', Number.NaN, '--workers', '"x"')!, /got "x"/);
  assert.equal(parseNumber(' 1e3 '), 1000);
  for (const text of ['', '10s', '0x10', '1,5', 'Infinity']) assert.ok(Number.isNaN(parseNumber(text)), text);
});

test('output paths: missing folders are created, folders and files-as-folders are refused', () => {
  const root = mkdtempSync(join(tmpdir(), 'cp-output-'));
  assert.equal(outputProblem(join(root, 'a', 'b', 'p.json')), null);
  assert.deepEqual(readdirSync(join(root, 'a', 'b')), [], 'the probe file is gone');
  assert.match(outputProblem(root)!, /is a folder/);
  writeFileSync(join(root, 'file'), '');
  assert.match(outputProblem(join(root, 'file', 'p.json'))!, /not a folder/);
  assert.match(outputProblem('/proc/nope/p.json')!, /cannot create the folder \/proc\/nope/);
});

test('atomic writes: the whole file or the old one, never a half and never a temporary left', () => {
  const root = mkdtempSync(join(tmpdir(), 'cp-atomic-'));
  const file = join(root, 'p.json');
  writeFileAtomic(file, ['{"a":', '1}']);
  assert.equal(readFileSync(file, 'utf8'), '{"a":1}');
  assert.throws(() =>
    writeFileAtomic(
      file,
      (function* () {
        yield 'partial';
        throw new Error('the writer failed midway');
      })(),
    ),
  );
  assert.equal(readFileSync(file, 'utf8'), '{"a":1}');
  assert.deepEqual(readdirSync(root), ['p.json']);
});

test('jsonParts writes exactly what JSON.stringify does, one array item at a time', () => {
  const value = { a: 1, skip: undefined, list: [{ x: 'é' }, null, [1, 2]], tail: 'z' };
  assert.equal([...jsonParts(value, ['list'])].join(''), JSON.stringify(value));
  const profile = syntheticProfile();
  assert.equal(
    [...jsonParts(profile as unknown as Record<string, unknown>, ['strategies'])].join(''),
    JSON.stringify(profile),
  );
});

test('usable cores: CPU lists are counted, and the tightest cgroup quota on the path wins', () => {
  assert.equal(countCpuList('0-3,8,10-11\n'), 7);
  assert.equal(countCpuList('0'), 1);
  const files: Record<string, string> = {
    '/cg/app/job/cpu.max': 'max 100000\n',
    '/cg/app/cpu.max': '150000 100000\n',
    '/cg/cpu.max': '400000 100000\n',
    '/cg/cpu/docker/x/cpu.cfs_quota_us': '200000',
    '/cg/cpu/docker/x/cpu.cfs_period_us': '100000',
  };
  const read = (path: string): string | null => files[path] ?? null;
  assert.equal(cgroupQuota('0::/app/job\n', read, '/cg'), 1.5);
  assert.equal(
    cgroupQuota('4:cpu,cpuacct:/docker/x\n', (p) => read(p.replace('cpu,cpuacct', 'cpu')), '/cg'),
    2,
  );
  assert.equal(
    cgroupQuota('0::/\n', () => 'max 100000', '/cg'),
    null,
  );
  assert.equal(cgroupQuota(null, read, '/cg'), null);
});

test('stale run folders: a dead owner is removed, a live one and foreign folders are kept', () => {
  const root = mkdtempSync(join(tmpdir(), 'cp-rundirs-'));
  const live = join(root, `${RUN_DIR_PREFIX}${process.pid}-live`);
  const dead = join(root, `${RUN_DIR_PREFIX}1999999999-dead`);
  const reused = join(root, `${RUN_DIR_PREFIX}${process.pid}-reused`);
  const foreign = join(root, 'other-tool-1');
  for (const dir of [live, dead, reused, foreign]) mkdirSync(dir);
  writeFileSync(join(reused, 'owner.json'), JSON.stringify({ pid: process.pid, startTicks: 1 })); // an earlier process
  assert.deepEqual(removeStaleRunDirs(root).sort(), [dead, reused].sort());
  assert.deepEqual(readdirSync(root).sort(), [live, foreign].map((d) => d.slice(root.length + 1)).sort());
});

test("the workload's environment has no ELECTRON_RUN_AS_NODE and no VSCODE_*, and keeps the rest", () => {
  assert.deepEqual(
    workloadEnvironment({ ELECTRON_RUN_AS_NODE: '1', VSCODE_PID: '7', VSCODE: 'kept', PATH: '/bin', MY_VSCODE_X: 'y' }),
    { VSCODE: 'kept', PATH: '/bin', MY_VSCODE_X: 'y' },
  );
});

test('the profile loader accepts a profile and names the field of each kind of damage', () => {
  const good = syntheticProfile();
  assert.equal(checkProfile(structuredClone(good)).schemaVersion, good.schemaVersion);
  const refusal = (damage: (p: ReturnType<typeof syntheticProfile>) => unknown): string => {
    try {
      checkProfile(damage(structuredClone(good)));
    } catch (error) {
      assert.ok(error instanceof ProfileFormatError, String(error));
      return (error as Error).message;
    }
    assert.fail('accepted');
  };
  const withStacks = good.strategies.findIndex((s) => s.stacks.parent.length > 1);
  assert.match(
    refusal((p) => {
      p.strategies[withStacks]!.stacks.parent[1] = 1;
      return p;
    }),
    new RegExp(`^strategies\\[${withStacks}\\]\\.stacks\\.parent\\[1\\]: 1 does not come before node 1`),
  );
  assert.match(
    refusal((p) => {
      p.strategies[0]!.samples.inTask.pop();
      return p;
    }),
    /^strategies\[0\]\.samples\.inTask: \d+ entries, \d+ in the other columns$/,
  );
  assert.match(
    refusal((p) => ({ ...p, machine: { ...p.machine, logicalCores: 100_000 } })),
    /^machine\.logicalCores: 100000, not a core count/,
  );
  assert.match(
    refusal((p) => ({ ...p, extra: 1 })),
    /^\(the profile\): unknown field "extra"$/,
  );
  assert.match(
    refusal(() => [1]),
    /not a JSON object/,
  );
});

test("webview messages: only the protocol shapes pass; open source only for the shown profile's local files", () => {
  const profile = syntheticProfile();
  const file = profile.strategies.flatMap((s) => s.frames.file)[0]!;
  assert.deepEqual(parseWebviewMessage({ type: 'openSource', file, line: 3 }), { type: 'openSource', file, line: 3 });
  assert.deepEqual(parseWebviewMessage({ type: 'ready', extra: 1 }), { type: 'ready' });
  for (const format of ['speedscope', 'trace', 'collapsed', 'html', 'flamegraph'])
    assert.deepEqual(parseWebviewMessage({ type: 'export', format, strategy: 'serial' }), {
      type: 'export',
      format,
      strategy: 'serial',
    });
  for (const bad of [
    null,
    'ready',
    { type: 'openSource', file, line: -1 },
    { type: 'openSource', file, line: '3' },
    { type: 'export', format: 'pdf', strategy: null },
    { type: 'copy', text: 7 },
    { type: 'run', command: 'rm' },
  ])
    assert.equal(parseWebviewMessage(bad), null, JSON.stringify(bad));
  assert.equal(openSourceRefusal(file, profile), null);
  assert.match(openSourceRefusal('/etc/passwd', profile)!, /not a file of the shown profile/);
  assert.match(openSourceRefusal(file, undefined)!, /no profile is shown/);
  for (const path of ['\\\\server\\share\\a.py', '//server/share/a.py', 'file:///etc/passwd', 'a.py', '/a\0.py'])
    assert.equal(isPlainLocalPath(path), false, path);
  assert.equal(isPlainLocalPath('C:\\work\\a.py'), true);
  assert.equal(exportRefusal(profile.strategies[0]!.id, profile), null);
  assert.match(exportRefusal('nope', profile)!, /not a strategy of the shown profile/);
});

test('a strategy id in a Markdown hover cannot become markup', () => {
  assert.equal(codeSpan('threads-4'), '`threads-4`');
  assert.equal(codeSpan('x` [click](command:evil) `\n'), '`x [click](command:evil) `');
});
