// What blocked: the "Blocking" table (an event loop held up by synchronous calls, per strategy that
// ran one) and the "Locks" table (contended locks, named, with who held them). Each row's site
// opens the source.
import { lockName } from '../profiler/locks';
import {
  STATE_LABELS,
  LOCK_HOLD_BUCKETS_MS,
  type LockInfo,
  type LoopBlock,
  type Profile,
  type SourceSite,
} from '../profiler/profile';
import type { SourceRef } from './chartData';
import { el } from './dom';
import { baseName, milliseconds, percent } from '../shared/format';

type Open = (source: SourceRef) => void;

/** A button naming `function() file:line` that opens the line; plain text when the line is unknown. */
function siteButton(fn: string, site: SourceSite, open: Open, testid?: string): HTMLElement {
  const where = site.line > 0 ? `${baseName(site.file)}:${site.line}` : baseName(site.file);
  return el('span', {}, [
    el('button', {
      class: 'link fn',
      text: `${fn}()`,
      title: `Open ${site.file}:${Math.max(1, site.line)}`,
      testid,
      on: { click: () => open({ file: site.file, line: Math.max(1, site.line) }) },
    }),
    el('span', { class: 'muted', text: ` ${where}` }),
  ]);
}

function table(testid: string, head: [string, boolean][], rows: HTMLElement[]): HTMLElement {
  return el('div', { class: 'table-scroll' }, [
    el('table', { class: 'blocking', testid }, [
      el('thead', {}, [
        el(
          'tr',
          {},
          head.map(([h, num]) => el('th', { class: num ? 'num' : '', attrs: { scope: 'col' }, text: h })),
        ),
      ]),
      el('tbody', {}, rows),
    ]),
  ]);
}

function loopState(b: LoopBlock): string {
  if (!b.state) return '—';
  const queued = b.state === 'running' && b.runnableShare >= 0.25 ? ` (${percent(b.runnableShare)} queued)` : '';
  return `${b.state === 'running' ? 'on CPU' : STATE_LABELS[b.state]}${queued}`;
}

/** One table per strategy whose event loop was held up, asyncio first; null when none was. */
export function blockingSection(profile: Profile, open: Open): HTMLElement | null {
  const runs = profile.strategies
    .filter((s) => (s.loopBlocks?.length ?? 0) > 0)
    .sort((a, b) => Number(b.kind === 'asyncio') - Number(a.kind === 'asyncio'));
  if (runs.length === 0) return null;
  return el('section', { class: 'card', testid: 'blocking', attrs: { 'aria-labelledby': 'blocking-heading' } }, [
    el('h2', { text: 'Blocking', attrs: { id: 'blocking-heading' } }),
    el('p', {
      class: 'muted',
      text: 'Synchronous calls that held up the asyncio event loop: while one runs, no other coroutine can.',
    }),
    ...runs.map((s) => {
      const lag = s.loopLag;
      const total = s.loopBlocks!.reduce((sum, b) => sum + b.totalMs, 0);
      // uvloop's callbacks run in C: there the blocks are late heartbeats, and back-to-back calls merge.
      const untimed = lag?.untimedLoops?.length
        ? ` · ${lag.untimedLoops.join(', ')}: found from the heartbeat, calls back to back count as one`
        : '';
      const late = lag
        ? ` · callbacks ≥ ${lag.slowCallbackMs} ms · heartbeat up to ${milliseconds(lag.maxMs)} late${untimed}`
        : '';
      const caption = `${s.id}: ${milliseconds(total)} blocked of ${milliseconds((s.wallSeconds ?? 0) * 1000)}${late}`;
      return el('div', { class: 'blocking-run' }, [
        el('h3', { text: caption }),
        table(
          `blocking-table-${s.id}`,
          [
            ['Call site', false],
            ['Code', false],
            ['Calls', true],
            ['Total', true],
            ['Max', true],
            ['Loop thread', false],
          ],
          s.loopBlocks!.map((b) =>
            el('tr', {}, [
              el('td', {}, [siteButton(b.function, b.site, open)]),
              el('td', {}, [
                b.code
                  ? el('code', { text: b.code.trim() })
                  : el('span', { class: 'muted', text: b.located ? '' : 'line not sampled' }),
              ]),
              el('td', { class: 'num', text: String(b.count) }),
              el('td', { class: 'num', text: milliseconds(b.totalMs) }),
              el('td', { class: 'num', text: milliseconds(b.maxMs) }),
              el('td', { text: loopState(b) }),
            ]),
          ),
        ),
      ]);
    }),
  ]);
}

/** "<10 µs 3 · 10-100 ms 8": the non-empty buckets of a hold-time histogram. */
export function histogramText(histogram: number[]): string {
  const bounds = LOCK_HOLD_BUCKETS_MS.map((ms) =>
    ms < 1 ? `${ms * 1000} µs` : ms < 1000 ? `${ms} ms` : `${ms / 1000} s`,
  );
  const label = (i: number): string =>
    i === 0 ? `<${bounds[0]}` : i >= bounds.length ? `≥${bounds[bounds.length - 1]}` : `${bounds[i - 1]}–${bounds[i]}`;
  return histogram
    .map((n, i) => (n > 0 ? `${label(i)}: ${n}` : ''))
    .filter(Boolean)
    .join(' · ');
}

function holdersCell(lock: LockInfo, open: Open): HTMLElement {
  return el(
    'div',
    { class: 'holders' },
    lock.holders.slice(0, 3).map((h) =>
      el('div', {}, [
        siteButton(h.function, h.site, open),
        el('span', {
          text: ` ${milliseconds(h.meanHoldMs)} mean, ${milliseconds(h.maxHoldMs)} max, ${h.count}×`,
          title: `Hold times: ${histogramText(h.histogram)}`,
        }),
        el('div', { class: 'muted small', text: histogramText(h.histogram) }),
      ]),
    ),
  );
}

/** The contended locks of every strategy the lock recorder traced; null when none was. */
export function locksSection(profile: Profile, open: Open): HTMLElement | null {
  const runs = profile.strategies.filter((s) => (s.locks?.length ?? 0) > 0);
  if (runs.length === 0) return null;
  return el('section', { class: 'card', testid: 'locks', attrs: { 'aria-labelledby': 'locks-heading' } }, [
    el('h2', { text: 'Locks', attrs: { id: 'locks-heading' } }),
    el('p', {
      class: 'muted',
      text:
        'Locks the tasks waited on, from a re-run with the lock recorder: where each ' +
        'was created, how long threads waited, and who held it.',
    }),
    ...runs.map((s) =>
      el('div', { class: 'blocking-run' }, [
        el('h3', { text: s.id }),
        table(
          `locks-table-${s.id}`,
          [
            ['Lock', false],
            ['Created at', false],
            ['Wait share', true],
            ['Waiters', true],
            ['Waited', true],
            ['Held by', false],
          ],
          s.locks!.map((lock) =>
            el('tr', {}, [
              el('td', {}, [
                el('strong', { text: lockName(lock) }),
                el('span', {
                  class: 'muted',
                  text: ` ${lock.kind}${lock.instances > 1 ? ` ×${lock.instances}` : ''}`,
                }),
              ]),
              el('td', {}, [
                siteButton(lock.function, lock.site, open),
                lock.code ? el('div', {}, [el('code', { text: lock.code.trim() })]) : null,
              ]),
              el('td', { class: 'num', text: percent(lock.waitShare) }),
              el('td', { class: 'num', text: String(lock.waiters) }),
              el('td', {
                class: 'num',
                text: `${milliseconds(lock.waitMs)} (${lock.contended}/${lock.acquisitions})`,
                title:
                  lock.conditionWaitMs > 0
                    ? `and ${milliseconds(lock.conditionWaitMs)} waiting to be notified (Condition.wait) ` +
                      `by ${lock.conditionWaiters} thread(s)`
                    : 'acquisitions that waited / all acquisitions',
              }),
              el('td', {}, [holdersCell(lock, open)]),
            ]),
          ),
        ),
      ]),
    ),
  ]);
}
