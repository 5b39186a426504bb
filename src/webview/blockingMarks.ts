// Marks on a thread's lane of the per-thread chart: when its event loop was held up by a blocking
// call (from the strategy's loopBlocks), and when it waited on a lock the lock recorder named
// (its lock-wait samples whose stack passes through one of that lock's wait sites).
import { lockName } from '../profiler/locks';
import { THREAD_STATES, type LockInfo, type SourceSite, type StrategyResult } from '../profiler/profile';
import { el } from './dom';
import { baseName, milliseconds } from '../shared/format';

export const MARK_COLORS = { loop: '#d73a49', lock: '#a371f7' } as const;

export interface LaneMarks {
  start: number[];
  end: number[];
  kind: ('loop' | 'lock')[];
  /** Tooltip text. */
  label: string[];
  /** What a click opens: the blocking line, or where the lock was created. */
  site: SourceSite[];
}

const LOCK_WAIT = THREAD_STATES.indexOf('lockWait');

const at = (site: SourceSite): string => `${baseName(site.file)}:${site.line}`;

/** "file\0line" of every lock's wait sites -> the lock. */
function waitSiteIndex(locks: LockInfo[]): Map<string, LockInfo> {
  const index = new Map<string, LockInfo>();
  for (const lock of locks) for (const w of lock.waitSites) index.set(`${w.site.file}\0${w.site.line}`, lock);
  return index;
}

/** The named lock whose wait site is on sample i's stack (innermost first), or null. */
function lockOfSample(s: StrategyResult, i: number, index: Map<string, LockInfo>): LockInfo | null {
  const { parent, frame, line } = s.stacks;
  for (let node = s.samples.stack[i]!; node >= 0; node = parent[node]!) {
    const lock = index.get(`${s.frames.file[frame[node]!]}\0${line[node]}`);
    if (lock) return lock;
  }
  return null;
}

/**
 * The marks of thread `thread`, whose samples (indices, in time order) are `indices`: a sample
 * stands for the time until the next one, at most `intervalMs`. Sorted by start.
 */
export function threadMarks(
  s: StrategyResult,
  thread: number,
  indices: ArrayLike<number>,
  intervalMs: number,
): LaneMarks | null {
  const marks: LaneMarks = { start: [], end: [], kind: [], label: [], site: [] };
  const add = (start: number, end: number, kind: 'loop' | 'lock', label: string, site: SourceSite): void => {
    marks.start.push(start);
    marks.end.push(end);
    marks.kind.push(kind);
    marks.label.push(label);
    marks.site.push(site);
  };
  for (const b of s.loopBlocks ?? []) {
    const where = b.site.line > 0 ? ` at ${at(b.site)}` : '';
    const code = b.code ? `: ${b.code.trim()}` : '';
    b.spans.thread.forEach((th, k) => {
      if (th !== thread) return;
      const ms = b.spans.end[k]! - b.spans.start[k]!;
      add(
        b.spans.start[k]!,
        b.spans.end[k]!,
        'loop',
        `event loop blocked ${milliseconds(ms)} by ${b.function}()${where}${code}`,
        b.site,
      );
    });
  }
  const index = waitSiteIndex(s.locks ?? []);
  if (index.size > 0) {
    const { t, state } = s.samples;
    let open: { lock: LockInfo; start: number; end: number } | null = null;
    const close = (): void => {
      if (!open) return;
      const { lock } = open;
      const holder = lock.holders[0];
      const held = holder
        ? `, held mostly by ${holder.function}() for ${milliseconds(holder.meanHoldMs)} on average`
        : '';
      add(
        open.start,
        open.end,
        'lock',
        `waiting for lock ${lockName(lock)} (${lock.kind} created at ${at(lock.site)}${held})`,
        lock.site,
      );
      open = null;
    };
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      const lock = state[i] === LOCK_WAIT ? lockOfSample(s, i, index) : null;
      const next = k + 1 < indices.length ? t[indices[k + 1]!]! : Infinity;
      const end = Math.min(next, t[i]! + intervalMs);
      if (open && lock === open.lock && t[i]! <= open.end + 1e-9) open.end = end;
      else {
        close();
        if (lock) open = { lock, start: t[i]!, end };
      }
    }
    close();
  }
  if (marks.start.length === 0) return null;
  const order = marks.start.map((_, k) => k).sort((a, b) => marks.start[a]! - marks.start[b]!);
  return {
    start: order.map((k) => marks.start[k]!),
    end: order.map((k) => marks.end[k]!),
    kind: order.map((k) => marks.kind[k]!),
    label: order.map((k) => marks.label[k]!),
    site: order.map((k) => marks.site[k]!),
  };
}

/** The mark covering time `at`, or -1 (the last one starting at or before it). */
export function markAt(marks: LaneMarks, time: number): number {
  for (let k = marks.start.length - 1; k >= 0; k--) if (marks.start[k]! <= time && time <= marks.end[k]!) return k;
  return -1;
}

/** Legend of the marks strip, for a chart whose lanes have marks. */
export function marksLegend(kinds: Set<'loop' | 'lock'>): HTMLElement {
  const item = (kind: 'loop' | 'lock', text: string): HTMLElement => {
    const swatch = el('span', { class: 'swatch' });
    swatch.style.background = MARK_COLORS[kind];
    return el('span', { class: 'legend-item' }, [swatch, text]);
  };
  return el('div', { class: 'legend', testid: 'marks-legend' }, [
    'Strip above the states: ',
    kinds.has('loop') ? item('loop', 'event loop blocked (hover: the call; click: its line)') : null,
    kinds.has('lock') ? item('lock', 'waiting on a named lock (hover: which; click: where it was created)') : null,
  ]);
}
