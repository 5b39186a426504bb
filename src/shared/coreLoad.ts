// Other programs' share of a core, one definition for the analysis (is the machine busy?) and the
// charts (the grey ribbon): what /proc/stat saw busy, less the workload's own running samples and
// an even part of the profiler's own CPU (it runs on any core, and is not the other programs').
import type { CoreSeries } from '../profiler/profile';

/** Share (0-1) of core `core` other programs kept busy at tick `k`. */
export function otherLoadAt(series: CoreSeries, core: number, k: number): number {
  const busy = series.busy[core]?.[k] ?? 0;
  const own = series.workload[core]?.[k] ?? 0;
  const profiler = (series.profiler?.[k] ?? 0) / Math.max(1, series.busy.length);
  return Math.max(0, busy - own - profiler);
}
