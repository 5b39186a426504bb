// What the CLI prints after a run: a screenful by default, with every feature on too (one row per
// strategy family, one line per scaling curve), and every strategy and line of reasoning with
// --verbose.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAdvice } from '../../src/profiler/analysis/index';
import type { Profile } from '../../src/profiler/profile';
import { buildCurve } from '../../src/profiler/scalingPlanner';
import { formatTable } from '../../src/profiler/table';
import { analysed } from '../helpers/fixtures';
import { CPU, GIL2, NOGIL2, profile, type StrategySpec } from '../helpers/profileBuilders';

const printed = (p: Profile, verbose = false): string =>
  `${formatTable(p, { verbose })}\n${formatAdvice(p, { verbose })}`;

/** Pool sizes 1..16 of a family, the size-2 run under the family's own id (as the planner names them). */
function curvePoints(family: string, speedups: number[], spec: Partial<StrategySpec> = {}): StrategySpec[] {
  return speedups.map((speedup, k) => {
    const workers = 2 ** k;
    return { id: workers === 2 ? family : `${family}-${workers}`, workers, speedup, ...spec };
  });
}

/**
 * Everything at once: scaling curves for three families, native-pool variants, another interpreter,
 * asyncio, a pickling failure, a race, a busy machine, tiny tasks and caveats.
 */
function everyFeature(): Profile {
  const p = profile({
    tasks: 64,
    isAsync: true,
    strategies: [
      { id: 'serial', states: CPU, externalLoad: 0.3 },
      { id: 'serial+native-1', states: CPU, speedup: 0.7 },
      ...curvePoints('threads', [0.98, 1.0, 1.02, 0.99, 0.97], { states: GIL2 }),
      { id: 'threads+native-1', states: GIL2, speedup: 1.0 },
      { id: 'threads-32', workers: 32, states: GIL2, speedup: 1.1, match: false, firstDifference: diff() },
      ...curvePoints('processes-fork', [0.95, 1.8, 3.2, 3.3, 3.1]),
      { id: 'processes-fork+native-1', speedup: 1.7 },
      ...curvePoints('processes-forkserver', [0.9, 1.7, 3.0]),
      { id: 'processes-spawn', status: 'failed', errorDetail: pickling() },
      { id: 'asyncio', states: CPU, speedup: 0.98 },
      { id: 'serial@pypy3.10', kind: 'serial', states: CPU, speedup: 4.1 },
      { id: 'threads@pypy3.10', kind: 'threads', states: NOGIL2, speedup: 4.0 },
    ],
  });
  p.scaling = [
    buildCurve(p, 'threads', 'cpu', []),
    buildCurve(p, 'processes-fork', 'cpu', []),
    buildCurve(p, 'processes-forkserver', 'cpu', [{ workers: 8, reason: 'budget: 3.2 s left, 4.0 s needed' }]),
  ];
  p.sampling.note = 'a caveat from the sampler';
  return analysed(p);
}

function diff(): StrategySpec['firstDifference'] {
  return { task: 3, expected: '120', actual: '118' };
}

function pickling(): StrategySpec['errorDetail'] {
  return { type: 'PicklingError', message: "Can't pickle <function <lambda>>", traceback: '' };
}

/** A terminal screen: a typical sweep takes at most 40 lines, every feature at once at most this. */
const SCREEN_LINES = 50;

/**
 * The demo's sweep on this machine: the four pools, a processes-fork curve, PyPy found, and the
 * worst case for length (a busy machine, another interpreter within noise of the pick).
 */
function typicalSweep(): Profile {
  const p = profile({
    tasks: 8,
    strategies: [
      { id: 'serial', states: CPU, externalLoad: 0.3 },
      { id: 'threads', states: GIL2, speedup: 0.86 },
      ...curvePoints('processes-fork', [0.97, 1.5, 1.53]),
      { id: 'processes-forkserver', speedup: 1.12 },
      { id: 'processes-spawn', speedup: 1.09 },
      { id: 'serial@pypy3.9', kind: 'serial', states: CPU, speedup: 1.61 },
      { id: 'threads@pypy3.9', kind: 'threads', states: GIL2, speedup: 1.47 },
    ],
  });
  p.scaling = [buildCurve(p, 'processes-fork', 'cpu', [])];
  return analysed(p);
}

test('a typical sweep fits 40 lines', () => {
  const text = printed(typicalSweep());
  const lines = text.trimEnd().split('\n');
  assert.ok(lines.length <= 40, `${lines.length} lines:\n${text}`);
  assert.match(text, /^Recommendation: /m);
  assert.match(text, /^Code change:/m);
  assert.match(text, /^Routes around the GIL/m);
});

test('every feature on still fits a screen: one row per family, one line per curve', () => {
  const p = everyFeature();
  const text = printed(p);
  const lines = text.trimEnd().split('\n');
  assert.ok(lines.length <= SCREEN_LINES, `${lines.length} lines:\n${text}`);
  const rows = lines
    .slice(
      3,
      lines.findIndex((l) => l === ''),
    )
    .filter((l) => !/^[\w+@.-]+: /.test(l));
  const families = ['serial', 'threads', 'processes-fork', 'processes-forkserver', 'processes-spawn', 'asyncio'];
  for (const family of families)
    assert.ok(
      rows.some((r) => r.startsWith(`${family} `) || r.startsWith(`${family}-`) || r.startsWith(`${family}+`)),
      family,
    );
  assert.equal(rows.length, families.length, 'one row per family');
  for (const curve of ['threads', 'processes-fork', 'processes-forkserver'])
    assert.ok(
      lines.some((l) => l.startsWith(`${curve}: 1->`)),
      `curve line of ${curve}`,
    );
  assert.match(
    text,
    /^threads-32: results differ from serial at task 3/m,
    'a folded run that went wrong is still named',
  );
  assert.match(text, /^processes-spawn: Can't pickle/m);
  assert.match(text, /^Recommendation: /m);
  assert.match(text, /^Routes around the GIL/m);
});

test('--verbose lists every strategy and keeps the whole reasoning', () => {
  const p = everyFeature();
  const text = printed(p, true);
  for (const s of p.strategies) assert.match(text, new RegExp(`^${s.id.replace(/[+.]/g, '\\$&')} `, 'm'), s.id);
  const folded = text.replace(/\s+/g, ' ');
  for (const c of p.recommendation!.caveats) assert.ok(folded.includes(c), c);
  for (const r of p.recommendation!.routes!) assert.ok(folded.includes(r.detail), r.route);
  assert.ok(text.split('\n').length > printed(p).split('\n').length);
});

test('a row stands for its family: the recommended run, else the fastest with serial’s results', () => {
  const p = everyFeature();
  const table = formatTable(p);
  const rec = p.recommendation!.strategy;
  assert.match(table, new RegExp(`^${rec.replace(/[+.]/g, '\\$&')} `, 'm'), `the recommended ${rec} has its row`);
  assert.match(table, /^serial \(\+\d\) /m, 'the baseline row is serial itself');
  assert.doesNotMatch(table, /^threads-32 /m, 'a run whose results differ does not stand for its family');
});
