// When the Dask strategies are offered, and the advice on built profiles: the cluster route
// measured with the workers its per-task cost allows, a cluster recommended only when it clearly
// wins, and the code to run it. Real Dask runs are in test/integration/dask.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeProfile } from '../../src/profiler/analysis/index';
import { payingWorkers, projectCluster } from '../../src/profiler/analysis/cluster';
import { checkSchedulerAddress, daskOffer, DASK_MIN_TASK_SECONDS } from '../../src/profiler/daskRuns';
import type { ClusterInfo, Profile, StrategyResult } from '../../src/profiler/profile';
import { CPU, profile, strategy } from '../helpers/profileBuilders';

function cluster(kind: ClusterInfo['kind'], threads: number, overhead = 0.002): ClusterInfo {
  return {
    kind,
    scheduler: kind === 'local' ? 'tcp://127.0.0.1:40000' : 'tcp://10.0.0.5:8786',
    distributedVersion: '2022.12.1',
    workers: Array.from({ length: threads }, (_, i) => ({
      address: `tcp://127.0.0.1:${41000 + i}`,
      host: '127.0.0.1',
      pid: 100 + i,
      threads: 1,
    })),
    threads,
    startSeconds: 3,
    overheadPerTaskSeconds: overhead,
    roundTripSeconds: 0.01,
    taskWorker: Array.from({ length: 8 }, (_, i) => i % threads),
  };
}

/** Serial tasks of 100 ms (8 tasks, 0.8 s). */
const route = (p: Profile) => analyzeProfile(p).recommendation.routes!.find((r) => r.route === 'cluster')!;

describe('offering Dask in the default sweep', () => {
  const baseline = (taskMs: number): StrategyResult => strategy({ id: 'serial', taskMs }, (8 * taskMs) / 1000, 8);

  test('tasks shorter than the threshold leave dask-local out, saying why, without importing distributed', async () => {
    let asked = false;
    const offer = await daskOffer(baseline(10), null, 2, () => {
      asked = true;
      return Promise.resolve(null);
    });
    assert.deepEqual(offer.specs, []);
    assert.equal(asked, false);
    assert.equal(offer.leftOut[0]!.strategy, 'dask-local');
    assert.match(offer.leftOut[0]!.reason, /tasks of 10\.0 ms are shorter than the 50 ms a cluster needs/);
  });

  test('long tasks get dask-local when distributed imports; a scheduler adds dask', async () => {
    const ok = () => Promise.resolve(null);
    const long = DASK_MIN_TASK_SECONDS * 1000 * 2;
    assert.deepEqual(
      (await daskOffer(baseline(long), null, 2, ok)).specs.map((s) => [s.id, s.kind, s.workers]),
      [['dask-local', 'dask', 2]],
    );
    const both = await daskOffer(baseline(long), 'tcp://127.0.0.1:8786', 2, ok);
    assert.deepEqual(
      both.specs.map((s) => s.id),
      ['dask-local', 'dask'],
    );
    // A given scheduler is used even for short tasks; dask-local still says why it was left out.
    const short = await daskOffer(baseline(5), 'tcp://127.0.0.1:8786', 2, ok);
    assert.deepEqual(
      short.specs.map((s) => s.id),
      ['dask'],
    );
    assert.equal(short.leftOut.length, 1);
  });

  test('when distributed does not import, both are left out with what to install', async () => {
    const offer = await daskOffer(baseline(200), 'tcp://127.0.0.1:8786', 2, () =>
      Promise.resolve("ModuleNotFoundError: No module named 'distributed'"),
    );
    assert.deepEqual(offer.specs, []);
    assert.deepEqual(
      offer.leftOut.map((l) => l.strategy),
      ['dask-local', 'dask'],
    );
    assert.match(offer.leftOut[0]!.reason, /distributed does not import .*pip install "distributed"/);
  });

  test('--dask-scheduler takes a scheduler address', () => {
    assert.equal(checkSchedulerAddress(' tcp://127.0.0.1:8786 '), 'tcp://127.0.0.1:8786');
    assert.throws(() => checkSchedulerAddress('127.0.0.1:8786'), /tcp:\/\/HOST:8786/);
  });
});

describe('the cluster route and the recommendation', () => {
  test('workers that pay off: task time over the per-task scheduler cost, at the efficiency measured', () => {
    const c = cluster('local', 2, 0.002);
    assert.equal(payingWorkers(0.1, c), 50);
    const run = { speedup: 1.8 } as Parameters<typeof projectCluster>[0];
    assert.equal(projectCluster(run, c, 0.1, 8), 7.2);
    assert.equal(projectCluster(run, c, 0.1, 400), 45, 'capped by the scheduler at 50 workers x 0.9');
  });

  test('a measured dask-local run covers the cluster route with its worker projection', () => {
    const p = profile({
      strategies: [
        { id: 'serial', states: CPU },
        { id: 'processes-fork', speedup: 1.7 },
        { id: 'dask-local', speedup: 1.6, cluster: cluster('local', 2) },
      ],
    });
    const r = route(p);
    assert.equal(r.status, 'measured');
    assert.deepEqual(r.strategies, ['dask-local']);
    assert.match(r.reason, /up to ~50 workers pay off/);
    assert.match(r.detail, /Each task cost the scheduler 2\.00 ms .* up to ~50 workers would pay off/);
    // Near a process pool's speedup, the simpler pool wins.
    assert.equal(analyzeProfile(p).recommendation.strategy, 'processes-fork');
  });

  test('a given cluster that clearly wins is recommended, with its projection and the code to use it', () => {
    const p = profile({
      strategies: [
        { id: 'serial', states: CPU },
        { id: 'processes-fork', speedup: 1.7 },
        { id: 'dask', workers: 8, speedup: 6.4, cluster: cluster('remote', 8) },
      ],
    });
    const rec = analyzeProfile(p).recommendation;
    assert.equal(rec.strategy, 'dask');
    assert.equal(rec.projected!.model, 'cluster');
    assert.match(rec.rationale, /each worker is a process with its own GIL, and a cluster grows past this machine/);
    assert.match(rec.codeChange!, /Client\("tcp:\/\/10\.0\.0\.5:8786"\)/);
    assert.match(rec.codeChange!, /client\.upload_file\("work\.py"\)/);
    assert.match(rec.codeChange!, /client\.submit\(work, \*a, pure=False\)/);
  });

  test('without a cluster run, the route says why dask-local was left out', () => {
    const p = profile({
      strategies: [
        { id: 'serial', states: CPU },
        { id: 'processes-fork', speedup: 1.9 },
      ],
    });
    p.leftOut = [{ strategy: 'dask-local', reason: 'distributed does not import in this interpreter (...)' }];
    const r = route(p);
    assert.equal(r.status, 'unmeasured');
    assert.match(r.detail, /dask-local was not run \(distributed does not import/);
  });
});
