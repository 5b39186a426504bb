// Samples are attributed to the innermost frame of the user's file, per state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hotLines } from '../../src/profiler/analysis/hotspots';
import { THREAD_STATES } from '../../src/profiler/profile';
import { strategy } from '../helpers/profileBuilders';

test('hotLines finds the user line under library frames and skips samples outside tasks', () => {
  const s = strategy({ id: 'threads' }, 1, 8);
  // main (user, line 5) -> work (user, line 12) -> acquire (threading.py)
  s.frames = {
    name: ['main', 'work', 'acquire'],
    file: ['/p/app.py', '/p/app.py', '/usr/lib/python3.11/threading.py'],
    line: [1, 10, 100],
  };
  s.stacks = { parent: [-1, 0, 1, 0], frame: [0, 1, 2, 2], line: [5, 12, 120, 121] };
  const lock = THREAD_STATES.indexOf('lockWait');
  const run = THREAD_STATES.indexOf('running');
  s.samples = {
    t: [0, 5, 10, 15, 20],
    thread: [0, 0, 0, 0, 0],
    core: [0, 0, 0, 0, 0],
    state: [lock, lock, lock, run, lock],
    stack: [2, 2, 3, 1, 2],
    inTask: [1, 1, 1, 1, 0],
  };
  const hot = hotLines(s, '/p/app.py');
  assert.deepEqual({ ...hot.lockWait }, { function: 'work', file: '/p/app.py', line: 12, share: 0.6667, samples: 2 });
  assert.equal(hot.running?.line, 12);
  assert.equal(hot.io, undefined);
});
