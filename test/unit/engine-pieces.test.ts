// Engine pieces that need no workload: syscall classification, output bounding, strategy names,
// trace merging, the table.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BoundedTail } from '../../src/profiler/launcher';
import { classifyBlocked, GIL_MARGIN_AFTER, gilRange, syscallTable } from '../../src/profiler/sampler/syscalls';
import {
  NATIVE_THREAD_VARIABLES,
  nativeStrategies,
  nativeThreadsOf,
  parseStrategy,
  strategyEnvironment,
  withNativeThreads,
  withoutNativeThreads,
} from '../../src/profiler/strategies';
import { readTraces } from '../../src/profiler/traces';

describe('classifyBlocked (x86_64)', () => {
  const table = syscallTable('x64')!;
  const gil = gilRange([0x1000, 0x1004]);
  test('a futex on the GIL (its cond words, the mutex and switch objects after them) is a GIL wait', () => {
    assert.equal(classifyBlocked(table, 'S', 202, 0x1004, gil), 'gilWait');
    assert.equal(classifyBlocked(table, 'S', 202, 0x1008, gil), 'gilWait'); // mutex (seen at cond words + 8 on 3.11)
    assert.equal(classifyBlocked(table, 'S', 202, 0x1058, gil), 'gilWait'); // switch_cond words (+0x58 on 3.11)
    assert.equal(classifyBlocked(table, 'S', 202, 0x1004 + GIL_MARGIN_AFTER + 1, gil), 'lockWait');
    assert.equal(classifyBlocked(table, 'S', 202, 0x2000, gil), 'lockWait');
    assert.equal(classifyBlocked(table, 'S', 202, 0x1000, null), 'lockWait');
  });
  test('sockets, poll, child waits are io; nanosleep is sleep; the rest other, D is io', () => {
    for (const nr of [0, 7, 45, 232, 43, 42, 61, 247])
      assert.equal(classifyBlocked(table, 'S', nr, 0, gil), 'io', String(nr));
    assert.equal(classifyBlocked(table, 'S', 230, 0, gil), 'sleep');
    assert.equal(classifyBlocked(table, 'S', 35, 0, gil), 'sleep');
    assert.equal(classifyBlocked(table, 'S', 9999, 0, gil), 'other');
    assert.equal(classifyBlocked(table, 'D', -1, 0, gil), 'io');
  });
  test('aarch64 has its own numbers', () => {
    const arm = syscallTable('arm64')!;
    assert.equal(classifyBlocked(arm, 'S', 98, 0x1000, gil), 'gilWait');
    assert.equal(classifyBlocked(arm, 'S', 101, 0, gil), 'sleep');
    assert.equal(syscallTable('ia32'), null);
  });
});

describe('BoundedTail', () => {
  test('keeps only the last bytes and counts the dropped ones', () => {
    const tail = new BoundedTail(10);
    tail.push(Buffer.from('0123456789'));
    tail.push(Buffer.from('abcdef'));
    assert.equal(tail.text(), '6789abcdef');
    assert.equal(tail.droppedBytes, 6);
    tail.push(Buffer.from('x'.repeat(25)));
    assert.equal(tail.text(), 'x'.repeat(10));
    assert.equal(tail.droppedBytes, 6 + 10 + 15);
  });
});

describe('parseStrategy', () => {
  test('known forms', () => {
    assert.deepEqual(parseStrategy('threads', 4), {
      id: 'threads',
      kind: 'threads',
      workers: 4,
      startMethod: null,
      nativeThreads: null,
      interpreter: null,
    });
    assert.deepEqual(parseStrategy('threads-16', 4), {
      id: 'threads-16',
      kind: 'threads',
      workers: 16,
      startMethod: null,
      nativeThreads: null,
      interpreter: null,
    });
    assert.deepEqual(parseStrategy('processes-spawn', 3), {
      id: 'processes-spawn',
      kind: 'processes',
      workers: 3,
      startMethod: 'spawn',
      nativeThreads: null,
      interpreter: null,
    });
    assert.equal(parseStrategy('serial', 8)!.workers, 1);
    assert.deepEqual(parseStrategy('processes-fork-4', 2), {
      id: 'processes-fork-4',
      kind: 'processes',
      workers: 4,
      startMethod: 'fork',
      nativeThreads: null,
      interpreter: null,
    });
  });
  test('+native-N limits the native pools of any family', () => {
    assert.deepEqual(parseStrategy('processes-fork+native-1', 2), {
      id: 'processes-fork+native-1',
      kind: 'processes',
      workers: 2,
      startMethod: 'fork',
      nativeThreads: 1,
      interpreter: null,
    });
    assert.equal(parseStrategy('serial+native-1', 2)!.nativeThreads, 1);
    assert.equal(parseStrategy('threads-8+native-2', 2)!.workers, 8);
    assert.equal(parseStrategy('threads-8+native-2', 2)!.nativeThreads, 2);
    assert.equal(nativeThreadsOf('processes-fork+native-1'), 1);
    assert.equal(nativeThreadsOf('processes-fork'), null);
    assert.equal(withNativeThreads('processes-fork-4', 1), 'processes-fork-4+native-1');
    assert.equal(withoutNativeThreads('threads+native-1'), 'threads');
    assert.equal(withoutNativeThreads('script+processes'), 'script+processes');
  });
  test('a native-N strategy runs with every pool variable set to N; the others with the user environment', () => {
    const user = { PATH: '/bin', OMP_NUM_THREADS: '8' };
    const env = strategyEnvironment(parseStrategy('threads+native-1', 2)!, user);
    for (const name of NATIVE_THREAD_VARIABLES) assert.equal(env[name], '1', name);
    assert.equal(env.PATH, '/bin');
    assert.equal(strategyEnvironment(parseStrategy('threads', 2)!, user), user);
    assert.equal(user.OMP_NUM_THREADS, '8', 'the user environment itself is not changed');
  });
  test('the sweep adds serial, the thread pool and the first process pool with one native thread', () => {
    const plan = ['serial', 'threads', 'processes-fork', 'processes-spawn'].map((id) => parseStrategy(id, 2)!);
    assert.deepEqual(
      nativeStrategies(plan, 2).map((s) => s.id),
      ['serial+native-1', 'threads+native-1', 'processes-fork+native-1'],
    );
    assert.deepEqual(
      nativeStrategies([parseStrategy('serial', 2)!], 2).map((s) => s.id),
      ['serial+native-1'],
    );
  });
  test('unknown or malformed forms are rejected', () => {
    for (const id of [
      'gpu',
      'threads-0',
      'threads-x',
      'processes-fork2',
      'processes',
      'serial-4',
      'threads+turbo',
      'threads+native-0',
      'threads+native',
      'script@pypy3.9',
      'threads@',
    ])
      assert.equal(parseStrategy(id, 2), null, id);
  });
  test('the families that run anywhere take an interpreter', () => {
    assert.deepEqual(parseStrategy('serial@pypy3.9', 2), {
      id: 'serial@pypy3.9',
      kind: 'serial',
      workers: 1,
      startMethod: null,
      nativeThreads: null,
      interpreter: 'pypy3.9',
    });
    assert.equal(parseStrategy('processes-fork-3@python3.12-2', 2)!.workers, 3);
    assert.equal(parseStrategy('processes-fork-3@python3.12-2', 2)!.interpreter, 'python3.12-2');
    assert.equal(parseStrategy('subinterpreters@python3.14', 2)!.kind, 'subinterpreters');
  });
});

describe('readTraces', () => {
  test('merges per-process tables into one trie and skips a line cut by a kill', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-traces-'));
    const lines = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n');
    writeFileSync(
      join(dir, 'trace-10.jsonl'),
      lines([
        { process: { pid: 10, ppid: 1, role: 'harness', runtime: 4096 } },
        {
          frames: [
            ['main', 'a.py', 1],
            ['work', 'a.py', 5],
          ],
          stacks: [
            [
              [0, 2],
              [1, 6],
            ],
          ],
          samples: [[100, 11, 0]],
          lateness: [1000],
          tasks: [[0, 11, 50, 150, 0]],
          threads: [[11, 'MainThread']],
        },
      ]) + '\n{"samples": [[1',
    );
    writeFileSync(
      join(dir, 'trace-20.jsonl'),
      lines([
        { process: { pid: 20, ppid: 10, role: 'worker', runtime: 8192 } },
        // Same functions in another order: they must map onto the same global frames and trie nodes.
        {
          frames: [
            ['work', 'a.py', 5],
            ['main', 'a.py', 1],
          ],
          stacks: [
            [
              [1, 2],
              [0, 6],
            ],
            [[1, 2]],
          ],
          samples: [
            [200, 21, 0],
            [210, 21, 1],
          ],
          tasks: [[1, 21, 150, 250, 1]],
        },
        { workerReady: { pid: 20, poolCreatedNs: 10, readyNs: 40 } },
      ]),
    );
    const data = readTraces(dir);
    assert.deepEqual(data.frames.name, ['main', 'work']);
    assert.deepEqual(data.stacks, { parent: [-1, 0], frame: [0, 1], line: [2, 6] });
    assert.deepEqual(data.stackSamples, { ns: [100, 200, 210], tid: [11, 21, 21], stack: [1, 1, 0] });
    assert.deepEqual(
      data.tasks.map((t) => [t.index, t.pid, t.failed]),
      [
        [0, 10, 0],
        [1, 20, 1],
      ],
    );
    assert.equal(data.processes.length, 2);
    assert.equal(data.workersReady[0]!.readyNs, 40);
    assert.equal(data.threadNames.get(11), 'MainThread');
  });
});
