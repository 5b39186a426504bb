// Runs the real engine CLI (dist/cli.js, from `npm run build`) the way the extension does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import * as path from 'node:path';
import type { EngineEvent } from '../../src/profiler/events';
import { engineArguments, parseProgressLine, startEngine, type EngineRequest } from '../../src/extension/engineProcess';

const cliPath = path.resolve(__dirname, '../../dist/cli.js');

function workspace(): string {
  // Spaces, quotes and $(...) in the path: no shell may ever see it.
  const dir = mkdtempSync(path.join(tmpdir(), "engine process $(touch pwned) 'q' "));
  writeFileSync(
    path.join(dir, 'work.py'),
    'import time\n\ndef crunch(n):\n    return sum(i * i for i in range(n))\n\ndef ' +
      'forever():\n    while True:\n        time.sleep(0.05)\n',
  );
  return dir;
}

function request(dir: string, overrides: Partial<EngineRequest>): EngineRequest {
  return {
    cliPath,
    file: path.join(dir, 'work.py'),
    functionName: 'crunch',
    args: '[(20_000,)] * 2',
    python: 'python3',
    workers: 2,
    strategies: ['serial', 'threads'],
    timeoutSeconds: 60,
    sampleHz: 100,
    outPath: path.join(dir, 'out.profile.json'),
    ...overrides,
  };
}

/** Processes whose working directory is `dir`: the workload runs from its file's folder. */
function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === dir) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

test('the built engine CLI exists (run `npm run build` first)', () => {
  assert.ok(existsSync(cliPath), `${cliPath} is missing`);
});

test('a run reports each strategy and writes the profile', async () => {
  const dir = workspace();
  const events: EngineEvent[] = [];
  const run = startEngine(request(dir, {}), { onEvent: (e) => events.push(e), onOutput: () => {} });
  const outcome = await run.finished;
  assert.equal(outcome.exitCode, 0, outcome.messages);
  assert.equal(outcome.cancelled, false);
  assert.deepEqual(
    events
      .filter((e) => e.type === 'strategy-start')
      .map((e) => e.type === 'strategy-start' && [e.id, e.index, e.total]),
    [
      ['serial', 0, 2],
      ['threads', 1, 2],
    ],
  );
  const profile = JSON.parse(readFileSync(path.join(dir, 'out.profile.json'), 'utf8'));
  assert.equal(profile.workload.file, path.join(dir, 'work.py'));
  assert.deepEqual(
    profile.strategies.map((s: { id: string }) => s.id),
    ['serial', 'threads'],
  );
  assert.equal(existsSync(path.join(dir, 'pwned')), false);
});

test('an unknown function is a usage error that names the functions that exist', async () => {
  const dir = workspace();
  const outcome = await startEngine(request(dir, { functionName: 'missing' }), {
    onEvent: () => {},
    onOutput: () => {},
  }).finished;
  assert.equal(outcome.exitCode, 2);
  assert.match(outcome.messages, /missing/);
  assert.match(outcome.messages, /crunch/);
});

test('cancel stops the engine and the whole workload tree and keeps the partial profile', async () => {
  const dir = workspace();
  let sawWorkload!: () => void;
  const workloadStarted = new Promise<void>((resolve) => (sawWorkload = resolve));
  const run = startEngine(
    request(dir, { functionName: 'forever', args: '[()] * 4', strategies: ['serial', 'threads', 'processes-fork'] }),
    { onEvent: (e) => e.type === 'workload' && sawWorkload(), onOutput: () => {} },
  );
  await workloadStarted;
  await waitUntil(() => processesIn(dir).length > 0, 'the workload to run');
  run.cancel();
  const outcome = await run.finished;
  assert.equal(outcome.cancelled, true);
  // The engine stopped by itself (143, SIGTERM), not by the host's backstop SIGKILL of its group
  // (which would leave no exit code): it kills the tree at once. The latency is in npm run bench.
  assert.equal(outcome.exitCode, 143, outcome.messages);
  assert.deepEqual(processesIn(dir), []);
  const profile = JSON.parse(readFileSync(path.join(dir, 'out.profile.json'), 'utf8'));
  assert.equal(profile.interrupted, true);
});

test("when the host dies (the engine's stdin closes) the engine stops and its workload with it", async () => {
  const dir = workspace();
  let sawWorkload!: () => void;
  const workloadStarted = new Promise<void>((resolve) => (sawWorkload = resolve));
  const engine = spawn(
    process.execPath,
    [cliPath, ...engineArguments(request(dir, { functionName: 'forever', args: '[()] * 2', strategies: ['serial'] }))],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  createInterface({ input: engine.stderr }).on('line', (line) => {
    const parsed = parseProgressLine(line);
    if (parsed.kind === 'event' && parsed.event.type === 'workload') sawWorkload();
  });
  await workloadStarted;
  await waitUntil(() => processesIn(dir).length > 0, 'the workload to run');
  const exited = new Promise<number | null>((resolve) => engine.once('exit', resolve));
  engine.stdin.end(); // what the host's death does to the pipe
  assert.equal(await exited, 143);
  assert.deepEqual(processesIn(dir), []);
  assert.equal(JSON.parse(readFileSync(path.join(dir, 'out.profile.json'), 'utf8')).interrupted, true);
});

test('arguments carry every setting and no shell quoting', () => {
  assert.deepEqual(
    engineArguments(request('/w s', { strategies: [], workers: null, args: null, functionName: null })),
    [
      'profile',
      '/w s/work.py',
      '--python',
      'python3',
      '--timeout',
      '60',
      '--sample-hz',
      '100',
      '--out',
      '/w s/out.profile.json',
      '--progress=json',
      '--stop-on-stdin-close',
    ],
  );
  assert.deepEqual(
    engineArguments(request('/w', { scaling: 'full', budgetSeconds: 90, maxWorkers: 64 })).slice(-10, -4),
    ['--scaling', 'full', '--budget', '90', '--max-workers', '64'],
  );
  const located = engineArguments(request('/w', { projectRoot: '/w s', envFile: '/w s/.env' }));
  const at = located.indexOf('--project-root');
  assert.deepEqual(located.slice(at, at + 4), ['--project-root', '/w s', '--env-file', '/w s/.env']);
  const others = engineArguments(
    request('/w', {
      interpreters: ['pypy3', '/opt/py 3.13t/bin/python3.13t'],
      knownInterpreters: ['/w/.venv/bin/python'],
      daskScheduler: 'tcp://10.0.0.5:8786',
    }),
  );
  const from = others.indexOf('--interpreters');
  assert.deepEqual(others.slice(from, from + 6), [
    '--interpreters',
    'pypy3,/opt/py 3.13t/bin/python3.13t',
    '--known-interpreters',
    '/w/.venv/bin/python',
    '--dask-scheduler',
    'tcp://10.0.0.5:8786',
  ]);
  assert.ok(!engineArguments(request('/w', { interpreters: [] })).includes('--interpreters'), 'empty: the default');
  assert.deepEqual(engineArguments(request('/w', { args: "[('a b',)] * 2" })).slice(0, 10), [
    'profile',
    '/w/work.py',
    '--function',
    'crunch',
    '--args',
    "[('a b',)] * 2",
    '--workers',
    '2',
    '--strategies',
    'serial,threads',
  ]);
});

test('progress lines are events, everything else is text', () => {
  assert.deepEqual(parseProgressLine('{"type":"heartbeat","id":"threads","elapsedSeconds":2}'), {
    kind: 'event',
    event: { type: 'heartbeat', id: 'threads', elapsedSeconds: 2 },
  });
  assert.deepEqual(parseProgressLine('{not json'), { kind: 'text', text: '{not json' });
  assert.deepEqual(parseProgressLine('{"type":"other"}'), { kind: 'text', text: '{"type":"other"}' });
  assert.deepEqual(parseProgressLine('Traceback (most recent call last):'), {
    kind: 'text',
    text: 'Traceback (most recent call last):',
  });
});

/** Waits for a state, not a time: the deadline only stops a test that would otherwise hang. */
async function waitUntil(condition: () => boolean, what: string, deadlineMs = 60_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(condition(), `timed out waiting for ${what}`);
}
