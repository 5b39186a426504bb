// The "Task stream" of a run on a given Dask cluster: its workers are not this machine's processes,
// so instead of per-core and per-thread lanes, one lane per worker with a bar per task (when it
// started and ended there). SVG built with createElementNS, text through textContent.
import type { Profile, StrategyResult } from '../profiler/profile';
import { el } from './dom';
import { milliseconds } from '../shared/format';

const SVG = 'http://www.w3.org/2000/svg';
export const STREAM = { width: 640, lane: 22, gap: 6, left: 150, right: 12, top: 8, bottom: 24 };

export interface StreamBar {
  task: number;
  lane: number;
  x: number;
  width: number;
  title: string;
}

export interface StreamGeometry {
  lanes: string[];
  bars: StreamBar[];
  height: number;
  /** Milliseconds from the first task's start to the last one's end. */
  spanMs: number;
}

/** Lanes (workers) and bars (tasks) of a remote Dask run, or null when it has no task stream. */
export function taskStreamGeometry(s: StrategyResult): StreamGeometry | null {
  const cluster = s.cluster;
  if (!cluster || cluster.kind !== 'remote' || s.tasks.start.length === 0) return null;
  const lanes = cluster.workers.map((w) => w.address);
  const unknown = cluster.taskWorker.some((w) => w < 0);
  if (unknown) lanes.push('unknown worker');
  const first = Math.min(...s.tasks.start);
  const spanMs = Math.max(1e-3, Math.max(...s.tasks.end) - first);
  const { width, left, right, top, lane, gap, bottom } = STREAM;
  const scale = (width - left - right) / spanMs;
  const bars = s.tasks.start.map((start, task) => {
    const worker = cluster.taskWorker[task] ?? -1;
    const laneIndex = worker >= 0 ? worker : lanes.length - 1;
    const duration = s.tasks.end[task]! - start;
    return {
      task,
      lane: laneIndex,
      x: left + (start - first) * scale,
      width: Math.max(1, duration * scale),
      title: `task ${task}: ${milliseconds(duration)} on ${lanes[laneIndex]}`,
    };
  });
  return { lanes, bars, height: top + lanes.length * (lane + gap) + bottom, spanMs };
}

function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function streamChart(s: StrategyResult, g: StreamGeometry): HTMLElement {
  const { width, left, top, lane, gap } = STREAM;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${g.height}`, width: '100%', role: 'img' });
  chart.setAttribute('aria-label', `Task stream of ${s.id}: ${g.bars.length} tasks on ${g.lanes.length} workers`);
  g.lanes.forEach((name, i) => {
    const y = top + i * (lane + gap);
    chart.append(svg('text', { x: left - 6, y: y + lane * 0.7, 'text-anchor': 'end', class: 'stream-label' }, name));
  });
  for (const bar of g.bars) {
    const rect = svg('rect', {
      x: bar.x,
      y: top + bar.lane * (lane + gap),
      width: bar.width,
      height: lane,
      class: s.tasks.failed[bar.task] ? 'stream-bar failed' : 'stream-bar',
    });
    rect.append(svg('title', {}, bar.title));
    chart.append(rect);
  }
  const axisY = g.height - 6;
  chart.append(svg('text', { x: left, y: axisY, class: 'stream-axis' }, '0'));
  chart.append(
    svg(
      'text',
      { x: width - STREAM.right, y: axisY, 'text-anchor': 'end', class: 'stream-axis' },
      milliseconds(g.spanMs),
    ),
  );
  return chart as unknown as HTMLElement;
}

/** One card per run on a given cluster; null when the profile has none. */
export function taskStreamSection(profile: Profile): HTMLElement | null {
  const runs = profile.strategies
    .map((s) => ({ s, g: taskStreamGeometry(s) }))
    .filter((r): r is { s: StrategyResult; g: StreamGeometry } => r.g !== null);
  if (runs.length === 0) return null;
  return el('section', { class: 'card', testid: 'task-stream' }, [
    el('h2', { text: 'Task stream' }),
    el('p', {
      class: 'muted',
      text:
        "The cluster's workers are not processes of this machine: each lane is a worker, each bar a task as " +
        "it ran there (placed by the worker's clock).",
    }),
    ...runs.map(({ s, g }) =>
      el('div', {}, [
        el('h3', { text: `${s.id} on ${s.cluster!.scheduler}: ${s.cluster!.workers.length} worker(s)` }),
        streamChart(s, g),
      ]),
    ),
  ]);
}
