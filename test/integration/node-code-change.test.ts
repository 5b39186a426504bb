// The code changes the Node advice prints are real programs: each pool snippet is saved next to a
// copy of the profiled module and run by Node, and must return what serial calls return.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { nodeCodeChange, type NodeRoute } from '../../src/profiler/analysis/node/codeChange';
import type { Workload } from '../../src/profiler/profile';
import { ROOT } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'node-code-change-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const CJS = join(ROOT, 'test', 'fixtures', 'node', 'cpu_loop.cjs');
const ARGS = '[[1000], [2000], [3000], [4000], [5000]]';

/** Runs the snippet for `route` as pool.cjs/pool.mjs beside the module, calling runAll on ARGS. */
function runSnippet(route: NodeRoute, esm: boolean): unknown {
  const module = esm ? 'work.mjs' : 'work.cjs';
  if (esm) writeFileSync(join(dir, module), 'export { spin } from "./work.cjs";\n');
  copyFileSync(CJS, join(dir, 'work.cjs'));
  const workload: Workload = { file: join(dir, module), function: 'spin', args: ARGS, tasks: 5, isAsync: false };
  const code = nodeCodeChange(workload, {
    route,
    workers: 2,
    uvThreads: null,
    verdict: 'cpu-bound-event-loop',
    sharesState: false,
  });
  assert.ok(code, `a code change for ${route}`);
  const pool = join(dir, esm ? `${route}.mjs` : `${route}.cjs`);
  writeFileSync(pool, code);
  const driver = esm
    ? `import { runAll } from ${JSON.stringify(pool)};\nconsole.log(JSON.stringify(await runAll(${ARGS})));\n`
    : `const { runAll } = require(${JSON.stringify(pool)});\nrunAll(${ARGS}).then((r) => ` +
      `console.log(JSON.stringify(r)));\n`;
  const main = join(dir, esm ? `main-${route}.mjs` : `main-${route}.cjs`);
  writeFileSync(main, driver);
  return JSON.parse(execFileSync(process.execPath, [main], { encoding: 'utf8', timeout: 60_000 }));
}

const { spin } = createRequire(__filename)(CJS) as { spin(n: number): number };
const serial = (JSON.parse(ARGS) as number[][]).map(([n]) => spin(n!));

for (const route of ['worker-threads', 'child-processes'] as const) {
  for (const esm of [false, true]) {
    test(`the ${route} pool snippet (${esm ? 'ES module' : 'CommonJS'}) runs and returns serial's results`, () => {
      assert.deepEqual(runSnippet(route, esm), serial);
    });
  }
}
