// The Node.js verdict: the first rule in NODE_PRECEDENCE that fires names the kind (docs/heuristics.md).
import type { Verdict } from '../../profile';
import type { Finding } from '../rules/types';
import { combineFindings } from '../verdict';
import type { NodeFacts } from './facts';
import { nodeDominantState } from './rules/dominant';
import { cpuBoundEventLoop, eventLoopBlocked } from './rules/eventLoop';
import { cloneCost, handoffOverhead } from './rules/handoff';
import { threadpoolBound } from './rules/threadpool';
import type { NodeRule } from './rules/types';
import { loopWait, nodeMixedWork } from './rules/waiting';

/**
 * Copy and hand-off costs decide against worker pools whatever the work is; work on libuv's pool
 * leaves the main thread waiting, so it goes before the waiting rules; synchronous work inside an
 * async function beats plain waiting or computing; the pure kinds exclude each other.
 */
export const NODE_PRECEDENCE: readonly NodeRule[] = [
  cloneCost,
  handoffOverhead,
  threadpoolBound,
  eventLoopBlocked,
  nodeMixedWork,
  loopWait,
  cpuBoundEventLoop,
];

export function nodeFindings(facts: NodeFacts): Finding[] {
  return NODE_PRECEDENCE.map((rule) => rule(facts)).filter((f): f is Finding => f !== null);
}

export function decideNodeVerdict(facts: NodeFacts): Verdict {
  const fired = nodeFindings(facts);
  return combineFindings(fired, fired[0] ?? nodeDominantState(facts), facts.serial?.states?.samples, null);
}
