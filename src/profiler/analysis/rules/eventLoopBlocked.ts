// event-loop-blocked: synchronous calls inside coroutines (time.sleep, a blocking client, hashing or
// parsing a large buffer) held up the asyncio event loop, so the coroutines took turns instead of
// overlapping. Read from the event-loop recorder: callbacks timed at the loop, located by the loop
// thread's stack samples (see src/profiler/loopBlocks.ts).
import type { LoopBlock } from '../../profile';
import { baseName, percent, seconds, speedup } from '../../../shared/format';
import { label, type Facts, type StrategyFacts } from '../facts';
import { fastest } from '../margin';
import { splitLine } from '../pythonLine';
import type { Finding } from './types';

/**
 * 0.25 of the run's wall time spent inside blocking callbacks. The blocked parts run one at a time
 * whatever the loop overlaps, so by Amdahl they cap the loop at 1/0.25 = 4x, below what an
 * I/O-sized pool reaches on waits; measured: time.sleep in a coroutine 0.9-0.97, hashing a large
 * buffer 0.9-1.0, coroutines that only await 0.00-0.05 (a callback preempted by other programs).
 */
export const LOOP_BLOCKED_SHARE_MIN = 0.25;
/** Evidence names the sites holding at least this share of the blocked time (at most three). */
export const CITED_BLOCK_SHARE = 0.05;

/** The run whose loop is judged: asyncio (one loop runs every task), else the baseline (serial, or the script). */
export function loopRun(f: Facts): StrategyFacts | null {
  for (const s of [f.asyncio, f.serial]) {
    if (s && s.result.status === 'ok' && s.result.loopBlocks && s.result.wallSeconds) return s;
  }
  return null;
}

/** Time the loop was held, in ms: each block's duration less the share its thread only waited for a
 * core (other programs ran meanwhile: the machine's doing, not the call's). */
export function blockedMs(blocks: LoopBlock[]): number {
  return blocks.reduce((sum, b) => sum + b.totalMs * (1 - b.runnableShare), 0);
}

/**
 * Share of the run the loop was held by its own calls: blocked time over the run's wall time, both
 * without the time the blocking callbacks' thread only queued for a core. On a busy machine that
 * keeps a long computation's share near its true value, and a callback of an await-only coroutine
 * that was preempted for 10 ms (all of it queued) counts for nothing.
 */
export function blockedShare(blocks: LoopBlock[], wallMs: number): number {
  const queued = blocks.reduce((sum, b) => sum + b.totalMs * b.runnableShare, 0);
  const held = blockedMs(blocks);
  return held > 0 ? Math.min(1, held / Math.max(held, wallMs - queued)) : 0;
}

/** "fetch() at app.py:10" */
export function blockSite(b: LoopBlock): string {
  return b.site.line > 0 ? `${b.function}() at ${baseName(b.site.file)}:${b.site.line}` : `${b.function}()`;
}

export function stateWords(b: LoopBlock): string {
  switch (b.state) {
    case 'sleep':
      return 'asleep in a blocking call';
    case 'io':
      return 'blocked in synchronous I/O';
    case 'running':
      return b.runnableShare >= 0.5 ? 'on CPU (queued for a core much of the time)' : 'on CPU';
    case 'lockWait':
      return 'waiting on a lock';
    case 'gilWait':
      return 'waiting for the GIL';
    case 'other':
      return 'in another kernel wait';
    default:
      return 'not sampled';
  }
}

/** The statement on a line, without its indentation and trailing comment. */
export function statement(code: string): string {
  const line = splitLine(code);
  return line ? `${line.head}${line.expr}` : code.trim();
}

export function describeBlock(b: LoopBlock): string {
  const code = b.code ? ` \`${statement(b.code)}\`` : b.located ? '' : ' (the line was not sampled)';
  return (
    `${blockSite(b)}${code}: ${b.count} call${b.count === 1 ? '' : 's'}, ${seconds(b.totalMs / 1000)} ` +
    `in all, up to ${seconds(b.maxMs / 1000)} each; the loop thread was ${stateWords(b)}.`
  );
}

export function eventLoopBlocked(f: Facts): Finding | null {
  if (!f.isAsync && f.profile.mode !== 'script') return null;
  const run = loopRun(f);
  if (!run) return null;
  const blocks = run.result.loopBlocks!;
  const share = blockedShare(blocks, run.result.wallSeconds! * 1000);
  if (share < LOOP_BLOCKED_SHARE_MIN) return null;
  const calls = blocks.reduce((n, b) => n + b.count, 0);
  const held = blockedMs(blocks);
  const cited = blocks.filter((b) => blockedMs([b]) >= CITED_BLOCK_SHARE * held).slice(0, 3);
  const lag = run.result.loopLag;
  const heartbeat =
    lag && lag.beats > 0
      ? ` A heartbeat due every ${lag.heartbeatMs} ms ran up to ${seconds(lag.maxMs / 1000)} late.`
      : '';
  const threshold = lag?.slowCallbackMs ?? 10;
  // The first sentence names the worst line: it is the claim a one-line summary keeps.
  const worst = cited[0] ?? blocks[0]!;
  const where = worst.site.line > 0 ? `Line ${worst.site.line} of ${baseName(worst.site.file)}` : `${worst.function}()`;
  const others = cited.length - 1;
  const andOthers = others > 0 ? ` and ${others} other line${others === 1 ? '' : 's'}` : '';
  const untimed = lag?.untimedLoops?.length ? lag.untimedLoops.join(', ') : null;
  const calledOrHeld = untimed
    ? `${others > 0 ? 'They' : 'It'} held the loop up ${calls} time${calls === 1 ? '' : 's'} for ${threshold} ms ` +
      `or more (${untimed} runs callbacks in its own C code: these are from its heartbeat, and calls ` +
      `back to back count as one), and while one runs no other coroutine can.`
    : `${others > 0 ? 'They' : 'It'} made ${calls} synchronous call${calls === 1 ? '' : 's'} of ${threshold} ms ` +
      `or more, and while one runs no other coroutine can.`;
  const evidence = [
    `${where}${andOthers} blocked the event loop ${percent(share)} of the ${label(run)} run. ` +
      `${calledOrHeld}${heartbeat}`,
    ...cited.map(describeBlock),
  ];
  const threads = fastest(f.threads);
  if (run === f.asyncio && run.speedup !== null && threads?.speedup != null)
    evidence.push(
      `asyncio reached ${speedup(run.speedup)} while ${label(threads)} ran the ` +
        `same tasks at ${speedup(threads.speedup)}: in threads the blocking calls ` +
        `overlap, on one loop they take turns.`,
    );
  return { rule: 'eventLoopBlocked', kind: 'event-loop-blocked', score: Math.min(1, 2 * share), evidence };
}
