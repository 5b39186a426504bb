// The analysis on profiles recorded from real runs of the labelled fixtures (test/helpers/recorded.ts):
// which verdict and which route, choices that hinge on speedups measured on a real machine, are
// tested here on those measurements, deterministically. `npm run accuracy` measures them afresh.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeProfile } from '../../src/profiler/analysis/index';
import { loadRecorded, recordedCases, routeOf } from '../helpers/recorded';

const cases = recordedCases();

test('profiles are recorded for the labelled fixtures', () => {
  assert.ok(cases.length >= 10, `${cases.length} recorded profiles`);
});

for (const entry of cases) {
  const expected = `${entry.kind} -> ${entry.routes.join('|')}`;
  test(`${entry.fixture} (recorded ${entry.recordedAt.slice(0, 10)}): ${expected}`, () => {
    const profile = loadRecorded(entry);
    const { verdict, recommendation } = analyzeProfile(profile);
    assert.equal(verdict.kind, entry.kind, `evidence:\n${verdict.evidence.join('\n')}`);
    const route = routeOf(recommendation.strategy);
    assert.ok(
      entry.routes.includes(route),
      `recommended ${recommendation.strategy} (${route}), expected ${entry.routes.join(' or ')}: ` +
        recommendation.rationale,
    );
  });
}
