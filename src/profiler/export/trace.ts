// Chrome Trace Event JSON (opens in Perfetto and chrome://tracing): per thread one track of state
// slices and one of Python stack slices, tasks as async slices, per-core utilisation as counters.
import { THREAD_STATES, type Profile, type StrategyResult } from '../profile';
import { sampleIntervalMs, samplesByThread, stackFrames } from './stacks';
import { otherLoadAt } from '../../shared/coreLoad';

export interface TraceEvent {
  name: string;
  ph: 'X' | 'M' | 'C' | 'b' | 'e';
  pid: number;
  tid?: number;
  ts?: number;
  dur?: number;
  cat?: string;
  id?: string;
  args?: Record<string, unknown>;
}

export interface TraceFile {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
  otherData: Record<string, string>;
}

/** Linux thread ids stay below pid_max (at most 2^22), so this offset cannot collide with a real one. */
const STACK_TRACK_OFFSET = 10_000_000;

const us = (ms: number): number => Math.round(ms * 1000);

/** A run of consecutive samples: covers [first sample, next sample) unless the gap is too long. */
interface Span {
  start: number;
  end: number;
}

export function toChromeTrace(profile: Profile, strategy: StrategyResult): TraceFile {
  const events: TraceEvent[] = [];
  const interval = sampleIntervalMs(profile.settings.sampleHz);
  const pidOf = (th: number): number => strategy.threads[th]!.pid;

  for (const proc of strategy.processes) {
    events.push({
      name: 'process_name',
      ph: 'M',
      pid: proc.pid,
      args: { name: `${proc.role} ${proc.pid}: ${proc.command}` },
    });
  }
  strategy.threads.forEach((thread, th) => {
    events.push({
      name: 'thread_name',
      ph: 'M',
      pid: thread.pid,
      tid: thread.tid,
      args: { name: `${thread.name} — states` },
    });
    events.push({ name: 'thread_sort_index', ph: 'M', pid: thread.pid, tid: thread.tid, args: { sort_index: th * 2 } });
    const stackTid = thread.tid + STACK_TRACK_OFFSET;
    events.push({
      name: 'thread_name',
      ph: 'M',
      pid: thread.pid,
      tid: stackTid,
      args: { name: `${thread.name} — Python stack` },
    });
    events.push({
      name: 'thread_sort_index',
      ph: 'M',
      pid: thread.pid,
      tid: stackTid,
      args: { sort_index: th * 2 + 1 },
    });
  });

  const { t, state, core, stack } = strategy.samples;
  samplesByThread(strategy).forEach((indices, th) => {
    const thread = strategy.threads[th]!;
    const spanOf = (k: number): Span => {
      const start = t[indices[k]!]!;
      const next = k + 1 < indices.length ? t[indices[k + 1]!]! : Infinity;
      return { start, end: next - start <= 1.5 * interval ? next : start + interval };
    };
    // State slices: consecutive samples in the same state (and contiguous in time) merge.
    // (`as` keeps TypeScript from narrowing to null: the closure below reassigns it.)
    let open = null as { state: number; core: number; start: number; end: number } | null;
    const closeState = (): void => {
      if (!open) return;
      events.push({
        name: THREAD_STATES[open.state] ?? 'other',
        cat: 'state',
        ph: 'X',
        pid: thread.pid,
        tid: thread.tid,
        ts: us(open.start),
        dur: us(open.end) - us(open.start),
        args: { core: open.core },
      });
      open = null;
    };
    // Stack slices: a frame stays open while consecutive samples keep it at the same depth. Each
    // is pushed when it opens (so a parent precedes its children, as viewers want, with no sort)
    // and gets its duration when it closes.
    const openFrames: { frame: number; event: TraceEvent }[] = [];
    let lastEnd = 0;
    const closeFramesFrom = (depth: number, end: number): void => {
      while (openFrames.length > depth) {
        const { event } = openFrames.pop()!;
        event.dur = us(end) - event.ts!;
      }
    };
    const openFrame = (frame: number, start: number): void => {
      const event: TraceEvent = {
        name: strategy.frames.name[frame]!,
        cat: 'python',
        ph: 'X',
        pid: thread.pid,
        tid: thread.tid + STACK_TRACK_OFFSET,
        ts: us(start),
        dur: 0,
        args: { file: strategy.frames.file[frame], line: strategy.frames.line[frame] },
      };
      events.push(event);
      openFrames.push({ frame, event });
    };
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      const span = spanOf(k);
      const contiguous = open !== null && span.start <= open.end;
      if (open && (!contiguous || open.state !== state[i] || open.core !== core[i])) closeState();
      if (open) open.end = span.end;
      else open = { state: state[i]!, core: core[i]!, start: span.start, end: span.end };

      const frames = stack[i]! >= 0 ? stackFrames(strategy.stacks, stack[i]!) : [];
      let same = 0;
      if (span.start <= lastEnd)
        while (same < openFrames.length && same < frames.length && openFrames[same]!.frame === frames[same]) same++;
      closeFramesFrom(same, lastEnd);
      for (let d = same; d < frames.length; d++) openFrame(frames[d]!, span.start);
      lastEnd = span.end;
    }
    closeState();
    closeFramesFrom(0, lastEnd);
  });

  const tasks = strategy.tasks;
  for (let k = 0; k < tasks.start.length; k++) {
    const th = tasks.thread[k]!;
    if (th < 0 || !strategy.threads[th]) continue;
    const common = { name: `task ${k}`, cat: 'task', pid: pidOf(th), tid: strategy.threads[th]!.tid, id: `task-${k}` };
    events.push({ ...common, ph: 'b', ts: us(tasks.start[k]!), args: { failed: tasks.failed[k] === 1 } });
    events.push({ ...common, ph: 'e', ts: us(tasks.end[k]!) });
  }

  const counterPid = strategy.processes[0]?.pid ?? strategy.threads[0]?.pid;
  if (strategy.cores && counterPid !== undefined) {
    const cores = strategy.cores;
    const { intervalMs, startMs, workload } = cores;
    workload.forEach((series, c) => {
      series.forEach((w, tick) => {
        const other = otherLoadAt(cores, c, tick);
        events.push({
          name: `core ${c} utilisation %`,
          ph: 'C',
          pid: counterPid,
          ts: us(startMs + tick * intervalMs),
          args: { workload: round1(w * 100), other: round1(other * 100) },
        });
      });
    });
  }

  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    otherData: {
      tool: `${profile.tool.name}@${profile.tool.version}`,
      strategy: strategy.id,
      workload: `${profile.workload.file}${profile.workload.function ? `:${profile.workload.function}` : ''}`,
    },
  };
}

const round1 = (v: number): number => Math.round(v * 10) / 10;
