// Shared measure for the GIL rules: of the time a thread pool's task threads wanted to run,
// how much did they spend waiting for the GIL?
import type { StrategyFacts } from '../facts';

/** Share of a pool's CPU demand (running + runnable + gilWait) spent waiting for the GIL, or null. */
export function gilShareOfDemand(pool: StrategyFacts | null): number | null {
  const st = pool?.states;
  if (!st) return null;
  const demand = st.cpu + st.gil;
  return demand > 0 ? st.gil / demand : null;
}
