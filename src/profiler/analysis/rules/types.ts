import type { VerdictKind } from '../../profile';
import type { Facts } from '../facts';

/** What one heuristic concluded: the kind it argues for, how strongly (0-1), and why. */
export interface Finding {
  rule: string;
  kind: VerdictKind;
  score: number;
  evidence: string[];
  shares?: Partial<Record<VerdictKind, number>>;
}

export type Rule = (facts: Facts) => Finding | null;
