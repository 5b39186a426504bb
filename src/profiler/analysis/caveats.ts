// What went wrong under some strategy, said so the user can act on it: wrong results (shared
// mutable state), pickling failures (with the fix), other failures and timeouts.
import type { Profile, StrategyResult } from '../profile';
import { label, type Facts, type StrategyFacts } from './facts';

/** Longest excerpt of a returned value quoted in a caveat. */
export const MAX_VALUE_CHARS = 80;

function clip(v: string): string {
  return v.length > MAX_VALUE_CHARS ? `${v.slice(0, MAX_VALUE_CHARS - 1)}…` : v;
}

export function mismatchCaveats(f: Facts): string[] {
  return f.all
    .filter((s) => s.result.status === 'ok' && s.result.resultsMatchBaseline === false)
    .map((s) => {
      const d = s.result.firstDifference;
      const where = d
        ? `task ${d.task} returned ${clip(d.actual)} where serial returned ${clip(d.expected)}`
        : 'its results differ from serial';
      if (s.interpreter !== null)
        return (
          `${label(s)} is not recommended: ${where}. ${s.interpreter} computes a different ` +
          `result than the main interpreter (another implementation or version: check ` +
          `float formatting, hashing and ordering, or library versions there).`
        );
      const how =
        s.result.kind === 'processes'
          ? 'each worker process changed its own copy of module-level state'
          : 'tasks raced on objects they share';
      return (
        `${label(s)} is not recommended: ${where}. The function shares mutable state ` +
        `(${how}); make each task independent (return its result, combine in the caller).`
      );
    });
}

export function isPicklingFailure(s: StrategyFacts): boolean {
  if (s.result.status !== 'failed') return false;
  const d = s.result.errorDetail;
  const text = `${d?.type ?? ''} ${d?.message ?? ''} ${s.result.error ?? ''}`;
  return /pickl|Can't get local object|Can't get attribute/i.test(text);
}

export function failureCaveats(f: Facts): string[] {
  const out: string[] = [];
  const pickling: StrategyFacts[] = [];
  for (const s of f.all) {
    const r = s.result;
    if ((r.kind === 'serial' && s.interpreter === null) || r.status === 'ok' || r.status === 'skipped') continue;
    if (isPicklingFailure(s)) pickling.push(s);
    else if (r.status === 'timeout')
      out.push(`${label(s)} did not finish within the timeout; it was stopped and is not compared.`);
    else if (r.status === 'cancelled') out.push(`${label(s)} was cancelled before it finished and is not compared.`);
    else out.push(`${label(s)} ${r.status}: ${describeError(s)}.`);
  }
  if (f.profile.interrupted)
    out.unshift('The run was interrupted: this profile is partial, and strategies that did not run are not compared.');
  if (pickling.length > 0) {
    out.unshift(
      `${pickling.map(label).join(', ')} failed to pickle (${describeError(pickling[0])}). ` +
        `Process pools send the function and its arguments by pickling: define the ` +
        `function at module level with def (not a lambda, a nested function or a ` +
        `closure), and pass plain data (numbers, strings, arrays, paths) instead ` +
        `of locks, open files, sockets or generators; open those inside the task.`,
    );
  }
  return out;
}

function describeError(s: StrategyFacts): string {
  const d = s.result.errorDetail;
  // Object addresses differ per process and say nothing to the reader.
  const text = d ? `${d.type}: ${d.message}` : (s.result.error ?? s.result.status);
  return clip(text.replace(/ at 0x[0-9a-f]+/g, ''));
}

/** The module-level-function fix, as code, when a process strategy failed to pickle. */
export function pickleFix(f: Facts): string | null {
  if (!f.processes.some(isPicklingFailure)) return null;
  const name = f.profile.workload.function ?? 'task';
  return (
    '# Process pools pickle the function by name: it must be a module-level def.\n' +
    `# Instead of   ${name} = lambda x: ...   or a def nested inside another function:\n` +
    `def ${name.includes('.') ? 'task' : name}(x):\n` +
    '    ...  # same body; pass plain data in, open files/sockets/locks inside\n'
  );
}

/**
 * 0.1: a thread sampler held up for a tenth of the tasks' span missed that share of every thread's
 * states (and any thread that lived only then); below it the gaps are the odd late timer, and the
 * state shares barely move.
 */
export const HELD_UP_SHARE = 0.1;

/** Says which runs the machine's load kept the thread sampler from sampling, and for how long. */
export function heldUpCaveat(strategies: readonly StrategyResult[]): string | null {
  const held = strategies.filter(
    (s) => s.samplerHeldUp && s.samplerHeldUp.ms >= HELD_UP_SHARE * Math.max(s.samplerHeldUp.taskMs, 1),
  );
  if (held.length === 0) return null;
  const runs = held.map((s) => {
    const h = s.samplerHeldUp!;
    return `${label(s)} ${Math.round((100 * h.ms) / Math.max(h.taskMs, 1))}%, longest ${Math.round(h.longestMs)} ms`;
  });
  return (
    `Thread states have gaps: the machine was so busy that the profiler's thread sampler was held up ` +
    `while tasks ran (${runs.join('; ')}), and threads that lived only then were not seen. Re-run on ` +
    `a quieter machine for complete states.`
  );
}

/** What limited the sampling itself: the profile's note (no /proc, no stacks) and the runs with gaps. */
export function samplingCaveats(profile: Profile): string[] {
  const gaps = heldUpCaveat(profile.strategies);
  return [...(profile.sampling.note ? [`Sampling: ${profile.sampling.note}`] : []), ...(gaps ? [gaps] : [])];
}
