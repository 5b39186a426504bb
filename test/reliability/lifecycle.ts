// Each failure class of issue 12 on real processes through the real CLI: workloads that leave
// processes behind (in the group, in their own session, as daemons), threads that never end,
// Ctrl-C and a second Ctrl-C, an engine killed with -9, output paths that cannot be written,
// timer overflow, a 50 MB exception message, generators, the editor's environment, and damaged
// profiles handed to `export`. Every run is watched: a hang, a process left running or a lost
// file fails the test and is counted in the totals.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Profile } from '../../src/profiler/profile';
import { RUN_DIR_PREFIX } from '../../src/profiler/runDirs';
import { processesWithMarker, PYTHON, ROOT, runCli, strategy, stubbornWorkloadRuns, type CliRun } from '../helpers/cli';
import { loadRecorded, recordedCases } from '../helpers/recorded';
import { assertValidProfile } from '../helpers/schema';
import { tally } from './tally';

const HOSTILE = join(ROOT, 'test', 'fixtures', 'reliability', 'hostile.py');
const GENERATORS = join(ROOT, 'test', 'fixtures', 'reliability', 'generators.py');
/** A run that has not ended after this long hangs (the longest here takes seconds on a quiet machine). */
const HANG_MS = 180_000;
const TWO_WORKERS = ['--workers', '2', '--scaling', 'off'];
const scratch = mkdtempSync(join(tmpdir(), 'cp-reliability-'));

interface Guarded extends CliRun {
  marker: string;
  pid: number;
}

/** `profile FILE --function FN` with the test interpreter, two workers and no scaling curves, then `extra`. */
function profileArgs(fn: string, extra: string[], file = HOSTILE): string[] {
  return ['profile', file, '--function', fn, '--python', PYTHON, ...TWO_WORKERS, ...extra];
}

/** Runs the CLI with a marker in its environment; a run past HANG_MS is killed and counted as a hang. */
async function guarded(args: string[], options: Parameters<typeof runCli>[1] = {}): Promise<Guarded> {
  const marker = options.marker ?? randomUUID();
  let pid = 0;
  let hung = false;
  const running = runCli(args, {
    ...options,
    marker,
    onSpawn: (spawned) => {
      pid = spawned;
      options.onSpawn?.(spawned);
    },
  });
  const watchdog = setTimeout(() => {
    hung = true;
    process.kill(pid, 'SIGKILL');
  }, HANG_MS);
  const run = await running.finally(() => clearTimeout(watchdog));
  tally.inputsTried++;
  if (hung) tally.hangs++;
  assert.ok(!hung, `the CLI hung (killed after ${HANG_MS} ms): ${args.join(' ')}\n${run.stderr.slice(-2000)}`);
  if (run.code === 70) tally.crashes++;
  assert.notEqual(run.code, 70, `internal error:\n${run.stderr.slice(-2000)}`);
  return { ...run, marker, pid };
}

/** Fails (and counts) when anything a run started is still alive; kills it so later tests run clean. */
async function assertNothingLeft(marker: string, deadlineMs = 0): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  let left = processesWithMarker(marker);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = processesWithMarker(marker);
  }
  if (left.length === 0) return;
  tally.processesLeft += left.length;
  for (const { pid } of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  assert.deepEqual(left, [], 'processes left running');
}

function profileAt(file: string): Profile {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  assertValidProfile(profile);
  return profile;
}

/** Waits (on state, not time) until `condition` holds; the deadline only stops a test that would hang. */
async function until(condition: () => boolean, what: string, deadlineMs = 60_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(condition(), `timed out waiting for ${what}`);
}

describe('a strategy ends when its tasks end, and what they left running is killed and reported', () => {
  for (const fn of ['helper_in_group', 'helper_in_own_session', 'daemon'])
    test(`${fn}: every strategy completes at once, no process outlives the run`, async () => {
      const out = join(scratch, `${fn}.json`);
      const run = await guarded(
        profileArgs(fn, [
          '--args',
          '[()] * 2',
          '--strategies',
          'serial,threads,processes-fork',
          '--timeout',
          '120',
          '--out',
          out,
        ]),
      );
      await assertNothingLeft(run.marker);
      assert.equal(run.code, 0, run.stderr);
      const profile = profileAt(out);
      for (const s of profile.strategies) {
        // Not `timeout`: the helpers sleep for ten minutes, the tasks return at once.
        assert.equal(s.status, 'ok', `${s.id}: ${s.error}`);
        // One per task (a daemon is a fork of the process that ran its task: it has that command line).
        assert.ok((s.leftBehind ?? []).length >= 2, `${s.id} reports what it left: ${JSON.stringify(s.leftBehind)}`);
        const command = fn === 'daemon' ? /cp_harness\.py|python/ : /time\.sleep\(600\)/;
        assert.ok(
          s.leftBehind!.every((p) => command.test(p.command)),
          JSON.stringify(s.leftBehind),
        );
      }
      assert.match(run.stderr, /killed \d+ process\(es\) the workload left running/);
    });

  test('a thread a task left running does not keep the strategy going', async () => {
    const out = join(scratch, 'thread.json');
    const run = await guarded(
      profileArgs('thread_left_running', ['--args', '[()] * 2', '--strategies', 'serial,threads', '--out', out]),
    );
    await assertNothingLeft(run.marker);
    assert.equal(run.code, 0, run.stderr);
    for (const s of profileAt(out).strategies) assert.equal(s.status, 'ok', `${s.id}: ${s.error}`);
  });
});

describe('stopping', () => {
  /** Starts the endless fixture and resolves once its harness and its stubborn child both run. */
  async function startEndless(out: string): Promise<{ run: Promise<Guarded>; marker: string; pid: () => number }> {
    const marker = randomUUID();
    let pid = 0;
    const run = guarded(
      profileArgs('stubborn_forever', ['--args', '[()] * 2', '--strategies', 'serial,threads', '--out', out]),
      { marker, onSpawn: (p) => (pid = p) },
    );
    let ended = false;
    void run.finally(() => (ended = true));
    await until(() => ended || stubbornWorkloadRuns(marker), 'the workload and its child to run');
    assert.ok(!ended, 'the run ended before it was stopped');
    return { run, marker, pid: () => pid };
  }

  test('Ctrl-C kills the tree, a child ignoring SIGTERM in its own session too,, keeps a partial profile', async () => {
    const out = join(scratch, 'interrupted.json');
    const { run, marker, pid } = await startEndless(out);
    process.kill(pid(), 'SIGINT');
    const done = await run;
    await assertNothingLeft(marker);
    assert.equal(done.code, 130, done.stderr);
    assert.doesNotMatch(done.stderr, /could not write the partial profile/);
    const profile = profileAt(out);
    assert.equal(profile.interrupted, true);
    assert.deepEqual(
      profile.strategies.map((s) => s.status),
      ['cancelled', 'cancelled'],
    );
  });

  test('a second Ctrl-C exits at once, and nothing is left running', async () => {
    const { run, marker, pid } = await startEndless(join(scratch, 'twice.json'));
    process.kill(pid(), 'SIGINT');
    process.kill(pid(), 'SIGINT');
    const done = await run;
    await assertNothingLeft(marker);
    assert.equal(done.code, 130, done.stderr);
  });

  test('Ctrl-C while the interpreter is still being checked: exit 130, no profile, the probe killed too', async () => {
    // An interpreter that takes its time to start: the probe runs for as long as needed to interrupt it.
    const slow = join(scratch, 'slow-python.sh');
    writeFileSync(slow, `#!/bin/sh\nsleep 600\nexec ${PYTHON} "$@"\n`, { mode: 0o755 });
    const marker = randomUUID();
    let pid = 0;
    const run = guarded(['profile', HOSTILE, '--function', 'quick', '--python', slow, ...TWO_WORKERS], {
      marker,
      onSpawn: (p) => (pid = p),
    });
    await until(() => processesWithMarker(marker).some((p) => p.cmdline.includes('sleep 600')), 'the probe to start');
    process.kill(pid, 'SIGINT');
    const done = await run;
    await assertNothingLeft(marker);
    assert.equal(done.code, 130, done.stderr);
    assert.match(done.stderr, /before any strategy ran: no profile written/);
  });

  test('an engine killed with -9 takes its workload with it; its run folder goes at the next start', async () => {
    const { run, marker, pid } = await startEndless(join(scratch, 'killed.json'));
    const enginePid = pid();
    process.kill(enginePid, 'SIGKILL');
    await run;
    // The harness sees its lifeline close and kills its tree: give it the moment that takes.
    await assertNothingLeft(marker, 30_000);
    // Its run folder stays behind until any engine's next start (maybe another test's). So does one
    // written here for a process that is gone for sure; one of a live process (this one) is kept.
    const stale = () => readdirSync(tmpdir()).filter((name) => name.startsWith(`${RUN_DIR_PREFIX}${enginePid}-`));
    const gone = Number(spawnSync(PYTHON, ['-c', 'import os; print(os.getpid())'], { encoding: 'utf8' }).stdout);
    const deadFolder = mkdtempSync(join(tmpdir(), `${RUN_DIR_PREFIX}${gone}-`));
    writeFileSync(join(deadFolder, 'owner.json'), JSON.stringify({ pid: gone, startTicks: 1 }));
    const live = mkdtempSync(join(tmpdir(), `${RUN_DIR_PREFIX}${process.pid}-`));
    const next = await guarded(profileArgs('quick', ['--strategies', 'serial']));
    await assertNothingLeft(next.marker);
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual(stale(), []);
    assert.equal(existsSync(deadFolder), false, 'the folder of a dead owner was removed');
    assert.ok(existsSync(live), 'the live run folder was kept');
    rmSync(live, { recursive: true });
  });
});

describe('nothing lost: outputs are checked before anything runs and written whole', () => {
  test('--out into folders that do not exist creates them', async () => {
    const out = join(scratch, 'new', 'deeper', 'p.json');
    const run = await guarded(profileArgs('quick', ['--strategies', 'serial', '--out', out]));
    assert.equal(run.code, 0, run.stderr);
    assert.equal(profileAt(out).strategies[0]!.status, 'ok');
  });

  test('an --out or export path that cannot be written is exit 2 before any strategy runs', async () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'not a folder');
    for (const flag of ['--out', '--html', '--trace']) {
      const run = await guarded(profileArgs('quick', [flag, join(file, 'x.json')]));
      await assertNothingLeft(run.marker);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, new RegExp(`${flag} .*not a folder`));
      assert.doesNotMatch(run.stderr, /\[1\/\d+\]/, 'no strategy ran');
    }
  });

  test('a failed run leaves an existing profile as it was; exports replace files whole', async () => {
    const out = join(scratch, 'kept.json');
    const first = await guarded(profileArgs('quick', ['--strategies', 'serial', '--out', out]));
    assert.equal(first.code, 0, first.stderr);
    const before = readFileSync(out, 'utf8');
    const failed = await guarded(['profile', join(scratch, 'missing.py'), '--function', 'f', '--out', out]);
    assert.equal(failed.code, 2);
    if (readFileSync(out, 'utf8') !== before) tally.filesLost++;
    assert.equal(readFileSync(out, 'utf8'), before, 'the earlier profile was kept');
    const folder = join(scratch, 'exports');
    mkdirSync(folder);
    const html = join(folder, 'report.html');
    writeFileSync(html, 'old');
    const exported = await guarded(['export', out, '--html', html, '--collapsed', join(folder, 'c.txt')]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(readFileSync(html, 'utf8'), /^<!DOCTYPE html>/);
    assert.deepEqual(readdirSync(folder).sort(), ['c.txt', 'report.html'], 'no temporary files are left');
  });

  test('numeric options have ranges: --timeout 3000000 is a usage error, a day is fine', async () => {
    const tooLong = await guarded(['profile', HOSTILE, '--function', 'quick', '--timeout', '3000000']);
    assert.equal(tooLong.code, 2);
    assert.match(tooLong.stderr, /--timeout must be a number from 0\.1 to 604800 \(seconds\), got "3000000"/);
    for (const [flag, value] of [
      ['--workers', '0'],
      ['--workers', '1.5'],
      ['--sample-hz', '1e9'],
      ['--timeout', 'soon'],
    ] as const) {
      const run = await guarded(['profile', HOSTILE, '--function', 'quick', flag, value]);
      assert.equal(run.code, 2, `${flag} ${value}`);
      assert.match(run.stderr, new RegExp(`${flag} must be`));
    }
    const out = join(scratch, 'day.json');
    const day = await guarded(profileArgs('quick', ['--strategies', 'serial', '--timeout', '86400', '--out', out]));
    assert.equal(day.code, 0, day.stderr);
    assert.equal(profileAt(out).strategies[0]!.status, 'ok');
  });

  test('a 50 MB exception message makes a small profile that says what was cut', async () => {
    const out = join(scratch, 'long-message.json');
    const run = await guarded(profileArgs('long_message', ['--out', out]));
    assert.equal(run.code, 1, run.stderr.slice(-500));
    assert.ok(statSync(out).size < 1024 * 1024, `${statSync(out).size} bytes`);
    assert.ok(run.stdout.length + run.stderr.length < 200_000, 'the terminal is not flooded either');
    const serial = strategy(profileAt(out), 'serial');
    assert.equal(serial.status, 'failed');
    assert.equal(serial.errorDetail!.type, 'ValueError');
    assert.ok(serial.errorDetail!.message.length <= 4_000);
    assert.match(serial.errorDetail!.message, /\[\.\.\. \d+ characters cut \.\.\.\]/);
    assert.ok(
      serial.capped!.some((note) => /^exception message cut to 4000 of 50000000/.test(note)),
      serial.capped!.join('; '),
    );
  });
});

describe('results that are not values yet, or not values at all', () => {
  async function profileOf(fn: string, strategies: string): Promise<Profile> {
    const out = join(scratch, `gen-${fn}.json`);
    const run = await guarded(profileArgs(fn, ['--strategies', strategies, '--out', out], GENERATORS));
    assert.equal(run.code, 0, run.stderr);
    return profileAt(out);
  }

  test('a generator is iterated inside each task: timed doing its work, results compared by their items', async () => {
    const profile = await profileOf('squares', 'serial,threads,processes-fork');
    assert.equal(profile.workload.consumedResults, 'generator');
    for (const s of profile.strategies) {
      assert.equal(s.status, 'ok', `${s.id}: ${s.error}`);
      assert.equal(s.resultsComparison, 'equal', s.id);
      assert.equal(s.resultsMatchBaseline, true, s.id);
    }
    // 2,000 sleeps of 10 us each per task: the time is spent, not 0.000 s.
    assert.ok(strategy(profile, 'serial').wallSeconds! > 0.02, `${strategy(profile, 'serial').wallSeconds} s`);
  });

  test('an async generator is drained on the event loop, under asyncio too', async () => {
    const profile = await profileOf('ticks', 'serial,threads,asyncio');
    assert.equal(profile.workload.consumedResults, 'async generator');
    for (const s of profile.strategies) assert.equal(s.resultsComparison, 'equal', `${s.id}: ${s.error}`);
  });

  test('locks and iterators are not comparable, never "differ" (no false race alarm)', async () => {
    for (const fn of ['guarded', 'lazily']) {
      const profile = await profileOf(fn, 'serial,threads');
      for (const s of profile.strategies) {
        assert.equal(s.resultsComparison, 'not-comparable', `${fn} ${s.id}`);
        assert.equal(s.resultsMatchBaseline, null);
        assert.match(s.resultsNote!, /cannot be compared by value/);
      }
    }
  });
});

describe("the workload gets the user's environment, not the editor's", () => {
  test('ELECTRON_RUN_AS_NODE and VSCODE_* are removed', async () => {
    const out = join(scratch, 'env.json');
    const run = await guarded(profileArgs('environment', ['--strategies', 'serial', '--out', out]), {
      env: { ELECTRON_RUN_AS_NODE: '1', VSCODE_PID: '1', VSCODE_IPC_HOOK: '/tmp/x.sock', KEEP_ME: 'yes' },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(strategy(profileAt(out), 'serial').output.stdout, /^leaked: none$/m);
  });
});

describe('damaged profiles given to export: exit 2 naming the field, never a hang or a crash', () => {
  const base = (): Profile => {
    const entry = recordedCases().find((c) => c.fixture === 'lambda_work') ?? recordedCases()[0]!;
    return loadRecorded(entry);
  };
  const cases: [string, (p: Profile) => unknown, RegExp][] = [
    [
      'a stack whose parents form a cycle',
      (p) => {
        const stacks = p.strategies.find((s) => s.stacks.parent.length > 2)!.stacks;
        stacks.parent[0] = stacks.parent.length - 1;
        return p;
      },
      /stacks\.parent\[0\]: \d+ does not come before node 0/,
    ],
    [
      'a field of the wrong type',
      (p) => {
        (p.strategies[0] as unknown as Record<string, unknown>).threads = 'many';
        return p;
      },
      /strategies\[0\]\.threads: must be array/,
    ],
    [
      'a sample pointing past the thread table',
      (p) => {
        const s = p.strategies.find((x) => x.samples.thread.length > 0)!;
        s.samples.thread[0] = s.threads.length + 5;
        return p;
      },
      /samples\.thread\[0\]: \d+ is not an index/,
    ],
    [
      'a stack a million frames deep',
      (p) => {
        const n = 1_000_000;
        p.strategies[0]!.stacks = {
          parent: Array.from({ length: n }, (_, i) => i - 1),
          frame: new Array<number>(n).fill(0),
          line: new Array<number>(n).fill(1),
        };
        p.strategies[0]!.frames = { name: ['f'], file: ['/f.py'], line: [1] };
        return p;
      },
      /a stack deeper than 4096 frames/,
    ],
    [
      'a schema version from the future',
      (p) => ({ ...p, schemaVersion: 99 }),
      /schemaVersion 99 is not one this version reads/,
    ],
    ['not a profile at all', () => ({ hello: 'world' }), /not a concurrency profile/],
  ];
  for (const [what, damage, message] of cases)
    test(what, async () => {
      const file = join(scratch, `damaged-${what.replace(/\W+/g, '-')}.json`);
      writeFileSync(file, JSON.stringify(damage(base())));
      const run = await guarded(['export', file, '--collapsed', join(scratch, 'out.collapsed')]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, message);
    });

  test('text that is not JSON, or is cut short', async () => {
    const text = JSON.stringify(base());
    for (const broken of [text.slice(0, text.length / 2), `${text}}`, '\u0000\u0001']) {
      const file = join(scratch, 'broken.json');
      writeFileSync(file, broken);
      const run = await guarded(['export', file, '--trace', join(scratch, 'out.trace.json')]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /not JSON/);
    }
  });
});
