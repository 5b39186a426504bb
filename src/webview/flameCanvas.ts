// Canvas 2D renderer and interaction for flame charts and flame graphs. Written here rather than
// taken from a library (flame-chart-js, d3-flame-graph): the lanes need a state ribbon per thread
// and a thread row per core, the data arrives as typed-array runs (1M samples), and level of
// detail must skip sub-pixel runs with a binary search per pixel column so a frame costs
// O(width x rows), not O(runs). Frames are filled into an ImageData (see PixelBuffer).
import { FUNCTION_PALETTE, STATE_COLORS, THREAD_PALETTE, hashString, type Theme } from './colors';
import type { ChartData, ChartLane, Hit, SourceRef } from './chartData';
import { el } from './dom';
import { milliseconds } from '../shared/format';
import { THREAD_STATES } from '../profiler/profile';
import { PixelBuffer, cssColorReader } from './pixelBuffer';
import { firstAbove, runAt, type Runs } from './runs';
import { MARK_COLORS, markAt, type LaneMarks } from './blockingMarks';
import type { ChartViewport, ColorBy } from '../shared/webviewProtocol';

export interface FlameCanvasOptions {
  data: ChartData;
  theme: Theme;
  colorBy: ColorBy;
  view: ChartViewport | null;
  onViewChange(view: ChartViewport): void;
  onOpenSource(source: SourceRef): void;
  ariaLabel: string;
}

const AXIS_H = 18;
const HEADER_H = 16;
const RIBBON_H = 7;
/** The marks strip (a blocked event loop, a wait on a named lock), above the ribbon. */
const MARKS_H = 6;

export const ROW_H = 15;
const LANE_GAP = 6;
const DIM = 'rgba(140,140,140,0.35)';
const MIN_LABEL_PX = 36;
/** Runs narrower than this are drawn per pixel column. */
const NARROW_PX = 2;
/** Other programs' share of a core, by quarter (index 1..4). */
const OTHER_LOAD_COLORS = [
  '',
  'rgba(128,128,128,0.3)',
  'rgba(128,128,128,0.5)',
  'rgba(128,128,128,0.7)',
  'rgba(128,128,128,0.9)',
];

export interface LaneBox {
  top: number;
  marksTop: number;
  rowsTop: number;
  height: number;
}

/** Where each lane sits in the chart's content (y in CSS pixels, before scrolling): its header, the
 * marks strip, the ribbon, then ROW_H per row, lanes LANE_GAP apart below the time axis. */
export function laneBoxes(lanes: ChartLane[]): { boxes: LaneBox[]; contentHeight: number } {
  const boxes: LaneBox[] = [];
  let y = AXIS_H;
  for (const lane of lanes) {
    const marks = lane.marks ? MARKS_H + 1 : 0;
    const ribbon = lane.ribbon ? RIBBON_H + 1 : 0;
    const height = HEADER_H + marks + ribbon + lane.rows.length * ROW_H;
    boxes.push({ top: y, marksTop: y + HEADER_H, rowsTop: y + HEADER_H + marks + ribbon, height });
    y += height + LANE_GAP;
  }
  return { boxes, contentHeight: y };
}

export class FlameCanvas {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly tooltip: HTMLElement;
  private readonly boxes: LaneBox[];
  private readonly markRuns: (Runs | null)[] = [];
  private readonly contentHeight: number;
  /** Packed colours, reset whenever the pixel buffer (and so the background blend) is. */
  private frameColor: number[] = [];
  private threadColor: number[] = [];
  private dimColor: number | undefined;
  private view: ChartViewport;
  private width = 0;
  private height = 0;
  private pending = false;
  private hover: Hit | null = null;
  private selected: Hit | null = null;
  private matches: Set<number> | null = null;
  private drag: { x: number; y: number; view: ChartViewport; moved: boolean } | null = null;
  private readonly resizeObserver: ResizeObserver;
  private readonly windowListeners: [string, EventListener][] = [];
  private pixels: PixelBuffer | null = null;
  private readonly readColor: (color: string) => [number, number, number, number];

  constructor(private readonly options: FlameCanvasOptions) {
    const { data } = options;
    ({ boxes: this.boxes, contentHeight: this.contentHeight } = laneBoxes(data.lanes));
    for (const lane of data.lanes) this.markRuns.push(lane.marks ? marksAsRuns(lane.marks) : null);
    this.view = options.view && options.view.t1 > options.view.t0 ? { ...options.view } : this.fullView();
    this.canvas = el('canvas', {
      class: 'flame-canvas',
      attrs: { tabindex: '0', role: 'img', 'aria-label': options.ariaLabel },
    });
    this.ctx = this.canvas.getContext('2d', { alpha: false })!;
    this.readColor = cssColorReader(this.ctx);
    this.tooltip = el('div', { class: 'chart-tooltip', attrs: { role: 'tooltip', 'aria-live': 'polite' } });
    this.tooltip.hidden = true;
    this.element = el('div', { class: 'flame-wrap' }, [this.canvas, this.tooltip]);
    this.attachEvents();
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this.element);
  }

  dispose(): void {
    this.resizeObserver.disconnect();
    for (const [type, handler] of this.windowListeners) window.removeEventListener(type, handler);
  }

  /** Drags continue outside the canvas, so these listen on the window (and go on dispose). */
  private listen(type: 'mousemove' | 'mouseup', handler: (e: MouseEvent) => void): void {
    this.windowListeners.push([type, handler as EventListener]);
    window.addEventListener(type, handler);
  }

  setSearch(matches: Set<number> | null): void {
    this.matches = matches;
    this.schedule();
  }

  reset(): void {
    this.setView(this.fullView());
  }

  private fullView(): ChartViewport {
    const { start, end } = this.options.data;
    return { t0: start, t1: end > start ? end : start + 1, scrollY: 0 };
  }

  private resize(): void {
    const width = Math.max(100, this.element.clientWidth);
    const height = Math.min(Math.max(this.contentHeight, 80), 520);
    if (width === this.width && height === this.height) return;
    this.width = width;
    this.height = height;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(height * dpr);
    this.canvas.style.height = `${height}px`;
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.frameColor = [];
    this.threadColor = [];
    this.dimColor = undefined;
    this.pixels = new PixelBuffer(
      this.canvas.width,
      this.canvas.height,
      dpr,
      this.options.theme.background,
      this.readColor,
    );
    this.render();
  }

  private setView(view: ChartViewport): void {
    const { start, end } = this.options.data;
    const span = Math.min(Math.max(view.t1 - view.t0, (end - start) / 1e6, 1e-6), end - start);
    let t0 = Math.min(Math.max(view.t0, start), end - span);
    if (!Number.isFinite(t0)) t0 = start;
    const maxScroll = Math.max(0, this.contentHeight - this.height);
    this.view = { t0, t1: t0 + span, scrollY: Math.min(Math.max(view.scrollY, 0), maxScroll) };
    this.options.onViewChange(this.view);
    this.schedule();
  }

  private zoomAt(x: number, factor: number): void {
    const { t0, t1 } = this.view;
    const at = t0 + (x / this.width) * (t1 - t0);
    this.setView({ t0: at - (at - t0) * factor, t1: at + (t1 - at) * factor, scrollY: this.view.scrollY });
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  // ---- Drawing ----

  /** A CSS colour as a pixel of this canvas (translucent ones blended over the background). */
  private packed(color: string): number {
    return this.pixels!.packed(color);
  }

  /** The packed colour of a run: per frame, thread or process, cached per canvas size and theme. */
  private colorOf(lane: number, row: number, runs: Runs, run: number): number {
    const frame = runs.frame[run]!;
    if (frame <= -2) return this.paletteColor(-2 - frame);
    if (this.matches && !this.matches.has(frame)) return (this.dimColor ??= this.packed(DIM));
    if (this.options.colorBy !== 'function') {
      const thread = this.options.data.threadOf(lane, row, run);
      const group = this.options.colorBy === 'thread' ? thread : thread >= 0 ? this.options.data.processOf(thread) : -1;
      if (group >= 0) return this.paletteColor(group);
    }
    return (this.frameColor[frame] ??= this.packed(
      FUNCTION_PALETTE[hashString(this.options.data.frameName(frame)) % FUNCTION_PALETTE.length]!,
    ));
  }

  private paletteColor(index: number): number {
    const k = index % THREAD_PALETTE.length;
    return (this.threadColor[k] ??= this.packed(THREAD_PALETTE[k]!));
  }

  private labelOf(frame: number): string {
    return frame <= -2 ? this.options.data.threadName(-2 - frame) : this.options.data.frameName(frame);
  }

  render(): void {
    const pixels = this.pixels;
    if (this.width === 0 || !pixels) return;
    const started = performance.now();
    const { ctx, width, height, view } = this;
    const { theme, data } = this.options;
    const scale = width / (view.t1 - view.t0);
    const background = pixels.packed(theme.background);
    const labels: [number, number, number, string][] = [];
    const drawRuns = (
      runs: Runs,
      y: number,
      h: number,
      colorOf: (run: number) => number,
      label: ((run: number) => string) | null,
    ): void => {
      // Narrow runs are drawn one pixel column at a time (a binary search skips the runs under the
      // same column): a frame costs O(width) per row however many runs there are.
      pixels.beginBand(background);
      let i = firstAbove(runs.end, view.t0, 0, runs.length);
      while (i < runs.length) {
        const s = runs.start[i]!;
        if (s >= view.t1) break;
        const x0 = (s - view.t0) * scale;
        const x1 = (runs.end[i]! - view.t0) * scale;
        if (x1 - x0 >= NARROW_PX) {
          const left = Math.max(x0, 0);
          const w = Math.min(x1, width) - left;
          pixels.span(colorOf(i), left, w > 3 ? w - 0.5 : w);
          if (label && w >= MIN_LABEL_PX) labels.push([left, y + h / 2, w, label(i)]);
          i++;
        } else {
          const px = Math.floor(x0);
          pixels.span(colorOf(i), px, 1);
          i = firstAbove(runs.end, view.t0 + (px + 1) / scale, i + 1, runs.length);
        }
      }
      pixels.endBand(y, h);
    };
    // Ribbon colours by code: thread states (the last, `other`, for unknown codes), other programs' load.
    const stateColors = THREAD_STATES.map((state) => pixels.packed(STATE_COLORS[state]));
    const loadColors = [...OTHER_LOAD_COLORS.map((c) => pixels.packed(c || DIM)), pixels.packed(DIM)];
    pixels.clear(background);
    data.lanes.forEach((lane, l) => {
      const box = this.boxes[l]!;
      const top = box.top - view.scrollY;
      if (top + box.height < AXIS_H || top > height) return;
      const marks = this.markRuns[l];
      if (marks) {
        const [lock, loop] = [this.packed(MARK_COLORS.lock), this.packed(MARK_COLORS.loop)];
        drawRuns(marks, box.marksTop - view.scrollY, MARKS_H, (r) => (marks.frame[r] ? lock : loop), null);
      }
      if (lane.ribbon) {
        const ribbon = lane.ribbon;
        const colors = lane.ribbonKind === 'state' ? stateColors : loadColors;
        const color = (r: number) => colors[ribbon.frame[r]!] ?? colors[colors.length - 1]!;
        drawRuns(ribbon, box.rowsTop - RIBBON_H - 1 - view.scrollY, RIBBON_H, color, null);
      }
      lane.rows.forEach((runs, row) => {
        const y = box.rowsTop - view.scrollY + row * ROW_H;
        if (y + ROW_H < AXIS_H || y > height) return;
        drawRuns(
          runs,
          y,
          ROW_H - 1,
          (r) => this.colorOf(l, row, runs, r),
          (r) => this.labelOf(runs.frame[r]!),
        );
      });
    });
    ctx.putImageData(pixels.image, 0, 0);
    ctx.font = theme.font;
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#1b1b1b';
    for (const [x, y, w, text] of labels) ctx.fillText(fitText(text, w - 6), x + 3, y);
    this.drawOutline(this.selected, theme.foreground);
    this.drawOutline(this.hover, theme.highlight);
    this.drawLaneHeaders();
    this.drawAxis();
    const took = performance.now() - started;
    performance.measure('cp:render', { start: started, duration: took });
    if (performance.getEntriesByName('cp:first-frame').length === 0) performance.mark('cp:first-frame');
  }

  private drawLaneHeaders(): void {
    const { ctx, view } = this;
    const { theme, data } = this.options;
    data.lanes.forEach((lane, l) => {
      const top = this.boxes[l]!.top - view.scrollY;
      if (top + HEADER_H < AXIS_H || top > this.height) return;
      ctx.fillStyle = theme.background;
      ctx.fillRect(0, top, this.width, HEADER_H);
      ctx.fillStyle = theme.grid;
      ctx.fillRect(0, top + HEADER_H - 1, this.width, 1);
      ctx.fillStyle = theme.foreground;
      const empty = lane.ribbonKind === 'state' ? 'no Python stack sampled' : 'no workload thread ran here';
      ctx.fillText(lane.rows.length === 0 ? `${lane.label} — ${empty}` : lane.label, 4, top + HEADER_H / 2);
    });
  }

  private drawAxis(): void {
    const { ctx, width, view } = this;
    const { theme, data } = this.options;
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, width, AXIS_H);
    ctx.fillStyle = theme.grid;
    ctx.fillRect(0, AXIS_H - 1, width, 1);
    const span = view.t1 - view.t0;
    const step = niceStep(span / Math.max(1, width / 110));
    ctx.fillStyle = theme.muted;
    for (let t = Math.ceil(view.t0 / step) * step; t < view.t1; t += step) {
      const x = (t - view.t0) * (width / span);
      ctx.fillRect(x, AXIS_H - 5, 1, 4);
      ctx.fillText(milliseconds(t - (data.axis === 'time' ? 0 : data.start)), x + 3, AXIS_H / 2);
    }
  }

  private drawOutline(hit: Hit | null, color: string): void {
    if (!hit) return;
    const runs = this.options.data.lanes[hit.lane]?.rows[hit.row];
    if (!runs || hit.run >= runs.length) return;
    const { view } = this;
    const scale = this.width / (view.t1 - view.t0);
    const x0 = Math.max((runs.start[hit.run]! - view.t0) * scale, 0);
    const x1 = Math.min((runs.end[hit.run]! - view.t0) * scale, this.width);
    const y = this.boxes[hit.lane]!.rowsTop - view.scrollY + hit.row * ROW_H;
    this.ctx.strokeStyle = color;
    this.ctx.lineWidth = 2;
    this.ctx.strokeRect(x0 + 1, y + 1, Math.max(x1 - x0 - 2, 1), ROW_H - 3);
  }

  // ---- Interaction ----

  private hitAt(x: number, y: number): Hit | null {
    const { view } = this;
    const at = view.t0 + (x / this.width) * (view.t1 - view.t0);
    const contentY = y + view.scrollY;
    for (let l = 0; l < this.boxes.length; l++) {
      const box = this.boxes[l]!;
      const marks = this.options.data.lanes[l]!.marks;
      if (marks && contentY >= box.marksTop && contentY < box.marksTop + MARKS_H) {
        const k = markAt(marks, at);
        return k >= 0 ? { lane: l, row: -1, run: k, at } : null;
      }
      if (contentY < box.rowsTop || contentY >= box.top + box.height) continue;
      const row = Math.floor((contentY - box.rowsTop) / ROW_H);
      const runs = this.options.data.lanes[l]!.rows[row];
      if (!runs) return null;
      // Sub-pixel runs are drawn one per pixel column: find the run drawn there.
      let run = runAt(runs, at);
      if (run < 0) {
        const px = this.width / (view.t1 - view.t0);
        const near = firstAbove(runs.end, at - 1 / px, 0, runs.length);
        run = near < runs.length && runs.start[near]! <= at + 1 / px ? near : -1;
      }
      return run >= 0 ? { lane: l, row, run, at: Math.min(Math.max(at, runs.start[run]!), runs.end[run]!) } : null;
    }
    return null;
  }

  private showTooltip(hit: Hit | null, clientX: number, clientY: number): void {
    this.hover = hit;
    this.schedule();
    if (!hit) {
      this.tooltip.hidden = true;
      return;
    }
    const lines = this.options.data.describe(hit);
    this.tooltip.replaceChildren(
      el('div', { class: 'tooltip-title', text: lines[0] ?? '' }),
      ...lines.slice(1).map((line) => el('div', { text: line })),
    );
    this.tooltip.hidden = false;
    const bounds = this.element.getBoundingClientRect();
    const x = clientX - bounds.left + 14;
    const y = clientY - bounds.top + 14;
    const w = this.tooltip.offsetWidth;
    this.tooltip.style.left = `${x + w > bounds.width ? Math.max(0, x - w - 28) : x}px`;
    this.tooltip.style.top = `${y}px`;
  }

  private openSource(hit: Hit | null): void {
    const source = hit ? this.options.data.source(hit) : null;
    if (source) this.options.onOpenSource(source);
  }

  private zoomToHit(hit: Hit): void {
    const runs = this.options.data.lanes[hit.lane]!.rows[hit.row]!;
    const pad = (runs.end[hit.run]! - runs.start[hit.run]!) * 0.05;
    this.setView({ t0: runs.start[hit.run]! - pad, t1: runs.end[hit.run]! + pad, scrollY: this.view.scrollY });
  }

  private attachEvents(): void {
    const { canvas } = this;
    const local = (e: MouseEvent): [number, number] => {
      const r = canvas.getBoundingClientRect();
      return [e.clientX - r.left, e.clientY - r.top];
    };
    canvas.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const [x] = local(e);
        if (e.shiftKey) this.setView({ ...this.view, scrollY: this.view.scrollY + e.deltaY });
        else if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
          const dt = (e.deltaX / this.width) * (this.view.t1 - this.view.t0);
          this.setView({ ...this.view, t0: this.view.t0 + dt, t1: this.view.t1 + dt });
        } else this.zoomAt(x, Math.exp(e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.002)));
      },
      { passive: false },
    );
    canvas.addEventListener('mousedown', (e) => {
      const [x, y] = local(e);
      this.drag = { x, y, view: { ...this.view }, moved: false };
      canvas.focus({ preventScroll: true }); // scrolling here would move the frame away from under the mouseup
    });
    this.listen('mousemove', (e) => {
      const [x, y] = local(e);
      if (this.drag && e.buttons & 1) {
        const dx = x - this.drag.x;
        const dy = y - this.drag.y;
        if (Math.abs(dx) + Math.abs(dy) > 3) this.drag.moved = true;
        if (this.drag.moved) {
          const dt = (dx / this.width) * (this.drag.view.t1 - this.drag.view.t0);
          this.setView({
            t0: this.drag.view.t0 - dt,
            t1: this.drag.view.t1 - dt,
            scrollY: this.drag.view.scrollY - dy,
          });
          this.tooltip.hidden = true;
        }
        return;
      }
      if (e.target === canvas) this.showTooltip(this.hitAt(x, y), e.clientX, e.clientY);
    });
    this.listen('mouseup', (e) => {
      const drag = this.drag;
      this.drag = null;
      if (!drag || drag.moved || e.target !== canvas) return;
      const [x, y] = local(e);
      const hit = this.hitAt(x, y);
      this.selected = hit && hit.row >= 0 ? hit : null; // a mark opens its line but is not a frame to move from
      this.schedule();
      this.openSource(hit);
    });
    canvas.addEventListener('mouseleave', () => {
      if (!this.drag) this.showTooltip(null, 0, 0);
    });
    canvas.addEventListener('keydown', (e) => this.onKey(e));
  }

  /**
   * Without a selected frame the arrows pan and scroll; Enter selects the frame at the centre.
   * With one, ←/→ go to the neighbouring frame, ↑/↓ to the caller/callee, Enter zooms to it,
   * o opens its source. Esc clears the selection and resets the zoom. +/- zoom either way.
   */
  private onKey(e: KeyboardEvent): void {
    const span = this.view.t1 - this.view.t0;
    const pan = (fraction: number): void =>
      this.setView({ ...this.view, t0: this.view.t0 + span * fraction, t1: this.view.t1 + span * fraction });
    const selected = this.selected;
    switch (e.key) {
      case 'ArrowLeft':
      case 'ArrowRight': {
        const step = e.key === 'ArrowLeft' ? -1 : 1;
        if (selected) this.select(this.neighbour(selected, step));
        else pan(step * 0.1);
        break;
      }
      case 'ArrowUp':
      case 'ArrowDown': {
        const step = e.key === 'ArrowUp' ? -1 : 1;
        if (selected) this.select(this.callerOrCallee(selected, step));
        else this.setView({ ...this.view, scrollY: this.view.scrollY + step * ROW_H * 3 });
        break;
      }
      case '+':
      case '=':
        this.zoomAt(this.width / 2, 0.5);
        break;
      case '-':
        this.zoomAt(this.width / 2, 2);
        break;
      case 'Enter':
        if (selected) this.zoomToHit(selected);
        else this.select(this.firstVisibleHit());
        break;
      case 'o':
        this.openSource(selected ?? this.hover);
        break;
      case 'Escape':
        this.selected = null;
        this.tooltip.hidden = true;
        this.reset();
        break;
      default:
        return;
    }
    e.preventDefault();
  }

  private select(hit: Hit | null): void {
    if (!hit) return;
    this.selected = hit;
    const runs = this.options.data.lanes[hit.lane]!.rows[hit.row]!;
    const start = runs.start[hit.run]!;
    const end = runs.end[hit.run]!;
    // Keep the selected frame in view: pan horizontally, scroll vertically.
    const span = this.view.t1 - this.view.t0;
    let { t0, scrollY } = this.view;
    if (end < t0 || start > this.view.t1) t0 = (start + end) / 2 - span / 2;
    const y = this.boxes[hit.lane]!.rowsTop + hit.row * ROW_H;
    if (y - scrollY < AXIS_H + HEADER_H || y - scrollY + ROW_H > this.height) scrollY = y - this.height / 2;
    this.setView({ t0, t1: t0 + span, scrollY });
    const bounds = this.canvas.getBoundingClientRect();
    const scale = this.width / span;
    const x = Math.min(Math.max((Math.max(start, t0) - t0) * scale, 0), this.width - 40);
    this.showTooltip(hit, bounds.left + x, bounds.top + y - this.view.scrollY + ROW_H);
  }

  private neighbour(hit: Hit, step: number): Hit | null {
    const runs = this.options.data.lanes[hit.lane]!.rows[hit.row]!;
    const run = hit.run + step;
    if (run < 0 || run >= runs.length) return null;
    return { ...hit, run, at: (runs.start[run]! + runs.end[run]!) / 2 };
  }

  private callerOrCallee(hit: Hit, step: number): Hit | null {
    const runs = this.options.data.lanes[hit.lane]!.rows[hit.row + step];
    if (!runs) return null;
    const run = runAt(runs, hit.at);
    return run >= 0 ? { lane: hit.lane, row: hit.row + step, run, at: hit.at } : null;
  }

  /** The frame at the middle of the view in the topmost visible row that has one. */
  private firstVisibleHit(): Hit | null {
    const at = (this.view.t0 + this.view.t1) / 2;
    for (let lane = 0; lane < this.boxes.length; lane++) {
      const rows = this.options.data.lanes[lane]!.rows;
      for (let row = 0; row < rows.length; row++) {
        const y = this.boxes[lane]!.rowsTop + row * ROW_H - this.view.scrollY;
        if (y < AXIS_H) continue;
        if (y > this.height) return null;
        const run = runAt(rows[row]!, at);
        if (run >= 0) return { lane, row, run, at };
      }
    }
    return null;
  }
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-9)));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/** Cut text to about `px` pixels at 11px (average glyph ~6.2px): cheaper than measureText per label. */
function fitText(text: string, px: number): string {
  const chars = Math.floor(px / 6.2);
  if (text.length <= chars) return text;
  return chars <= 1 ? '' : `${text.slice(0, chars - 1)}…`;
}

/** Marks drawn like a row of runs: frame 0 a blocked event loop, 1 a lock wait. */
function marksAsRuns(marks: LaneMarks): Runs {
  return {
    start: Float64Array.from(marks.start),
    end: Float64Array.from(marks.end),
    frame: Int32Array.from(marks.kind.map((k) => (k === 'lock' ? 1 : 0))),
    ref: Int32Array.from(marks.start.map((_, k) => k)),
    length: marks.start.length,
  };
}
