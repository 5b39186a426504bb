import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticProfile } from '../../bench/synthetic-profile';
import { bestStrategy, resultSummary } from '../../src/extension/resultSummary';
import type { Profile, StrategyResult } from '../../src/profiler/profile';

function withStrategy(profile: Profile, id: string, change: Partial<StrategyResult>): Profile {
  const base = profile.strategies.find((s) => s.id === 'threads-4')!;
  return { ...profile, strategies: [...profile.strategies, { ...base, id, ...change }] };
}

test('the lens text is the verdict label and the fastest strategy', () => {
  const profile = withStrategy(syntheticProfile(), 'processes-fork', { kind: 'processes', speedup: 1.94 });
  assert.equal(resultSummary(profile), 'CPU-bound, holding the GIL - processes-fork 1.9x');
});

test('a strategy whose results differ from serial is never the best', () => {
  const profile = withStrategy(syntheticProfile(), 'threads-32', { speedup: 3, resultsMatchBaseline: false });
  assert.equal(bestStrategy(profile)?.id, 'threads-4');
});

test('without a verdict the speedup alone is shown; a partial profile says so', () => {
  const profile = { ...syntheticProfile({ withAnalysis: false }), interrupted: true };
  assert.equal(resultSummary(profile), 'threads-4 0.9x - (partial)');
});

test('when only serial finished there is no speedup to show', () => {
  const profile = syntheticProfile({ withAnalysis: false });
  profile.strategies = profile.strategies.filter((s) => s.kind === 'serial');
  assert.equal(bestStrategy(profile), null);
  assert.equal(resultSummary(profile), 'No strategy finished');
});
