import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syntheticProfile } from '../helpers/syntheticProfile';
import { toCollapsed } from '../../src/profiler/export/collapsed';
import { pickStrategy } from '../../src/profiler/export/strategy';

test('collapsed stacks: one line per frame path, counts add up to the samples', () => {
  const profile = syntheticProfile({ threads: 2, samplesPerThread: 100 });
  const strategy = pickStrategy(profile, 'threads-2');
  const lines = toCollapsed(strategy).trimEnd().split('\n');
  const total = lines.reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  assert.equal(total, strategy.samples.t.length);
  assert.ok(
    lines.includes(
      `worker (word_stats.py:10);count_words (word_stats.py:17);normalize (word_stats.py:31);lower ` +
        `(word_stats.py:38) ${countLeaf(strategy, 4)}`,
    ),
  );
  assert.equal(new Set(lines.map((l) => l.slice(0, l.lastIndexOf(' ')))).size, lines.length);
});

test('separators inside function names cannot split a frame', () => {
  const profile = syntheticProfile({ threads: 1, samplesPerThread: 3 });
  const strategy = pickStrategy(profile, 'threads-1');
  strategy.frames.name[0] = 'weird;name\nx';
  strategy.samples.stack.fill(0);
  assert.equal(toCollapsed(strategy), 'weird_name_x (word_stats.py:10) 3\n');
});

function countLeaf(strategy: ReturnType<typeof pickStrategy>, leaf: number): number {
  return strategy.samples.stack.filter((s) => s === leaf).length;
}
