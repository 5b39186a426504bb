// The event loop's own verdicts: one JavaScript thread runs every callback, so synchronous work
// holds all of them up.
//   cpu-bound-event-loop: the calls kept the loop busy computing (a synchronous function, or an
//     async one that never really waits): only more threads or processes can add cores.
//   event-loop-blocked: an async function whose awaits are held up by synchronous work inside it:
//     started together, the calls' waits overlap but their synchronous parts queue on the loop.
import { describeHotLine } from '../../hotspots';
import { label } from '../../facts';
import { percent, speedup } from '../../../../shared/format';
import { SPEEDUP_MARGIN, fastest } from '../../margin';
import type { Finding } from '../../rules/types';
import { baselineThreads, copying, type NodeFacts, type NodeStrategyFacts } from '../facts';

/** 0.6: the main thread on CPU at least 60% of serial's calls; below, waiting is large enough that
 * the io-bound, mixed or blocked rules describe the calls better (as for Python's GIL rule). */
export const LOOP_CPU_SHARE_MIN = 0.6;
/** Score multiplier when all-at-once async beat serial anyway: the loop was not the limit. */
export const CONTRADICTED_FACTOR = 0.7;
/** 0.3: synchronous work is at least 30% of serial's time: started together, the calls can then
 * overlap at most 1/0.3 = 3.3x, however many waits there are. */
export const BLOCKING_CPU_SHARE_MIN = 0.3;
/** 0.15: the function also waits at least 15% of the time: it has awaits worth overlapping. */
export const BLOCKED_WAIT_SHARE_MIN = 0.15;
/** 10 ms: Node's usual slow-callback limit (a frame at 100 Hz): callbacks later than this were held up. */
export const SLOW_CALLBACK_MS = 10;
/** Score multiplier when no run showed the loop late by more than SLOW_CALLBACK_MS. */
export const UNCONFIRMED_FACTOR = 0.8;

function loopLine(s: NodeStrategyFacts): string | null {
  const loop = s.loop;
  if (!loop) return null;
  const delay = loop.delay
    ? `, callbacks up to ${loop.delay.maxMs.toFixed(0)} ms late (p99 ${loop.delay.p99Ms.toFixed(0)} ms)`
    : '';
  return `${label(s)}: the event loop was busy ${percent(loop.utilization)} of the time${delay}.`;
}

export function cpuBoundEventLoop(f: NodeFacts): Finding | null {
  const cpu = f.serialCpuShare;
  if (!f.serial || cpu === null || cpu < LOOP_CPU_SHARE_MIN) return null;
  const evidence: string[] = [];
  const st = f.serial.states;
  if (st) {
    const hot = f.hot(f.serial).running;
    evidence.push(
      `${baselineThreads(f)} ran JavaScript (or native code it called) ${percent(st.cpu)} of ${st.samples} ` +
        `samples${hot ? `, mostly in ${describeHotLine(hot)} (${percent(hot.share)})` : ''}.`,
    );
  }
  const line = loopLine(f.serial);
  if (line) evidence.push(line);
  const parallel = fastest(copying(f));
  if (parallel?.speedup != null)
    evidence.push(`${label(parallel)}: ${speedup(parallel.speedup)}: each has its own event loop and V8 isolate.`);
  let score = Math.min(1, cpu);
  if (f.async && (f.async.speedup ?? 0) >= SPEEDUP_MARGIN) {
    score *= CONTRADICTED_FACTOR;
    evidence.push(`async reached ${speedup(f.async.speedup!)}, so part of the time was waiting after all.`);
  }
  return { rule: 'cpuBoundEventLoop', kind: 'cpu-bound-event-loop', score, evidence };
}

export function eventLoopBlocked(f: NodeFacts): Finding | null {
  const cpu = f.serialCpuShare;
  const wait = f.serialWaitShare;
  if (!f.serial || !f.isAsync || cpu === null || wait === null) return null;
  if (cpu < BLOCKING_CPU_SHARE_MIN || wait < BLOCKED_WAIT_SHARE_MIN) return null;
  const evidence = [
    `serial: the async function ran synchronously ${percent(cpu)} of the time and awaited ${percent(wait)}: while ` +
      `its synchronous part runs, no other callback (another call's resumed await, a timer, a request) can.`,
  ];
  const hot = f.hot(f.serial).running;
  if (hot) evidence.push(`The synchronous time is mostly in ${describeHotLine(hot)} (${percent(hot.share)} of it).`);
  const together = f.async ?? f.serial;
  const line = loopLine(together);
  if (line) evidence.push(line);
  const late = [together, f.serial].some((s) => (s.loop?.delay?.p99Ms ?? 0) >= SLOW_CALLBACK_MS);
  if (f.async?.speedup != null)
    evidence.push(
      `async: ${speedup(f.async.speedup)}, at most about ${(1 / cpu).toFixed(1)}x while the synchronous part ` +
        `queues on one loop.`,
    );
  const score = Math.min(1, 0.5 + cpu) * (late ? 1 : UNCONFIRMED_FACTOR);
  return { rule: 'eventLoopBlocked', kind: 'event-loop-blocked', score, evidence };
}
