import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOSTILE_NAME, syntheticProfile } from '../helpers/syntheticProfile';
import { runEvent } from '../../src/extension/telemetryEvent';

test('a run event holds the outcome, verdict kind and counts', () => {
  assert.deepEqual(runEvent('ok', syntheticProfile(), 12.345), {
    properties: {
      outcome: 'ok',
      mode: 'function',
      verdictKind: 'cpu-bound-gil',
      recommendedKind: 'serial',
      runtime: 'python',
      pythonImplementation: 'CPython',
    },
    measurements: { durationSeconds: 12.3, strategies: 3, failedStrategies: 1, tasks: 16, logicalCores: 2 },
  });
});

test('no code, path, name, argument or message leaves in an event', () => {
  const profile = syntheticProfile({ hostileName: true });
  profile.workload.args = "[('secret',)] * 8";
  const sent = JSON.stringify(runEvent('serialFailed', profile, 1));
  for (const privateText of [
    profile.workload.file,
    'word_stats',
    'count_words',
    HOSTILE_NAME,
    'secret',
    '/usr/bin/python3',
    'ProcessPoolExecutor',
  ]) {
    assert.ok(!sent.includes(privateText), `${privateText} was in ${sent}`);
  }
  for (const strategy of profile.strategies) {
    if (strategy.error) assert.ok(!sent.includes(strategy.error));
  }
});

test('without a profile only the outcome and duration are sent', () => {
  assert.deepEqual(runEvent('usageError', null, 0.04), {
    properties: { outcome: 'usageError' },
    measurements: { durationSeconds: 0 },
  });
});
