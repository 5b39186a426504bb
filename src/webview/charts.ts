// The charts section: strategy switcher (and a second strategy side by side), view tabs, search,
// colouring, and one pane per shown strategy. Models are built per strategy and view on first use.
import type { Profile, StrategyResult } from '../profiler/profile';
import { pickStrategy } from '../profiler/export/strategy';
import { sampleIntervalMs } from '../profiler/export/stacks';
import {
  EXPORT_BUTTONS,
  type ChartView,
  type ColorBy,
  type ExportFormat,
  type WebviewPersistedState,
} from '../shared/webviewProtocol';
import { flameGraphData, timelineData, type ChartData, type SourceRef } from './chartData';
import { foldRuntime } from './justMyCode';
import type { Theme } from './colors';
import { el } from './dom';
import { FlameCanvas } from './flameCanvas';
import { callTree, coreLanes, flameGraphRows, functionStats, threadLanes, type FunctionStats } from './model';
import { marksLegend } from './blockingMarks';
import { stateLegend } from './overview';
import { topFunctionsTable } from './topFunctions';

const VIEWS: { id: ChartView; label: string }[] = [
  { id: 'cores', label: 'Per core' },
  { id: 'threads', label: 'Per thread' },
  { id: 'flamegraph', label: 'Flame graph' },
  { id: 'functions', label: 'Top functions' },
];

export interface ChartsContext {
  profile: Profile;
  theme: Theme;
  state: WebviewPersistedState;
  saveState(): void;
  openSource(source: SourceRef): void;
  /** Absent in the standalone report. */
  exportAs?: (format: ExportFormat, strategy: string | null) => void;
}

interface StrategyModels {
  cores?: ChartData;
  threads?: ChartData;
  flamegraph?: ChartData;
  functions?: FunctionStats[];
}

/** The exports' default (recommended, else most threads), unless it has no samples to draw. */
export function defaultStrategy(profile: Profile): string | null {
  if (profile.strategies.length === 0) return null;
  const picked = pickStrategy(profile);
  if (picked.samples.t.length > 0) return picked.id;
  return profile.strategies.reduce((best, s) => (s.samples.t.length > best.samples.t.length ? s : best)).id;
}

export class ChartsSection {
  readonly element: HTMLElement;
  private readonly panesEl = el('div', {
    class: 'panes',
    attrs: { role: 'tabpanel', 'aria-labelledby': 'charts-heading' },
  });
  private readonly tabs = new Map<ChartView, HTMLButtonElement>();
  /** Per strategy id, and `/all` without "just my code". */
  private readonly models = new Map<string, StrategyModels>();
  private readonly folded = new Map<string, StrategyResult>();
  /** The charts drawn now, with the strategy each shows (a strategy without samples has none). */
  private canvases: { canvas: FlameCanvas; strategy: StrategyResult }[] = [];
  private readonly intervalMs: number;

  constructor(private readonly ctx: ChartsContext) {
    const { profile, state } = ctx;
    this.intervalMs = sampleIntervalMs(profile.settings.sampleHz);
    if (!profile.strategies.some((s) => s.id === state.left)) state.left = defaultStrategy(profile);
    if (state.right && !profile.strategies.some((s) => s.id === state.right)) state.right = null;
    this.element = el('section', { class: 'card charts', attrs: { 'aria-labelledby': 'charts-heading' } }, [
      el('h2', { text: 'Where the time went', attrs: { id: 'charts-heading' } }),
      this.toolbar(),
      el('p', {
        class: 'muted help',
        text:
          'Wheel: zoom at the cursor · drag: pan · click: open the source · keys: ←/→ ' +
          'pan, ↑/↓ scroll, +/− zoom, Enter selects a frame, then arrows move between ' +
          'frames, Enter zooms to it, o opens its source, Esc resets',
      }),
      this.panesEl,
    ]);
    this.renderPanes();
  }

  private select(
    label: string,
    options: [string, string][],
    value: string,
    onChange: (value: string) => void,
    testid: string,
  ): HTMLElement {
    const select = el(
      'select',
      { testid, on: { change: () => onChange(select.value) } },
      options.map(([v, text]) => el('option', { text, attrs: { value: v } })),
    );
    select.value = value;
    return el('label', { class: 'field' }, [el('span', { text: label }), select]);
  }

  private toolbar(): HTMLElement {
    const { profile, state } = this.ctx;
    const ids: [string, string][] = profile.strategies.map((s) => [
      s.id,
      `${s.id}${s.status === 'ok' ? '' : ` (${s.status})`}`,
    ]);
    const tablist = el('div', {
      class: 'tabs',
      attrs: { role: 'tablist', 'aria-label': 'Chart' },
      on: { keydown: (e) => this.onTabKey(e) },
    });
    for (const view of VIEWS) {
      const tab = el('button', {
        class: 'tab',
        text: view.label,
        testid: `view-${view.id}`,
        attrs: { role: 'tab' },
        on: { click: () => this.update({ view: view.id }) },
      });
      this.tabs.set(view.id, tab);
      tablist.append(tab);
    }
    const search = el('input', {
      class: 'search',
      testid: 'search',
      attrs: { type: 'search', placeholder: 'Search functions', 'aria-label': 'Search functions' },
      on: { input: () => this.update({ search: search.value }, false) },
    });
    search.value = state.search;
    const exports = this.ctx.exportAs
      ? el('div', { class: 'exports' }, [
          el('span', { class: 'muted', text: 'Export:' }),
          ...(Object.entries(EXPORT_BUTTONS) as [ExportFormat, string][]).map(([format, label]) =>
            el('button', {
              class: 'button secondary',
              text: label,
              on: { click: () => this.ctx.exportAs!(format, format === 'html' ? null : this.ctx.state.left) },
            }),
          ),
        ])
      : null;
    return el('div', { class: 'toolbar' }, [
      this.select('Strategy', ids, state.left ?? '', (v) => this.update({ left: v }), 'strategy-left'),
      this.select(
        'Compare with',
        [['', 'none'], ...ids],
        state.right ?? '',
        (v) => this.update({ right: v || null }),
        'strategy-right',
      ),
      tablist,
      this.select(
        'Colour by',
        [
          ['function', 'function'],
          ['thread', 'thread'],
          ['process', 'process'],
        ],
        state.colorBy,
        (v) => this.update({ colorBy: v as ColorBy }),
        'color-by',
      ),
      search,
      this.justMyCodeToggle(),
      el('button', {
        class: 'button secondary',
        text: 'Reset zoom',
        on: { click: () => this.canvases.forEach(({ canvas }) => canvas.reset()) },
      }),
      exports,
    ]);
  }

  private justMyCodeToggle(): HTMLElement {
    const box = el('input', {
      testid: 'just-my-code',
      attrs: { type: 'checkbox' },
      on: { change: () => this.update({ justMyCode: box.checked }) },
    });
    box.checked = this.justMyCode();
    return el(
      'label',
      {
        class: 'field',
        title:
          'Fold the harness, threading, concurrent.futures, asyncio and multiprocessing ' +
          'frames into one [runtime] frame',
      },
      [box, el('span', { text: 'Just my code' })],
    );
  }

  private justMyCode(): boolean {
    return this.ctx.state.justMyCode ?? true;
  }

  /** Tabs pattern: only the selected tab is in the Tab order; arrows, Home and End move between them. */
  private onTabKey(e: KeyboardEvent): void {
    const ids = VIEWS.map((v) => v.id);
    const at = ids.indexOf(this.ctx.state.view);
    const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: ids.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const view = ids[(next + ids.length) % ids.length]!;
    this.update({ view });
    this.tabs.get(view)!.focus();
  }

  dispose(): void {
    this.canvases.forEach(({ canvas }) => canvas.dispose());
  }

  private update(change: Partial<WebviewPersistedState>, rebuild = true): void {
    Object.assign(this.ctx.state, change);
    this.ctx.saveState();
    if (rebuild || this.ctx.state.view === 'functions') this.renderPanes();
    else this.canvases.forEach(({ canvas, strategy }) => canvas.setSearch(this.matches(strategy)));
  }

  /** The strategies shown, as drawn: with runtime frames folded unless the user asked for all. */
  private shown(): StrategyResult[] {
    const { profile, state } = this.ctx;
    const picked = [state.left, state.right].flatMap((id) => profile.strategies.filter((s) => s.id === id));
    if (!this.justMyCode()) return picked;
    return picked.map((s) => {
      let folded = this.folded.get(s.id);
      if (!folded) this.folded.set(s.id, (folded = foldRuntime(s)));
      return folded;
    });
  }

  private matches(strategy: StrategyResult): Set<number> | null {
    const query = this.ctx.state.search.trim().toLowerCase();
    if (!query) return null;
    const found = new Set<number>();
    strategy.frames.name.forEach((name, f) => {
      if (name.toLowerCase().includes(query) || (strategy.frames.file[f] ?? '').toLowerCase().includes(query))
        found.add(f);
    });
    return found;
  }

  private modelsOf(strategy: StrategyResult): StrategyModels {
    const key = this.justMyCode() ? strategy.id : `${strategy.id}/all`;
    let models = this.models.get(key);
    if (!models) this.models.set(key, (models = {}));
    return models;
  }

  private chartData(strategy: StrategyResult, view: Exclude<ChartView, 'functions'>): ChartData {
    const models = this.modelsOf(strategy);
    const { profile } = this.ctx;
    if (view === 'cores')
      return (models.cores ??= timelineData(
        coreLanes(strategy, profile.settings.sampleHz, profile.machine.logicalCores),
        strategy,
      ));
    if (view === 'threads')
      return (models.threads ??= timelineData(threadLanes(strategy, profile.settings.sampleHz), strategy));
    if (!models.flamegraph) {
      const tree = callTree(strategy);
      models.flamegraph = flameGraphData(tree, flameGraphRows(tree, this.intervalMs), strategy, this.intervalMs);
    }
    return models.flamegraph;
  }

  private renderPanes(): void {
    const { state } = this.ctx;
    for (const [id, tab] of this.tabs) {
      tab.setAttribute('aria-selected', String(id === state.view));
      tab.tabIndex = id === state.view ? 0 : -1;
    }
    this.canvases.forEach(({ canvas }) => canvas.dispose());
    this.canvases = [];
    const shown = this.shown();
    this.panesEl.classList.toggle('side-by-side', shown.length > 1);
    this.panesEl.replaceChildren(...shown.map((s) => this.pane(s)));
  }

  private pane(strategy: StrategyResult): HTMLElement {
    const { state } = this.ctx;
    const view = state.view;
    const title = el('h3', {
      text:
        `${strategy.id} · ${strategy.threads.length} thread${strategy.threads.length === 1 ? '' : 's'} ` +
        `· ${strategy.samples.t.length} samples`,
    });
    if (strategy.samples.t.length === 0) {
      return el('div', { class: 'pane' }, [
        title,
        el('p', { class: 'muted', text: `No samples for this strategy (status: ${strategy.status}).` }),
      ]);
    }
    const matches = this.matches(strategy);
    if (view === 'functions') {
      const stats = (this.modelsOf(strategy).functions ??= functionStats(strategy));
      return el('div', { class: 'pane' }, [
        title,
        topFunctionsTable(strategy, stats, this.intervalMs, matches, this.ctx.openSource),
      ]);
    }
    const data = this.chartData(strategy, view);
    const key = `${strategy.id}/${view}`;
    const canvas = new FlameCanvas({
      data,
      theme: this.ctx.theme,
      colorBy: state.colorBy,
      view: state.viewports[key] ?? null,
      onViewChange: (v) => {
        state.viewports[key] = v;
        this.ctx.saveState();
      },
      onOpenSource: this.ctx.openSource,
      ariaLabel:
        `${VIEWS.find((v) => v.id === view)!.label} flame chart of ${strategy.id}; ` +
        `keyboard: arrows pan, Enter zooms, Escape resets`,
    });
    canvas.setSearch(matches);
    this.canvases.push({ canvas, strategy });
    const testid = view === 'cores' ? 'per-core-lanes' : view === 'threads' ? 'per-thread-lanes' : 'flame-graph';
    canvas.element.dataset.testid = testid;
    canvas.element.dataset.lanes = String(data.lanes.length);
    const markKinds = new Set(data.lanes.flatMap((lane) => lane.marks?.kind ?? []));
    const legend =
      view === 'threads'
        ? el('div', {}, [stateLegend(), markKinds.size > 0 ? marksLegend(markKinds) : null])
        : view === 'cores'
          ? el('p', {
              class: 'legend',
              text:
                'Each core: the thread that ran on it (top row) and its Python stack; the ' +
                'grey strip is other programs’ load on that core; blank means idle or not ' +
                'this workload.',
            })
          : null;
    return el('div', { class: 'pane' }, [title, legend, canvas.element]);
  }
}
