// What a real run shows that does not hinge on how fast the machine was: how many tasks were in
// flight at once, and how many task threads the /proc sampler saw on a CPU (or queued for one) at
// the same instant. Both hold on a loaded 2-core machine, where speedups do not.
import { THREAD_STATES, type StrategyResult } from '../../src/profiler/profile';

/** The largest number of task spans open at one instant. */
export function tasksInFlight(strategy: StrategyResult): number {
  const edges: [number, number][] = [
    ...strategy.tasks.start.map((t): [number, number] => [t, 1]),
    ...strategy.tasks.end.map((t): [number, number] => [t, -1]),
  ];
  // At equal times ends come first: a task that starts as another ends does not overlap it.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, step] of edges) most = Math.max(most, (open += step));
  return most;
}

/** Sampler ticks (one time stamp each) of in-task samples, with how many task threads were in each state. */
function ticks(strategy: StrategyResult, states: readonly string[]): number[] {
  const wanted = new Set(states.map((s) => THREAD_STATES.indexOf(s as (typeof THREAD_STATES)[number])));
  const byTick = new Map<number, number>();
  const { samples } = strategy;
  for (let i = 0; i < samples.t.length; i++) {
    if (!samples.inTask[i]) continue;
    const count = byTick.get(samples.t[i]!) ?? 0;
    byTick.set(samples.t[i]!, count + (wanted.has(samples.state[i]!) ? 1 : 0));
  }
  return [...byTick.values()];
}

/** Share of the sampler ticks with a task thread on a CPU (running or queued for one) at which at
 * least two task threads were: with the GIL held that is next to never, with it released most. */
export function concurrentOnCpuShare(strategy: StrategyResult): number {
  const onCpu = ticks(strategy, ['running', 'runnable']).filter((n) => n > 0);
  return onCpu.length ? onCpu.filter((n) => n >= 2).length / onCpu.length : 0;
}

/** The most task threads seen in one state at one sampler tick. */
export function mostAtOnce(strategy: StrategyResult, state: string): number {
  return Math.max(0, ...ticks(strategy, [state]));
}

/** The distinct cores on which task threads were seen running. */
export function coresRunningTasks(strategy: StrategyResult): Set<number> {
  const running = THREAD_STATES.indexOf('running');
  const cores = new Set<number>();
  const { samples } = strategy;
  for (let i = 0; i < samples.t.length; i++)
    if (samples.inTask[i] && samples.state[i] === running && samples.core[i]! >= 0) cores.add(samples.core[i]!);
  return cores;
}

/** Cores the strategy kept busy on average while its tasks ran: its CPU seconds over its wall time.
 * Only its upper bound holds on a loaded machine (other programs lower it, nothing raises it). */
export function cpuCores(strategy: StrategyResult): number {
  const cpu = strategy.cpuSeconds;
  if (!cpu || !strategy.wallSeconds) return Number.NaN;
  return (cpu.user + cpu.system) / strategy.wallSeconds;
}

/** The state task threads were blocked in most (not on a CPU and not queued for one): the share of
 * each blocked state shrinks under load (more of the waiting shows as queued: measured here down to
 * 2% GIL wait with 70% queued), their order does not. Check that its share is above 0 too. */
export function mostBlocked(strategy: StrategyResult): string {
  const states = strategy.threadStates!;
  const blocked = ['gilWait', 'lockWait', 'io', 'sleep', 'other'] as const;
  return [...blocked].sort((a, b) => states[b] - states[a])[0]!;
}
