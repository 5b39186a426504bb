// "Just my code": runs of runtime frames fold into one [runtime] frame; the samples stay the same.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stackFrames } from '../../src/profiler/export/stacks';
import { RUNTIME_FRAME } from '../../src/shared/frames';
import { foldRuntime } from '../../src/webview/justMyCode';
import { callTree, functionStats } from '../../src/webview/model';
import { syntheticProfile } from '../helpers/syntheticProfile';

const names = (s: ReturnType<typeof foldRuntime>, leaf: number): string[] =>
  stackFrames(s.stacks, leaf).map((f) => s.frames.name[f]!);

test('a pool thread’s threading and concurrent.futures frames become one [runtime] frame', () => {
  const threads = syntheticProfile({ runtimeFrames: true }).strategies.find((s) => s.kind === 'threads')!;
  const folded = foldRuntime(threads);
  assert.equal(folded.samples.t, threads.samples.t, 'the samples are the same');
  assert.equal(folded.samples.stack.length, threads.samples.stack.length);
  for (let i = 0; i < threads.samples.stack.length; i += 37) {
    const before = threads.samples.stack[i]!;
    const after = folded.samples.stack[i]!;
    if (before < 0) {
      assert.equal(after, -1);
      continue;
    }
    const mine = names(threads, before).filter((n) => !['_bootstrap_inner', 'run', '_worker'].includes(n));
    assert.deepEqual(names(folded, after), [RUNTIME_FRAME, ...mine], `sample ${i}`);
  }
  const roots = callTree(folded);
  const rootFrames = [...roots.parent.keys()].filter((a) => roots.parent[a] === -1).map((a) => roots.frame[a]!);
  assert.deepEqual(
    rootFrames.map((f) => folded.frames.name[f]),
    [RUNTIME_FRAME],
  );
  const stats = functionStats(folded);
  assert.ok(stats.some((s) => folded.frames.name[s.frame] === RUNTIME_FRAME));
  assert.ok(!stats.some((s) => folded.frames.name[s.frame] === '_worker'));
  assert.equal(
    stats.find((s) => folded.frames.name[s.frame] === 'count_words')!.total,
    functionStats(threads).find((s) => threads.frames.name[s.frame] === 'count_words')!.total,
    'the user’s functions keep their samples',
  );
});

test('library frames stay, runtime frames under user code fold, and nothing changes without runtime frames', () => {
  const s = syntheticProfile().strategies[1]!;
  assert.equal(foldRuntime(s), s, 'no runtime frame: the same strategy');
  // user work() -> threading.Condition.wait -> threading._wait (runtime, folded once) ; work() -> collections
  s.frames = {
    name: ['work', 'wait', '_wait', 'update'],
    file: [
      '/w/a.py',
      '/usr/lib/python3.11/threading.py',
      '/usr/lib/python3.11/threading.py',
      '/usr/lib/python3.11/collections/__init__.py',
    ],
    line: [1, 300, 350, 600],
  };
  s.stacks = { parent: [-1, 0, 1, 0], frame: [0, 1, 2, 3], line: [5, 320, 360, 640] };
  s.samples = {
    t: [0, 5, 10],
    thread: [0, 0, 0],
    core: [0, 0, 0],
    state: [0, 0, 0],
    stack: [2, 3, -1],
    inTask: [1, 1, 1],
  };
  const folded = foldRuntime(s);
  assert.deepEqual(names(folded, folded.samples.stack[0]!), ['work', RUNTIME_FRAME]);
  assert.deepEqual(names(folded, folded.samples.stack[1]!), ['work', 'update']);
  assert.equal(folded.samples.stack[2], -1);
});
