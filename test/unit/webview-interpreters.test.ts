// The webview's strategies table grouped by interpreter, and the task stream of a given Dask
// cluster (the pure geometry; the DOM is rendered by the report and e2e tests).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterInfo } from '../../src/profiler/profile';
import { interpreterGroups } from '../../src/webview/interpreterGroups';
import { STREAM, taskStreamGeometry } from '../../src/webview/taskStream';
import { CPU, profile, strategy } from '../helpers/profileBuilders';

test('strategies are grouped by interpreter, the main one first, in the order the profile lists them', () => {
  const p = profile({
    interpreters: [
      { name: 'pypy3.9', implementation: 'PyPy', version: '3.9.16' },
      { name: 'python3.13t', version: '3.13.1', freeThreaded: true, gil: false },
    ],
    strategies: [
      { id: 'serial', states: CPU },
      { id: 'threads', speedup: 1 },
      { id: 'serial@python3.13t', speedup: 0.9 },
      { id: 'serial@pypy3.9', speedup: 9 },
      { id: 'threads@python3.13t', speedup: 1.8 },
      { id: 'dask-local', speedup: 1.6 },
    ],
  });
  const groups = interpreterGroups(p);
  assert.deepEqual(
    groups.map((g) => [g.name, g.strategies.map((s) => s.id)]),
    [
      [null, ['serial', 'threads', 'dask-local']],
      ['pypy3.9', ['serial@pypy3.9']],
      ['python3.13t', ['serial@python3.13t', 'threads@python3.13t']],
    ],
  );
  assert.equal(groups[0]!.title, 'python3.11 (main) · CPython 3.11.2');
  assert.deepEqual([groups[2]!.title, groups[2]!.note], ['python3.13t · CPython 3.13.1 free-threaded', 'no GIL']);
  const single = interpreterGroups(profile({ strategies: [{ id: 'serial', states: CPU }] }));
  assert.equal(single.length, 1, 'one interpreter: one group, shown without a header');
});

test('a given cluster has a task stream: a lane per worker, a bar per task where and when it ran', () => {
  const run = strategy({ id: 'dask', workers: 2, speedup: 1.8 }, 0.8, 4);
  run.tasks = {
    thread: [-1, -1, -1, -1],
    start: [100, 100, 150, 160],
    end: [150, 140, 200, 300],
    failed: [0, 0, 0, 1],
  };
  const cluster: ClusterInfo = {
    kind: 'remote',
    scheduler: 'tcp://10.0.0.5:8786',
    distributedVersion: '2022.12.1',
    workers: [
      { address: 'tcp://10.0.0.6:40000', host: '10.0.0.6', pid: 7, threads: 1 },
      { address: 'tcp://10.0.0.7:40000', host: '10.0.0.7', pid: 8, threads: 1 },
    ],
    threads: 2,
    startSeconds: 1,
    overheadPerTaskSeconds: 0.002,
    roundTripSeconds: 0.01,
    taskWorker: [0, 1, -1, 1],
  };
  run.cluster = cluster;
  const g = taskStreamGeometry(run)!;
  assert.deepEqual(g.lanes, ['tcp://10.0.0.6:40000', 'tcp://10.0.0.7:40000', 'unknown worker']);
  assert.equal(g.spanMs, 200);
  assert.deepEqual(
    g.bars.map((b) => b.lane),
    [0, 1, 2, 1],
  );
  const scale = (STREAM.width - STREAM.left - STREAM.right) / 200;
  assert.equal(g.bars[0]!.x, STREAM.left);
  assert.equal(g.bars[3]!.x, STREAM.left + 60 * scale);
  assert.equal(g.bars[3]!.width, 140 * scale);
  assert.match(g.bars[1]!.title, /^task 1: 40\.0 ms on tcp:\/\/10\.0\.0\.7:40000$/);
  assert.equal(
    taskStreamGeometry({ ...run, cluster: { ...cluster, kind: 'local' } }),
    null,
    'a local cluster is sampled instead',
  );
});
