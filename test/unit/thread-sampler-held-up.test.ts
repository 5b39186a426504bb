// A machine busy enough to keep the profiler itself off the cores leaves holes in the thread
// samples: the /proc sampler notes every late tick, and a run reports those that fell while its
// tasks ran. Here the sampler's own event loop is blocked, as an overloaded machine does to it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { heldUpWhileTasksRan } from '../../src/profiler/assemble';
import { ThreadSampler } from '../../src/profiler/sampler/threadSampler';

test('a tick held up by a blocked event loop is noted with its start and end', async () => {
  const child = spawn('sleep', ['30']);
  const sampler = new ThreadSampler(child.pid!, 200, process.hrtime.bigint());
  try {
    sampler.start();
    await sleep(30);
    const blockedFrom = performance.now();
    while (performance.now() - blockedFrom < 250); // nothing else runs on this thread meanwhile
    await sleep(30);
  } finally {
    sampler.stop();
    child.kill();
    await once(child, 'exit');
  }
  const longest = Math.max(...sampler.heldUp.map((g) => g.end - g.start));
  assert.ok(longest >= 250, JSON.stringify(sampler.heldUp));
  assert.ok(sampler.samples.length > 0, 'the ticks before and after sampled the child');
});

test('hold-ups count only inside the tasks window, clipped to it', () => {
  const gaps = [
    { start: 0, end: 90 }, // before the tasks
    { start: 150, end: 260 }, // straddles the start: 60 ms inside
    { start: 400, end: 480 },
    { start: 950, end: 1200 }, // straddles the end: 50 ms inside
  ];
  assert.deepEqual(heldUpWhileTasksRan(gaps, { start: 200, end: 1000 }), {
    count: 3,
    ms: 190,
    longestMs: 80,
    taskMs: 800,
  });
  assert.equal(heldUpWhileTasksRan(gaps.slice(0, 1), { start: 200, end: 1000 }), null);
  assert.equal(heldUpWhileTasksRan(gaps, null), null);
});
