// Whether another interpreter's run beats the main interpreter's best choice: PyPy's JIT on a
// pure-Python loop, threads on a free-threaded build, a newer CPython. Switching interpreters is
// a bigger change than switching pools, so it has to pay clearly.
import type { Recommendation } from '../profile';
import { speedup as times } from '../../shared/format';
import { label, type Facts, type StrategyFacts } from './facts';
import { SPEEDUP_MARGIN, disturbed } from './margin';

/**
 * 3x. While other programs held the cores, runs of the same strategy swung between 0.7x and 3x on
 * these machines (margin.ts, DISTURBED_LOAD), so only a gain beyond that swing is credited to
 * another interpreter rather than to quieter moments.
 */
export const INTERPRETER_GAIN_UNDER_LOAD = 3;

/** The runs on each other interpreter that could be recommended, by interpreter name. */
function groups(pool: StrategyFacts[]): Map<string, StrategyFacts[]> {
  const byName = new Map<string, StrategyFacts[]>();
  for (const s of pool) {
    if (s.interpreter === null) continue;
    byName.set(s.interpreter, [...(byName.get(s.interpreter) ?? []), s]);
  }
  return byName;
}

/**
 * The best choice on another interpreter when it beats `mainChoice` by the margin that makes a
 * switch worth it (PREFER_SIMPLER_WITHIN on a quiet machine, INTERPRETER_GAIN_UNDER_LOAD on a
 * busy one), else `mainChoice`. On each interpreter a pool must beat that interpreter's own
 * serial run by `preferSimplerWithin`, or serial there is the choice.
 */
export function preferOtherInterpreter(
  f: Facts,
  pool: StrategyFacts[],
  mainChoice: StrategyFacts | null,
  chooseAmong: (runs: StrategyFacts[]) => StrategyFacts | null,
  preferSimplerWithin: number,
): StrategyFacts | null {
  const bar = disturbed(f, pool) ? INTERPRETER_GAIN_UNDER_LOAD : preferSimplerWithin;
  let best = mainChoice;
  for (const runs of groups(pool).values()) {
    const serial = runs.find((s) => s.result.kind === 'serial') ?? null;
    const parallel = chooseAmong(runs.filter((s) => s.result.kind !== 'serial'));
    const own = parallel && (!serial || parallel.speedup! > serial.speedup! * preferSimplerWithin) ? parallel : serial;
    if (!own || own.speedup! < SPEEDUP_MARGIN) continue;
    if (own.speedup! > (best?.speedup ?? 1) * bar) best = own;
  }
  return best;
}

/** The speedup of a run over its own interpreter's serial run: how it scales there. */
export function ownScaling(f: Facts, s: StrategyFacts): number | null {
  const serial = f.all.find(
    (o) => o.interpreter === s.interpreter && o.result.kind === 'serial' && o.result.status === 'ok',
  );
  const wall = s.result.wallSeconds;
  return serial?.result.wallSeconds && wall ? serial.result.wallSeconds / wall : null;
}

/** Why a run on another interpreter was recommended. */
export function interpreterRationale(f: Facts, chosen: StrategyFacts): string {
  const info = f.interpreters.get(chosen.interpreter);
  const what = info ? `${info.implementation} ${info.version}${info.freeThreaded ? ' (free-threaded)' : ''}` : '';
  const main = f.interpreters.get(null);
  const against = main ? ` on ${main.name}` : '';
  const scaling = ownScaling(f, chosen);
  const judged = scaling !== null ? `${times(scaling)} over its own serial run` : 'judged on its own scaling';
  const because =
    info?.implementation === 'PyPy'
      ? "PyPy's JIT compiles the hot pure-Python loop to machine code"
      : info && !info.gil
        ? `without a GIL its threads run Python on several cores at once (${judged})`
        : `${what} runs this code faster than the main interpreter`;
  const pool =
    chosen.result.kind === 'serial'
      ? ''
      : `; the pool adds ${scaling !== null ? times(scaling) : 'its own gain'} over serial there`;
  return (
    `${label(chosen)}: ${times(chosen.speedup!)} faster than serial${against}, ` +
    `above the ${SPEEDUP_MARGIN}x margin; ${what}: ${because}${info?.implementation === 'PyPy' ? pool : ''}. ` +
    `Your code runs unchanged there if its packages are installed for it.`
  );
}

/** One task at a time on another interpreter: more cores do not help until a pool is added. */
export function serialElsewhereProjection(chosen: StrategyFacts): Recommendation['projected'] {
  return {
    cores2x: chosen.speedup,
    cores4x: chosen.speedup,
    model: 'serial',
    assumptions:
      `One task at a time on ${chosen.interpreter}: more cores are not used; a ` +
      `process pool there (processes-fork@${chosen.interpreter}) would add them.`,
  };
}
