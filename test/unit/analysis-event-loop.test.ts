// The event-loop-blocked rule on both sides of its threshold, its place before io-bound, and the
// fix it recommends: the line it rewrites and the speedup it quotes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeProfile } from '../../src/profiler/analysis/index';
import { collectFacts } from '../../src/profiler/analysis/facts';
import { fixKind, planLoopFix, rewrite } from '../../src/profiler/analysis/loopFix';
import { freeNames, simpleCall, splitLine } from '../../src/profiler/analysis/pythonLine';
import {
  LOOP_BLOCKED_SHARE_MIN,
  blockedShare,
  eventLoopBlocked,
} from '../../src/profiler/analysis/rules/eventLoopBlocked';
import type { LoopBlock } from '../../src/profiler/profile';
import { GIL2, IO, NOGIL2, profile, type StrategySpec } from '../helpers/profileBuilders';

const FILE = '/nonexistent/work.py';

function block(over: Partial<LoopBlock> = {}): LoopBlock {
  return {
    site: { file: FILE, line: 10 },
    function: 'fetch',
    code: '    time.sleep(0.05)  # slow',
    count: 8,
    totalMs: 400,
    maxMs: 51,
    state: 'sleep',
    runnableShare: 0,
    located: true,
    spans: { thread: [0], start: [0], end: [50] },
    ...over,
  };
}

/** serial 0.8 s; asyncio at `asyncioSpeedup` (wall 0.8 / speedup) with the given blocks. */
function asyncProfile(blocks: LoopBlock[], extra: StrategySpec[] = [], asyncioSpeedup = 1) {
  return profile({
    isAsync: true,
    strategies: [
      { id: 'serial', states: { sleep: 0.95, running: 0.05 }, loopBlocks: [] },
      { id: 'threads-8', workers: 8, speedup: 6, states: { sleep: 0.95, running: 0.05 } },
      { id: 'asyncio', speedup: asyncioSpeedup, loopBlocks: blocks },
      ...extra,
    ],
  });
}

test('eventLoopBlocked fires at its share of the asyncio run and not just below it', () => {
  const wallMs = 800; // asyncio at 1x of a 0.8 s serial run
  const at = (share: number) => eventLoopBlocked(collectFacts(asyncProfile([block({ totalMs: share * wallMs })])));
  const hit = at(LOOP_BLOCKED_SHARE_MIN);
  assert.equal(hit?.kind, 'event-loop-blocked');
  assert.match(hit!.evidence.join('\n'), /fetch\(\) at work\.py:10 `time\.sleep\(0\.05\)`: 8 calls/);
  assert.match(hit!.evidence.join('\n'), /asleep in a blocking call/);
  assert.equal(at(LOOP_BLOCKED_SHARE_MIN - 0.02), null);
});

test('eventLoopBlocked only judges coroutines (or scripts), and a loop that only awaited keeps its verdict', () => {
  const sync = asyncProfile([block()]);
  sync.workload.isAsync = false;
  assert.equal(eventLoopBlocked(collectFacts(sync)), null);
  const awaitsOnly = profile({
    isAsync: true,
    strategies: [
      { id: 'serial', states: IO, loopBlocks: [] },
      { id: 'threads-8', workers: 8, speedup: 6 },
      { id: 'asyncio', speedup: 7.5, loopBlocks: [] },
    ],
  });
  const { verdict } = analyzeProfile(awaitsOnly);
  assert.equal(verdict.kind, 'io-bound');
  assert.ok(!verdict.rules?.includes('eventLoopBlocked'));
});

test(
  'time the blocked thread only queued for a core does not count: a preempted ' + 'callback is not a blocking call',
  () => {
    const preempted = block({
      totalMs: 600,
      state: 'running',
      runnableShare: 1,
      code: '    await asyncio.sleep(0.05)',
    });
    assert.equal(blockedShare([preempted], 800), 0);
    assert.equal(eventLoopBlocked(collectFacts(asyncProfile([preempted]))), null);
    // A long computation on a busy machine: half queued, but the loop was held the whole time.
    const busy = block({ totalMs: 780, state: 'running', runnableShare: 0.5, code: '    h = digest(DATA)' });
    assert.ok(blockedShare([busy], 800) > 0.9);
  },
);

test('the asyncio run is judged before serial, and event-loop-blocked comes before io-bound', () => {
  const serialOnly = profile({
    isAsync: true,
    strategies: [
      { id: 'serial', states: { sleep: 0.95, running: 0.05 }, loopBlocks: [block({ totalMs: 790 })] },
      { id: 'asyncio', speedup: 7, loopBlocks: [] },
    ],
  });
  assert.equal(
    eventLoopBlocked(collectFacts(serialOnly)),
    null,
    'asyncio ran free: one task at a time is not the loop',
  );
  const { verdict } = analyzeProfile(asyncProfile([block({ totalMs: 780 })]));
  assert.equal(verdict.kind, 'event-loop-blocked');
  assert.equal(verdict.label, 'Event loop blocked');
  assert.deepEqual(verdict.rules?.slice(0, 2), ['eventLoopBlocked', 'ioWait']);
});

test('a time.sleep in a coroutine: await asyncio.sleep on that very line, with the I/O pool speedup quoted', () => {
  const { recommendation } = analyzeProfile(asyncProfile([block({ totalMs: 780 })]));
  assert.equal(recommendation.strategy, 'asyncio');
  assert.equal(recommendation.expectedSpeedup, 6);
  assert.match(recommendation.rationale, /await asyncio\.sleep instead of time\.sleep/);
  assert.match(recommendation.rationale, /threads-8 ran the same tasks 6\.00x faster/);
  const code = recommendation.codeChange!;
  assert.match(code, /^# before:\n# {4}time\.sleep\(0\.05\) {2}# slow$/m);
  assert.match(code, /^# after:\n {4}await asyncio\.sleep\(0\.05\)$/m);
});

test('the fix follows what the blocking line does', () => {
  const kind = (over: Partial<LoopBlock>, extra: StrategySpec[] = []) => {
    const f = collectFacts(asyncProfile([block(over)], extra));
    return fixKind(f, f.asyncio!.result.loopBlocks![0]!);
  };
  assert.equal(kind({ code: '    sleep(1)' }), 'async-sleep');
  assert.equal(kind({ code: '    r = requests.get(url)', state: 'io' }), 'to-thread');
  // Computing: threads only when the work releases the GIL (the pool's states say which).
  const cpuSerial = { id: 'serial', states: { running: 0.97, other: 0.03 }, loopBlocks: [] };
  const computes = (pool: StrategySpec) => {
    const p = profile({
      isAsync: true,
      strategies: [
        cpuSerial,
        pool,
        { id: 'processes-fork', speedup: 1.8 },
        { id: 'asyncio', loopBlocks: [block({ code: '    h = crunch(data)', state: 'running', totalMs: 780 })] },
      ],
    });
    const f = collectFacts(p);
    return fixKind(f, f.asyncio!.result.loopBlocks![0]!);
  };
  assert.equal(computes({ id: 'threads', speedup: 1.8, states: NOGIL2 }), 'to-thread');
  assert.equal(computes({ id: 'threads', speedup: 1.0, states: GIL2 }), 'process-pool');
});

test('the GIL-bound fix runs the call in a process pool and quotes the processes speedup', () => {
  const p = profile({
    isAsync: true,
    strategies: [
      { id: 'serial', states: { running: 0.97, other: 0.03 }, loopBlocks: [] },
      { id: 'threads', speedup: 1.0, states: GIL2 },
      { id: 'processes-fork', speedup: 1.8 },
      {
        id: 'asyncio',
        loopBlocks: [block({ code: '        total = crunch(data, n=3)', state: 'running', totalMs: 780 })],
      },
    ],
  });
  const fix = planLoopFix(collectFacts(p))!;
  assert.equal(fix.kind, 'process-pool');
  assert.equal(fix.standIn?.id, 'processes-fork');
  assert.ok(
    fix.codeChange
      .split('\n')
      .includes(
        '        total = await asyncio.get_running_loop().run_in_executor(POOL, functools.partial(crunch, data, n=3))',
      ),
    fix.codeChange,
  );
  assert.match(fix.codeChange, /^POOL = ProcessPoolExecutor\(\)/m);
  assert.equal(analyzeProfile(p).recommendation.expectedSpeedup, 1.8);
});

test('reading a line: target, expression and comment; simple calls; names a helper must take', () => {
  assert.deepEqual(splitLine('    x = f(a, b=1)  # why'), {
    indent: '    ',
    head: 'x = ',
    expr: 'f(a, b=1)',
    comment: '# why',
  });
  assert.deepEqual(splitLine('  return g("a=b#c")'), {
    indent: '  ',
    head: 'return ',
    expr: 'g("a=b#c")',
    comment: '',
  });
  assert.deepEqual(splitLine('d[k] += h(x == y)'), { indent: '', head: 'd[k] += ', expr: 'h(x == y)', comment: '' });
  assert.equal(splitLine('    with open(p) as f:'), null);
  assert.deepEqual(simpleCall('hashlib.sha256(data)'), { callee: 'hashlib.sha256', args: 'data' });
  assert.equal(simpleCall('hashlib.sha256(data).hexdigest()'), null);
  assert.equal(simpleCall('f(a)(b)'), null);
  assert.deepEqual(freeNames('hashlib.sha256(data).hexdigest()'), ['data']);
  assert.deepEqual(freeNames('sum(i * i for i in range(n)) + offset'), ['n', 'offset']);
  assert.deepEqual(freeNames('json.loads(body.decode("utf-8"), strict=False)'), ['body']);
});

test(
  'rewrites: to_thread for a call or an expression, run_in_executor before ' +
    'Python 3.9, a helper for GIL-bound expressions',
  () => {
    const line = (code: string) => splitLine(code)!;
    assert.equal(
      rewrite('to-thread', line('    r = requests.get(url, timeout=5)'), true).after,
      '    r = await asyncio.to_thread(requests.get, url, timeout=5)',
    );
    assert.equal(
      rewrite('to-thread', line('    return hashlib.sha256(DATA).hexdigest()'), true).after,
      '    return await asyncio.to_thread(lambda: hashlib.sha256(DATA).hexdigest())',
    );
    assert.equal(
      rewrite('to-thread', line('    blocking()'), false).after,
      '    await asyncio.get_running_loop().run_in_executor(None, blocking)',
    );
    const helper = rewrite('process-pool', line('    total = sum(i * i for i in range(n))'), true);
    assert.equal(helper.after, '    total = await asyncio.get_running_loop().run_in_executor(POOL, _off_loop, n)');
    assert.ok(helper.setup.includes('def _off_loop(n):  # module level, so worker processes can unpickle it'));
    assert.ok(helper.setup.includes('    return sum(i * i for i in range(n))'));
  },
);

test('on a loop whose callbacks are not timed (uvloop) the evidence counts hold-ups, not calls', () => {
  const facts = (untimedLoops?: string[]) => {
    const p = asyncProfile([block({ count: 2, totalMs: 400 })]);
    const asyncio = p.strategies.find((s) => s.id === 'asyncio')!;
    asyncio.loopLag = {
      slowCallbackMs: 10,
      heartbeatMs: 5,
      beats: 20,
      meanMs: 20,
      p95Ms: 200,
      maxMs: 200,
      lateMs: 400,
      ...(untimedLoops ? { untimedLoops } : {}),
    };
    return eventLoopBlocked(collectFacts(p))!.evidence[0]!;
  };
  assert.match(
    facts(['uvloop']),
    /It held the loop up 2 times for 10 ms or more \(uvloop runs callbacks in its own C code/,
  );
  assert.match(facts(), /It made 2 synchronous calls of 10 ms or more/);
});
