// How busy and how late one thread's event loop was over a window: performance.eventLoopUtilization
// (share of the time the loop was not idle waiting for events) and monitorEventLoopDelay (how late
// a 10 ms timer fired: the time a callback waited for synchronous work to finish).
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { EventLoopDelay } from '../../profile';

/** Histogram resolution: fine enough for the 10 ms slow-callback scale, cheap for the loop. */
const RESOLUTION_MS = 10;

export interface LoopReading {
  utilization: number;
  delay: EventLoopDelay | null;
}

export interface LoopWindow {
  /** What is known now, without letting the loop turn (a script that is ending). */
  snapshot(): LoopReading;
  /** Utilisation up to now, and the delay once the loop has turned again, so that a loop blocked
   * up to now (by synchronous tasks) records how long it was blocked. */
  stop(): Promise<LoopReading>;
}

/** One turn of the loop of at least the histogram's period. */
const turn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 2 * RESOLUTION_MS));

/**
 * Starts watching; resolves once the histogram's timer has fired once: it measures from its first
 * tick, so a loop blocked from the very start (synchronous tasks) would otherwise record nothing.
 */
export async function watchEventLoop(): Promise<LoopWindow> {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  await turn();
  const start: EventLoopUtilization = performance.eventLoopUtilization();
  const utilization = () => Math.round(performance.eventLoopUtilization(start).utilization * 1e4) / 1e4;
  const delay = (): EventLoopDelay | null => {
    // The histogram holds the time between its timer's runs; beyond the resolution is delay.
    const ms = (ns: number) => Math.round(Math.max(0, ns / 1e6 - RESOLUTION_MS) * 1000) / 1000;
    if (histogram.count === 0) return null;
    return {
      meanMs: ms(histogram.mean),
      p50Ms: ms(histogram.percentile(50)),
      p99Ms: ms(histogram.percentile(99)),
      maxMs: ms(histogram.max),
    };
  };
  return {
    snapshot: () => ({ utilization: utilization(), delay: delay() }),
    async stop() {
      const used = utilization();
      await turn();
      histogram.disable();
      return { utilization: used, delay: delay() };
    },
  };
}
