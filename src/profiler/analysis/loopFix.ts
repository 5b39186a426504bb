// The fix for a blocked event loop. What the blocking line does decides how to take it off the
// loop (`await asyncio.sleep`, an async client or `asyncio.to_thread` for a blocking wait or for
// computing that releases the GIL, a process pool for computing that holds it), the sweep's
// threads or processes run of the same tasks measures what that brings, and the code change
// rewrites the line itself.
import type { LoopBlock } from '../profile';
import { baseName, speedup } from '../../shared/format';
import { label, type Facts, type StrategyFacts } from './facts';
import { SPEEDUP_MARGIN, fastest } from './margin';
import { blockSite, loopRun } from './rules/eventLoopBlocked';
import { gilContention } from './rules/gilContention';
import { releasesGil } from './rules/releasesGil';
import { freeNames, hasKeywordArguments, simpleCall, splitLine, type SplitLine } from './pythonLine';

export type LoopFixKind = 'async-sleep' | 'to-thread' | 'process-pool';

export interface LoopFix {
  kind: LoopFixKind;
  /** The worst blocking site: the one the code change rewrites. */
  block: LoopBlock;
  /** True when the blocking call computes (the loop thread was on CPU), false when it waits. */
  computes: boolean;
  /** The measured run that does what the fix does, for the same tasks: threads overlap the blocking
   * calls (as `asyncio.sleep` and `to_thread` would), processes run GIL-bound computing in parallel. */
  standIn: StrategyFacts | null;
  /** What to do, one sentence. */
  advice: string;
  codeChange: string;
}

const SLEEP_CALL = /(?<![\w.])(?:time\.)?sleep\s*\(/;

/** Synchronous clients, and the asyncio counterpart to suggest. */
const ASYNC_CLIENTS: [RegExp, string][] = [
  [/\brequests\.|\burlopen\(|\burllib\b|\bhttp\.client\b|\bhttpx\.(?!Async)/, 'aiohttp or httpx.AsyncClient'],
  [/\bpsycopg2?\b|\bpymysql\b|\bmysql\.connector\b/, 'asyncpg, aiomysql or psycopg 3 (async)'],
  [/\bredis\./, 'redis.asyncio'],
  [/\bsubprocess\./, 'asyncio.create_subprocess_exec'],
  [/\bsocket\b|\.recv\(|\.sendall\(/, "asyncio's streams (asyncio.open_connection)"],
];

/** How to take the blocking call off the loop. */
export function fixKind(f: Facts, b: LoopBlock): LoopFixKind {
  if (b.code && SLEEP_CALL.test(splitLine(b.code)?.expr ?? b.code)) return 'async-sleep';
  if (b.state !== 'running' && b.state !== 'gilWait') return 'to-thread'; // a wait: sleep, I/O, a lock
  // Computing: a thread runs beside the loop only if the work releases the GIL.
  if (releasesGil(f)) return 'to-thread';
  if (gilContention(f)) return 'process-pool';
  const threads = fastest(f.threads);
  return threads && (threads.speedup ?? 0) >= SPEEDUP_MARGIN ? 'to-thread' : 'process-pool';
}

function pythonAtLeast(f: Facts, major: number, minor: number): boolean {
  const [a = 0, b = 0] = f.python.version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

/** The blocking line rewritten, plus any module-level lines the rewrite needs. */
export function rewrite(kind: LoopFixKind, line: SplitLine, toThread: boolean): { after: string; setup: string[] } {
  const { indent, head, expr } = line;
  if (kind === 'async-sleep')
    return { after: `${indent}${head}${expr.replace(SLEEP_CALL, 'await asyncio.sleep(')}`, setup: [] };
  const call = simpleCall(expr);
  if (kind === 'to-thread') {
    const target = call ? [call.callee, call.args].filter(Boolean).join(', ') : `lambda: ${expr}`;
    if (toThread) return { after: `${indent}${head}await asyncio.to_thread(${target})`, setup: [] };
    const plain = call && !hasKeywordArguments(call.args) ? target : `lambda: ${expr}`;
    return { after: `${indent}${head}await asyncio.get_running_loop().run_in_executor(None, ${plain})`, setup: [] };
  }
  const pool = 'POOL = ProcessPoolExecutor()  # once per process; worker processes re-import this module';
  const setup = ['from concurrent.futures import ProcessPoolExecutor', pool];
  const run = `${indent}${head}await asyncio.get_running_loop().run_in_executor(POOL, `;
  if (call && !hasKeywordArguments(call.args))
    return { after: `${run}${[call.callee, call.args].filter(Boolean).join(', ')})`, setup };
  if (call)
    return { after: `${run}functools.partial(${call.callee}, ${call.args}))`, setup: ['import functools', ...setup] };
  const params = freeNames(expr);
  return {
    after: `${run}${['_off_loop', ...params].join(', ')})`,
    setup: [
      ...setup,
      '',
      `def _off_loop(${params.join(', ')}):  # module level, so worker processes can unpickle it`,
      `    return ${expr}`,
    ],
  };
}

function why(kind: LoopFixKind, b: LoopBlock, computes: boolean): string {
  if (kind === 'async-sleep')
    return 'time.sleep stops the event loop; await asyncio.sleep lets the other coroutines run meanwhile';
  if (kind === 'process-pool')
    return 'the computing holds the GIL, so a thread would still stall the loop: run it in a process pool';
  if (computes) return 'the computing releases the GIL, so in a worker thread it runs beside the loop';
  const client = ASYNC_CLIENTS.find(([re]) => b.code && re.test(b.code));
  return (
    `the call waits with the loop stopped; in a worker thread it waits off the ` +
    `loop${client ? ` (or use an async client: ${client[1]})` : ''}`
  );
}

function codeChangeFor(f: Facts, kind: LoopFixKind, b: LoopBlock, computes: boolean): string {
  const where = b.site.line > 0 ? `${baseName(b.site.file)}:${b.site.line}, in ${b.function}()` : `${b.function}()`;
  const line = b.code ? splitLine(b.code) : null;
  if (!b.code || !line) {
    const generic =
      kind === 'process-pool'
        ? 'await asyncio.get_running_loop().run_in_executor(POOL, blocking_function, *args)'
        : 'await asyncio.to_thread(blocking_function, *args)';
    return [
      `# ${where}: ${why(kind, b, computes)}.`,
      b.code
        ? `# The blocking line is not a simple statement; move the blocking part into a function and run it as:`
        : '# The blocking line was not sampled; run the blocking call as:',
      ...(b.code ? [`#     ${b.code.trim()}`] : []),
      `result = ${generic}`,
    ].join('\n');
  }
  const { after, setup } = rewrite(kind, line, pythonAtLeast(f, 3, 9));
  return [
    `# ${where}:`,
    `# ${why(kind, b, computes)}.`,
    '# before:',
    `#${b.code}`,
    '# after:',
    after,
    ...(setup.length ? ['', `# at module level in ${baseName(b.site.file)}:`, ...setup] : []),
    `# (with \`import asyncio\` at the top of ${baseName(b.site.file)})`,
  ].join('\n');
}

const ADVICE: Record<LoopFixKind, string> = {
  'async-sleep': 'await asyncio.sleep instead of time.sleep',
  'to-thread': 'run the blocking call in a worker thread with asyncio.to_thread',
  'process-pool': 'run the computing in a process pool with loop.run_in_executor',
};

/** The fix for the worst blocking site of the judged loop, or null when no loop was blocked. */
export function planLoopFix(f: Facts): LoopFix | null {
  const block = loopRun(f)?.result.loopBlocks?.[0];
  if (!block) return null;
  const kind = fixKind(f, block);
  const computes = block.state === 'running' || block.state === 'gilWait';
  const standIn = fastest(kind === 'process-pool' ? f.processes : f.threads);
  const client = ASYNC_CLIENTS.find(([re]) => block.code && re.test(block.code));
  const advice =
    kind === 'to-thread' && client && !computes
      ? `use an async client (${client[1]}), or ${ADVICE[kind]}`
      : ADVICE[kind];
  return { kind, block, computes, standIn, advice, codeChange: codeChangeFor(f, kind, block, computes) };
}

/** The recommendation's rationale for a blocked loop. */
export function loopFixRationale(f: Facts, fix: LoopFix): string {
  const asyncio = f.asyncio?.speedup != null ? ` As it is, asyncio reached ${speedup(f.asyncio.speedup)}.` : '';
  const s = fix.standIn;
  const how = fix.kind === 'process-pool' ? 'in processes' : 'with the blocking calls overlapping';
  const measured =
    s && s.speedup !== null
      ? s.speedup >= SPEEDUP_MARGIN
        ? ` ${label(s)} ran the same tasks ${speedup(s.speedup)} faster than serial ` +
          `with ${fix.kind === 'process-pool' ? 'the computing in parallel' : 'the blocking calls overlapping'}: ` +
          `about what the loop gains once the call is off it.`
        : ` ${label(s)}, which ran the same tasks ${how}, ` +
          `reached only ${speedup(s.speedup)}: the fix frees the loop, but expect little ` +
          `speedup on this machine.`
      : ` No ${fix.kind === 'process-pool' ? 'processes' : 'threads'} run measured what that brings.`;
  return `Take the blocking call at ${blockSite(fix.block)} off the event loop: ${fix.advice}.${measured}${asyncio}`;
}
