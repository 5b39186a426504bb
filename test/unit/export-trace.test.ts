import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syntheticProfile } from '../helpers/syntheticProfile';
import { THREAD_STATES } from '../../src/profiler/profile';
import { pickStrategy } from '../../src/profiler/export/strategy';
import { toChromeTrace, type TraceEvent } from '../../src/profiler/export/trace';

function traceOf(threads: number, samplesPerThread: number) {
  const profile = syntheticProfile({ threads, samplesPerThread });
  const strategy = pickStrategy(profile, `threads-${threads}`);
  return { strategy, events: toChromeTrace(profile, strategy).traceEvents };
}

test('each thread is named, and its state slices cover exactly its sampled time', () => {
  const { strategy, events } = traceOf(3, 60);
  for (const thread of strategy.threads) {
    const names = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === thread.pid);
    assert.ok(names.some((e) => e.tid === thread.tid && String(e.args?.name).startsWith(thread.name)));
    const slices = events.filter((e) => e.cat === 'state' && e.tid === thread.tid);
    const covered = slices.reduce((sum, e) => sum + e.dur!, 0);
    assert.equal(covered, 60 * 5000); // 60 samples of 5 ms, in microseconds
    for (const s of slices) assert.ok(THREAD_STATES.includes(s.name as never));
  }
});

test('state slices follow the samples: a GIL holder runs while the others wait', () => {
  const { strategy, events } = traceOf(2, 8);
  const first = strategy.threads[0]!.tid;
  const slices = events.filter((e) => e.cat === 'state' && e.tid === first).map((e) => `${e.name}@${e.args!.core}`);
  const { state, core, thread } = strategy.samples;
  const perSample = state.map((s, i) => `${THREAD_STATES[s]}@${core[i]}`).filter((_, i) => thread[i] === 0);
  assert.ok(slices.length > 1);
  assert.deepEqual(slices, collapseRuns(perSample));
});

test('stack slices nest: every child lies within an open parent on the same track', () => {
  const { events } = traceOf(2, 200);
  const byTrack = new Map<number, TraceEvent[]>();
  for (const e of events.filter((x) => x.cat === 'python')) byTrack.set(e.tid!, [...(byTrack.get(e.tid!) ?? []), e]);
  assert.equal(byTrack.size, 2);
  for (const slices of byTrack.values()) {
    const open: TraceEvent[] = [];
    for (const s of slices) {
      while (open.length && open[open.length - 1]!.ts! + open[open.length - 1]!.dur! <= s.ts!) open.pop();
      const parent = open[open.length - 1];
      if (parent) assert.ok(s.ts! + s.dur! <= parent.ts! + parent.dur!, `${s.name} escapes ${parent.name}`);
      open.push(s);
    }
  }
});

test('tasks become async slices and cores become counters', () => {
  const { strategy, events } = traceOf(2, 40);
  assert.equal(events.filter((e) => e.ph === 'b' && e.cat === 'task').length, strategy.tasks.start.length);
  assert.equal(events.filter((e) => e.ph === 'e' && e.cat === 'task').length, strategy.tasks.start.length);
  const counters = events.filter((e) => e.ph === 'C' && e.name === 'core 0 utilisation %');
  assert.equal(counters.length, strategy.cores!.workload[0]!.length);
  assert.equal(counters[0]!.args!.workload, Math.round(strategy.cores!.workload[0]![0]! * 1000) / 10);
});

function collapseRuns(states: string[]): string[] {
  return states.filter((s, i) => i === 0 || states[i - 1] !== s);
}
