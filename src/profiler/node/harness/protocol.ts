// What the harness and the engine exchange (the config file, the result file) and what the harness
// and its pool members (worker threads, forked children) say to each other.
import type { HarnessResult } from '../../assemble';
import type { ErrorDetail, EventLoopDelay, EventLoopStats } from '../../profile';
import type { StrategySpec } from '../../strategies';

/** Written by the engine as config.json next to the run's traces. */
export interface NodeHarnessConfig {
  file: string;
  function: string | null;
  args: string | null;
  strategy: StrategySpec;
  traceDir: string;
  resultPath: string;
  baselinePath: string | null;
  defaultTasks: number;
  /** The engine's end of the lifeline pipe (src/profiler/launcher.ts), when run by the engine. */
  lifelineFd?: number;
}

/** The result file: the Python harness's fields, plus the event loops. */
export interface NodeHarnessResult extends HarnessResult {
  eventLoop?: EventLoopStats;
}

export type ToMember = { type: 'task'; index: number; args: unknown[] } | { type: 'stop' };

export type FromMember =
  | { type: 'ready'; tid: number; pid: number; readyNs: number }
  | { type: 'done'; index: number; value: unknown; startNs: number; endNs: number }
  | { type: 'failed'; index: number; error: ErrorDetail; startNs: number; endNs: number }
  | { type: 'load-failed'; error: ErrorDetail }
  | {
      type: 'stats';
      utilization: number;
      delay: EventLoopDelay | null;
      /** A child process's own CPU over its life (µs), which the harness's process.cpuUsage() misses. */
      cpu: { user: number; system: number } | null;
    };

/** How a pool member is started: `role` tells the harness file which part to run. */
export interface MemberData {
  role: 'pool-member';
  configPath: string;
  index: number;
}
