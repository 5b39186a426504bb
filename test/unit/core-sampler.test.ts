// The core sampler also reads the profiler process's own CPU: the engine and its samplers use the
// cores too, and that share is not other programs' load. Real timers and real CPU time here.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { CoreSampler } from '../../src/profiler/sampler/coreSampler';

/** Spins until this process has used `ms` more CPU (wall time would be longer on a loaded machine). */
function burnCpu(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return;
  }
}

test("the profiler's CPU is recorded per tick, as a share of one core that adds up to what it used", async () => {
  const sampler = new CoreSampler(50, process.hrtime.bigint());
  sampler.start();
  try {
    burnCpu(300);
    await sleep(120); // the late tick covers the burn; the next ones the idle wait
  } finally {
    sampler.stop();
  }
  assert.equal(sampler.profiler.length, sampler.busy[0]!.length, 'one value per core tick');
  const usedMs = sampler.profiler.reduce((sum, share) => sum + share * 50, 0);
  // A late tick's share is spread over the whole intervals it spans: up to one interval's worth
  // carries over, so the sum may fall short by about that much.
  assert.ok(usedMs >= 300 - 2 * 50, `${usedMs.toFixed(0)} ms of CPU recorded for a 300 ms burn`);
  assert.ok(sampler.profiler.every((share) => share >= 0));
});
