// The /proc sampler looks for new processes every 100 ms, and at every tick for a while after it found
// one: a pool's workers, a fork server and its workers come in bursts, and a process found late has
// its first tens of milliseconds unsampled. Real processes: a Python parent forks a child on cue.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { ThreadSampler } from '../../src/profiler/sampler/threadSampler';
import { PYTHON } from '../helpers/cli';

const FORK_ON_CUE = `
import os, sys, time
sys.stdin.readline()
pid = os.fork()
if pid == 0:
    time.sleep(30)
    os._exit(0)
print(pid, flush=True)
sys.stdin.readline()
os.kill(pid, 9)
os.waitpid(pid, 0)
`;

/** One try: whether the child was found at the tick right after the fork, and how long that took. */
async function childFoundAtNextTick(): Promise<{ found: boolean; elapsedMs: number }> {
  const parent = spawn(PYTHON, ['-c', FORK_ON_CUE], { stdio: ['pipe', 'pipe', 'inherit'] });
  const sampler = new ThreadSampler(parent.pid!, 200, process.hrtime.bigint());
  const tick = (): void => (sampler as unknown as { tick(): void }).tick();
  try {
    tick(); // finds the parent: something new, so the next ticks look again
    const started = performance.now();
    parent.stdin.write('\n');
    const [line] = (await once(parent.stdout, 'data')) as [Buffer];
    const child = Number(line.toString().trim());
    tick();
    return { found: sampler.processes.has(child), elapsedMs: performance.now() - started };
  } finally {
    sampler.stop();
    parent.stdin.end('\n');
    await once(parent, 'exit');
  }
}

test('a process forked soon after the last one found is found at the next tick', { timeout: 60_000 }, async () => {
  for (let attempt = 0; attempt < 10; attempt++) {
    const { found, elapsedMs } = await childFoundAtNextTick();
    // Past the eager window the next tick need not look: on a busy machine the fork can take that long.
    if (elapsedMs >= 80) continue;
    assert.ok(found, `the child was not found ${elapsedMs.toFixed(0)} ms after the parent`);
    return;
  }
  assert.fail('every try took 80 ms or more between the parent found and its child forked');
});
