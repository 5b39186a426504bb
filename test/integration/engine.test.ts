// The engine on real Python processes, real /proc, real sockets. The tests assert what holds on a
// loaded 2-core machine (strategies ran, results compared, states seen, tasks in flight at once);
// speedups and other timings are measured in bench/ and by `npm run accuracy`.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ENGINE_FIXTURES, processesWithMarker, profileFixture, PYTHON, runCli, strategy } from '../helpers/cli';
import {
  concurrentOnCpuShare,
  coresRunningTasks,
  cpuCores,
  mostAtOnce,
  mostBlocked,
  tasksInFlight,
} from '../helpers/measured';
import { assertValidProfile } from '../helpers/schema';

const TWO_WORKERS = ['--workers', '2'];

describe('CPU-bound pure Python', () => {
  test('processes run at once, threads wait for the GIL, stacks land on cores', async () => {
    const { run, profile } = await profileFixture('cpu_loop.py', [
      // Tasks of ~0.15 s, so that the pool's start-up does not decide the speedup.
      '--function',
      'spin',
      '--args',
      '[(1_500_000,)] * 8',
      '--strategies',
      'serial,threads,processes-fork',
      ...TWO_WORKERS,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assertValidProfile(profile);
    const serial = strategy(profile, 'serial');
    const threads = strategy(profile, 'threads');
    const fork = strategy(profile, 'processes-fork');
    assert.equal(profile.workload.tasks, 8);
    // Both workers ran tasks at the same time, in two processes (their speedup is in npm run accuracy).
    assert.equal(tasksInFlight(fork), 2);
    const workerPids = new Set(fork.tasks.thread.map((t) => fork.threads[t]!.pid));
    assert.equal(workerPids.size, 2, `tasks ran in processes ${[...workerPids]}`);
    // When a thread is blocked it waits for the GIL (on a busy machine more of the waiting shows as
    // queued for a CPU instead, so the share itself varies). Without GIL detection (its self-test can
    // time out under load, and the profile says so) those waits count as lock waits.
    const gilWaitState = profile.sampling.gilDetection ? 'gilWait' : 'lockWait';
    assert.equal(mostBlocked(threads), gilWaitState, `threads ${JSON.stringify(threads.threadStates)}`);
    assert.ok(threads.threadStates![gilWaitState] > 0, `threads ${JSON.stringify(threads.threadStates)}`);
    // The GIL lets the threads use one core at most, however many are free.
    assert.ok(cpuCores(threads) < 1.2, `threads used ${cpuCores(threads)} cores`);
    assert.ok(serial.threadStates!.running + serial.threadStates!.runnable > 0.9, JSON.stringify(serial.threadStates));
    for (const s of [serial, threads, fork]) assert.equal(s.resultsMatchBaseline, true, s.id);
    // Stacks from the in-process sampler are joined to /proc samples, so `spin` is seen on a core.
    const spinFrame = fork.frames.name.indexOf('spin');
    assert.ok(spinFrame >= 0, 'spin is in the frame table');
    const onCoreWithSpin = fork.samples.stack.filter(
      (leaf, i) => leaf >= 0 && fork.stacks.frame[leaf] === spinFrame && fork.samples.core[i]! >= 0,
    );
    assert.ok(onCoreWithSpin.length > 20, `samples of spin with a core: ${onCoreWithSpin.length}`);
    assert.equal(fork.cores!.busy.length, profile.machine.logicalCores);
    // Every core the tasks ran on shows the workload in its per-core series.
    const cores = coresRunningTasks(fork);
    assert.ok(cores.size >= 1);
    for (const core of cores)
      assert.ok(
        fork.cores!.workload[core]!.some((share) => share > 0),
        `core ${core} ran the workload: ${JSON.stringify(fork.cores!.workload)}`,
      );
    assert.equal(fork.processCosts!.workerStartupSeconds.length, 2);
    assert.ok(fork.processCosts!.pickledBytesSentPerTask > 0);
    assert.ok(fork.cpuSeconds!.user > serial.cpuSeconds!.user * 0.7, 'worker CPU is counted');
    assert.match(run.stderr, /\[1\/3\] serial/);
  });
});

describe('blocking socket I/O against a slow local server', () => {
  let server: Server;
  let port = 0;
  before(async () => {
    server = createServer((socket) => {
      socket.once('data', () => setTimeout(() => socket.end('pong\n'), 40));
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  after(() => server.close());

  test('threads overlap the waits and the states say io', async () => {
    const { run, profile } = await profileFixture('socket_io.py', [
      '--function',
      'fetch',
      // Six round trips a task: threads-8 runs ~0.5 s, longer than a loaded machine holds the
      // /proc sampler up (100-400 ms seen beside two other test runs).
      '--args',
      `[(${port}, 6)] * 16`,
      '--strategies',
      'serial,threads,threads-8',
      ...TWO_WORKERS,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assertValidProfile(profile);
    const threads = strategy(profile, 'threads');
    const pool8 = strategy(profile, 'threads-8');
    // Waiting threads overlap their waits: as many requests in flight as threads, more than cores.
    assert.equal(tasksInFlight(threads), 2);
    assert.ok(tasksInFlight(pool8) > 2, `threads-8 had ${tasksInFlight(pool8)} tasks in flight`);
    assert.ok(
      mostAtOnce(pool8, 'io') > 2,
      `threads-8 threads in I/O at once: ${mostAtOnce(pool8, 'io')} (held up: ${JSON.stringify(pool8.samplerHeldUp)})`,
    );
    assert.ok(threads.threadStates!.io > 0.6, JSON.stringify(threads.threadStates));
    for (const s of profile.strategies) assert.equal(s.resultsMatchBaseline, true, s.id);
  });
});

describe('native code that releases the GIL', () => {
  test('hashlib threads run on both cores with little GIL waiting', async () => {
    const { run, profile } = await profileFixture('hashing.py', [
      '--function',
      'digest',
      '--args',
      '[(4,)] * 8',
      '--strategies',
      'serial,threads',
      ...TWO_WORKERS,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const threads = strategy(profile, 'threads');
    assert.ok(threads.threadStates!.gilWait < 0.15, JSON.stringify(threads.threadStates));
    assert.ok(
      threads.threadStates!.running + threads.threadStates!.runnable > 0.8,
      JSON.stringify(threads.threadStates),
    );
    // Both threads on a CPU (or queued for one) at the same instant: the GIL was released.
    assert.ok(concurrentOnCpuShare(threads) > 0.5, `threads on a CPU at once ${concurrentOnCpuShare(threads)}`);
  });
});

describe('a lock held while sleeping', () => {
  test('lock waits dominate the threads run', async () => {
    const { run, profile } = await profileFixture('lock_sleep.py', [
      '--function',
      'guarded',
      // 0.8 s a run: on a loaded machine the /proc sampler can be held up for a few hundred ms.
      '--args',
      '[(0.1,)] * 8',
      '--strategies',
      'serial,threads-4',
      ...TWO_WORKERS,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const pool = strategy(profile, 'threads-4');
    const states = pool.threadStates!;
    const largest = Object.entries(states).sort((a, b) => b[1] - a[1])[0]![0];
    assert.equal(largest, 'lockWait', JSON.stringify(states));
    // The lock serialises the sleeps: never two task threads asleep at once, while others wait.
    assert.equal(mostAtOnce(pool, 'sleep'), 1);
    assert.ok(mostAtOnce(pool, 'lockWait') >= 2);
  });
});

describe('async def', () => {
  test('asyncio gathers the coroutines on one loop', async () => {
    const { run, profile } = await profileFixture('async_sleep.py', [
      '--function',
      'nap',
      // Naps of 0.4 s: the loop's own work around them (and, under load, its wait for a core
      // once they end) is a few samples, not a third of a 0.1 s run's twenty.
      '--args',
      '[(0.4,)] * 4',
      ...TWO_WORKERS,
      '--strategies',
      'serial,asyncio,threads',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(profile.workload.isAsync, true);
    const asyncio = strategy(profile, 'asyncio');
    assert.equal(asyncio.status, 'ok');
    // Every coroutine in flight at once, on one thread.
    assert.equal(tasksInFlight(asyncio), profile.workload.tasks);
    assert.equal(new Set(asyncio.tasks.thread).size, 1);
    assert.equal(tasksInFlight(strategy(profile, 'serial')), 1);
    assert.equal(asyncio.resultsMatchBaseline, true);
    assert.ok(asyncio.threadStates!.io + asyncio.threadStates!.sleep > 0.6, JSON.stringify(asyncio.threadStates));
  });

  test('the default sweep adds asyncio and the I/O-sized pool for an async def', async () => {
    const { profile } = await profileFixture('async_sleep.py', [
      '--function',
      'nap',
      '--args',
      '[(0.02,)] * 4',
      ...TWO_WORKERS,
      '--timeout',
      '60',
      // The base sweep alone: the curves that follow it are checked in scaling.test.ts.
      '--scaling',
      'off',
      // The main interpreter's sweep; the other interpreters it would add are tested in interpreters.test.ts.
      '--interpreters',
      'none',
    ]);
    assert.deepEqual(
      profile.strategies.map((s) => s.id),
      ['serial', 'threads', 'processes-fork', 'processes-forkserver', 'processes-spawn', 'threads-8', 'asyncio'],
    );
    for (const s of profile.strategies) assert.equal(s.status, 'ok', `${s.id}: ${s.error}`);
  });

  test('on uvloop (installed when the module loads) the blocking line is found from the heartbeat', async () => {
    const { run, profile } = await profileFixture('uvloop_blocking.py', [
      '--function',
      'fetch',
      '--args',
      'range(6)',
      '--strategies',
      'serial,asyncio,threads',
      ...TWO_WORKERS,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assertValidProfile(profile);
    const asyncio = strategy(profile, 'asyncio');
    assert.deepEqual(asyncio.loopLag?.untimedLoops, ['uvloop'], JSON.stringify(asyncio.loopLag));
    // The 0.1 s sleeps of six coroutines, back to back on one loop: at least one late heartbeat.
    const [block] = asyncio.loopBlocks!;
    assert.ok(block, 'a blocking callback was found');
    assert.equal(block.site.line, 14, JSON.stringify(block));
    assert.equal(block.located, true);
    assert.ok(block.totalMs >= 300, `${block.totalMs} ms of the 0.6 s of sleeps`);
    assert.equal(profile.verdict?.kind, 'event-loop-blocked', profile.verdict?.evidence.join('\n'));
    assert.match(profile.verdict!.evidence[0]!, /uvloop runs callbacks in its own C code/);
    assert.match(profile.recommendation!.codeChange ?? '', /await asyncio\.sleep\(0\.1\)/);
  });
});

describe('results are compared with the serial run', () => {
  test('a race on shared state is caught with the first difference', async () => {
    const { run, profile } = await profileFixture('methods.py', [
      '--function',
      'racy',
      '--strategies',
      'serial,threads,processes-fork',
      ...TWO_WORKERS,
    ]);
    assert.equal(run.code, 0);
    for (const id of ['threads', 'processes-fork']) {
      const s = strategy(profile, id);
      assert.equal(s.resultsMatchBaseline, false, id);
      assert.ok(
        s.firstDifference && s.firstDifference.expected !== s.firstDifference.actual,
        JSON.stringify(s.firstDifference),
      );
    }
    assert.match(run.stderr, /results differ from serial at task/);
  });

  test('Class.method of a class built with no arguments', async () => {
    const { run, profile } = await profileFixture('methods.py', [
      '--function',
      'Worker.work',
      '--strategies',
      'serial,processes-spawn',
      ...TWO_WORKERS,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(strategy(profile, 'processes-spawn').status, 'ok', strategy(profile, 'processes-spawn').error ?? '');
    assert.equal(strategy(profile, 'processes-spawn').resultsMatchBaseline, true);
  });
});

describe('failures', () => {
  test('a raising function: serial failed with the user frames, exit 1, profile still written', async () => {
    const { run, profile } = await profileFixture('raising.py', [
      '--function',
      'divide',
      '--args',
      '[0, 1]',
      ...TWO_WORKERS,
    ]);
    assert.equal(run.code, 1);
    assertValidProfile(profile);
    const serial = strategy(profile, 'serial');
    assert.equal(serial.status, 'failed');
    assert.equal(serial.errorDetail!.type, 'ZeroDivisionError');
    assert.match(serial.errorDetail!.traceback, /in divide\n[\s\S]*in helper\n/);
    assert.doesNotMatch(serial.errorDetail!.traceback, /cp_harness|cp_worker|concurrent/);
    assert.match(run.stderr, /ZeroDivisionError: division by zero/);
    assert.ok(profile.strategies.slice(1).every((s) => s.status === 'skipped'));
  });

  test('a task failing in a process pool reports the worker-side user frames', async () => {
    const { run, profile } = await profileFixture('raising.py', [
      '--function',
      'divide',
      '--args',
      '[1, 2, 0]',
      '--strategies',
      'serial,processes-fork',
      ...TWO_WORKERS,
    ]);
    assert.equal(run.code, 1); // serial fails first
    assert.equal(strategy(profile, 'serial').status, 'failed');
    assert.match(strategy(profile, 'serial').errorDetail!.traceback, /in helper/);
  });

  test('a lambda: process pools fail to pickle it at once, threads run it, exit 0', async () => {
    const { run, profile } = await profileFixture('lambdas.py', [
      '--function',
      'square',
      '--args',
      'range(6)',
      '--strategies',
      'serial,threads,processes-fork,processes-forkserver,processes-spawn',
      ...TWO_WORKERS,
      '--timeout',
      '30',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(strategy(profile, 'threads').status, 'ok');
    for (const id of ['processes-fork', 'processes-forkserver', 'processes-spawn']) {
      const s = strategy(profile, id);
      assert.equal(s.status, 'failed', id);
      // It failed at once, before any worker started or task ran (some pools hang on it instead).
      assert.deepEqual(
        s.processes.filter((p) => p.role === 'worker'),
        [],
        id,
      );
      assert.equal(s.tasks.start.length, 0, id);
      assert.equal(s.timing.tasksSeconds, null, id);
      assert.match(s.error!, /PicklingError|pickle/i, s.error!);
    }
  });

  test('an endless task ends at --timeout and leaves no process behind', async () => {
    const marker = randomUUID();
    const { run, profile } = await profileFixture(
      'endless.py',
      ['--function', 'forever', '--args', '[()] * 2', '--strategies', 'serial', '--timeout', '2', ...TWO_WORKERS],
      { marker },
    );
    assert.equal(run.code, 1);
    const serial = strategy(profile, 'serial');
    // Stopped by the timer (how soon after it is measured in npm run bench), never before it.
    assert.equal(serial.status, 'timeout');
    assert.match(serial.error!, /no result after 2 s \(--timeout\)/);
    assert.ok(serial.timing.totalSeconds >= 2, `strategy ran ${serial.timing.totalSeconds} s`);
    assert.deepEqual(processesWithMarker(marker), []);
  });

  test('SIGTERM kills the tree and writes the partial profile', async () => {
    const marker = randomUUID();
    let cliPid = 0;
    let strategyStarted = false;
    const out = join(tmpdir(), `cp-partial-${marker}.json`);
    const running = runCli(
      [
        'profile',
        join(ENGINE_FIXTURES, 'endless.py'),
        '--function',
        'forever',
        '--python',
        PYTHON,
        '--strategies',
        'serial,processes-fork',
        '--timeout',
        '60',
        '--out',
        out,
        ...TWO_WORKERS,
      ],
      {
        marker,
        onSpawn: (pid) => (cliPid = pid),
        onStderr: (text) => (strategyStarted ||= text.includes('serial ...')),
      },
    );
    let exited: Awaited<typeof running> | null = null;
    void running.then((r) => (exited = r));
    // Wait until the workload (and its grandchild) runs, then interrupt. /proc is scanned only once
    // the strategy has started: twice a scan of every process's environ during the probe's GIL
    // self-test coincided with that probe stalling past the deadline.
    const deadline = Date.now() + 60_000;
    while (!strategyStarted && Date.now() < deadline && !exited) await new Promise((r) => setTimeout(r, 100));
    while (processesWithMarker(marker).length < 3 && Date.now() < deadline && !exited)
      await new Promise((r) => setTimeout(r, 100));
    assert.ok(
      processesWithMarker(marker).length >= 3,
      `the workload started: ${JSON.stringify(processesWithMarker(marker))} ${JSON.stringify(exited)}`,
    );
    process.kill(cliPid, 'SIGTERM');
    const run = await running;
    // It stopped on the signal, with the partial profile written, not at its 5 s grace limit (the
    // latency, well under a second, is measured in npm run bench).
    assert.equal(run.code, 143);
    assert.doesNotMatch(run.stderr, /could not write the partial profile/);
    assert.deepEqual(processesWithMarker(marker), []);
    const profile = JSON.parse(readFileSync(out, 'utf8'));
    assertValidProfile(profile);
    assert.equal(profile.interrupted, true);
    assert.equal(profile.strategies[0].status, 'cancelled');
    assert.equal(profile.strategies[1].status, 'cancelled');
  });

  test('huge output is kept to a bounded tail', async () => {
    const { run, profile } = await profileFixture('noisy.py', [
      '--function',
      'shout',
      '--args',
      '[()]',
      '--strategies',
      'serial',
    ]);
    assert.equal(run.code, 0, run.stderr.slice(-500));
    const serial = strategy(profile, 'serial');
    assert.ok(serial.output.stdout.length <= 16 * 1024 && serial.output.stdout.length > 1000);
    assert.ok(serial.output.truncatedBytes > 1024 * 1024);
  });
});

describe('usage errors exit 2 with a clear message', () => {
  test('syntax error names SyntaxError, file:line and the line', async () => {
    const file = join(ENGINE_FIXTURES, 'syntax_error.py');
    const run = await runCli(['profile', file, '--function', 'fine', '--python', PYTHON]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /SyntaxError/);
    assert.ok(run.stderr.includes(`File "${file}", line 5`), run.stderr);
    assert.match(run.stderr, /def broken\(:/);
  });

  test('unknown function lists the ones that exist', async () => {
    const run = await runCli([
      'profile',
      join(ENGINE_FIXTURES, 'methods.py'),
      '--function',
      'nope',
      '--python',
      PYTHON,
    ]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /'nope' is not defined/);
    assert.match(run.stderr, /racy/);
    assert.match(run.stderr, /Worker/);
  });

  test('required parameters without --args are named', async () => {
    const run = await runCli([
      'profile',
      join(ENGINE_FIXTURES, 'socket_io.py'),
      '--function',
      'fetch',
      '--python',
      PYTHON,
    ]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /needs arguments \(port\)/);
    assert.match(run.stderr, /--args/);
  });

  test('missing file, missing python, unknown strategy', async () => {
    const missing = await runCli(['profile', '/nonexistent/x.py', '--function', 'f', '--python', PYTHON]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /x\.py/);
    const noPython = await runCli([
      'profile',
      join(ENGINE_FIXTURES, 'cpu_loop.py'),
      '--function',
      'spin',
      '--python',
      '/nonexistent/python3',
    ]);
    assert.equal(noPython.code, 2);
    assert.match(noPython.stderr, /Python not found: \/nonexistent\/python3/);
    const badStrategy = await runCli([
      'profile',
      join(ENGINE_FIXTURES, 'cpu_loop.py'),
      '--function',
      'spin',
      '--python',
      PYTHON,
      '--strategies',
      'serial,gpu',
    ]);
    assert.equal(badStrategy.code, 2);
    assert.match(badStrategy.stderr, /Unknown strategy "gpu"/);
  });
});

describe('whole-script mode and awkward paths', () => {
  test('the script runs once as __main__ with states and per-core data', async () => {
    const { run, profile } = await profileFixture('whole_script.py', []);
    assert.equal(run.code, 0, run.stderr);
    assertValidProfile(profile);
    assert.equal(profile.mode, 'script');
    const script = strategy(profile, 'script');
    assert.equal(script.status, 'ok');
    assert.match(script.output.stdout, /^total \d+/);
    assert.ok(script.threadStates && script.threadStateSamples > 0);
    assert.ok(script.cores && script.cores.busy.length === profile.machine.logicalCores);
  });

  test('a script on uvloop that never names asyncio gets the event-loop recorder', async () => {
    const { run, profile } = await profileFixture('uvloop_script.py', []);
    assert.equal(run.code, 0, run.stderr);
    const script = strategy(profile, 'script');
    assert.deepEqual(script.loopLag?.untimedLoops, ['uvloop'], JSON.stringify(script.loopLag));
    // The longest block (a loaded machine may add a short late beat elsewhere) is the sleep.
    const [longest] = script.loopBlocks ?? [];
    assert.deepEqual([longest?.site.line, longest?.located], [8, true], JSON.stringify(script.loopBlocks));
    assert.equal(profile.verdict?.kind, 'event-loop-blocked', profile.verdict?.evidence.join('\n'));
  });

  test('threads a script starts itself are part of its task samples', async () => {
    const { run, profile } = await profileFixture('script_threads.py', []);
    assert.equal(run.code, 0, run.stderr);
    const script = strategy(profile, 'script');
    const working = script.threads.filter((t) => t.taskSamples > 0);
    assert.ok(working.length >= 2, `both spinners sampled in the task: ${JSON.stringify(script.threads)}`);
    assert.ok(!working.some((t) => t.name === 'concurrency-profiler-sampler'), 'the recorder is not the workload');
    // The main thread only waits in join(): it coordinates, so its lock waits do not count as task work.
    assert.ok(!working.some((t) => t.name === 'MainThread'), JSON.stringify(working));
    // Blocked, the spinners wait for the GIL (the share shrinks under load, the order does not).
    // Without GIL detection (its self-test can time out under load; the profile says so) those
    // waits are lock waits.
    if (profile.sampling.gilDetection) {
      assert.equal(mostBlocked(script), 'gilWait', JSON.stringify(script.threadStates));
      assert.ok(script.threadStates!.gilWait > 0, JSON.stringify(script.threadStates));
      assert.ok(script.threadStates!.lockWait < 0.1, JSON.stringify(script.threadStates));
    } else assert.equal(mostBlocked(script), 'lockWait', JSON.stringify(script.threadStates));
  });

  test('a large profile on stdout (--out -) arrives whole through a pipe', async () => {
    const { run, profile } = await profileFixture('tiny_tasks.py', [
      '--function',
      'add',
      '--args',
      'range(10000)',
      '--strategies',
      'serial',
    ]);
    assert.equal(run.code, 0);
    assert.ok(run.stdout.length > 2 * 64 * 1024, `${run.stdout.length} bytes, more than a pipe buffer holds`);
    assert.equal(profile.strategies[0]!.tasks.start.length, 10000);
  });

  test('spaces, quotes and $(...) in the path are passed as data, never to a shell', async () => {
    const folder = join(ENGINE_FIXTURES, 'odd dir $(touch pwned)');
    const { run, profile } = await profileFixture(join(folder, "cpu 'quoted'.py"), [
      '--function',
      'spin',
      '--args',
      '[(1000,)] * 2',
      '--strategies',
      'serial,processes-spawn',
      ...TWO_WORKERS,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(strategy(profile, 'processes-spawn').status, 'ok', strategy(profile, 'processes-spawn').error ?? '');
    assert.equal(existsSync(join(ENGINE_FIXTURES, 'pwned')) || existsSync(join(folder, 'pwned')), false);
  });
});
