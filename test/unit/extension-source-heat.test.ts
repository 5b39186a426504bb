import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { syntheticProfile } from '../helpers/syntheticProfile';
import {
  MIN_LINE_SHARE,
  heatLevel,
  lineDetail,
  lineLabel,
  sourceHeat,
  type SourceHeat,
} from '../../src/extension/sourceHeat';
import { analyzeProfile } from '../../src/profiler/analysis/index';
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

test('each line of your code gets its share of the in-task samples, summed over the trie nodes ending there', () => {
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

test('the recommended strategy is the one shown; when that is serial, the one with most threads', () => {
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
    routes: [],
  };
  assert.equal(sourceHeat(profile)!.strategy, 'threads-4');
  profile.strategies.push({ ...profile.strategies[1]!, id: 'threads-8', workers: 8 });
  profile.recommendation.strategy = 'threads-8';
  assert.equal(sourceHeat(profile)!.strategy, 'threads-8');
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
    '**Concurrency profile**, strategy `threads-4`\n\n150 of 202 in-task samples in your code (74%) were at ' +
      'line 6 (the innermost line of your code on the stack).\n\nThread states: running 60 (40%), GIL wait 90 (60%).',
  );
});

test('just my code: a sample in a library counts at the line of your code that called it; idle time not at all', () => {
  const profile = literalProfile();
  const threads = profile.strategies.find((s) => s.kind === 'threads')!;
  // Node 5: a library frame (collections) called from a.py line 7 (node 2); node 6: threading, alone.
  threads.frames.name.push('update', '_bootstrap');
  threads.frames.file.push('/usr/lib/python3.11/collections/__init__.py', '/usr/lib/python3.11/threading.py');
  threads.frames.line.push(600, 900);
  threads.stacks.parent.push(2, -1);
  threads.stacks.frame.push(3, 4);
  threads.stacks.line.push(640, 950);
  const add = (stack: number, inTask: number, count: number): void => {
    for (let k = 0; k < count; k++) {
      threads.samples.t.push(threads.samples.t.length * 5);
      threads.samples.thread.push(0);
      threads.samples.core.push(0);
      threads.samples.state.push(code('running'));
      threads.samples.stack.push(stack);
      threads.samples.inTask.push(inTask);
    }
  };
  add(5, 1, 20); // in Counter.update, called from line 7
  add(6, 1, 10); // only runtime frames: no line of the user's
  add(1, 0, 30); // line 6, but outside a task (an idle pool thread)
  const mine = sourceHeat(profile)!;
  assert.equal(mine.samples, STACKED + 20);
  assert.equal(mine.files.get('/w/a.py')!.find((l) => l.line === 7)!.samples, 48 + 20);
  assert.equal(mine.files.get('/w/a.py')!.find((l) => l.line === 6)!.samples, 150);
  assert.equal(mine.files.has('/usr/lib/python3.11/collections/__init__.py'), false);
  const all = sourceHeat(profile, false)!;
  assert.equal(all.justMyCode, false);
  assert.equal(all.samples, STACKED + 60);
  assert.equal(all.files.get('/usr/lib/python3.11/collections/__init__.py')![0]!.samples, 20);
  assert.equal(all.files.get('/w/a.py')!.find((l) => l.line === 6)!.samples, 180);
});

test('source heat agrees with the verdict’s hot lines: the hottest line of each state is its hot line', () => {
  for (const profile of [
    literalProfile(),
    syntheticProfile({ runtimeFrames: true }),
    syntheticProfile({ threads: 8, samplesPerThread: 300, hostileName: true, runtimeFrames: true }),
  ]) {
    Object.assign(profile, analyzeProfile(profile));
    const heat = sourceHeat(profile)!;
    const hot = profile.hotLines![heat.strategy]!;
    assert.ok(Object.keys(hot).length > 0);
    for (const state of THREAD_STATES) {
      const top = [...heat.files]
        .flatMap(([file, lines]) => lines.map((l) => ({ file, line: l.line, samples: l.states[state] })))
        .filter((l) => l.samples > 0)
        .sort((a, b) => b.samples - a.samples || a.file.localeCompare(b.file) || a.line - b.line)[0];
      const expected = hot[state];
      if (!expected || expected.share < MIN_LINE_SHARE) continue;
      assert.deepEqual(
        top && { file: top.file, line: top.line, samples: top.samples },
        {
          file: expected.file,
          line: expected.line,
          samples: expected.samples,
        },
        state,
      );
    }
  }
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
  // Of the samples in the profiled file, the loop has nearly all. (Its share of every sample with a
  // stack also counts the pool's waiting main thread, and moves with the machine's load.)
  const inFile = lines.reduce((sum, l) => sum + l.samples, 0);
  const inLoop = lines.filter((l) => l.line === 6 || l.line === 7).reduce((sum, l) => sum + l.samples, 0);
  assert.ok(inLoop / inFile > 0.9, `the loop has ${inLoop} of the file's ${inFile} samples`);
});
