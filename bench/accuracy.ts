// Accuracy of the verdict and the recommended route on labelled workloads: each fixture is profiled
// by the real engine CLI (real interpreters, real pools, no mocks) and the analysis must name the
// expected kind and route. A run measured while other programs held the cores (the profile says so)
// is measured again, up to MAX_ATTEMPTS; the expectations themselves never change.
// Routes hinge on measured speedups, which a loaded machine moves: this is a benchmark, not a test
// of `npm test`. The analysis's choices on real data are tested in test/unit/analysis-recorded.test.ts,
// on profiles this script records (--record).
// Usage: npm run accuracy [-- --record] [--attempts N] (or: node --import tsx bench/accuracy.ts ...;
// node's --test-name-pattern=REGEX before the file name picks cases)
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { analyzeProfile, formatAdvice } from '../src/profiler/analysis/index';
import { collectFacts } from '../src/profiler/analysis/facts';
import { collectNodeFacts } from '../src/profiler/analysis/node/facts';
import { DISTURBED_LOAD } from '../src/profiler/analysis/margin';
import type { NativeLibrary, Profile, Recommendation, Verdict, VerdictKind } from '../src/profiler/profile';
import { PYTHON, ROOT, runCli } from '../test/helpers/cli';
import { canImport } from '../test/helpers/python';
import { followsRoute, recordProfile } from '../test/helpers/recorded';

/** Keep each right profile as a recorded fixture for the unit tests. */
const RECORD = process.argv.includes('--record');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'analysis');
/** Runs of a case while other programs kept the cores busy (--attempts N to wait longer for a quiet moment). */
const MAX_ATTEMPTS = Number(process.argv[process.argv.indexOf('--attempts') + 1]) || 3;
/** Per-strategy --timeout: fixtures run for ~1 s, so a strategy still going after 30 s hangs. */
const STRATEGY_TIMEOUT_S = 30;
/** The slow server answers each connection this long after its request: a remote call. */
const SERVER_DELAY_MS = 40;

/** `native-1`: any strategy run with its native pools limited (serial+native-1, threads+native-1, ...). */
type Route =
  | 'serial'
  | 'threads'
  | 'processes'
  | 'asyncio'
  | 'native-1'
  /** Any strategy on another interpreter than the main one (serial@pypy3.9). */
  | 'interpreter'
  // Node.js (async+uv-N is the async route with libuv's pool raised)
  | 'async'
  | 'worker-threads'
  | 'child-processes';

interface Case {
  fixture: string;
  /** A Node.js fixture's file name (.cjs, .mjs, .js, .ts); Python fixtures are `${fixture}.py`. */
  file?: string;
  fn: string;
  args: (port: number) => string;
  kind: VerdictKind;
  /** The right route, or the routes that are equally right for this workload on this machine. */
  route: Route | Route[];
  /** What else the profile must say about this workload (the blocking line, the lock's name). */
  check?: (profile: Profile, verdict: Verdict, recommendation: Recommendation) => void;
  /** The interpreter, when not the Debian one (PYTHON). */
  python?: string;
  /** Skip with this reason (a missing package, too few cores). */
  skip?: string | false;
}

/** Work already parallel inside one call: its helper named, the one-native-thread runs measured. */
function parallelInside(library: NativeLibrary | 'children', evidence: RegExp): Case['check'] {
  return (profile, verdict, recommendation) => {
    const serial = profile.strategies[0]!;
    assert.match(verdict.evidence.join('\n'), evidence);
    if (library === 'children') {
      assert.deepEqual(serial.nativePools, [], 'a process pool is not a native thread pool');
      assert.match(recommendation.rationale + (recommendation.codeChange ?? ''), /nest/);
      return;
    }
    assert.ok(
      serial.nativePools?.some((p) => p.library === library),
      `serial's pools: ${JSON.stringify(serial.nativePools)}`,
    );
    const limited = profile.strategies.filter((s) => s.nativeLimit !== null && s.status === 'ok');
    assert.ok(
      limited.some((s) => s.id === 'serial+native-1'),
      'serial+native-1 measured',
    );
    assert.ok(
      limited.some((s) => s.kind !== 'serial'),
      `a pool with one native thread per worker measured: ${profile.strategies.map((s) => s.id).join(', ')}`,
    );
  };
}

/** Pure-Python work: no native pool, so no native strategies either. */
const noNativeStrategies: Case['check'] = (profile) => {
  assert.deepEqual(profile.strategies[0]!.nativePools, []);
  assert.ok(!profile.strategies.some((s) => s.nativeLimit !== null), profile.strategies.map((s) => s.id).join(', '));
};

const ONE_CORE = availableParallelism() < 2 ? 'a native pool needs a second core' : false;

/** The blocking line is named in the evidence and rewritten in the code change. */
function namesBlockingLine(line: number, rewritten: RegExp): Case['check'] {
  return (profile, verdict, recommendation) => {
    const file = profile.workload.file.split('/').pop()!;
    assert.match(verdict.evidence.join('\n'), new RegExp(`at ${file.replace('.', '\\.')}:${line}\\b`));
    assert.match(recommendation.codeChange ?? '', rewritten);
  };
}

/** Node work on libuv's pool: serial's pool threads were found and named. */
const onLibuvPool: Case['check'] = (profile) => {
  assert.ok(
    profile.strategies[0]!.nativePools?.some((p) => p.library === 'libuv'),
    `serial's pools: ${JSON.stringify(profile.strategies[0]!.nativePools)}`,
  );
};

const CASES: Case[] = [
  {
    fixture: 'pure_loop',
    fn: 'spin',
    args: () => '[(700000,)] * 8',
    kind: 'cpu-bound-gil',
    // A pure-Python loop: PyPy's JIT (measured where installed: 20.7x here) is as right as processes.
    route: ['processes', 'interpreter'],
    check: noNativeStrategies,
  },
  {
    fixture: 'regex_scan',
    fn: 'scan',
    args: () => 'range(8)',
    kind: 'cpu-bound-gil',
    route: ['processes', 'interpreter'],
  },
  {
    fixture: 'json_parse',
    fn: 'parse',
    args: () => 'range(8)',
    kind: 'cpu-bound-gil',
    route: ['processes', 'interpreter'],
  },
  { fixture: 'socket_client', fn: 'fetch', args: (port) => `[(${port},)] * 8`, kind: 'io-bound', route: 'threads' },
  { fixture: 'subprocess_wait', fn: 'run_child', args: () => '[(0.1,)] * 8', kind: 'io-bound', route: 'threads' },
  { fixture: 'async_sleep', fn: 'fetch', args: () => 'range(8)', kind: 'io-bound', route: 'asyncio' },
  // Coroutines that block their event loop: the verdict names the line, the code change rewrites it.
  {
    fixture: 'async_time_sleep',
    fn: 'fetch',
    args: () => 'range(8)',
    kind: 'event-loop-blocked',
    route: 'asyncio',
    check: namesBlockingLine(10, /^\s+await asyncio\.sleep\(0\.05\)$/m),
  },
  {
    fixture: 'async_hash',
    fn: 'digest',
    args: () => 'range(8)',
    kind: 'event-loop-blocked',
    route: 'asyncio',
    check: namesBlockingLine(
      12,
      /^\s+return await asyncio\.to_thread\(lambda: hashlib\.sha256\(DATA\)\.hexdigest\(\)\)$/m,
    ),
  },
  {
    fixture: 'hashlib_digest',
    fn: 'digest',
    args: () => '[(6,)] * 8',
    kind: 'cpu-bound-releases-gil',
    route: 'threads',
  },
  {
    fixture: 'zlib_compress',
    fn: 'compress',
    args: () => '[(6,)] * 8',
    kind: 'cpu-bound-releases-gil',
    route: 'threads',
  },
  {
    fixture: 'sqlite_query',
    fn: 'query',
    args: () => '[(120000,)] * 8',
    kind: 'cpu-bound-releases-gil',
    route: 'threads',
  },
  { fixture: 'numpy_matmul', fn: 'matmul', args: () => 'range(8)', kind: 'cpu-bound-releases-gil', route: 'threads' },
  {
    fixture: 'lock_sleep',
    fn: 'update',
    args: () => 'range(8)',
    kind: 'lock-contention',
    route: 'serial',
    // The module-level lock named by its variable and creation line, with the function that held it.
    check: (profile, verdict) => {
      const lock = profile.strategies.flatMap((s) => s.locks ?? [])[0];
      assert.ok(lock, 'no lock named');
      assert.deepEqual([lock.name, lock.kind, lock.site.line], ['LOCK', 'Lock', 7]);
      assert.deepEqual([lock.holders[0]?.function, lock.holders[0]?.site.line], ['update', 12]);
      assert.ok(lock.waiters >= 2 && lock.contended >= 1);
      assert.match(verdict.evidence.join('\n'), /The worst lock is LOCK, a Lock created at lock_sleep\.py:7/);
    },
  },
  { fixture: 'micro_tasks', fn: 'tiny', args: () => 'range(10000)', kind: 'overhead-bound', route: 'serial' },
  { fixture: 'big_array_arg', fn: 'norm', args: () => '[(BIG,)] * 8', kind: 'copy-bound', route: 'threads' },
  {
    fixture: 'race_counter',
    fn: 'next_ticket',
    args: () => '[(1000000,)] * 8',
    kind: 'cpu-bound-gil',
    route: 'serial',
  },
  // Half GIL-bound computing, half sleeping: a process pool of 2 overlaps both halves (~2x on 2
  // cores), and so does an I/O-sized thread pool (the sleeps overlap while the computing takes
  // turns on the GIL). Runs here measured either one ahead; serial and asyncio would be wrong.
  {
    fixture: 'mixed_cpu_sleep',
    fn: 'step',
    args: () => '[(500000,)] * 8',
    kind: 'mixed',
    route: ['threads', 'processes'],
  },
  { fixture: 'lambda_work', fn: 'work', args: () => '[(700000,)] * 8', kind: 'cpu-bound-gil', route: 'serial' },
  // Already parallel inside each call: serial keeps the cores busy by itself, so the right route is
  // serial, or a pool whose workers get one native thread each (never a pool on top of the pools,
  // unless measured clearly faster, which two cores leave no room for).
  {
    fixture: 'numpy_blas',
    fn: 'product',
    args: () => 'range(16)',
    kind: 'already-parallel',
    route: ['serial', 'native-1'],
    check: parallelInside('openblas', /through native thread pools/),
    skip: ONE_CORE,
  },
  {
    fixture: 'numpy_blas',
    fn: 'product',
    args: () => 'range(16)',
    kind: 'already-parallel',
    route: ['serial', 'native-1'],
    check: parallelInside('openblas', /through native thread pools/),
    python: 'python3',
    skip: ONE_CORE || (canImport('python3', 'numpy') ? false : 'the python3 on PATH has no numpy'),
  },
  {
    fixture: 'numexpr_eval',
    fn: 'evaluate',
    args: () => 'range(8)',
    kind: 'already-parallel',
    route: ['serial', 'native-1'],
    check: parallelInside('numexpr', /numexpr/),
    skip: ONE_CORE,
  },
  {
    fixture: 'nested_pool',
    fn: 'fan_out',
    args: () => 'range(4)',
    kind: 'already-parallel',
    route: 'serial',
    check: parallelInside('children', /through child processes it starts/),
    skip: ONE_CORE,
  },
  // Node.js: the event loop is Node's GIL; libuv's pool is its native pool.
  {
    fixture: 'js_cpu_loop',
    file: 'js_cpu_loop.cjs',
    fn: 'spin',
    args: () => 'Array(8).fill([10_000_000])',
    kind: 'cpu-bound-event-loop',
    route: ['worker-threads', 'child-processes'],
    skip: ONE_CORE,
  },
  {
    fixture: 'js_cpu_loop_esm',
    file: 'js_cpu_loop_esm.mjs',
    fn: 'spin',
    args: () => 'Array(8).fill([10_000_000])',
    kind: 'cpu-bound-event-loop',
    route: ['worker-threads', 'child-processes'],
    skip: ONE_CORE,
  },
  {
    fixture: 'js_timers',
    file: 'js_timers.mjs',
    fn: 'nap',
    args: () => 'Array(8).fill([150])',
    kind: 'io-bound',
    route: 'async',
  },
  {
    fixture: 'js_sync_in_async',
    file: 'js_sync_in_async.mjs',
    fn: 'handle',
    args: () => 'Array(8).fill([1_000_000])',
    kind: 'event-loop-blocked',
    // Promise.all overlaps the awaits (measured 2.53x, quiet): the sync part is short here. A worker per
    // call takes that part off the loop too, but pays its start-up and JIT warm-up (0.97x measured).
    route: ['async', 'worker-threads'],
    skip: ONE_CORE,
  },
  {
    fixture: 'js_tiny_calls',
    file: 'js_tiny_calls.cjs',
    fn: 'scale',
    args: () => 'Array.from({ length: 2000 }, (_, i) => [i])',
    kind: 'overhead-bound',
    route: 'serial',
  },
  {
    fixture: 'js_big_copy',
    file: 'js_big_copy.cjs',
    fn: 'total',
    args: () => 'bigArgs(8)',
    kind: 'copy-bound',
    route: 'serial',
  },
  {
    fixture: 'js_pbkdf2',
    file: 'js_pbkdf2.cjs',
    fn: 'hash',
    args: () => 'Array(8).fill([200_000])',
    kind: 'threadpool-bound',
    route: 'async',
    check: onLibuvPool,
  },
  {
    fixture: 'js_gzip',
    file: 'js_gzip.cjs',
    fn: 'pack',
    args: () => 'Array(8).fill([9])',
    kind: 'threadpool-bound',
    route: 'async',
    check: onLibuvPool,
  },
];

function busiest(profile: Profile): number {
  const facts = profile.runtime === 'node' ? collectNodeFacts(profile) : collectFacts(profile);
  const loads = facts.all.map((s) => s.externalLoad ?? 0);
  return Math.max(0, ...loads);
}

let server: Server;
let port = 0;
// Profiles go through a file: `--out -` into a pipe loses everything past 64-128 KiB (reported).
const outDir = mkdtempSync(join(tmpdir(), 'analysis-accuracy-'));
const table: string[] = [];

before(async () => {
  server = createServer((conn) => {
    conn.on('error', () => {});
    conn.once('data', () => setTimeout(() => conn.end('pong\n'), SERVER_DELAY_MS));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});

after(() => {
  server.close();
  rmSync(outDir, { recursive: true, force: true });
  const right = table.filter((row) => !row.endsWith('FAIL')).length;
  console.log(
    [
      '',
      'fixture          expected                          got                               load  tries',
      ...table,
      `accuracy: ${right} of ${table.length} verdict and route pairs right (${CASES.length} cases)`,
    ].join('\n'),
  );
});

for (const c of CASES) {
  const expected = `${c.kind} -> ${typeof c.route === 'string' ? c.route : c.route.join('|')}`;
  test(
    `${c.fixture}${c.python ? ` (${c.python})` : ''}: ${expected}`,
    { timeout: 600_000, skip: c.skip ?? false },
    async (t) => {
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const file = join(FIXTURES, c.file ?? `${c.fixture}.py`);
        const out = join(outDir, `${c.fixture}${c.python ? '-path' : ''}.json`);
        const run = await runCli([
          'profile',
          file,
          '--function',
          c.fn,
          '--args',
          c.args(port),
          ...(c.file ? [] : ['--python', c.python ?? PYTHON]),
          '--timeout',
          String(STRATEGY_TIMEOUT_S),
          // The verdict and the route, measured on the base sweep; worker counts are checked in
          // scaling.test.ts (real runs) and analysis-workers.test.ts (built profiles).
          '--scaling',
          'off',
          '--out',
          out,
        ]);
        assert.equal(run.code, 0, `engine failed on ${c.fixture}:\n${run.stderr}`);
        const profile = JSON.parse(readFileSync(out, 'utf8')) as Profile;
        delete profile.verdict;
        delete profile.recommendation;
        const { verdict, recommendation } = analyzeProfile(profile);
        const load = busiest(profile);
        const speedups = profile.strategies.map((s) => `${s.id} ${s.speedup?.toFixed(2) ?? s.status}`).join(', ');
        const got = `${verdict.kind} -> ${recommendation.strategy}`;
        t.diagnostic(
          `attempt ${attempt}: ${got} (confidence ${verdict.confidence}; busiest external ` +
            `load ${Math.round(load * 100)}%; ${speedups})`,
        );
        const routes = typeof c.route === 'string' ? [c.route] : c.route;
        const ok = verdict.kind === c.kind && followsRoute(recommendation.strategy, routes);
        if (verdict.kind !== c.kind) {
          // What the rules saw, to tell a rule's mistake from a sampler's.
          const states = profile.strategies
            .filter((s) => s.threadStates)
            .map(
              (s) =>
                `${s.id}: ${Object.entries(s.threadStates!)
                  .filter(([, v]) => v >= 0.01)
                  .map(([k, v]) => `${k} ${v.toFixed(2)}`)
                  .join(' ')}`,
            );
          t.diagnostic(
            `  GIL detection: ${profile.sampling.gilDetection ?? profile.sampling.note}; ${states.join('; ')}`,
          );
        }
        if (ok || load <= DISTURBED_LOAD || attempt === MAX_ATTEMPTS) {
          table.push(
            `${c.fixture.padEnd(16)} ${`${c.kind} -> ${routes.join('|')}`.padEnd(33)} ` +
              `${got.padEnd(33)} ${`${Math.round(load * 100)}%`.padStart(4)}  ${attempt}${ok ? '' : '  FAIL'}`,
          );
          assert.equal(verdict.kind, c.kind, `verdict for ${c.fixture}; evidence:\n${verdict.evidence.join('\n')}`);
          assert.ok(
            followsRoute(recommendation.strategy, routes),
            `route for ${c.fixture} is ${recommendation.strategy}, expected ${routes.join(' or ')}: ` +
              `${recommendation.rationale}`,
          );
          c.check?.(profile, verdict, recommendation);
          const advice = formatAdvice({ ...profile, verdict, recommendation });
          const id = recommendation.strategy.replace(/[+.]/g, '\\$&');
          assert.match(advice, new RegExp(`^Recommendation: ${id}\\b`, 'm'));
          if (RECORD)
            recordProfile(c.python ? `${c.fixture}@${c.python}` : c.fixture, profile, { kind: c.kind, routes });
          return;
        }
      }
    },
  );
}
