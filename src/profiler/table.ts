// The readable summary the CLI prints on stdout: a title line, one row per strategy family (every
// strategy with --verbose) and one line per scaling curve, so the advice below still fits a screen.
import type { EngineEvent } from './events';
import {
  coresOf,
  describeRuntime,
  STATE_ABBREVIATIONS,
  THREAD_STATES,
  type Profile,
  type ScalingCurve,
  type StrategyResult,
} from './profile';
import { nativePoolsText, percent, speedup } from '../shared/format';
import { parseStrategyId } from '../shared/strategyId';

function fixed(value: number | null, digits: number, suffix = ''): string {
  return value === null ? '-' : `${value.toFixed(digits)}${suffix}`;
}

/** The main thread states as "gil 71% run 27%": the states above 5%, largest first. */
export function stateSummary(s: StrategyResult): string {
  if (!s.threadStates) return '-';
  return THREAD_STATES.map((state) => [state, s.threadStates![state]] as const)
    .filter(([, share]) => share >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([state, share]) => `${STATE_ABBREVIATIONS[state]} ${percent(share)}`)
    .join(' ');
}

function cpuUse(s: StrategyResult): string {
  if (!s.cpuSeconds || !s.wallSeconds) return '-';
  return percent((s.cpuSeconds.user + s.cpuSeconds.system) / s.wallSeconds);
}

function matchCell(s: StrategyResult): string {
  if (s.resultsComparison === 'not-comparable') return 'n/c';
  if (s.resultsMatchBaseline === null) return '-';
  if (!s.resultsMatchBaseline) return 'NO';
  return s.resultsTolerance === null ? 'yes' : `yes (${s.resultsTolerance.toExponential(0)})`;
}

interface Row {
  strategy: StrategyResult;
  /** Strategies of the same family left out of the table. */
  hidden: StrategyResult[];
}

/**
 * One row per family (threads, threads-8, threads+native-1 and threads@pypy3.10 are all "threads"),
 * on this profile's interpreter where it can: the baseline itself for serial; else the recommended
 * strategy when it is in the family, else the family's fastest run that computed serial's results.
 */
function familyRows(profile: Profile): Row[] {
  const families = new Map<string, StrategyResult[]>();
  for (const s of profile.strategies) {
    const family = parseStrategyId(s.id)?.family ?? s.id;
    families.set(family, [...(families.get(family) ?? []), s]);
  }
  return [...families].map(([family, members]) => {
    const here = members.filter((s) => parseStrategyId(s.id)?.interpreter == null);
    const candidates = here.length > 0 ? here : members;
    const usable = candidates.filter(
      (s) => s.status === 'ok' && s.resultsMatchBaseline !== false && s.speedup !== null,
    );
    const plain = members.find((s) => s.id === family);
    const strategy =
      (family === 'serial' || family === 'script' ? plain : undefined) ??
      candidates.find((s) => s.id === profile.recommendation?.strategy) ??
      usable.sort((a, b) => b.speedup! - a.speedup!)[0] ??
      plain ??
      candidates[0]!;
    return { strategy, hidden: members.filter((s) => s !== strategy) };
  });
}

export function formatTable(profile: Profile, options: { verbose?: boolean } = {}): string {
  const grouped = !options.verbose;
  const rows: Row[] = grouped ? familyRows(profile) : profile.strategies.map((strategy) => ({ strategy, hidden: [] }));
  // The native pools column only where some run had a pool: the table stays within 100 columns.
  const pools = profile.strategies.some((s) => s.nativePools?.length);
  const header = [
    'strategy',
    'workers',
    'status',
    'wall s',
    'speedup',
    'effic.',
    'CPU',
    'match',
    ...(pools ? ['native pools'] : []),
    'thread states (in tasks)',
  ];
  const cells = rows.map(({ strategy: s, hidden }) => [
    hidden.length > 0 ? `${s.id} (+${hidden.length})` : s.id,
    String(s.workers),
    s.status,
    fixed(s.wallSeconds, 3),
    s.speedup === null ? '-' : speedup(s.speedup),
    s.efficiency === null ? '-' : percent(s.efficiency),
    cpuUse(s),
    matchCell(s),
    ...(pools ? [nativePoolsText(s.nativePools)] : []),
    stateSummary(s),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (row: string[]) =>
    row
      .map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
  if (pools)
    out.push(
      'native pools: library, threads Python did not start that used CPU while tasks ran, (their share of the CPU)',
    );
  // What went wrong, for every run, shown or folded into its family's row.
  for (const s of profile.strategies) {
    if (s.status !== 'ok' && s.status !== 'skipped' && s.error) out.push(`${s.id}: ${s.error.split('\n')[0]}`);
    if (s.resultsMatchBaseline === false && s.firstDifference) {
      const d = s.firstDifference;
      out.push(`${s.id}: results differ from serial at task ${d.task}: expected ${d.expected}, got ${d.actual}`);
    }
  }
  const notComparable = profile.strategies.find((s) => s.resultsComparison === 'not-comparable' && s.resultsNote);
  if (notComparable) out.push(`results not compared: ${notComparable.resultsNote}`);
  if (profile.workload.consumedResults)
    out.push(
      `${profile.workload.function} returns a${profile.workload.consumedResults === 'generator' ? '' : 'n'} ` +
        `${profile.workload.consumedResults}: each task iterated it to the end, and its items are the task's result`,
    );
  const w = profile.workload;
  const title =
    `${w.function ?? '(whole script)'} in ${w.file}: ${w.tasks} task(s), ` +
    `${describeRuntime(w)}, ${coresOf(profile.machine)} cores`;
  out.push(...(profile.scaling ?? []).map(scalingLine));
  return `${title}\n${out.join('\n')}\n`;
}

/** "10.6x" under 10 keeps a decimal ("3.9x"), above it is whole ("27x"). */
function shortTimes(v: number): string {
  return v >= 10 ? `${Math.round(v)}x` : `${v.toFixed(1)}x`;
}

/** One line per curve: `threads: 1->1.0x 2->2.0x 4->3.9x 8->7.7x, peak ~48; 16 skipped (budget)`. */
export function scalingLine(curve: ScalingCurve): string {
  const points = curve.points.map((p) => `${p.workers}->${shortTimes(p.speedup)}`).join(' ');
  const fit = curve.fit;
  let peak = '';
  if (fit) {
    const guess = fit.pointsUsed < 3 ? ', a guess' : '';
    if (fit.peakWorkers === null) peak = `, no peak in sight (USL${guess})`;
    else if (fit.ceiling && fit.peakWorkers >= fit.ceiling.workers)
      peak = `, peak at ${fit.peakWorkers} (the ${fit.ceiling.reason})`;
    else peak = `, peak ~${fit.peakWorkers} (USL${guess})`;
  }
  const why = curve.skipped.length
    ? `${curve.skipped[0]!.reason.split(':')[0]}${curve.skipped.length > 1 ? ', ...' : ''}`
    : '';
  const skipped = curve.skipped.length ? `; not run: ${curve.skipped.map((s) => s.workers).join(', ')} (${why})` : '';
  return `${curve.strategy}: ${points || 'no usable point'}${peak}${skipped}`;
}

/** The plan event as text: what runs next, how many calls, and the time it should take. */
export function formatPlan(event: Extract<EngineEvent, { type: 'plan' }>): string {
  const sum = event.runs.reduce((a, r) => a + r.estimatedSeconds, 0);
  const calls = event.runs[0]?.calls ?? 0;
  const budget =
    event.budgetSeconds === null
      ? ''
      : `; budget ${event.budgetSeconds.toFixed(1)} s, ${event.spentSeconds.toFixed(1)} s spent`;
  const what = event.stage === 'base' ? 'Plan' : 'Scaling plan';
  const ids = event.runs.map((r) => r.id).join(', ') || 'nothing more';
  return `${what}: ${ids} (${event.runs.length} run(s) of ${calls} call(s), ~${sum.toFixed(1)} s${budget})`;
}
