// The engine on JavaScript and TypeScript, through the real CLI and the real Node: strategies
// that ran and compared with serial, V8 stacks joined to the /proc samples, thread names, event
// loops, usage errors, timeouts, whole-file mode and 0x's flame graph. Nothing here hinges on a
// speedup (the machine is shared): those choices are tested on built profiles.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Profile, StrategyResult } from '../../src/profiler/profile';
import { processesWithMarker, ROOT, runCli, strategy } from '../helpers/cli';
import { assertValidProfile } from '../helpers/schema';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'node');
const out = mkdtempSync(join(tmpdir(), 'node-engine-'));
after(() => rmSync(out, { recursive: true, force: true }));

async function profileNode(
  file: string,
  args: string[],
  name: string,
  marker?: string,
): Promise<{ code: number | null; stderr: string; stdout: string; profile: Profile }> {
  const path = join(out, `${name}.json`);
  const timeout = args.includes('--timeout') ? [] : ['--timeout', '60'];
  const run = await runCli(['profile', join(FIXTURES, file), ...timeout, '--out', path, ...args], { marker });
  let profile: Profile;
  try {
    profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  } catch {
    throw new Error(`no profile (exit ${run.code}):\n${run.stderr}`);
  }
  assertValidProfile(profile);
  return { ...run, profile };
}

/** Names of the frames on the stacks of `s`'s samples taken while `thread` ran a task. */
function taskStackFrames(s: StrategyResult, thread: (name: string) => boolean): Set<string> {
  const names = new Set<string>();
  for (let i = 0; i < s.samples.t.length; i++) {
    if (!s.samples.inTask[i] || !thread(s.threads[s.samples.thread[i]!]!.name)) continue;
    for (let node = s.samples.stack[i]!; node >= 0; node = s.stacks.parent[node]!)
      names.add(
        `${s.frames.name[s.stacks.frame[node]!]}@${s.frames.file[s.stacks.frame[node]!]}:${s.stacks.line[node]}`,
      );
  }
  return names;
}

test(
  'a CommonJS CPU loop: every strategy ran and matched serial, with V8 stacks on named threads',
  { timeout: 300_000 },
  async () => {
    const { code, stdout, profile } = await profileNode(
      'cpu_loop.cjs',
      // Tasks of ~0.4 s quiet (~1 s loaded): a worker that ran only one is still sampled in it when a
      // loaded machine holds the /proc sampler up (100-400 ms seen; 0.13 s tasks were missed whole).
      ['--function', 'spin', '--args', 'Array(6).fill([30000000])', '--workers', '2'],
      'cpu',
    );
    assert.equal(code, 0);
    assert.equal(profile.runtime, 'node');
    assert.equal(profile.schemaVersion, 2);
    assert.match(profile.workload.node!.version, /^\d+\.\d+\.\d+$/);
    assert.deepEqual(
      profile.strategies.map((s) => [s.id, s.status, s.resultsMatchBaseline]),
      [
        ['serial', 'ok', true],
        ['worker-threads', 'ok', true],
        ['child-processes', 'ok', true],
      ],
    );
    const serial = strategy(profile, 'serial');
    const names = serial.threads.map((t) => t.name);
    assert.ok(names.includes('main') && names.includes('V8 platform'), names.join(', '));
    assert.equal(names.filter((n) => n === 'libuv-worker').length, 4, 'libuv starts its 4 pool threads');
    // The loop line of spin, on the main thread, while it ran a task.
    const frames = taskStackFrames(serial, (n) => n === 'main');
    const fixture = join(FIXTURES, 'cpu_loop.cjs');
    assert.ok(frames.has(`spin@${fixture}:4`), [...frames].join('\n'));
    assert.ok(
      serial.eventLoop && serial.eventLoop.utilization > 0.9,
      'a synchronous loop never lets the event loop idle',
    );
    assert.ok(serial.eventLoop.delay && serial.eventLoop.delay.maxMs > 0, 'callbacks waited for the loop');

    const workers = strategy(profile, 'worker-threads');
    const workerThreads = workers.threads.filter((t) => /^worker \d$/.test(t.name));
    assert.equal(workerThreads.length, 2);
    // Tasks go to whichever worker is ready (under load one may take them all): every task ran on a
    // worker thread, and each worker that ran one was sampled in it.
    const ranTasks = new Set(workers.tasks.thread);
    assert.equal(workers.tasks.thread.length, 6);
    assert.ok(
      [...ranTasks].every((i) => /^worker \d$/.test(workers.threads[i]!.name)),
      'tasks ran on the workers',
    );
    assert.ok(
      [...ranTasks].every((i) => workers.threads[i]!.taskSamples > 0),
      `each worker that ran tasks was sampled in them: ${JSON.stringify({
        workers: [...ranTasks].map((i) => [workers.threads[i]!.name, workers.threads[i]!.taskSamples]),
        heldUp: workers.samplerHeldUp,
      })}`,
    );
    assert.ok(taskStackFrames(workers, (n) => n.startsWith('worker ')).has(`spin@${fixture}:4`));
    assert.equal(workers.processCosts!.workerStartupSeconds.length, 2);
    assert.ok(workers.processCosts!.pickledBytesSentPerTask > 0, 'argument bytes measured');
    assert.equal(workers.eventLoop!.workers.length, 2, 'each worker reported its event loop');

    const children = strategy(profile, 'child-processes');
    assert.equal(children.processes.filter((p) => p.role === 'worker').length, 2);
    assert.ok(taskStackFrames(children, (n) => n.startsWith('child ')).has(`spin@${fixture}:4`));

    assert.equal(profile.verdict?.kind, 'cpu-bound-event-loop');
    assert.match(stdout, /Verdict: CPU-bound \(event loop\)/);
  },
);

test(
  'an ES module async function on timers: async is added and the verdict is I/O-bound',
  { timeout: 300_000 },
  async () => {
    const { code, profile } = await profileNode(
      'timers.mjs',
      ['--function', 'wait', '--args', 'Array(6).fill(150)', '--strategies', 'serial,async'],
      'timers',
    );
    assert.equal(code, 0);
    assert.equal(profile.workload.isAsync, true);
    const serial = strategy(profile, 'serial');
    const run = strategy(profile, 'async');
    assert.equal(run.status, 'ok');
    assert.equal(run.resultsMatchBaseline, true);
    assert.ok(serial.eventLoop!.utilization < 0.5, `idle while waiting: ${serial.eventLoop!.utilization}`);
    assert.equal(profile.verdict?.kind, 'io-bound');
  },
);

test('the default sweep adds async for a function that returns promises', { timeout: 300_000 }, async () => {
  const { profile } = await profileNode('timers.mjs', ['--function', 'wait', '--args', '[50, 50]'], 'sweep');
  assert.deepEqual(
    profile.strategies.map((s) => s.id),
    ['serial', 'worker-threads', 'child-processes', 'async'],
  );
  assert.ok(profile.strategies.every((s) => s.status === 'ok' && s.resultsMatchBaseline === true));
});

test('TypeScript is stripped at run time and its stacks point at the .ts lines', { timeout: 300_000 }, async () => {
  const { code, profile } = await profileNode(
    'typed.ts',
    ['--function', 'total', '--args', 'Array(4).fill([3000000])', '--strategies', 'serial,worker-threads'],
    'typed',
  );
  assert.equal(code, 0);
  assert.ok(profile.strategies.every((s) => s.status === 'ok' && s.resultsMatchBaseline === true));
  const frames = [...taskStackFrames(strategy(profile, 'serial'), (n) => n === 'main')];
  assert.ok(
    frames.some((f) => f.startsWith(`total@${join(FIXTURES, 'typed.ts')}:1`)),
    `the loop of total (lines 10-11) on a stack:\n${frames.join('\n')}`,
  );
  const method = await profileNode(
    'typed.ts',
    ['--function', 'Counter.twice', '--args', '[1, 2]', '--strategies', 'serial'],
    'method',
  );
  assert.equal(method.code, 0);
});

test(
  'what differs from serial is reported: module state per worker, and values that cannot be cloned',
  { timeout: 300_000 },
  async () => {
    const { profile } = await profileNode(
      'misc.js',
      ['--function', 'makeAdder', '--args', '[1, 2]', '--strategies', 'serial,worker-threads,child-processes'],
      'clone',
    );
    assert.equal(strategy(profile, 'serial').status, 'ok');
    for (const id of ['worker-threads', 'child-processes']) {
      const s = strategy(profile, id);
      assert.equal(s.status, 'failed');
      assert.match(`${s.error}`, /could not be cloned/);
    }
    assert.ok(profile.recommendation!.caveats.some((c) => /structured clone/.test(c)));
  },
);

test(
  'usage errors exit 2 with what to fix: unknown export, missing --args, syntax error, no such Node',
  { timeout: 300_000 },
  async () => {
    const misc = join(FIXTURES, 'misc.js');
    const unknown = await runCli(['profile', misc, '--function', 'nope']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /nope is not exported by .*misc\.js/);
    assert.match(unknown.stderr, /endless, makeAdder, needsArgs, next/);
    const args = await runCli(['profile', misc, '--function', 'needsArgs']);
    assert.equal(args.code, 2);
    assert.match(args.stderr, /takes 2 argument\(s\): pass --args/);
    const syntax = await runCli(['profile', join(FIXTURES, 'syntax_error.js'), '--function', 'ok']);
    assert.equal(syntax.code, 2);
    assert.match(syntax.stderr, /SyntaxError: .*\n\s+at .*syntax_error\.js:\d+/);
    const node = await runCli(['profile', misc, '--function', 'next', '--node', '/nonexistent/node']);
    assert.equal(node.code, 2);
    assert.match(node.stderr, /Node\.js not found: \/nonexistent\/node/);
    const strategyId = await runCli(['profile', misc, '--function', 'next', '--strategies', 'threads']);
    assert.equal(strategyId.code, 2);
    assert.match(strategyId.stderr, /Unknown strategy "threads".*worker-threads/);
  },
);

test('--node names the Node that runs the workload', { timeout: 300_000 }, async () => {
  const { profile } = await profileNode(
    'cpu_loop.cjs',
    ['--function', 'spin', '--args', '[[1000]]', '--strategies', 'serial', '--node', process.execPath],
    'node-path',
  );
  assert.equal(profile.workload.node!.executable, process.execPath);
  assert.equal(profile.workload.node!.version, process.versions.node);
});

test('a call that never returns is killed at --timeout with its whole tree', { timeout: 300_000 }, async () => {
  const marker = `node-timeout-${process.pid}`;
  const { profile } = await profileNode(
    'misc.js',
    ['--function', 'endless', '--strategies', 'serial', '--timeout', '3'],
    'endless',
    marker,
  );
  assert.equal(strategy(profile, 'serial').status, 'timeout');
  assert.deepEqual(processesWithMarker(marker), []);
});

test(
  'whole-file mode runs the file once; its own worker thread is a task thread with stacks',
  { timeout: 300_000 },
  async () => {
    const { code, profile } = await profileNode('whole_file.js', [], 'whole');
    assert.equal(code, 0);
    assert.equal(profile.mode, 'script');
    const script = strategy(profile, 'script');
    assert.equal(script.status, 'ok');
    assert.match(script.output.stdout, /main done/);
    assert.match(script.output.stdout, /worker done/);
    const worker = script.threads.find((t) => t.name === 'worker thread');
    assert.ok(worker && worker.taskSamples > 0, script.threads.map((t) => t.name).join(', '));
    assert.ok(taskStackFrames(script, (n) => n === 'worker thread').has(`crunch@${join(FIXTURES, 'whole_file.js')}:6`));
    const runtimeInTask = script.threads.filter(
      (t) => (t.name === 'V8 platform' || t.name === 'libuv-worker') && t.taskSamples > 0,
    );
    assert.deepEqual(runtimeInTask, [], "Node's own threads are not the script's tasks");
  },
);

test("--flamegraph writes 0x's flame graph of each strategy with stacks, offline", { timeout: 300_000 }, async () => {
  const dir = join(out, 'flamegraphs');
  const { code, stderr } = await runCli([
    'profile',
    join(FIXTURES, 'cpu_loop.cjs'),
    '--function',
    'spin',
    '--args',
    'Array(2).fill([3000000])',
    '--strategies',
    'serial,worker-threads',
    '--flamegraph',
    dir,
  ]);
  assert.equal(code, 0, stderr);
  assert.deepEqual(readdirSync(dir).sort(), ['serial.html', 'worker-threads.html']);
  const html = readFileSync(join(dir, 'serial.html'), 'utf8');
  assert.ok(html.includes('visualizer({"merged"'), "0x's visualizer is called with its trees");
  assert.ok(html.includes(`"name":"spin ${join(FIXTURES, 'cpu_loop.cjs')}:2:1"`), 'spin is a frame of the graph');
  assert.ok(!/<script src=|<link |@import|url\(\s*['"]?https?:/.test(html), 'no external resources');
});
