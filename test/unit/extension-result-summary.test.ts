// The lens and status-bar line says what the profile's verdict and recommendation say: the
// recommended strategy with its measured speedup, never a strategy picked again here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeProfile } from '../../src/profiler/analysis/index';
import { resultSummary, statusBarText } from '../../src/extension/resultSummary';
import type { Profile } from '../../src/profiler/profile';
import { CPU, GIL2, profile } from '../helpers/profileBuilders';

const analysed = (p: Profile): Profile => Object.assign(p, analyzeProfile(p));

test('the recommended strategy and its measured speedup, after the verdict label', () => {
  const p = analysed(
    profile({
      strategies: [
        { id: 'serial', states: CPU },
        { id: 'threads', states: GIL2, speedup: 1.0 },
        { id: 'processes-fork', speedup: 1.94 },
      ],
    }),
  );
  assert.equal(resultSummary(p), 'CPU-bound (GIL) - processes-fork 1.94x');
  assert.equal(statusBarText(p), 'Concurrency: CPU-bound (GIL) - processes-fork 1.94x');
});

test('a faster strategy the recommendation rejects is not the one shown', () => {
  // threads-8 computed other results than serial (a race): never recommended, so never in the lens.
  const p = analysed(
    profile({
      strategies: [
        { id: 'serial', states: CPU },
        { id: 'threads', states: GIL2, speedup: 1.0 },
        { id: 'threads-8', workers: 8, states: GIL2, speedup: 3, match: false },
        { id: 'processes-fork', speedup: 1.5 },
      ],
    }),
  );
  assert.equal(p.recommendation?.strategy, 'processes-fork');
  assert.equal(resultSummary(p), 'CPU-bound (GIL) - processes-fork 1.50x');
});

test('below the margin the lens says to keep serial', () => {
  const p = analysed(
    profile({
      strategies: [
        { id: 'serial', states: CPU },
        { id: 'threads', states: GIL2, speedup: 1.0 },
        { id: 'processes-fork', speedup: 1.1 },
      ],
    }),
  );
  assert.equal(resultSummary(p), 'CPU-bound (GIL) - serial (keep it)');
});

test('an unmeasured route is named as such; a partial profile says so', () => {
  const p = analysed(
    profile({
      mode: 'script',
      strategies: [{ id: 'script', kind: 'script', states: CPU }],
    }),
  );
  p.interrupted = true;
  assert.equal(resultSummary(p), 'CPU-bound (GIL) - native-threads (unmeasured) - (partial)');
});

test('a failed baseline and a profile without analysis say what happened', () => {
  const failed = profile({ strategies: [{ id: 'serial', status: 'failed' }] });
  assert.equal(resultSummary(failed), 'serial failed');
  const raw = profile({ strategies: [{ id: 'serial', states: CPU }] });
  assert.equal(resultSummary(raw), 'not analysed');
});
