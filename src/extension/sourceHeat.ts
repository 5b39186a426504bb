// Source heat: for one strategy of a profile, the share of its samples spent at each line of the
// user's code, and how many of those waited for the GIL. Free of `vscode`: the editor decorations
// (sourceHeatDecorations.ts) only draw what this computes.
import { attributeLines } from '../profiler/analysis/hotspots';
import { pickStrategy } from '../profiler/export/index';
import { lockName } from '../profiler/locks';
import { STATE_LABELS, THREAD_STATES, type Profile, type SourceSite, type ThreadState } from '../profiler/profile';
import { milliseconds, percent } from '../shared/format';

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
  /** The samples attributed to a line: what the shares are shares of. */
  samples: number;
  /** In-task samples at the user's innermost line (true), or every sample at its leaf line. */
  justMyCode: boolean;
  /** Absolute file path -> its lines at or above MIN_LINE_SHARE, in line order. */
  files: Map<string, LineHeat[]>;
}

/**
 * Heat of the strategy pickStrategy chooses (the recommended one if measured, else the one with
 * most threads); null when the profile holds no strategy (a run cancelled early). Samples are
 * attributed as the verdict's hot lines are (analysis/hotspots.ts): with justMyCode, each in-task
 * sample to the innermost line of the user's own code, so the hottest line of a state here is that
 * state's hot line; without it, every sample with a stack to the line it was executing.
 */
export function sourceHeat(profile: Profile, justMyCode = true): SourceHeat | null {
  if (profile.strategies.length === 0) return null;
  const strategy = pickStrategy(profile);
  const { lines, samples } = attributeLines(strategy, profile.workload.file, justMyCode);
  const files = new Map<string, LineHeat[]>();
  for (const l of lines) {
    if (l.samples / samples < MIN_LINE_SHARE) continue;
    const states = Object.fromEntries(THREAD_STATES.map((state, k) => [state, l.states[k]!])) as Record<
      ThreadState,
      number
    >;
    const heat = { line: l.line, samples: l.samples, share: l.samples / samples, states };
    let list = files.get(l.file);
    if (!list) files.set(l.file, (list = []));
    list.push({ ...heat, gilWaitShare: states.gilWait / l.samples });
  }
  for (const list of files.values()) list.sort((a, b) => a.line - b.line);
  addBlockingNotes(profile, files);
  return { strategy: strategy.id, samples, justMyCode, files };
}

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
    note(
      b.site,
      `blocks the event loop: ${b.count}× in ${loop!.id}, ${milliseconds(b.totalMs)} ` +
        `in all, up to ${milliseconds(b.maxMs)}`,
    );
  for (const s of profile.strategies) {
    for (const lock of s.locks ?? []) {
      const name = lockName(lock);
      note(
        lock.site,
        `lock ${name}: ${percent(lock.waitShare)} of task time waiting (${lock.waiters} threads, ${s.id})`,
      );
      const holder = lock.holders[0];
      if (holder) note(holder.site, `holds ${name} ${milliseconds(holder.meanHoldMs)} on average (${holder.count}×)`);
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

/** The text after the line, e.g. "12% of samples · GIL wait 71%", then what blocked there. */
export function lineLabel(heat: LineHeat): string {
  const sampled =
    heat.samples > 0 ? [`${percent(heat.share)} of samples · GIL wait ${percent(heat.gilWaitShare)}`] : [];
  return [...sampled, ...(heat.notes ?? [])].join(' · ');
}

/** Text from a profile as a Markdown code span: nothing in it is markup (no links, images or
 * emphasis); backticks and line breaks, which could end the span, are dropped. */
export function codeSpan(text: string): string {
  return `\`${text.replace(/[`\r\n]/g, '')}\``;
}

/** The hover's detail, Markdown: which strategy, how many samples, in which states. */
export function lineDetail(heat: LineHeat, source: SourceHeat): string {
  const states = THREAD_STATES.filter((state) => heat.states[state] > 0)
    .map((state) => `${STATE_LABELS[state]} ${heat.states[state]} (${percent(heat.states[state] / heat.samples)})`)
    .join(', ');
  const sampled =
    heat.samples > 0
      ? [
          source.justMyCode
            ? `${heat.samples} of ${source.samples} in-task samples in your code (${percent(heat.share)}) were at ` +
              `line ${heat.line} (the innermost line of your code on the stack).`
            : `${heat.samples} of ${source.samples} samples with a Python stack (${percent(heat.share)}) were ` +
              `executing line ${heat.line}.`,
          '',
          `Thread states: ${states}.`,
        ]
      : [];
  return [
    `**Concurrency profile**, strategy ${codeSpan(source.strategy)}`,
    '',
    ...sampled,
    ...(heat.notes?.length ? ['', ...heat.notes.map((n) => `- ${n}`)] : []),
  ].join('\n');
}
