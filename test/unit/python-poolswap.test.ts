// The whole-script pool hook (src/profiler/python/cp_poolswap.py) in a real interpreter: it sees
// the pools the user's own files create, swaps or resizes only those, and refuses what a process
// pool cannot pickle, saying which call and the fix.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const PYTHON = process.env.CP_TEST_PYTHON ?? '/usr/bin/python3';
const HOOK_DIR = join(__dirname, '..', '..', 'src', 'profiler', 'python');
const root = mkdtempSync(join(tmpdir(), 'poolswap-'));
const project = join(root, 'project');
const library = join(root, 'lib');
mkdirSync(project);
mkdirSync(library);
after(() => rmSync(root, { recursive: true, force: true }));

// A "library" outside the project folder that creates its own pool.
writeFileSync(
  join(library, 'libpool.py'),
  'from concurrent.futures import ThreadPoolExecutor\n\ndef run(fn, items):\n ' +
    '   with ThreadPoolExecutor(3) as pool:\n        return [type(pool).__name__, ' +
    'list(pool.map(fn, items))]\n',
);

// Every pool API the hook knows, a library's pool and asyncio's default executor; prints what each became.
const POOLS_SCRIPT = `import asyncio, json, multiprocessing, os, sys
sys.path.insert(0, ${JSON.stringify(library)})
from concurrent.futures import ThreadPoolExecutor, ProcessPoolExecutor
from multiprocessing.pool import ThreadPool
import libpool

def square(x):
    return x * x

out = {}
with ThreadPoolExecutor(max_workers=4) as pool:
    out["ThreadPoolExecutor"] = [type(pool).__name__, list(pool.map(square, range(4)))]
with ProcessPoolExecutor(2) as pool:
    out["ProcessPoolExecutor"] = [type(pool).__name__, list(pool.map(square, range(4)))]
with ThreadPool() as pool:
    out["ThreadPool"] = [type(pool).__name__, pool.map(square, range(4))]
with multiprocessing.Pool(2) as pool:
    out["Pool"] = [type(pool).__name__, pool.map(square, range(4))]
out["library"] = libpool.run(square, range(3))

async def main():
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, square, 3)
    return type(loop._default_executor).__name__

out["asyncio"] = asyncio.run(main())
print(json.dumps(out))
`;

interface Hooked {
  out: Record<string, unknown>;
  pools: { api: string; kind: string; workers: number; sized: boolean; line: number; swappedTo: string | null }[];
  refused: { message: string; fix: string } | null;
  raised: string | null;
}

/** A Python literal: None for null, else JSON (strings and numbers read the same). */
const python = (value: string | number | null): string => (value === null ? 'None' : JSON.stringify(value));

/** Runs `script` (written into the project folder) under the hook. */
function underHook(name: string, script: string, swap: string | null, size: number | null): Hooked {
  writeFileSync(join(project, name), script);
  const driver =
    `
import io, json, runpy, sys, contextlib
sys.path.insert(0, ${JSON.stringify(HOOK_DIR)})
import ` +
    `cp_poolswap
cp_poolswap.install(${JSON.stringify(project)}, ${python(swap)}, ` +
    `${python(size)})
buffer = io.StringIO()
raised = None
with contextlib.redirect_stdout(buffer):
 ` +
    `   try:
        runpy.run_path(${JSON.stringify(join(project, name))}, run_name="__main__")
 ` +
    `   except cp_poolswap.SwapRefused as exc:
        raised = exc.detail["message"]
text ` +
    `= buffer.getvalue().strip()
print(json.dumps({"out": json.loads(text) if ` +
    `text.startswith("{") else {"text": text}, "pools": cp_poolswap.report(), ` +
    `"refused": cp_poolswap.refusal(), "raised": raised}))
`;
  return JSON.parse(execFileSync(PYTHON, ['-c', driver], { encoding: 'utf8', timeout: 60_000 })) as Hooked;
}

test('as written: every pool of the user file is recorded with its size and line; none changes', () => {
  const { out, pools } = underHook('pools.py', POOLS_SCRIPT, null, null);
  assert.deepEqual(out.ThreadPoolExecutor, ['ThreadPoolExecutor', [0, 1, 4, 9]]);
  assert.deepEqual(out.Pool, ['Pool', [0, 1, 4, 9]]);
  assert.deepEqual(
    pools.map((p) => [p.api, p.kind, p.sized, p.line, p.swappedTo]),
    [
      ['ThreadPoolExecutor', 'threads', true, 11, null],
      ['ProcessPoolExecutor', 'processes', true, 13, null],
      ['ThreadPool', 'threads', false, 15, null],
      ['Pool', 'processes', true, 17, null],
    ],
    "the library's pool and asyncio's executor are not the user's",
  );
  assert.equal(pools[0]!.workers, 4);
  assert.ok(pools[2]!.workers >= 1, 'an unsized pool records the default it got');
});

test('swap to processes: the user thread pools become process pools; the library and asyncio keep threads', () => {
  const { out, pools } = underHook('pools.py', POOLS_SCRIPT, 'processes', null);
  assert.deepEqual(out.ThreadPoolExecutor, ['ProcessPoolExecutor', [0, 1, 4, 9]]);
  assert.deepEqual(out.ThreadPool, ['Pool', [0, 1, 4, 9]]);
  assert.deepEqual(out.ProcessPoolExecutor, ['ProcessPoolExecutor', [0, 1, 4, 9]], 'already a process pool');
  assert.deepEqual(out.library, ['ThreadPoolExecutor', [0, 1, 4]]);
  assert.equal(out.asyncio, 'ThreadPoolExecutor');
  assert.deepEqual(
    pools.map((p) => p.swappedTo),
    ['processes', null, 'processes', null],
  );
});

test('swap to threads: process pools become thread pools of the same size', () => {
  const { out, pools } = underHook('pools.py', POOLS_SCRIPT, 'threads', null);
  assert.deepEqual(out.ProcessPoolExecutor, ['ThreadPoolExecutor', [0, 1, 4, 9]]);
  assert.deepEqual(out.Pool, ['ThreadPool', [0, 1, 4, 9]]);
  assert.deepEqual(
    pools.filter((p) => p.swappedTo === 'threads').map((p) => [p.api, p.workers]),
    [
      ['ProcessPoolExecutor', 2],
      ['Pool', 2],
    ],
  );
});

test('size override: the pools the script sized get N workers, an unsized one keeps its default', () => {
  const sized = `from concurrent.futures import ThreadPoolExecutor
from multiprocessing.pool import ThreadPool
import json
with ThreadPoolExecutor(max_workers=2) as a, ThreadPoolExecutor() as b, ThreadPool(processes=3) as c:
    print(json.dumps({"a": a._max_workers, "b": b._max_workers, "c": c._processes}))
`;
  const plain = underHook('sized.py', sized, null, null).out;
  const { out, pools } = underHook('sized.py', sized, null, 8);
  assert.equal(out.a, 8);
  assert.equal(out.c, 8);
  assert.equal(out.b, plain.b, 'not sized by the script: not overridden');
  assert.deepEqual(
    pools.map((p) => [p.sized, p.workers]),
    [
      [true, 8],
      [false, plain.b],
      [true, 8],
    ],
  );
  const swapped = underHook(
    'sized.py',
    sized.replace(
      'print(json.dumps({"a": a._max_workers, "b": b._max_workers, "c": c._processes}))',
      'print(json.dumps({"a": a._max_workers}))',
    ),
    'processes',
    8,
  );
  assert.equal(swapped.out.a, 8, 'swapped and resized together');
});

test('refusals: a lambda, an unpicklable argument, also when the script swallows the error', () => {
  const lambda = underHook(
    'lam.py',
    'from concurrent.futures import ThreadPoolExecutor\nwith ThreadPoolExecutor(4) ' +
      'as pool:\n    print(list(pool.map(lambda n: n * 2, range(4))))\n',
    'processes',
    null,
  );
  assert.ok(
    lambda.raised!.startsWith(
      'the ThreadPoolExecutor created at lam.py:2 cannot become a process pool: ' +
        'the task <lambda> at lam.py:3 cannot be pickled (PicklingError: ',
    ),
    lambda.raised!,
  );
  assert.match(lambda.refused!.fix, /module-level def \(not a lambda/);
  const lock = underHook(
    'lock.py',
    'import threading\nfrom concurrent.futures import ThreadPoolExecutor\ndef ' +
      'use(lock, x):\n    return x\nwith ThreadPoolExecutor(2) as pool:\n    print(pool.submit(use, ' +
      'threading.Lock(), 1).result())\n',
    'processes',
    null,
  );
  assert.match(
    lock.raised!,
    /argument 1 \(<unlocked _thread\.lock object>\) at lock\.py:6 cannot be pickled \(TypeError/,
  );
  const swallowed = underHook(
    'swallow.py',
    'from multiprocessing.pool import ThreadPool\ntry:\n    with ThreadPool(2) ' +
      'as pool:\n        pool.map(lambda n: n, range(3))\nexcept BaseException:\n ' +
      '   print("went on")\n',
    'processes',
    null,
  );
  assert.equal(swallowed.raised, null);
  assert.deepEqual(swallowed.out, { text: 'went on' });
  assert.match(
    swallowed.refused!.message,
    /the ThreadPool created at swallow\.py:3 cannot become a process pool: the task <lambda>/,
  );
  // Without a swap nothing is checked: the lambda runs on threads as written.
  assert.equal(
    underHook(
      'lam.py',
      'from concurrent.futures import ThreadPoolExecutor\nwith ThreadPoolExecutor(4) ' +
        'as pool:\n    print(list(pool.map(lambda n: n * 2, range(4))))\n',
      null,
      null,
    ).refused,
    null,
  );
});
