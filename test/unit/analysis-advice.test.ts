// The printed advice: a screenful by default (verdict and strongest evidence, recommendation with
// measured and projected speedups, caveats, code, one line per route), everything with --verbose,
// read from the profile's own fields; and every route of the seed covered in recommendation.routes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { analyzeProfile, formatAdvice } from '../../src/profiler/analysis/index';
import { NODE_ROUTES, ROUTES, type Profile } from '../../src/profiler/profile';
import { formatTable } from '../../src/profiler/table';
import { analysed, fixtureProfiles, verdictFixtures } from '../helpers/fixtures';
import { CPU, GIL2, NOGIL2, profile } from '../helpers/profileBuilders';
import { assertValidProfile } from '../helpers/schema';

const cpuProfile = () =>
  profile({
    strategies: [
      { id: 'serial', states: CPU },
      { id: 'threads', states: GIL2, speedup: 1.0 },
      { id: 'processes-fork', speedup: 1.73 },
      { id: 'processes-spawn', speedup: 1.5 },
    ],
  });

const routeLines = (text: string): string[] =>
  text.split('\n').filter((l) => /^ {2}[a-z-]+ {2,}(measured|to try|not here)/.test(l));

test('by default: verdict with its strongest evidence, recommendation, projection, code and one line per route', () => {
  const p = cpuProfile();
  const text = formatAdvice(p);
  assert.match(text, /^Verdict: CPU-bound \(GIL\) \(confidence 0\.\d\d\)\n {2}- threads x2: 1\.00x speedup while 49%/);
  assert.equal(text.match(/^ {2}- /gm)?.length, 1, 'only the strongest evidence');
  assert.match(text, /^Recommendation: processes-fork 1\.73x measured with 2 workers$/m);
  assert.match(text, /Projected \d\.\d\dx at 4 cores, \d\.\d\dx at 8 cores\./);
  assert.match(text, /Caveats: fork is not available on Windows and not safe on macOS\./);
  assert.match(text, /Code change:\n {4}# at the bottom of work\.py/);
  assert.deepEqual(
    routeLines(text).map((l) => l.trim().split(/\s+/)[0]),
    [...ROUTES],
    'each route once, in order',
  );
  assert.match(text, /^ {2}processes {8}measured {3}1\.73x {2}each process has its own interpreter and GIL$/m);
  assert.match(text, /^ {2}free-threaded {4}to try {12}python3\.13t/m);
  assert.match(text, /^ {2}gpu {14}not here {10}not array-shaped work/m);
  assert.doesNotMatch(text, /Alternatives/, 'the alternatives are for --verbose');
  for (const line of text.split('\n')) assert.ok(line.length <= 100 || line.startsWith('    '), line);
});

test('--verbose keeps everything: all evidence, reasoning, alternatives, caveats and each route explained', () => {
  const p = cpuProfile();
  const { verdict, recommendation } = analyzeProfile(p);
  const text = formatAdvice(p, { verbose: true });
  const folded = text.replace(/\s+/g, ' ');
  for (const e of verdict.evidence) assert.ok(folded.includes(e), e);
  assert.ok(folded.includes(recommendation.projected!.assumptions));
  assert.match(text, /Alternatives \(best first\):\n {2}1\. processes-spawn \(1\.50x\)/);
  for (const c of recommendation.caveats) assert.ok(folded.includes(c), c);
  for (const r of recommendation.routes!) {
    assert.ok(folded.includes(r.detail), r.route);
    if (r.install) assert.ok(folded.includes(`To try: ${r.install}`), r.route);
  }
  assert.match(folded, /fork \(Linux default before Python 3\.14\)/);
});

test('every fixture profile is one the loader reads (schema and structure)', () => {
  for (const [name, p] of fixtureProfiles()) assert.doesNotThrow(() => assertValidProfile(p), name);
});

test('a typical sweep of every verdict kind fits 40 lines with its table', () => {
  for (const [name, p] of fixtureProfiles()) {
    const lines = `${formatTable(p)}\n${formatAdvice(p)}`.trimEnd().split('\n');
    assert.ok(lines.length <= 40, `${name}: ${lines.length} lines\n${lines.join('\n')}`);
  }
});

test('unmeasured routes are listed once, under routes, never as alternatives', () => {
  for (const [name, p] of fixtureProfiles()) {
    const rec = p.recommendation!;
    const measured = new Set(p.strategies.map((s) => s.id));
    for (const a of rec.alternatives)
      assert.ok(measured.has(a.strategy) || a.strategy === 'batching', `${name}: ${a.strategy}`);
    assert.deepEqual(
      rec.routes!.map((r) => r.route),
      p.runtime === 'node' ? [...NODE_ROUTES] : [...ROUTES],
      name,
    );
    assert.doesNotMatch(formatAdvice(p, { verbose: true }), /unmeasured\)? ?\(?measured/, name);
  }
});

test('the advice printed is the profile’s own, not decided again', () => {
  const p = analysed(cpuProfile());
  p.verdict = { kind: 'mixed', label: 'Mixed', confidence: 0.4, evidence: ['given'] };
  p.recommendation = { ...p.recommendation!, strategy: 'threads', rationale: 'given rationale', caveats: [] };
  p.recommendation.routes = p.recommendation.routes!.map((r) => ({ ...r, reason: `given ${r.route}` }));
  const text = formatAdvice(p);
  assert.match(text, /^Verdict: Mixed \(confidence 0\.40\)\n {2}- given/);
  assert.match(text, /^Recommendation: threads 1\.73x measured with 2 workers\n {2}given rationale/m);
  assert.match(text, /^ {2}gpu +not here +given gpu$/m);
});

test('GPU advice only for array-shaped work, naming the GPU when machine.gpus lists one', () => {
  const p = profile({
    strategies: [
      { id: 'serial', states: CPU },
      { id: 'threads', states: NOGIL2, speedup: 1.8 },
      { id: 'processes-fork', speedup: 1.6 },
    ],
  });
  const gpu = () => analyzeProfile(p).recommendation.routes!.find((r) => r.route === 'gpu')!;
  assert.equal(gpu().fits, false);
  assert.match(gpu().reason, /not array-shaped/);
  p.strategies[0]!.frames = {
    name: ['_sum'],
    file: ['/usr/lib/python3/dist-packages/numpy/core/_methods.py'],
    line: [47],
  };
  assert.equal(gpu().fits, true);
  assert.match(gpu().detail, /because this machine has no GPU\. The work is array-shaped \(numpy frames/);
  assert.match(gpu().install ?? '', /cupy/);
  p.machine.gpus = [{ vendor: 'NVIDIA', model: 'H100', memoryBytes: 80e9 }];
  assert.match(gpu().detail, /the engine runs no GPU strategy; this machine has NVIDIA H100/);
});

test('array-shaped work is judged from the packages the harness saw imported, never from the file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cp-advice-'));
  const file = path.join(dir, 'work.py');
  writeFileSync(file, 'import numpy as np\n\ndef work(x):\n    return np.ones(x).sum()\n');
  const build = (packages: string[] | undefined): Profile => {
    const p = profile({
      strategies: [
        { id: 'serial', states: CPU },
        { id: 'threads', states: NOGIL2, speedup: 1.8 },
      ],
    });
    p.workload.file = file;
    p.workload.packages = packages;
    return p;
  };
  const gpu = (p: Profile) => analyzeProfile(p).recommendation.routes!.find((r) => r.route === 'gpu')!;
  assert.equal(gpu(build([])).fits, false, 'the import in the file is not read');
  assert.equal(gpu(build(undefined)).fits, false);
  assert.match(gpu(build(['numpy', 'requests'])).detail, /the workload imported numpy/);
});

test('clusters are suggested only when the projection says the cores are the cap', () => {
  const cluster = (sp: number) =>
    analyzeProfile(
      profile({
        tasks: 64,
        strategies: [
          { id: 'serial', states: CPU },
          { id: 'threads', states: GIL2, speedup: 1.0 },
          { id: 'processes-fork', speedup: sp },
        ],
      }),
    ).recommendation.routes!.find((r) => r.route === 'cluster')!;
  assert.equal(cluster(1.9).fits, true);
  assert.match(
    cluster(1.9).detail,
    /Not measured here, because no cluster ran \(dask-local, or --dask-scheduler for yours\)\. processes-fork x2 /,
  );
  assert.equal(cluster(1.25).fits, false);
  assert.match(cluster(1.25).reason, /^only 1\.\d+x projected at 4x the cores \(1\.25x here\)$/);
});

test('measured routes name the strategies that measured them and the best speedup', () => {
  const { recommendation } = analyzeProfile(cpuProfile());
  const byRoute = new Map(recommendation.routes!.map((r) => [r.route, r]));
  assert.deepEqual(byRoute.get('processes'), {
    ...byRoute.get('processes'),
    status: 'measured',
    strategies: ['processes-fork', 'processes-spawn'],
    bestSpeedup: 1.73,
    fits: true,
    install: null,
  });
  assert.equal(byRoute.get('threads')!.fits, false);
  assert.equal(byRoute.get('asyncio')!.status, 'unmeasured');
  assert.equal(byRoute.get('free-threaded')!.install?.includes('3.13t'), true);
});

test('code for a Class.method builds the instance once and imports the class', () => {
  const p = profile({
    strategies: [
      { id: 'serial', states: CPU },
      { id: 'threads', states: GIL2, speedup: 1.0 },
      { id: 'processes-fork', speedup: 1.7 },
    ],
  });
  p.workload.function = 'Model.score';
  const code = analyzeProfile(p).recommendation.codeChange ?? '';
  assert.match(code, /from work import Model\)/);
  assert.match(code, /^fn = Model\(\)\.score$/m);
  assert.match(code, /pool\.submit\(fn, \*a\)/);
});

test('every verdict kind gets a recommendation whose routes agree with the verdict', () => {
  for (const [kind, p] of Object.entries(verdictFixtures())) {
    const rec = p.recommendation!;
    for (const r of rec.routes!) {
      assert.ok(r.reason.length > 0 && r.reason.length <= 64, `${kind} ${r.route}: "${r.reason}"`);
      if (r.status === 'measured') {
        assert.ok(r.strategies.length > 0, `${kind} ${r.route}`);
        assert.doesNotMatch(r.detail, /^Not measured/, `${kind} ${r.route}`);
      } else {
        assert.deepEqual(r.strategies, [], `${kind} ${r.route}`);
        assert.equal(r.bestSpeedup, null);
      }
    }
    // The recommended strategy's route fits the verdict (or nothing beat serial).
    const chosen = p.strategies.find((s) => s.id === rec.strategy);
    if (chosen && chosen.kind !== 'serial') {
      const route = rec.routes!.find((r) => r.strategies.includes(chosen.id))!;
      assert.ok(route.fits || /despite|fastest/.test(rec.rationale), `${kind}: ${rec.strategy} ${rec.rationale}`);
    }
  }
});
