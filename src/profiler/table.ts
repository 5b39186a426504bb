// The readable summary the CLI prints on stdout.
import type { EngineEvent } from './events';
import { THREAD_STATES, type Profile, type ScalingCurve, type StrategyResult } from './profile';

const STATE_LABELS: Record<string, string> = {
  running: 'run',
  runnable: 'rq',
  gilWait: 'gil',
  lockWait: 'lock',
  io: 'io',
  sleep: 'sleep',
  other: 'other',
};

function fixed(value: number | null, digits: number, suffix = ''): string {
  return value === null ? '-' : `${value.toFixed(digits)}${suffix}`;
}

/** The main thread states as "gil 71% run 27%": the states above 5%, largest first. */
export function stateSummary(s: StrategyResult): string {
  if (!s.threadStates) return '-';
  return THREAD_STATES.map((state) => [state, s.threadStates![state]] as const)
    .filter(([, share]) => share >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([state, share]) => `${STATE_LABELS[state]} ${Math.round(share * 100)}%`)
    .join(' ');
}

function cpuUse(s: StrategyResult): string {
  if (!s.cpuSeconds || !s.wallSeconds) return '-';
  return `${(((s.cpuSeconds.user + s.cpuSeconds.system) / s.wallSeconds) * 100).toFixed(0)}%`;
}

/** "openblas 1 (48%)": each native pool's library, threads that used CPU and share of the CPU. */
export function poolSummary(s: StrategyResult): string {
  if (!s.nativePools || s.nativePools.length === 0) return '-';
  return s.nativePools.map((p) => `${p.library} ${p.threads} (${Math.round(p.cpuShare * 100)}%)`).join(', ');
}

function matchCell(s: StrategyResult): string {
  if (s.resultsMatchBaseline === null) return '-';
  if (!s.resultsMatchBaseline) return 'NO';
  return s.resultsTolerance === null ? 'yes' : `yes (${s.resultsTolerance.toExponential(0)})`;
}

export function formatTable(profile: Profile): string {
  const header = [
    'strategy',
    'workers',
    'status',
    'wall s',
    'speedup',
    'effic.',
    'CPU',
    'match',
    'native pools',
    'thread states (in tasks)',
  ];
  const rows = profile.strategies.map((s) => [
    s.id,
    String(s.workers),
    s.status,
    fixed(s.wallSeconds, 3),
    fixed(s.speedup, 2, 'x'),
    fixed(s.efficiency === null ? null : s.efficiency * 100, 0, '%'),
    cpuUse(s),
    matchCell(s),
    poolSummary(s),
    stateSummary(s),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  if (profile.strategies.some((s) => s.nativePools?.length))
    out.push(
      'native pools: library, threads Python did not start that used CPU while tasks ran, (their share of the CPU)',
    );
  for (const s of profile.strategies) {
    if (s.status !== 'ok' && s.error) out.push(`${s.id}: ${s.error.split('\n')[0]}`);
    if (s.resultsMatchBaseline === false && s.firstDifference) {
      out.push(
        `${s.id}: results differ from serial at task ${s.firstDifference.task}: expected ${s.firstDifference.expected}, got ${s.firstDifference.actual}`,
      );
    }
  }
  const w = profile.workload;
  const title = `${w.function ?? '(whole script)'} in ${w.file}: ${w.tasks} task(s), ${w.python.implementation} ${w.python.version}, ${profile.machine.logicalCores} cores`;
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
  const skipped = curve.skipped.length
    ? `; not run: ${curve.skipped.map((s) => s.workers).join(', ')} (${curve.skipped[0]!.reason.split(':')[0]}${curve.skipped.length > 1 ? ', ...' : ''})`
    : '';
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
