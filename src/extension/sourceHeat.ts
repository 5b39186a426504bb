// Source heat: for one strategy of a profile, the share of its samples that were executing each
// line (the leaf of the sample's Python stack), and how many of those waited for the GIL. Free of
// `vscode`: the editor decorations (sourceHeatDecorations.ts) only draw what this computes.
import { pickStrategy } from '../profiler/export/index';
import { lockName } from '../profiler/locks';
import { THREAD_STATES, type Profile, type SourceSite, type ThreadState } from '../profiler/profile';

/** Lines below this share of the samples are left undecorated: they would only be noise. */
export const MIN_LINE_SHARE = 0.01;

export interface LineHeat {
  /** One-based, as Python numbers lines. */
  line: number;
  samples: number;
  /** samples / SourceHeat.samples. */
  share: number;
  /** Of this line's samples, how many were in each thread state. */
  states: Record<ThreadState, number>;
  /** states.gilWait / samples. */
  gilWaitShare: number;
  /** What blocked on this line: an event loop held up by it, a contended lock created or held here. */
  notes?: string[];
}

export interface SourceHeat {
  strategy: string;
  /** Samples of the strategy with a Python stack: what the shares are shares of. */
  samples: number;
  /** Absolute file path -> its lines at or above MIN_LINE_SHARE, in line order. */
  files: Map<string, LineHeat[]>;
}

/**
 * Heat of the strategy pickStrategy chooses (the recommended one if measured, else the one with
 * most threads); null when the profile holds no strategy (a run cancelled early).
 */
export function sourceHeat(profile: Profile): SourceHeat | null {
  if (profile.strategies.length === 0) return null;
  const strategy = pickStrategy(profile);
  const { samples, stacks, frames } = strategy;
  // Leaf node -> per-state counts; most nodes are never a leaf, so a sparse map.
  const byLeaf = new Map<number, number[]>();
  let total = 0;
  for (let i = 0; i < samples.stack.length; i++) {
    const leaf = samples.stack[i]!;
    if (leaf < 0) continue;
    total++;
    let counts = byLeaf.get(leaf);
    if (!counts) byLeaf.set(leaf, (counts = new Array<number>(THREAD_STATES.length).fill(0)));
    counts[samples.state[i]!]! += 1;
  }
  // Different trie nodes (other callers) can end on the same line: sum them per file and line.
  const byLine = new Map<string, Map<number, number[]>>();
  for (const [leaf, counts] of byLeaf) {
    const file = frames.file[stacks.frame[leaf]!]!;
    const line = stacks.line[leaf]!;
    let lines = byLine.get(file);
    if (!lines) byLine.set(file, (lines = new Map()));
    const sum = lines.get(line);
    if (sum) counts.forEach((n, state) => (sum[state]! += n));
    else lines.set(line, [...counts]);
  }
  const files = new Map<string, LineHeat[]>();
  for (const [file, lines] of byLine) {
    const heats: LineHeat[] = [];
    for (const [line, counts] of lines) {
      const count = counts.reduce((a, b) => a + b, 0);
      if (count / total < MIN_LINE_SHARE) continue;
      const states = Object.fromEntries(THREAD_STATES.map((state, k) => [state, counts[k]!])) as Record<
        ThreadState,
        number
      >;
      heats.push({ line, samples: count, share: count / total, states, gilWaitShare: states.gilWait / count });
    }
    if (heats.length > 0)
      files.set(
        file,
        heats.sort((a, b) => a.line - b.line),
      );
  }
  addBlockingNotes(profile, files);
  return { strategy: strategy.id, samples: total, files };
}

const ms = (value: number): string => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`);

/** Marks the lines that blocked an event loop (from the asyncio run, else any run with a loop) and
 * the creation and holding lines of contended locks, whatever their share of the samples. */
function addBlockingNotes(profile: Profile, files: Map<string, LineHeat[]>): void {
  const note = (site: SourceSite, text: string): void => {
    if (site.line < 1) return;
    let lines = files.get(site.file);
    if (!lines) files.set(site.file, (lines = []));
    let heat = lines.find((h) => h.line === site.line);
    if (!heat) {
      const states = Object.fromEntries(THREAD_STATES.map((s) => [s, 0])) as Record<ThreadState, number>;
      lines.push((heat = { line: site.line, samples: 0, share: 0, states, gilWaitShare: 0 }));
      lines.sort((a, b) => a.line - b.line);
    }
    (heat.notes ??= []).push(text);
  };
  const loop =
    profile.strategies.find((s) => s.kind === 'asyncio' && s.loopBlocks?.length) ??
    profile.strategies.find((s) => s.loopBlocks?.length);
  for (const b of loop?.loopBlocks ?? [])
    note(b.site, `blocks the event loop: ${b.count}× in ${loop!.id}, ${ms(b.totalMs)} in all, up to ${ms(b.maxMs)}`);
  for (const s of profile.strategies) {
    for (const lock of s.locks ?? []) {
      const name = lockName(lock);
      note(
        lock.site,
        `lock ${name}: ${percent(lock.waitShare)} of task time waiting (${lock.waiters} threads, ${s.id})`,
      );
      const holder = lock.holders[0];
      if (holder) note(holder.site, `holds ${name} ${ms(holder.meanHoldMs)} on average (${holder.count}×)`);
    }
  }
}

/** Levels of background intensity, one colour each (package.json contributes.colors). */
export const HEAT_LEVELS = 5;

/** 1..HEAT_LEVELS: roughly logarithmic, so 2% and 40% lines look different but both visible. */
export function heatLevel(share: number): number {
  const bounds = [0.03, 0.1, 0.25, 0.5];
  return 1 + bounds.filter((bound) => share >= bound).length;
}

const percent = (fraction: number): string => `${Math.round(fraction * 100)}%`;

/** The text after the line, e.g. "12% of samples · GIL wait 71%", then what blocked there. */
export function lineLabel(heat: LineHeat): string {
  const sampled =
    heat.samples > 0 ? [`${percent(heat.share)} of samples · GIL wait ${percent(heat.gilWaitShare)}`] : [];
  return [...sampled, ...(heat.notes ?? [])].join(' · ');
}

const STATE_LABELS: Record<ThreadState, string> = {
  running: 'running',
  runnable: 'runnable',
  gilWait: 'GIL wait',
  lockWait: 'lock wait',
  io: 'I/O',
  sleep: 'sleep',
  other: 'other',
};

/** The hover's detail, Markdown: which strategy, how many samples, in which states. */
export function lineDetail(heat: LineHeat, source: SourceHeat): string {
  const states = THREAD_STATES.filter((state) => heat.states[state] > 0)
    .map((state) => `${STATE_LABELS[state]} ${heat.states[state]} (${percent(heat.states[state] / heat.samples)})`)
    .join(', ');
  const sampled =
    heat.samples > 0
      ? [
          `${heat.samples} of ${source.samples} samples with a Python stack (${percent(heat.share)}) were executing line ${heat.line}.`,
          '',
          `Thread states: ${states}.`,
        ]
      : [];
  return [
    `**Concurrency profile**, strategy \`${source.strategy}\``,
    '',
    ...sampled,
    ...(heat.notes?.length ? ['', ...heat.notes.map((n) => `- ${n}`)] : []),
  ].join('\n');
}
