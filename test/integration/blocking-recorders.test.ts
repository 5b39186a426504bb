// The Python side of the blocking recorders (src/profiler/python/cp_blocking.py) in a real
// interpreter: the lock recorder's bookkeeping (names, kinds, waits, holders, re-entrant holds,
// condition waits, the standard library's own locks left alone) and the event-loop recorder (a
// blocking callback timed at the loop, the heartbeat). No timing upper bounds: only what a sleep
// guarantees (a callback that slept 30 ms took at least 30 ms).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RawLock } from '../../src/profiler/traces';
import { PYTHON, ROOT } from '../helpers/cli';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'blocking');
const USER = join(FIXTURES, 'locks_user.py');

/** CPython 3.13 (PyMutex locks, sysconfig creating locks at import) when this machine has one. */
const PYENV = join(homedir(), '.pyenv', 'versions');
const PYTHON_313 = (existsSync(PYENV) ? readdirSync(PYENV) : [])
  .filter((v) => /^3\.13\.\d+$/.test(v))
  .map((v) => join(PYENV, v, 'bin', 'python'))
  .find((p) => existsSync(p));

function drive(mode: 'locks' | 'loops' | 'uvloop', python = PYTHON): Record<string, unknown> {
  const out = execFileSync(python, [join(FIXTURES, 'driver.py'), join(ROOT, 'src', 'profiler', 'python'), mode], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return JSON.parse(out) as Record<string, unknown>;
}

test('the lock recorder names a module-level lock by its variable and line, with its waiter and holder', () => {
  const { locks, records } = drive('locks') as {
    locks: RawLock[];
    records: { name: string | null; kind: string; file: string; acquisitions: number }[];
  };
  const lock = locks.find((l) => l.name === 'LOCK')!;
  assert.ok(lock, `LOCK not reported: ${JSON.stringify(locks)}`);
  assert.deepEqual([lock.file, lock.line, lock.kind, lock.instances], [USER, 6, 'Lock', 1]);
  assert.equal(lock.acquisitions, 2);
  assert.equal(lock.contended, 1, 'the second thread waited for the first');
  assert.equal(lock.waiters.length, 1);
  assert.deepEqual(
    lock.waitSites.map(([file, line, fn, count]) => [file, line, fn, count]),
    [[USER, 16, 'hold', 1]],
  );
  const [holder] = lock.holders;
  assert.deepEqual(holder!.slice(0, 4), [USER, 16, 'hold', 2]);
  assert.ok(holder![4] / 2 >= 50e6, 'each hold slept 50 ms under the lock');
  assert.equal(
    holder![6].reduce((a, b) => a + b, 0),
    2,
    'every hold is in the histogram',
  );

  // queue.Queue's mutex, named by the queue's variable; a consumer waiting for an item is a condition wait.
  const queue = locks.find((l) => l.name === 'Q')!;
  assert.deepEqual([queue.kind, queue.line, queue.conditionWaiters.length], ['Queue', 7, 1]);
  assert.ok(queue.conditionWaitNs > 0);

  // An instance attribute is named Class.attribute; a re-entrant hold counts once.
  const account = records.find((r) => r.name === 'Account.lock')!;
  assert.deepEqual([account.kind, account.acquisitions], ['RLock', 1]);
  // Locks the standard library makes for itself (a Thread's start-up event) are not wrapped.
  assert.deepEqual(
    records.filter((r) => r.file !== 'locks_user.py'),
    [],
  );
  assert.ok(records.every((r) => ['Lock', 'RLock', 'Queue'].includes(r.kind)));
});

test('the event-loop recorder times a blocking callback at the loop and runs a heartbeat on it', () => {
  const { mainTid, slowCallbacks, loopBeats, notes } = drive('loops') as {
    mainTid: number;
    slowCallbacks: [number, number, number, string | null, number, string][];
    loopBeats: [number, number, number][];
    notes: { loopWatch?: { slowCallbackMs: number } }[];
  };
  // The step that sleeps 0.3 s; the others take microseconds, or tens of ms when a loaded machine
  // holds them off a core (recorded too: they passed the 10 ms threshold), never 0.3 s.
  const blocking = slowCallbacks.filter(([, start, end]) => end - start >= 300e6);
  assert.equal(blocking.length, 1, JSON.stringify(slowCallbacks));
  const [tid, , , file, line, fn] = blocking[0]!;
  assert.deepEqual([tid, file, line, fn], [mainTid, join(FIXTURES, 'loop_user.py'), 6, 'blocks']);
  assert.ok(loopBeats.length >= 1 && loopBeats.every(([t, due, ran]) => t === mainTid && ran >= due - 1e6));
  assert.equal(notes[0]?.loopWatch?.slowCallbackMs, 10);
  assert.ok(!notes.some((n) => 'untimedLoop' in n), 'asyncio times its own callbacks');
});

test("on uvloop, whose callbacks run in C, the heartbeat's lateness stands for the blocking callback", () => {
  const { mainTid, slowCallbacks, loopBeats, notes } = drive('uvloop') as {
    mainTid: number;
    slowCallbacks: [number, number, number, string | null, number, string][];
    loopBeats: [number, number, number][];
    notes: { untimedLoop?: string }[];
  };
  assert.ok(
    notes.some((n) => n.untimedLoop === 'uvloop'),
    JSON.stringify(notes),
  );
  // The 0.3 s sleep held the beat due during it: late by at least the sleep less one 5 ms period.
  const blocking = slowCallbacks.filter(([, due, ran]) => ran - due >= 290e6);
  assert.equal(blocking.length, 1, JSON.stringify(slowCallbacks));
  assert.deepEqual(blocking[0]!.slice(3), [null, 0, 'a callback of uvloop']);
  assert.equal(blocking[0]![0], mainTid);
  assert.ok(loopBeats.length >= 1 && loopBeats.every(([t]) => t === mainTid));
});

test(
  'the lock recorder on CPython 3.13, whose locks are PyMutex',
  { skip: !PYTHON_313 && 'no CPython 3.13 here' },
  () => {
    const { locks, records } = drive('locks', PYTHON_313) as {
      locks: RawLock[];
      records: { name: string | null; kind: string }[];
    };
    const lock = locks.find((l) => l.name === 'LOCK')!;
    assert.deepEqual([lock.kind, lock.line, lock.acquisitions, lock.contended], ['Lock', 6, 2, 1]);
    assert.deepEqual(
      records.map((r) => [r.name, r.kind]),
      [
        ['LOCK', 'Lock'],
        ['Q', 'Queue'],
        ['Account.lock', 'RLock'],
      ],
    );
  },
);
