// The "Scaling" chart: speedup against worker count for each measured curve, with the USL fit, the
// ideal line and the core count; hovering a point shows its wall time and efficiency. SVG (built
// with createElementNS, text through textContent) so that points are real elements to hover and
// focus, and lines stay sharp at any zoom.
import { fittedSpeedup } from '../profiler/analysis/projection';
import { coresOf, type Profile, type ScalingCurve, type ScalingPoint } from '../profiler/profile';
import { THREAD_PALETTE } from './colors';
import { el } from './dom';
import { percent, seconds, speedup } from '../shared/format';

const SVG = 'http://www.w3.org/2000/svg';
export const CHART = { width: 640, height: 300, left: 48, right: 16, top: 12, bottom: 40 };

export interface PlacedPoint {
  x: number;
  y: number;
  point: ScalingPoint;
  /** Speedup per worker against the baseline. */
  efficiency: number;
}

export interface CurveGeometry {
  curve: ScalingCurve;
  color: string;
  points: PlacedPoint[];
  /** SVG path of the fitted USL, or null without a fit. */
  fitPath: string | null;
}

export interface ScalingGeometry {
  maxWorkers: number;
  maxSpeedup: number;
  /** x of a worker count, y of a speedup, in SVG units. */
  x(workers: number): number;
  y(speedup: number): number;
  xTicks: number[];
  yTicks: number[];
  curves: CurveGeometry[];
  idealPath: string;
  /** x of the machine's core count, null when it is past the last worker count. */
  coresX: number | null;
}

/** Speedup over the baseline the fit predicts for a pool of `workers` (the fit is on the curve's
 * points normalised to its 1-worker point, so it is scaled back by that point's speedup). */
export function fittedAt(curve: ScalingCurve, workers: number): number | null {
  if (!curve.fit) return null;
  const one = curve.points.find((p) => p.workers === 1);
  return (one ? one.speedup : 1) * fittedSpeedup(curve.fit, workers);
}

function niceStep(range: number): number {
  const raw = range / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
}

/** Axes and shapes of the chart: workers on a log2 axis, speedup on a linear one. */
export function scalingGeometry(curves: ScalingCurve[], cores: number): ScalingGeometry {
  const plotted = curves.filter((c) => c.points.length > 0);
  const maxWorkers = Math.max(2, ...plotted.flatMap((c) => c.points.map((p) => p.workers)));
  const top = Math.max(
    1,
    ...plotted.flatMap((c) => c.points.map((p) => p.speedup)),
    ...plotted.map((c) => fittedAt(c, maxWorkers) ?? 0),
  );
  const step = niceStep(top * 1.1);
  const maxSpeedup = Math.ceil((top * 1.1) / step) * step;
  const { width, height, left, right, top: pad, bottom } = CHART;
  const logMax = Math.log2(maxWorkers);
  const x = (workers: number): number => left + (Math.log2(Math.max(1, workers)) / logMax) * (width - left - right);
  const y = (s: number): number => height - bottom - (Math.min(s, maxSpeedup) / maxSpeedup) * (height - bottom - pad);
  const xTicks: number[] = [];
  for (let n = 1; n <= maxWorkers; n *= 2) xTicks.push(n);
  const yTicks: number[] = [];
  for (let s = 0; s <= maxSpeedup + 1e-9; s += step) yTicks.push(Math.round(s * 1000) / 1000);
  // Log-spaced samples of a function of workers, as a polyline path.
  const path = (f: (workers: number) => number): string => {
    const parts: string[] = [];
    for (let i = 0; i <= 96; i++) {
      const workers = 2 ** ((i / 96) * logMax);
      parts.push(`${i === 0 ? 'M' : 'L'}${x(workers).toFixed(1)},${y(f(workers)).toFixed(1)}`);
    }
    return parts.join(' ');
  };
  return {
    maxWorkers,
    maxSpeedup,
    x,
    y,
    xTicks,
    yTicks,
    idealPath: path((workers) => workers),
    coresX: cores <= maxWorkers ? x(cores) : null,
    curves: plotted.map((curve, i) => ({
      curve,
      color: THREAD_PALETTE[i % THREAD_PALETTE.length]!,
      points: curve.points.map((point) => ({
        x: x(point.workers),
        y: y(point.speedup),
        point,
        efficiency: point.speedup / point.workers,
      })),
      fitPath: curve.fit ? path((workers) => fittedAt(curve, workers)!) : null,
    })),
  };
}

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  children: (SVGElement | string)[] = [],
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  for (const child of children) node.append(child);
  return node;
}

/** "sigma 0.012 · kappa 0.0004 · peak ~32 · rmse 0.08", or why there is no fit. */
export function fitSummary(curve: ScalingCurve): string {
  const fit = curve.fit;
  if (!fit) return 'no fit: fewer than two worker counts measured';
  const peak =
    fit.peakWorkers === null
      ? 'no peak in sight'
      : fit.ceiling && fit.peakWorkers >= fit.ceiling.workers
        ? `peak at ${fit.peakWorkers} (the ${fit.ceiling.reason})`
        : `peak ~${fit.peakWorkers}`;
  const guess = fit.pointsUsed < 3 ? ' · a guess: fewer than 3 worker counts' : '';
  return (
    `USL sigma ${fit.sigma.toFixed(3)} · kappa ${fit.kappa.toFixed(4)} · ${peak} ` +
    `· rmse ${fit.rmse.toFixed(2)}${guess}`
  );
}

/** What a hovered or focused point says. */
export function pointText(point: PlacedPoint): string {
  const p = point.point;
  return (
    `${p.strategy}: ${p.workers} worker${p.workers === 1 ? '' : 's'}, ${seconds(p.wallSeconds)} ` +
    `wall, ${speedup(p.speedup)}, efficiency ${percent(point.efficiency)}`
  );
}

function chart(geometry: ScalingGeometry, cores: number, tip: HTMLElement): SVGSVGElement {
  const { width, height, left, right, top, bottom } = CHART;
  const root = svg('svg', {
    class: 'scaling-svg',
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': `Speedup against workers: ${geometry.curves.map((c) => c.curve.strategy).join(', ')}`,
  });
  const grid = svg('g', { class: 'scaling-grid' });
  for (const n of geometry.xTicks) {
    grid.append(svg('line', { x1: geometry.x(n), x2: geometry.x(n), y1: top, y2: height - bottom }));
    grid.append(svg('text', { x: geometry.x(n), y: height - bottom + 14, 'text-anchor': 'middle' }, [String(n)]));
  }
  for (const s of geometry.yTicks) {
    grid.append(svg('line', { x1: left, x2: width - right, y1: geometry.y(s), y2: geometry.y(s) }));
    grid.append(svg('text', { x: left - 6, y: geometry.y(s) + 4, 'text-anchor': 'end' }, [`${s}x`]));
  }
  grid.append(svg('text', { x: (left + width - right) / 2, y: height - 6, 'text-anchor': 'middle' }, ['workers']));
  root.append(grid);
  root.append(
    svg('path', { class: 'scaling-ideal', d: geometry.idealPath }, [svg('title', {}, ['ideal: speedup = workers'])]),
  );
  if (geometry.coresX !== null) {
    root.append(
      svg('g', { class: 'scaling-cores', 'data-testid': 'scaling-cores' }, [
        svg('line', { x1: geometry.coresX, x2: geometry.coresX, y1: top, y2: height - bottom }),
        svg('text', { x: geometry.coresX + 4, y: top + 10 }, [`${cores} cores`]),
      ]),
    );
  }
  for (const c of geometry.curves) {
    const group = svg('g', { class: 'scaling-curve', 'data-curve': c.curve.strategy });
    if (c.fitPath) group.append(svg('path', { class: 'scaling-fit', d: c.fitPath, stroke: c.color }));
    for (const placed of c.points) {
      const text = pointText(placed);
      const dot = svg('circle', {
        class: 'scaling-point',
        cx: placed.x.toFixed(1),
        cy: placed.y.toFixed(1),
        r: 4.5,
        fill: c.color,
        tabindex: 0,
        'data-testid': 'scaling-point',
        'data-strategy': placed.point.strategy,
        'aria-label': text,
      });
      const show = (): void => {
        tip.textContent = text;
        tip.hidden = false;
        tip.style.left = `${(placed.x / width) * 100}%`;
        tip.style.top = `${(placed.y / height) * 100}%`;
      };
      const hide = (): void => {
        tip.hidden = true;
      };
      dot.addEventListener('mouseenter', show);
      dot.addEventListener('focus', show);
      dot.addEventListener('mouseleave', hide);
      dot.addEventListener('blur', hide);
      group.append(dot);
    }
    root.append(group);
  }
  return root;
}

/** The Scaling section, or null when the profile has no curve with a point. */
export function scalingSection(profile: Profile): HTMLElement | null {
  const curves = (profile.scaling ?? []).filter((c) => c.points.length > 0);
  if (curves.length === 0) return null;
  const cores = coresOf(profile.machine);
  const geometry = scalingGeometry(curves, cores);
  const tip = el('div', { class: 'scaling-tip', testid: 'scaling-tip', attrs: { role: 'status' } });
  tip.hidden = true;
  const legend = el(
    'ul',
    { class: 'scaling-legend' },
    geometry.curves.map((c) => {
      const swatch = el('span', { class: 'swatch' });
      swatch.style.background = c.color;
      const skipped = c.curve.skipped.length
        ? el('span', {
            class: 'muted',
            text: ` · not run: ${c.curve.skipped.map((s) => `${s.workers} (${s.reason})`).join('; ')}`,
          })
        : null;
      return el('li', { testid: 'scaling-legend-item' }, [
        swatch,
        el('strong', { text: c.curve.strategy }),
        el('span', { class: 'muted', text: ` · ${fitSummary(c.curve)}` }),
        skipped,
      ]);
    }),
  );
  return el('section', { class: 'card scaling', testid: 'scaling', attrs: { 'aria-labelledby': 'scaling-heading' } }, [
    el('h2', { text: 'Scaling', attrs: { id: 'scaling-heading' } }),
    el('p', {
      class: 'muted',
      text:
        'Speedup over the baseline against pool size: measured points, the fitted ' +
        'Universal Scalability Law (line), the ideal (dashed, speedup = workers) ' +
        'and the core count. Hover or focus a point for its wall time and efficiency.',
    }),
    el('div', { class: 'scaling-plot' }, [chart(geometry, cores, tip), tip]),
    legend,
  ]);
}
