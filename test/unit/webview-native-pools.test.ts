// The native thread pools in the webview: the strategies table's pools cell (text and title) and the
// per-thread chart's lane title of a pool thread.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StrategyResult } from '../../src/profiler/profile';
import { threadLabel, threadLanes } from '../../src/webview/model';
import { nativePoolCell } from '../../src/webview/summary';
import { syntheticProfile } from '../helpers/syntheticProfile';

function strategy(): StrategyResult {
  return structuredClone(syntheticProfile({ threads: 2, samplesPerThread: 4 }).strategies[1]!);
}

test('a run on native pools: library, threads and CPU share; the title names the file and the limit', () => {
  const s = strategy();
  s.nativePools = [
    { library: 'openblas', threads: 1, cpuShare: 0.48, path: '/usr/lib/libopenblasp-r0.3.21.so', maxThreads: 2 },
    { library: 'numexpr', threads: 2, cpuShare: 0.12, path: null, maxThreads: null },
  ];
  const cell = nativePoolCell(s);
  assert.equal(cell.text, 'openblas 1 (48%), numexpr 2 (12%)');
  assert.equal(
    cell.title,
    'openblas (libopenblasp-r0.3.21.so): 1 pool thread(s) beside the task threads did 48% of the CPU; ' +
      'threadpoolctl limit 2 per process\nnumexpr: 2 pool thread(s) beside the task threads did 12% of the CPU',
  );
});

test('a +native-1 run says the limit it set and how; a run without pools says none, unread says a dash', () => {
  const s = strategy();
  s.nativeLimit = { threads: 1, variables: ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS'], threadpoolctl: true };
  assert.deepEqual(nativePoolCell(s), {
    text: 'limited to 1 thread per pool',
    title: 'OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1, threadpoolctl.threadpool_limits(1)',
  });
  s.nativeLimit = null;
  assert.equal(nativePoolCell(s).text, 'none');
  s.nativePools = null;
  assert.equal(nativePoolCell(s).text, '—');
});

test('a native pool thread gets its own lane title in the per-thread chart', () => {
  const s = strategy();
  s.threads[1]!.nativePool = 'openblas';
  s.threads[1]!.name = 'python3';
  assert.equal(threadLabel(s.threads[0]!), `${s.threads[0]!.name} (${s.threads[0]!.tid})`);
  assert.equal(threadLabel(s.threads[1]!), `openblas pool thread · python3 (${s.threads[1]!.tid})`);
  const lanes = threadLanes(s, 200).lanes;
  assert.ok(lanes[1]!.label.startsWith('openblas pool thread · python3'), lanes[1]!.label);
  assert.ok(!lanes[0]!.label.includes('pool thread'), lanes[0]!.label);
});
