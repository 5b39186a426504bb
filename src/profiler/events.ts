// Progress the engine reports while it runs. The CLI prints these as text on stderr, or one JSON
// object per line with --progress=json (the extension reads that form).
import type { StrategyStatus } from './profile';

export type EngineEvent =
  | { type: 'strategy-start'; id: string; index: number; total: number }
  | {
      type: 'strategy-end';
      id: string;
      index: number;
      total: number;
      status: StrategyStatus;
      wallSeconds: number | null;
      speedup: number | null;
    }
  | {
      /** Before the base sweep and before the scaling curves: what will run, and its cost. */
      type: 'plan';
      stage: 'base' | 'scaling';
      /** Estimates: the baseline's time for the base sweep; for curve points, the family's
       * fixed costs plus the baseline's wall time over the speedup expected at that size. */
      runs: { id: string; calls: number; estimatedSeconds: number }[];
      /** null until the base sweep has set the default budget. */
      budgetSeconds: number | null;
      spentSeconds: number;
    }
  | { type: 'heartbeat'; id: string; elapsedSeconds: number }
  /** A strategy's interpreter started, leading process group `pgid`: a program running the CLI can
   * kill that group itself should the engine die. */
  | { type: 'workload'; id: string; pgid: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };
