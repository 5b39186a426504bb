// Whole-script what-ifs on built profiles: the swap that wins is recommended with the edit that
// applies it; a refused swap and a changed output are reported, not recommended.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeProfile } from '../../src/profiler/analysis';
import type { Profile, ScriptPool, StrategyResult } from '../../src/profiler/profile';
import { completeScriptResult, firstOutputDifference } from '../../src/profiler/scriptWhatIf';
import { buildCurve } from '../../src/profiler/scalingPlanner';
import { GIL2, profile, type StrategySpec } from '../helpers/profileBuilders';

const POOL: ScriptPool = {
  api: 'ThreadPoolExecutor',
  kind: 'threads',
  workers: 2,
  sized: true,
  file: '/work/job.py',
  line: 12,
  swappedTo: null,
};

function scriptProfile(whatIfs: StrategySpec[], pools: Record<string, Partial<ScriptPool>> = {}): Profile {
  const p = profile({ mode: 'script', tasks: 1, strategies: [{ id: 'script', states: GIL2 }, ...whatIfs] });
  for (const s of p.strategies) {
    s.pools = [
      { ...POOL, ...(s.id.includes('+processes') ? { swappedTo: 'processes' as const } : {}), ...pools[s.id] },
    ];
  }
  return p;
}

test('GIL-bound work on a ThreadPoolExecutor: script+processes is recommended with the edit at its line', () => {
  const { verdict, recommendation: rec } = analyzeProfile(scriptProfile([{ id: 'script+processes', speedup: 1.85 }]));
  assert.equal(verdict.kind, 'cpu-bound-gil');
  assert.equal(rec.strategy, 'script+processes');
  assert.equal(rec.workers, 2);
  assert.equal(rec.expectedSpeedup, 1.85);
  assert.ok(
    rec.rationale.startsWith(
      'script+processes: 1.85x faster than the script as written ' +
        '(its ThreadPoolExecutor (job.py:12) became a ProcessPoolExecutor of 2)',
    ),
    rec.rationale,
  );
  assert.match(
    rec.codeChange!,
    /# job\.py:12: a ProcessPoolExecutor instead of the ThreadPoolExecutor, same arguments/,
  );
  assert.match(rec.codeChange!, /ProcessPoolExecutor\(max_workers=2\)/);
  assert.match(rec.projected!.model, /^a guess/, 'one what-if point: the projection says it is a guess');
  assert.ok(rec.caveats.some((c) => /What-ifs run the whole script again, once each \(1 more run/.test(c)));
});

/** The script swapped to processes at 1, 2 and 4 workers, with its size curve. */
function swapCurve(speedups: { one: number; two: number; four: number }): Profile {
  const p = scriptProfile(
    [
      { id: 'script+processes', speedup: speedups.two },
      { id: 'script-1+processes', workers: 1, speedup: speedups.one },
      { id: 'script-4+processes', workers: 4, speedup: speedups.four },
    ],
    { 'script-1+processes': { workers: 1 }, 'script-4+processes': { workers: 4 } },
  );
  p.scaling = [buildCurve(p, 'script+processes', 'cpu', [])];
  return p;
}

test('a size curve of the swapped script: the recommendation names the worker count', () => {
  const p = swapCurve({ one: 0.95, two: 1.85, four: 1.8 });
  assert.deepEqual(
    p.scaling![0]!.points.map((pt) => pt.strategy),
    ['script-1+processes', 'script+processes', 'script-4+processes'],
  );
  const rec = analyzeProfile(p).recommendation;
  assert.equal(rec.strategy, 'script+processes');
  assert.equal(rec.workers, 2);
  assert.match(rec.rationale, /Not more: past 2 workers the 2 cores are the limit: 4 reached 1\.80x\./);
});

test('a curve whose best point beats the margin is recommended at a size that beats it too', () => {
  // Measured on 2 loaded cores: one process 1.14x (no GIL hand-offs, but one core), two 1.33x, four 1.10x.
  const rec = analyzeProfile(swapCurve({ one: 1.14, two: 1.333, four: 1.102 })).recommendation;
  assert.equal(rec.strategy, 'script+processes', rec.rationale);
  assert.equal(rec.workers, 2);
});

test('a refused swap is reported with its reason and fix, and the script is kept as written', () => {
  const message =
    'the ThreadPoolExecutor created at job.py:12 cannot become a process pool: ' +
    'the task <lambda> at job.py:13 cannot be pickled (PicklingError: ...). Fix: ' +
    'make the task a module-level def';
  const p = scriptProfile([{ id: 'script+processes', status: 'skipped', speedup: null }]);
  const refused = p.strategies[1]!;
  refused.error = `SwapRefused: ${message}`;
  refused.errorDetail = { type: 'SwapRefused', message, traceback: '' };
  const rec = analyzeProfile(p).recommendation;
  assert.equal(rec.strategy, 'script');
  assert.match(rec.rationale, /^Keep the script as written: no what-if beat it by the 1\.2x margin/);
  assert.deepEqual(rec.alternatives, [
    { strategy: 'script+processes', expectedSpeedup: null, why: `Not measured: ${message}` },
  ]);
  assert.ok(rec.caveats.some((c) => c.startsWith('script+processes could not apply: the ThreadPoolExecutor')));
});

test('a what-if whose output differs is not recommended, however fast', () => {
  const p = scriptProfile([{ id: 'script+processes', speedup: 1.9, match: false }]);
  p.strategies[1]!.firstDifference = {
    task: 0,
    expected: 'stdout line 1: "total 42"',
    actual: 'stdout line 1: "total 0"',
  };
  const rec = analyzeProfile(p).recommendation;
  assert.equal(rec.strategy, 'script');
  assert.ok(
    rec.caveats.some((c) =>
      c.includes(
        'script+processes is not recommended: the script behaved differently (stdout line 1: "total 42" as written',
      ),
    ),
  );
});

test('outputs are compared line by line, and the exit code first', () => {
  assert.equal(firstOutputDifference('a\nb\n', 'a\nb\n'), null);
  assert.deepEqual(firstOutputDifference('a\nb\n', 'a\nc\n'), {
    task: 0,
    expected: 'stdout line 2: "b"',
    actual: 'stdout line 2: "c"',
  });
  assert.equal(firstOutputDifference('a\n', 'a\nmore\n')!.expected, 'stdout line 2: ""');
  const base = profile({ mode: 'script', tasks: 1, strategies: [{ id: 'script' }, { id: 'script+threads' }] });
  const [own, whatIf] = base.strategies as [StrategyResult, StrategyResult];
  own.output.stdout = whatIf.output.stdout = 'same\n';
  completeScriptResult(
    whatIf,
    { status: 'ok', error: null, harnessStartNs: 0, endNs: 0, exitCode: 3, pools: [] },
    {
      result: own,
      exitCode: 0,
      stdoutDropped: 0,
    },
    0,
  );
  assert.equal(whatIf.resultsMatchBaseline, false);
  assert.deepEqual(whatIf.firstDifference, { task: 0, expected: 'exit code 0', actual: 'exit code 3' });
  completeScriptResult(
    whatIf,
    { status: 'ok', error: null, harnessStartNs: 0, endNs: 0, exitCode: 0, pools: [POOL] },
    {
      result: own,
      exitCode: 0,
      stdoutDropped: 0,
    },
    0,
  );
  assert.equal(whatIf.resultsMatchBaseline, true);
  assert.equal(whatIf.workers, 2, 'the pool size the script ran with');
});
