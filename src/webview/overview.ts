// Per strategy: how busy each core was over time, and where the threads' time went by state.
import {
  STATE_DESCRIPTIONS,
  THREAD_STATES,
  type CoreSeries,
  type Profile,
  type StrategyResult,
} from '../profiler/profile';
import { otherLoadAt } from '../shared/coreLoad';
import { STATE_COLORS, type Theme } from './colors';
import { el } from './dom';
import { percent, seconds } from '../shared/format';

const CORE_ROW_H = 14;
const OTHER_COLOR = 'rgba(128,128,128,0.45)';

/** Mean workload and other-programs share per drawn column (long runs have more ticks than pixels). */
export function perColumn(
  cores: CoreSeries,
  core: number,
  columns: number,
): { mine: Float64Array; other: Float64Array } {
  const workload = cores.workload[core] ?? [];
  const mine = new Float64Array(columns);
  const other = new Float64Array(columns);
  const count = new Float64Array(columns);
  for (let k = 0; k < workload.length; k++) {
    const x = Math.min(columns - 1, Math.floor((k * columns) / workload.length));
    mine[x] += workload[k]!;
    other[x] += cores.busy[core] ? otherLoadAt(cores, core, k) : 0;
    count[x]++;
  }
  for (let x = 0; x < columns; x++) {
    mine[x] /= count[x] || 1;
    other[x] /= count[x] || 1;
  }
  return { mine, other };
}

function coreChart(strategy: StrategyResult, theme: Theme): HTMLElement {
  const cores = strategy.cores;
  if (!cores || cores.workload.length === 0) return el('p', { class: 'muted', text: 'No per-core data.' });
  const ticks = Math.max(...cores.workload.map((w) => w.length));
  const canvas = el('canvas', {
    class: 'core-canvas',
    attrs: {
      role: 'img',
      'aria-label': `Per-core utilisation of ${strategy.id} over ${seconds((ticks * cores.intervalMs) / 1000)}`,
    },
  });
  const height = cores.workload.length * CORE_ROW_H;
  const draw = (): void => {
    const width = Math.max(100, canvas.clientWidth);
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.height = `${height}px`;
    const ctx = canvas.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const columns = Math.min(ticks, Math.round(width));
    cores.workload.forEach((series, c) => {
      const base = (c + 1) * CORE_ROW_H - 1;
      const h = CORE_ROW_H - 2;
      ctx.fillStyle = theme.grid;
      ctx.fillRect(0, base, width, 1);
      const { mine, other } = perColumn(cores, c, columns);
      const w = width / columns;
      ctx.fillStyle = theme.highlight;
      for (let x = 0; x < columns; x++) ctx.fillRect(x * w, base - mine[x]! * h, w + 0.5, mine[x]! * h);
      ctx.fillStyle = OTHER_COLOR;
      for (let x = 0; x < columns; x++) ctx.fillRect(x * w, base - (mine[x]! + other[x]!) * h, w + 0.5, other[x]! * h);
    });
  };
  new ResizeObserver(draw).observe(canvas);
  const labels = el(
    'div',
    { class: 'core-labels' },
    cores.workload.map((_, c) => el('div', { text: `cpu ${c}` })),
  );
  return el('div', { class: 'core-chart' }, [labels, canvas]);
}

function stateBar(strategy: StrategyResult): HTMLElement {
  const fractions = strategy.threadStates;
  if (!fractions) return el('p', { class: 'muted', text: 'No thread states.' });
  const bar = el('div', { class: 'state-bar', attrs: { role: 'img' } });
  const described: string[] = [];
  for (const state of THREAD_STATES) {
    const f = fractions[state];
    if (f <= 0) continue;
    described.push(`${STATE_DESCRIPTIONS[state]} ${percent(f)}`);
    const segment = el('div', { class: 'state-seg', title: `${STATE_DESCRIPTIONS[state]}: ${percent(f, 1)}` });
    segment.style.width = `${f * 100}%`;
    segment.style.background = STATE_COLORS[state];
    if (f >= 0.08) segment.textContent = percent(f);
    bar.append(segment);
  }
  bar.setAttribute('aria-label', described.join(', '));
  return bar;
}

export function stateLegend(): HTMLElement {
  return el(
    'div',
    { class: 'legend' },
    THREAD_STATES.map((state) => {
      const swatch = el('span', { class: 'swatch' });
      swatch.style.background = STATE_COLORS[state];
      return el('span', { class: 'legend-item' }, [swatch, STATE_DESCRIPTIONS[state]]);
    }),
  );
}

export function overviewSection(profile: Profile, theme: Theme): HTMLElement {
  const measured = profile.strategies.filter((s) => s.status === 'ok' || s.samples.t.length > 0);
  return el('section', { class: 'card' }, [
    el('h2', { text: 'Cores and thread states' }),
    el('p', {
      class: 'muted',
      text:
        'Per core: the workload (blue) and other programs (grey) over the run. Per ' +
        'strategy: the share of thread samples in each state while tasks ran.',
    }),
    stateLegend(),
    el(
      'div',
      { class: 'overview-grid' },
      measured.map((s) =>
        el('div', { class: 'overview-item' }, [
          el('h3', { text: `${s.id} · ${seconds(s.wallSeconds)}` }),
          stateBar(s),
          coreChart(s, theme),
        ]),
      ),
    ),
  ]);
}
