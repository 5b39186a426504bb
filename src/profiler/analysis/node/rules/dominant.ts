// Fallback when no Node rule's threshold was met: the larger of computing and waiting on the main
// thread, with low confidence, so every profile still gets a verdict.
import { percent } from '../../../../shared/format';
import { FALLBACK_SCORE } from '../../rules/dominantState';
import type { Finding } from '../../rules/types';
import type { NodeFacts } from '../facts';

export function nodeDominantState(f: NodeFacts): Finding {
  if (!f.serial)
    return {
      rule: 'nodeDominantState',
      kind: 'mixed',
      score: 0,
      evidence: ['The serial baseline did not complete, so nothing could be compared.'],
    };
  const cpu = f.serialCpuShare;
  const wait = f.serialWaitShare;
  if (cpu === null || wait === null)
    return {
      rule: 'nodeDominantState',
      kind: 'mixed',
      score: 0,
      evidence: ['No thread states or CPU times were measured.'],
    };
  return {
    rule: 'nodeDominantState',
    kind: cpu >= wait ? 'cpu-bound-event-loop' : 'io-bound',
    score: FALLBACK_SCORE,
    evidence: [`No rule's threshold was met; serial's main thread: on CPU ${percent(cpu)}, waiting ${percent(wait)}.`],
  };
}
