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
  | { type: 'heartbeat'; id: string; elapsedSeconds: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };
