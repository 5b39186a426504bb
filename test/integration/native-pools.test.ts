// Native thread pools seen in real runs: OpenBLAS under Debian's numpy (/usr/bin/python3 with
// libopenblas0-pthread and threadpoolctl) and under the PATH interpreter's own numpy wheel, numexpr's
// pool, and none for pure Python next to an idle numpy. Assertions hold under load: they key on which
// threads ran, never on how fast.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { writeExports } from '../../src/profiler/export/index';
import type { Profile } from '../../src/profiler/profile';
import { NATIVE_THREAD_VARIABLES } from '../../src/profiler/strategies';
import { parseStrategyId } from '../../src/shared/strategyId';
import { ENGINE_FIXTURES, PYTHON, ROOT, runCli, strategy } from '../helpers/cli';
import { canImport } from '../helpers/python';
import { assertValidProfile } from '../helpers/schema';
import { launchChromium, MEDIA_DIR } from './report-browser';

const ANALYSIS_FIXTURES = join(ROOT, 'test', 'fixtures', 'analysis');
const outDir = mkdtempSync(join(tmpdir(), 'native-pools-'));
after(() => rmSync(outDir, { recursive: true, force: true }));

/** A multi-threaded BLAS starts one thread per core beside the caller: one core has no pool. */
const SKIP_ONE_CORE = availableParallelism() < 2 ? 'needs 2 cores for a BLAS thread pool' : false;

async function profile(file: string, fn: string, args: string, python: string, extra: string[]): Promise<Profile> {
  const out = join(outDir, `${fn}-${Date.now()}.json`);
  const run = await runCli([
    'profile',
    file,
    '--function',
    fn,
    '--args',
    args,
    '--python',
    python,
    '--workers',
    '2',
    '--timeout',
    '60',
    '--out',
    out,
    ...extra,
  ]);
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(readFileSync(out, 'utf8')) as Profile;
  assertValidProfile(result);
  // The table has the native pools column exactly when some run had a pool.
  const anyPool = result.strategies.some((s) => s.nativePools?.length);
  assert.equal(/native pools/.test(run.stdout), anyPool, run.stdout);
  return result;
}

function assertOpenBlasPool(p: Profile, id: string): void {
  const s = strategy(p, id);
  const pool = s.nativePools?.find((n) => n.library === 'openblas');
  assert.ok(pool, `${id}: no openblas pool in ${JSON.stringify(s.nativePools)}`);
  assert.ok(pool.threads >= 1 && pool.cpuShare > 0 && pool.cpuShare <= 1, JSON.stringify(pool));
  assert.match(pool.path ?? '', /openblas/);
  const laned = s.threads.filter((t) => t.nativePool === 'openblas');
  assert.equal(laned.length, pool.threads, 'each pool thread is marked for its lane');
  assert.ok(
    laned.every((t) => t.tid !== t.pid),
    'the main thread is the caller, not a pool thread',
  );
}

function assertLimitedToOne(p: Profile, id: string, threadpoolctl: boolean | null): void {
  const s = strategy(p, id);
  assert.equal(s.status, 'ok', `${id}: ${s.error}`);
  assert.deepEqual(s.nativeLimit?.variables, [...NATIVE_THREAD_VARIABLES]);
  assert.equal(s.nativeLimit?.threads, 1);
  if (threadpoolctl !== null) assert.equal(s.nativeLimit?.threadpoolctl, threadpoolctl);
  assert.equal(s.resultsMatchBaseline, true, `${id}: ${JSON.stringify(s.firstDifference)}`);
  assert.equal(s.resultsTolerance, 1e-6);
  assert.deepEqual(s.nativePools, [], `${id} runs one native thread per worker`);
}

test(
  'OpenBLAS under Debian numpy: the pool is named, and the sweep measures one native thread per worker',
  { skip: SKIP_ONE_CORE, timeout: 300_000 },
  async () => {
    const p = await profile(join(ANALYSIS_FIXTURES, 'numpy_blas.py'), 'product', 'range(16)', PYTHON, []);
    assertOpenBlasPool(p, 'serial');
    // Debian's python3-threadpoolctl is installed by scripts/test-deps.sh: it reports OpenBLAS's limit.
    const pool = strategy(p, 'serial').nativePools!.find((n) => n.library === 'openblas')!;
    assert.ok(pool.maxThreads !== null && pool.maxThreads >= 2, JSON.stringify(pool));
    const ids = p.strategies.map((s) => s.id);
    for (const id of ['serial+native-1', 'threads+native-1', 'processes-fork+native-1'])
      assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
    for (const id of ['serial+native-1', 'threads+native-1', 'processes-fork+native-1'])
      assertLimitedToOne(p, id, true);
    assert.equal(strategy(p, 'threads+native-1').workers, 2);
    await assertReportShowsPools(p);
  },
);

/** The webview (the HTML report runs the same bundle) shows the pools in the strategies table. */
async function assertReportShowsPools(p: Profile): Promise<void> {
  const html = join(outDir, 'report.html');
  await writeExports(p, { html, mediaDir: MEDIA_DIR });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`file://${html}`);
    const table = page.getByTestId('strategy-table');
    await table.waitFor();
    const head = await table.locator('thead th').allTextContents();
    const column = head.indexOf('Native pools');
    assert.ok(column > 0, head.join(' | '));
    const cell = async (id: string): Promise<string> => {
      const row = table
        .locator('tbody tr:not(.detail)')
        .filter({ has: page.locator('th', { hasText: new RegExp(`^${id.replace(/[+.]/g, '\\$&')}$`) }) });
      return (await row.first().locator('th, td').nth(column).textContent()) ?? '';
    };
    assert.match(await cell('serial'), /^openblas \d+ \(\d+%\)/);
    assert.equal(await cell('serial+native-1'), 'limited to 1 thread per pool');
  } finally {
    await browser.close();
  }
}

test(
  "OpenBLAS inside the PATH interpreter's numpy wheel is named too",
  {
    skip: SKIP_ONE_CORE || (canImport('python3', 'numpy') ? false : 'the python3 on PATH has no numpy'),
    timeout: 300_000,
  },
  async () => {
    const p = await profile(join(ANALYSIS_FIXTURES, 'numpy_blas.py'), 'product', 'range(16)', 'python3', [
      '--strategies',
      'serial,serial+native-1',
    ]);
    assertOpenBlasPool(p, 'serial');
    assertLimitedToOne(p, 'serial+native-1', canImport('python3', 'threadpoolctl'));
  },
);

test('numexpr: its own pool is named, and NUMEXPR_NUM_THREADS=1 removes it', { timeout: 300_000 }, async () => {
  const p = await profile(join(ANALYSIS_FIXTURES, 'numexpr_eval.py'), 'evaluate', 'range(8)', PYTHON, [
    '--strategies',
    'serial,serial+native-1',
  ]);
  const serial = strategy(p, 'serial');
  const pool = serial.nativePools?.find((n) => n.library === 'numexpr');
  assert.ok(pool, JSON.stringify(serial.nativePools));
  assert.match(pool.path ?? '', /numexpr/);
  assert.ok(pool.threads >= 1);
  assertLimitedToOne(p, 'serial+native-1', null);
});

test('pure Python next to an idle numpy: no native pool, no native strategies', { timeout: 300_000 }, async () => {
  const p = await profile(join(ENGINE_FIXTURES, 'numpy_python_loop.py'), 'spin', '[(300_000,)] * 8', PYTHON, []);
  // Strategies on other interpreters (serial@pypy3.9 for pure Python) may not import numpy at all.
  for (const s of p.strategies.filter((r) => parseStrategyId(r.id)?.interpreter === null)) {
    assert.equal(s.status, 'ok', `${s.id}: ${s.error}`);
    assert.deepEqual(s.nativePools, [], `${s.id}: ${JSON.stringify(s.nativePools)}`);
  }
  assert.ok(!p.strategies.some((s) => s.nativeLimit !== null), p.strategies.map((s) => s.id).join(', '));
});
