// The printed advice covers the verdict, the recommendation and every route of the seed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeProfile, formatAdvice } from '../../src/profiler/analysis/index';
import { CPU, GIL2, NOGIL2, profile } from './analysis-builders';

const cpuProfile = () =>
  profile({
    strategies: [
      { id: 'serial', states: CPU },
      { id: 'threads', states: GIL2, speedup: 1.0 },
      { id: 'processes-fork', speedup: 1.73 },
      { id: 'processes-spawn', speedup: 1.5 },
    ],
  });

test('formatAdvice prints verdict, recommendation, projection, every route and the code', () => {
  const text = formatAdvice(cpuProfile());
  assert.match(text, /^Verdict: CPU-bound \(GIL\) \(confidence 0\.\d\d\)/);
  assert.match(text, /Recommendation: processes-fork with 2 workers, expected speedup 1\.73x/);
  assert.match(text, /Projected: \d\.\d\dx at 4 cores, \d\.\d\dx at 8 cores \(a guess: Amdahl/);
  for (const route of [
    'Threads',
    'Processes',
    'Native code releasing the GIL',
    'GPU',
    'Clusters \\(Dask, Ray\\)',
    'Free-threaded CPython',
    'PyPy',
  ]) {
    assert.match(text, new RegExp(`^  - ${route}`, 'm'), route);
  }
  assert.match(text, /GPU[^\n]*not suitable here, because the work is not array-shaped/);
  assert.match(text, /Free-threaded CPython: not measured here, because this run used CPython 3\.11\.2/);
  assert.match(text, /spawn/);
  assert.match(text, /Code change:\n {4}# at the bottom of work\.py/);
  for (const line of text.split('\n')) assert.ok(line.length <= 100 || line.startsWith('    '), line);
});

test('formatAdvice uses the verdict already in the profile', () => {
  const p = cpuProfile();
  p.verdict = { kind: 'mixed', label: 'Mixed', confidence: 0.4, evidence: ['given'] };
  p.recommendation = {
    strategy: 'threads',
    workers: 2,
    expectedSpeedup: 1,
    projected: null,
    rationale: 'given',
    alternatives: [],
    caveats: [],
    codeChange: null,
  };
  assert.match(formatAdvice(p), /^Verdict: Mixed \(confidence 0\.40\)\n {2}- given/);
});

test('GPU advice only for array-shaped work, naming the GPU when machine.gpus lists one', () => {
  const p = profile({
    strategies: [
      { id: 'serial', states: CPU },
      { id: 'threads', states: NOGIL2, speedup: 1.8 },
      { id: 'processes-fork', speedup: 1.6 },
    ],
  });
  const text = () => formatAdvice(p).replace(/\s+/g, ' ');
  assert.match(text(), /GPU \(CuPy, Numba CUDA, PyCUDA\): not suitable here, because the work is not array-shaped/);
  p.strategies[0].frames = {
    name: ['_sum'],
    file: ['/usr/lib/python3/dist-packages/numpy/core/_methods.py'],
    line: [47],
  };
  assert.match(
    text(),
    /GPU: not measured here, because this machine has no GPU\. The work is array-shaped \(numpy frames/,
  );
  p.machine.gpus = [{ vendor: 'NVIDIA', model: 'H100', memoryBytes: 80e9 }];
  assert.match(text(), /GPU: not measured here, because the engine runs no GPU strategy; this machine has NVIDIA H100/);
});

test('clusters are suggested only when the projection says the cores are the cap', () => {
  // Wrapped text: compare with the line breaks folded.
  const run = (sp: number) =>
    formatAdvice(
      profile({
        tasks: 64,
        strategies: [
          { id: 'serial', states: CPU },
          { id: 'threads', states: GIL2, speedup: 1.0 },
          { id: 'processes-fork', speedup: sp },
        ],
      }),
    ).replace(/\s+/g, ' ');
  assert.match(
    run(1.9),
    /Clusters \(Dask, Ray\): not measured here, because there is no cluster\. processes-fork x2 reached 1\.90x/,
  );
  assert.match(run(1.25), /Clusters \(Dask, Ray\): would add little: the fit projects only 1\.\d+x at 4x the cores/);
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
