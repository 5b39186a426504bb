// The strategies table grouped by the interpreter that ran each strategy (the `@name` of its id):
// the main interpreter first, then the others in the profile's order. One group means no headers.
import { parseStrategyId } from '../shared/strategyId';
import { describeRuntime, type InterpreterInfo, type Profile, type StrategyResult } from '../profiler/profile';

export interface InterpreterGroup {
  /** null for the main interpreter. */
  name: string | null;
  /** "pypy3.9 · PyPy 3.9.16", "python3.11 (main) · CPython 3.11.7". */
  title: string;
  /** What the GIL is there, when it matters: "no GIL", "GIL back on at import". */
  note: string | null;
  strategies: StrategyResult[];
}

function describe(info: InterpreterInfo | undefined, name: string | null, profile: Profile): [string, string | null] {
  if (!info) return [name ?? `main · ${describeRuntime(profile.workload)}`, null];
  const what = `${info.implementation} ${info.version}${info.freeThreaded ? ' free-threaded' : ''}`;
  const note = info.freeThreaded ? (info.gil ? 'GIL back on at import' : 'no GIL') : null;
  return [`${info.name}${info.main ? ' (main)' : ''} · ${what}`, note];
}

export function interpreterGroups(profile: Profile): InterpreterGroup[] {
  const byName = new Map<string | null, StrategyResult[]>();
  for (const s of profile.strategies) {
    const name = parseStrategyId(s.id)?.interpreter ?? null;
    byName.set(name, [...(byName.get(name) ?? []), s]);
  }
  const infos = profile.interpreters ?? [];
  const order: (string | null)[] = [null, ...infos.filter((i) => !i.main).map((i) => i.name)];
  for (const name of byName.keys()) if (!order.includes(name)) order.push(name);
  return order
    .filter((name) => byName.has(name))
    .map((name) => {
      const info = infos.find((i) => (name === null ? i.main : i.name === name));
      const [title, note] = describe(info, name, profile);
      return { name, title, note, strategies: byName.get(name)! };
    });
}
