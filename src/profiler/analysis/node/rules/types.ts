import type { Finding } from '../../rules/types';
import type { NodeFacts } from '../facts';

/** A Node.js heuristic: the kind it argues for, how strongly and why, or null when it does not apply. */
export type NodeRule = (facts: NodeFacts) => Finding | null;
