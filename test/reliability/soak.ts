// A soak: 50 profiles one after another in one engine process (the engine as a library, as a
// long-lived host would use it), checking that memory, open files, run folders and processes stay
// flat: nothing a run opens or starts may outlive it.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { runProfile } from '../../src/profiler/engine';
import { processRef } from '../../src/profiler/launcher';
import { RUN_DIR_PREFIX } from '../../src/profiler/runDirs';
import { processTree } from '../../src/profiler/sampler/threadSampler';
import { PYTHON, ROOT } from '../helpers/cli';
import { tally } from './tally';

const RUNS = 50;
/** Runs before the baseline is taken: caches, lazily compiled code and the schema validator settle. */
const WARM_UP = 5;
/** Heap growth allowed over the 45 measured runs after a full GC: about 60 KB a run. A profile of
 * this run is ~100 KB in memory, so keeping even one per run would show. */
const HEAP_GROWTH_BYTES = 3 * 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Descendants of this process that are alive (zombies are exited processes not yet reaped). */
function liveDescendants(): number[] {
  return processTree(process.pid).filter((pid) => pid !== process.pid && processRef(pid) !== null);
}

function openFiles(): number {
  return readdirSync('/proc/self/fd').length;
}

function ownRunFolders(): number {
  return readdirSync(tmpdir()).filter((name) => name.startsWith(`${RUN_DIR_PREFIX}${process.pid}-`)).length;
}

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('soak', () => {
  test(`${RUNS} profiles in one engine process leave memory, open files, run folders and processes flat`, async () => {
    let baseline: { heap: number; files: number } | null = null;
    // Processes this test process had started before (the CLIs of other tests, being reaped) are not the soak's.
    const before = new Set(liveDescendants());
    for (let run = 1; run <= RUNS; run++) {
      const { profile, exitCode } = await runProfile({
        file: join(ROOT, 'test', 'fixtures', 'reliability', 'hostile.py'),
        functionName: 'quick',
        args: '[(n,) for n in range(8)]',
        strategies: ['serial', 'threads'],
        workers: 2,
        scaling: 'off',
        python: PYTHON,
      });
      tally.inputsTried++;
      assert.equal(
        exitCode,
        0,
        `run ${run}: ${profile.strategies.map((s) => `${s.id} ${s.status} ${s.error}`).join('; ')}`,
      );
      const children = liveDescendants().filter((pid) => !before.has(pid));
      if (children.length) tally.processesLeft += children.length;
      assert.deepEqual(children, [], `run ${run} left processes`);
      assert.equal(ownRunFolders(), 0, `run ${run} left its run folder`);
      if (run === WARM_UP) baseline = { heap: heapAfterGc(), files: openFiles() };
    }
    const heap = heapAfterGc();
    const files = openFiles();
    console.log(
      `soak: ${RUNS} profiles; heap after GC ${(baseline!.heap / 1e6).toFixed(1)} MB after run ${WARM_UP}, ` +
        `${(heap / 1e6).toFixed(1)} MB after run ${RUNS}; open files ${baseline!.files} -> ${files}`,
    );
    assert.ok(files <= baseline!.files, `open files grew from ${baseline!.files} to ${files}`);
    assert.ok(heap - baseline!.heap < HEAP_GROWTH_BYTES, `heap grew by ${heap - baseline!.heap} bytes`);
  });
});
