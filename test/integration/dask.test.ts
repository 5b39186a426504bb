// Dask on real processes (Debian's python3-distributed, installed by scripts/test-deps.sh, imports
// under /usr/bin/python3): dask-local starts its LocalCluster before the clock and leaves nothing
// behind, even when killed at --timeout; dask runs on a scheduler and two workers this test starts
// on loopback from a folder where the module is not importable (upload_file ships it), and a
// timeout there cancels the run's futures without touching the cluster. No timing is asserted.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ENGINE_FIXTURES, processesWithMarker, profileFixture, PYTHON, runCli, strategy } from '../helpers/cli';
import type { Profile } from '../../src/profiler/profile';
import { assertValidProfile } from '../helpers/schema';
import { withReport } from './report-browser';

const TWO_WORKERS = ['--workers', '2'];
/** Starting a scheduler and workers took 6-10 s on this machine, 20 s under heavy load. */
const CLUSTER_READY_MS = 90_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs a short Python snippet against the cluster and returns its stdout. */
function ask(address: string, code: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      PYTHON,
      ['-c', `from distributed import Client\nc = Client(${JSON.stringify(address)}, timeout=30)\n${code}`],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`exit ${code}: ${err.slice(-2000)}`)),
    );
  });
}

function alive(child: ChildProcess): boolean {
  try {
    process.kill(child.pid!, 0);
    return child.exitCode === null;
  } catch {
    return false;
  }
}

describe('dask-local', () => {
  test('a LocalCluster of one-thread workers runs the tasks, matches serial, its workers sampled', async () => {
    const { run, profile } = await profileFixture('dask_work.py', [
      '--function',
      'crunch',
      '--args',
      '[(300_000,)] * 6',
      '--strategies',
      'serial,dask-local',
      '--timeout',
      '300',
      ...TWO_WORKERS,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assertValidProfile(profile);
    const dask = strategy(profile, 'dask-local');
    assert.equal(dask.status, 'ok', `${dask.error}`);
    assert.equal(dask.kind, 'dask');
    assert.equal(dask.resultsMatchBaseline, true);
    const cluster = dask.cluster!;
    assert.equal(cluster.kind, 'local');
    assert.equal(cluster.workers.length, 2);
    assert.deepEqual(
      cluster.workers.map((w) => w.threads),
      [1, 1],
    );
    assert.equal(dask.workers, 2);
    assert.ok(cluster.overheadPerTaskSeconds > 0 && cluster.roundTripSeconds > 0);
    assert.equal(cluster.taskWorker.length, 6);
    assert.ok(
      cluster.taskWorker.every((w) => w === 0 || w === 1),
      JSON.stringify(cluster.taskWorker),
    );
    // The workers are processes of the run, sampled like a pool's, with their task threads known.
    const pids = new Set(dask.processes.map((p) => p.pid));
    for (const worker of cluster.workers) assert.ok(pids.has(worker.pid!), `worker ${worker.pid} sampled`);
    assert.ok(
      dask.tasks.thread.every((t) => t >= 0),
      `task threads ${JSON.stringify(dask.tasks.thread)}`,
    );
    assert.ok(
      dask.tasks.thread.every((t) => cluster.workers.some((w) => w.pid === dask.threads[t]!.pid)),
      'each task ran on a worker process thread',
    );
    assert.ok(dask.processCosts!.pickledBytesSentTotal > 0);
  });

  test('killed at --timeout with its whole cluster: nothing is left behind', async () => {
    const marker = randomUUID();
    const { run, profile } = await profileFixture(
      'dask_work.py',
      [
        '--function',
        'stuck_on_workers',
        '--args',
        '[(600.0,)] * 4',
        '--strategies',
        'serial,dask-local',
        '--timeout',
        '40',
        ...TWO_WORKERS,
      ],
      { marker },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(strategy(profile, 'serial').status, 'ok');
    assert.equal(strategy(profile, 'dask-local').status, 'timeout');
    assert.deepEqual(processesWithMarker(marker), []);
  });

  test('Ctrl-C while its workers run: exit 130, the whole cluster killed, the partial profile kept', async () => {
    const marker = randomUUID();
    const out = join(mkdtempSync(join(tmpdir(), 'cp-dask-cancel-')), 'cancelled.json');
    let cli = 0;
    let stderr = '';
    const running = runCli(
      [
        'profile',
        join(ENGINE_FIXTURES, 'dask_work.py'),
        '--python',
        PYTHON,
        '--out',
        out,
        '--function',
        'stuck_on_workers',
        '--args',
        '[(600.0,)] * 4',
        '--strategies',
        'serial,dask-local',
        ...TWO_WORKERS,
      ],
      { marker, onSpawn: (pid) => (cli = pid), onStderr: (text) => (stderr = text) },
    );
    let ended = false;
    void running.finally(() => (ended = true));
    // The cluster's two worker processes (spawned by multiprocessing) run the stuck tasks.
    const deadline = Date.now() + CLUSTER_READY_MS;
    const workers = () => processesWithMarker(marker).filter((p) => /spawn_main|forkserver/.test(p.cmdline));
    while (!ended && !(stderr.includes('dask-local ...') && workers().length >= 2)) {
      assert.ok(Date.now() < deadline, `the cluster did not start:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(!ended, `the run ended before it was interrupted:\n${stderr}`);
    process.kill(cli, 'SIGINT');
    const run = await running;
    assert.equal(run.code, 130, run.stderr);
    assert.deepEqual(processesWithMarker(marker), []);
    const profile = JSON.parse(readFileSync(out, 'utf8')) as Profile;
    assert.equal(profile.interrupted, true);
    assert.deepEqual(
      profile.strategies.map((s) => [s.id, s.status]),
      [
        ['serial', 'ok'],
        ['dask-local', 'cancelled'],
      ],
    );
    rmSync(join(out, '..'), { recursive: true, force: true });
  });
});

describe('dask on a given cluster', () => {
  let folder = '';
  let address = '';
  const cluster: ChildProcess[] = [];

  before(async () => {
    // Another folder: the workers cannot import the fixture unless the run ships it.
    folder = mkdtempSync(join(tmpdir(), 'cp-dask-cluster-'));
    const port = await freePort();
    address = `tcp://127.0.0.1:${port}`;
    const start = (args: string[]) => {
      const child = spawn(PYTHON, args, { cwd: folder, stdio: 'ignore', detached: true });
      cluster.push(child);
    };
    start(['-m', 'distributed.cli.dask_scheduler', '--host', '127.0.0.1', '--port', String(port), '--no-dashboard']);
    for (const name of ['w1', 'w2'])
      start([
        '-m',
        'distributed.cli.dask_worker',
        address,
        '--nthreads',
        '1',
        '--no-dashboard',
        '--local-directory',
        join(folder, name),
      ]);
    const deadline = Date.now() + CLUSTER_READY_MS;
    for (;;) {
      try {
        await ask(address, 'c.wait_for_workers(2, timeout=20)');
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  });

  after(() => {
    for (const child of cluster) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(folder, { recursive: true, force: true });
  });

  test('the module is shipped to the workers, the tasks match serial, and the task stream is recorded', async () => {
    const { run, profile } = await profileFixture('dask_work.py', [
      '--function',
      'crunch',
      '--args',
      '[(200_000,)] * 6',
      '--strategies',
      'serial',
      '--dask-scheduler',
      address,
      ...TWO_WORKERS,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assertValidProfile(profile);
    const dask = strategy(profile, 'dask');
    assert.equal(dask.status, 'ok', `${dask.error}`);
    assert.equal(dask.resultsMatchBaseline, true);
    const info = dask.cluster!;
    assert.equal(info.kind, 'remote');
    assert.equal(info.scheduler, address);
    assert.equal(info.workers.length, 2);
    assert.equal(dask.workers, 2);
    assert.equal(info.taskWorker.length, 6);
    assert.ok(
      info.taskWorker.every((w) => w === 0 || w === 1),
      JSON.stringify(info.taskWorker),
    );
    assert.equal(dask.tasks.start.length, 6);
    // The cluster is not ours: its processes are not among the run's.
    const runPids = new Set(dask.processes.map((p) => p.pid));
    for (const w of info.workers) assert.ok(!runPids.has(w.pid!), 'a given cluster is not sampled as the run');
    // The webview shows its task stream: a lane per worker, a bar per task, titled where it ran.
    await withReport(profile, async (page) => {
      const stream = page.getByTestId('task-stream');
      await stream.waitFor();
      assert.match((await stream.locator('h3').textContent())!, new RegExp(`^dask on ${address}: 2 worker\\(s\\)$`));
      const lanes = await stream.locator('text.stream-label').allTextContents();
      assert.deepEqual(lanes.sort(), info.workers.map((w) => w.address).sort());
      const titles = await stream.locator('rect.stream-bar title').allTextContents();
      assert.equal(titles.length, 6);
      titles.forEach((title, i) =>
        assert.match(title, new RegExp(`^task ${i}: [\\d.]+ m?s on ${info.workers[info.taskWorker[i]!]!.address}$`)),
      );
    });
  });

  test('a timeout cancels the run futures and leaves the cluster running', async () => {
    const marker = randomUUID();
    const { run, profile } = await profileFixture(
      'dask_work.py',
      [
        '--function',
        'stuck_on_workers',
        '--args',
        '[(30.0,)] * 4',
        '--strategies',
        'serial',
        '--dask-scheduler',
        address,
        '--timeout',
        '15',
        ...TWO_WORKERS,
      ],
      { marker },
    );
    assert.equal(run.code, 0, run.stderr);
    const dask = strategy(profile, 'dask');
    assert.equal(dask.status, 'timeout');
    assert.match(dask.error!, /futures .* were cancelled; the cluster was left running/);
    assert.deepEqual(processesWithMarker(marker), []);
    assert.ok(
      cluster.every((c) => alive(c)),
      'the scheduler and both workers still run',
    );
    // The scheduler forgot the run's tasks and still has both workers.
    const state = await ask(
      address,
      [
        'import time',
        'for _ in range(60):',
        '    if not any(c.processing().values()) and not c.who_has(): break',
        '    time.sleep(0.5)',
        'busy = sum(len(v) for v in c.processing().values())',
        'print(len(c.scheduler_info()["workers"]), busy, len(c.who_has()))',
      ].join('\n'),
    );
    assert.equal(state, '2 0 0');
  });
});
