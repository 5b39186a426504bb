// The readable summary the CLI prints on stdout.
import { THREAD_STATES, type Profile, type StrategyResult } from './profile';

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
    s.resultsMatchBaseline === null ? '-' : s.resultsMatchBaseline ? 'yes' : 'NO',
    stateSummary(s),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
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
  return `${title}\n${out.join('\n')}\n`;
}
