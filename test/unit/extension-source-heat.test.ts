import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { syntheticProfile } from '../../bench/synthetic-profile';
import { heatLevel, lineDetail, lineLabel, sourceHeat, type SourceHeat } from '../../src/extension/sourceHeat';
import { THREAD_STATES, type Profile, type ThreadState } from '../../src/profiler/profile';
import { ENGINE_FIXTURES, profileFixture } from '../helpers/cli';

const code = (state: ThreadState): number => THREAD_STATES.indexOf(state);

/**
 * The synthetic profile with its threads strategy (the one with most threads, so the one picked)
 * replaced by a small literal one: a.py line 6 is reached from two callers (trie nodes 1 and 3),
 * line 7 from one, line 3 once (under 1%), b.py line 3 three times, and 5 samples have no stack.
 */
function literalProfile(): Profile {
  const profile = syntheticProfile({ withAnalysis: false });
  const threads = profile.strategies.find((s) => s.kind === 'threads')!;
  const runs: [stack: number, state: ThreadState, count: number][] = [
    [1, 'running', 60],
    [1, 'gilWait', 40],
    [3, 'gilWait', 50],
    [2, 'running', 48],
    [0, 'running', 1],
    [4, 'io', 3],
    [-1, 'running', 5],
  ];
  const samples = {
    t: [] as number[],
    thread: [] as number[],
    core: [] as number[],
    state: [] as number[],
    stack: [] as number[],
    inTask: [] as number[],
  };
  for (const [stack, state, count] of runs) {
    for (let k = 0; k < count; k++) {
      samples.t.push(samples.t.length * 5);
      samples.thread.push(0);
      samples.core.push(0);
      samples.state.push(code(state));
      samples.stack.push(stack);
      samples.inTask.push(1);
    }
  }
  threads.samples = samples;
  threads.frames = { name: ['main', 'work', 'read'], file: ['/w/a.py', '/w/a.py', '/w/b.py'], line: [1, 5, 2] };
  threads.stacks = { parent: [-1, 0, 0, -1, 1], frame: [0, 1, 1, 1, 2], line: [3, 6, 7, 6, 3] };
  return profile;
}

const STACKED = 60 + 40 + 50 + 48 + 1 + 3;

test('each line gets its share of the samples with a stack, summed over the trie nodes ending there', () => {
  const heat = sourceHeat(literalProfile())!;
  assert.equal(heat.strategy, 'threads-4');
  assert.equal(heat.samples, STACKED);
  const a = heat.files.get('/w/a.py')!;
  assert.deepEqual(
    a.map((l) => [l.line, l.samples]),
    [
      [6, 150],
      [7, 48],
    ],
  );
  assert.equal(a[0]!.share, 150 / STACKED);
  assert.equal(a[0]!.states.gilWait, 90);
  assert.equal(a[0]!.states.running, 60);
  assert.equal(a[0]!.gilWaitShare, 0.6);
  assert.equal(a[1]!.gilWaitShare, 0);
  assert.deepEqual(
    heat.files.get('/w/b.py')!.map((l) => [l.line, l.samples, l.states.io]),
    [[3, 3, 3]],
  );
});

test('lines under 1% of the samples are left out', () => {
  const heat = sourceHeat(literalProfile())!;
  assert.equal(
    heat.files.get('/w/a.py')!.some((l) => l.line === 3),
    false,
  );
});

test('the recommended strategy is the one shown when it was measured', () => {
  const profile = literalProfile();
  profile.recommendation = {
    strategy: 'serial',
    workers: 1,
    expectedSpeedup: 1,
    projected: null,
    rationale: '',
    alternatives: [],
    caveats: [],
    codeChange: null,
  };
  assert.equal(sourceHeat(profile)!.strategy, 'serial');
});

test('a profile without strategies has no heat', () => {
  assert.equal(sourceHeat({ ...literalProfile(), strategies: [] }), null);
});

test('the label and hover say the shares, the strategy and the states', () => {
  const heat = sourceHeat(literalProfile())!;
  const line6 = heat.files.get('/w/a.py')![0]!;
  assert.equal(lineLabel(line6), '74% of samples · GIL wait 60%');
  assert.equal(
    lineDetail(line6, heat),
    '**Concurrency profile**, strategy `threads-4`\n\n150 of 202 samples with a Python stack (74%) were executing line 6.\n\nThread states: running 60 (40%), GIL wait 90 (60%).',
  );
});

test('heat levels rise with the share, from 1 at 1% to 5 at half the samples', () => {
  assert.deepEqual([0.01, 0.029, 0.03, 0.1, 0.24, 0.25, 0.5, 1].map(heatLevel), [1, 1, 2, 3, 3, 4, 5, 5]);
});

test('a real CPU-bound run: the loop of the profiled function is where the samples are', async () => {
  const { run, profile } = await profileFixture('cpu_loop.py', [
    '--function',
    'spin',
    '--args',
    '[(400_000,)] * 4',
    '--strategies',
    'serial,threads',
    '--workers',
    '2',
  ]);
  assert.equal(run.code, 0, run.stderr);
  const heat: SourceHeat = sourceHeat(profile)!;
  const lines = heat.files.get(resolve(ENGINE_FIXTURES, 'cpu_loop.py'));
  assert.ok(lines, `no heat for the fixture; files: ${[...heat.files.keys()].join(', ')}`);
  // spin's body is lines 5-8; the loop (6-7) is where a CPU-bound loop spends its time.
  for (const line of lines) assert.ok(line.line >= 5 && line.line <= 8, `line ${line.line} is outside spin`);
  const hottest = lines.reduce((a, b) => (b.samples > a.samples ? b : a));
  assert.ok([6, 7].includes(hottest.line), `hottest line ${hottest.line}`);
  const loopShare = lines.filter((l) => l.line === 6 || l.line === 7).reduce((sum, l) => sum + l.share, 0);
  assert.ok(loopShare > 0.5, `the loop has ${loopShare} of the samples`);
});
