// The blocking views' pure parts: the marks on the per-thread chart (a blocked event loop, a wait on
// a named lock, with what the tooltip says and what a click opens), the hold-time histogram text,
// and source heat's notes on blocking lines and lock sites.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineDetail, lineLabel, sourceHeat } from '../../src/extension/sourceHeat';
import { timelineData } from '../../src/webview/chartData';
import { histogramText } from '../../src/webview/blocking';
import { markAt, threadMarks } from '../../src/webview/blockingMarks';
import { threadLanes } from '../../src/webview/model';
import { BLOCKING_FILE, blockingProfile } from '../helpers/blockingProfile';

const threads = () => blockingProfile().strategies.find((s) => s.kind === 'threads')!;

test('a thread lane marks its blocked event loop and its waits on a named lock, in time order', () => {
  const s = threads();
  const model = threadLanes(s, 200);
  const loop = model.lanes[0]!.marks!;
  assert.deepEqual(
    [loop.start, loop.end, loop.kind],
    [
      [100, 600],
      [160, 640],
      ['loop', 'loop'],
    ],
  );
  assert.equal(
    loop.label[0],
    'event loop blocked 60.0 ms by tokenize() at word_stats.py:17: time.sleep(0.05)  # blocks',
  );
  assert.deepEqual(loop.site[0], { file: BLOCKING_FILE, line: 17 });
  // Thread 1's ten lock-wait samples at the wait site are one mark, 5 ms each, naming the lock.
  const lock = model.lanes[1]!.marks!;
  assert.equal(lock.kind.length, 1);
  assert.equal(Math.round(lock.end[0]! - lock.start[0]!), 50);
  assert.equal(
    lock.label[0],
    'waiting for lock LOCK (Lock created at word_stats.py:3, held mostly by count_words() for 100.0 ms on average)',
  );
  assert.deepEqual(lock.site[0], { file: BLOCKING_FILE, line: 3 });
  assert.equal(markAt(lock, lock.start[0]! + 1), 0);
  assert.equal(markAt(lock, lock.end[0]! + 1), -1);
});

test('no recorder data, no marks: lock waits elsewhere are not named', () => {
  const s = threads();
  delete s.loopBlocks;
  s.locks![0]!.waitSites[0]!.site.line = 9999; // no sample waits there
  const lanes = threadLanes(s, 200).lanes;
  assert.deepEqual(
    lanes.map((l) => l.marks),
    [null, null],
  );
  assert.equal(threadMarks(s, 0, [], 5), null);
});

test('the tooltip of the marks strip is the mark, and a click opens its line; frames under a mark mention it', () => {
  const s = threads();
  const data = timelineData(threadLanes(s, 200), s);
  const lockLane = data.lanes[1]!;
  const at = lockLane.marks!.start[0]! + 1;
  assert.match(data.describe({ lane: 1, row: -1, run: 0, at })[0]!, /^waiting for lock LOCK/);
  assert.deepEqual(data.source({ lane: 1, row: -1, run: 0, at }), { file: BLOCKING_FILE, line: 3 });
  const under = data.describe({ lane: 1, row: 0, run: 0, at: lockLane.rows[0]!.start[0]! });
  assert.ok(!under.some((l) => l.startsWith('waiting for lock')), 'outside the mark');
  const row = lockLane.rows[0]!;
  const run = [...row.start].findIndex((start, k) => start <= at && at <= row.end[k]!);
  assert.ok(data.describe({ lane: 1, row: 0, run, at }).some((l) => l.startsWith('waiting for lock LOCK')));
});

test('hold-time histogram text lists the non-empty buckets', () => {
  assert.equal(histogramText([0, 0, 0, 0, 0, 8, 0]), '100 ms–1 s: 8');
  assert.equal(histogramText([3, 0, 0, 1, 0, 0, 1]), '<10 µs: 3 · 1 ms–10 ms: 1 · ≥1 s: 1');
});

test('source heat marks the blocking line and the lock’s creation and holding lines, even unsampled', () => {
  const heat = sourceHeat(blockingProfile())!;
  const lines = heat.files.get(BLOCKING_FILE)!;
  const at = (line: number) => lines.find((l) => l.line === line)!;
  assert.deepEqual(at(17).notes, ['blocks the event loop: 2× in threads-2, 100.0 ms in all, up to 60.0 ms']);
  assert.deepEqual(at(3).notes, ['lock LOCK: 46% of task time waiting (2 threads, threads-2)']);
  assert.deepEqual(at(20).notes, ['holds LOCK 100.0 ms on average (8×)']);
  assert.equal(lineLabel(at(3)), 'lock LOCK: 46% of task time waiting (2 threads, threads-2)');
  assert.match(lineDetail(at(3), heat), /\n- lock LOCK: 46% of task time waiting/);
  assert.deepEqual(
    lines.map((l) => l.line),
    [...lines.map((l) => l.line)].sort((a, b) => a - b),
  );
});
