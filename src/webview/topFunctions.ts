// The functions where the samples were, with self and total time and how much of it was GIL wait.
import type { StrategyResult } from '../profiler/profile';
import { el } from './dom';
import { baseName, milliseconds, percent } from '../shared/format';
import type { FunctionStats } from './model';
import type { SourceRef } from './chartData';

const SHOWN = 100;
type SortKey = 'self' | 'total' | 'gilWait';

export function topFunctionsTable(
  strategy: StrategyResult,
  stats: FunctionStats[],
  intervalMs: number,
  matches: Set<number> | null,
  openSource: (source: SourceRef) => void,
): HTMLElement {
  const sampleCount = Math.max(1, strategy.samples.t.length);
  const wrap = el('div', { class: 'table-scroll top-functions' });
  let sortKey: SortKey = 'total';
  const render = (): void => {
    const sorted = [...stats].sort((a, b) =>
      sortKey === 'gilWait'
        ? b.gilWait / Math.max(b.total, 1) - a.gilWait / Math.max(a.total, 1)
        : b[sortKey] - a[sortKey],
    );
    const header = (label: string, key: SortKey | null): HTMLElement =>
      el(
        'th',
        {
          class: key ? 'num' : '',
          attrs: { scope: 'col', ...(key ? { 'aria-sort': key === sortKey ? 'descending' : 'none' } : {}) },
        },
        [key ? el('button', { class: 'link', text: label, on: { click: () => ((sortKey = key), render()) } }) : label],
      );
    const rows = sorted.slice(0, SHOWN).map((s) => {
      const name = strategy.frames.name[s.frame] ?? '?';
      const file = strategy.frames.file[s.frame] ?? '';
      const line = strategy.frames.line[s.frame] ?? 1;
      return el('tr', { class: matches?.has(s.frame) ? 'match' : '' }, [
        el(
          'td',
          {},
          file
            ? [
                el('button', {
                  class: 'link fn',
                  text: name,
                  title: `Open ${file}:${line}`,
                  on: { click: () => openSource({ file, line }) },
                }),
                el('span', { class: 'muted', text: ` ${baseName(file)}:${line}` }),
              ]
            : [el('span', { class: 'fn', text: name, title: 'Frames of the runtime, folded: untick Just my code' })],
        ),
        el('td', { class: 'num', text: `${milliseconds(s.self * intervalMs)} (${percent(s.self / sampleCount, 1)})` }),
        el('td', {
          class: 'num',
          text: `${milliseconds(s.total * intervalMs)} (${percent(s.total / sampleCount, 1)})`,
        }),
        el('td', { class: 'num', text: percent(s.total > 0 ? s.gilWait / s.total : null) }),
      ]);
    });
    wrap.replaceChildren(
      el('table', { class: 'functions', testid: 'top-functions' }, [
        el('thead', {}, [
          el('tr', {}, [
            header('Function', null),
            header('Self', 'self'),
            header('Total', 'total'),
            header('GIL wait', 'gilWait'),
          ]),
        ]),
        el('tbody', {}, rows),
      ]),
    );
  };
  render();
  return wrap;
}
