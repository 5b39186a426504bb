// The top of the panel: the verdict and its evidence, the recommendation, and the strategies table.
// Analysis fields may be absent (older profiles, or analysis not run): those sections say so.
import { coresOf, describeRuntime, type Profile, type StrategyResult } from '../profiler/profile';
import { el } from './dom';
import { interpreterGroups, type InterpreterGroup } from './interpreterGroups';
import { baseName, bytes, nativePoolsText, percent, seconds, speedup } from '../shared/format';
import { isMeasured, keepsSerial, routesHeading } from '../shared/recommendation';

export function verdictSection(profile: Profile): HTMLElement {
  const verdict = profile.verdict;
  if (!verdict) {
    return el('section', { class: 'card verdict' }, [
      el('h2', { text: 'Verdict' }),
      el('p', {
        class: 'muted',
        testid: 'verdict-label',
        text: 'No verdict in this profile: the analysis did not run.',
      }),
    ]);
  }
  return el('section', { class: 'card verdict', attrs: { 'aria-labelledby': 'verdict-heading' } }, [
    el('h2', { text: 'Verdict', attrs: { id: 'verdict-heading' } }),
    el('p', { class: 'verdict-label' }, [
      el('span', { testid: 'verdict-label', text: verdict.label }),
      el('span', { class: 'badge', text: `confidence ${percent(verdict.confidence)}` }),
    ]),
    verdict.evidence.length
      ? el(
          'ul',
          { class: 'evidence' },
          verdict.evidence.map((line) => el('li', { text: line })),
        )
      : null,
    verdict.shares
      ? el('p', {
          class: 'muted',
          text: `Mix: ${Object.entries(verdict.shares)
            .map(([k, v]) => `${k} ${percent(v)}`)
            .join(', ')}`,
        })
      : null,
    verdict.rules?.length ? el('p', { class: 'muted small', text: `Rules: ${verdict.rules.join(', ')}` }) : null,
  ]);
}

export function recommendationSection(profile: Profile, copy: (text: string) => void): HTMLElement | null {
  const rec = profile.recommendation;
  if (!rec) return null;
  const workers = !keepsSerial(rec) && rec.workers ? ` with ${rec.workers} worker${rec.workers === 1 ? '' : 's'}` : '';
  const p = rec.projected;
  const cores = coresOf(profile.machine);
  const projected =
    p && p.model !== 'serial'
      ? `Projected: ${speedup(p.cores2x)} at ${2 * cores} cores, ${speedup(p.cores4x)} at ${4 * cores} cores ` +
        `(${p.model}; ${p.assumptions})`
      : null;
  const measured = isMeasured(profile, rec);
  return el('section', { class: 'card recommendation', testid: 'recommendation' }, [
    el('h2', { text: 'Recommendation' }),
    el('p', { class: 'rec-headline' }, [
      el('strong', { testid: 'recommendation-strategy', text: rec.strategy }),
      el('span', { text: workers }),
      el('span', {
        text: measured && !keepsSerial(rec) ? ` — ${speedup(rec.expectedSpeedup)} measured` : '',
      }),
      measured ? null : el('span', { class: 'badge', text: 'not measured' }),
    ]),
    el('p', { text: rec.rationale }),
    projected ? el('p', { class: 'muted', text: projected }) : null,
    rec.codeChange
      ? el('div', { class: 'code-change' }, [
          el('pre', {}, [el('code', { text: rec.codeChange })]),
          el('button', { class: 'button', text: 'Copy code', on: { click: () => copy(rec.codeChange!) } }),
        ])
      : null,
    rec.alternatives.length
      ? el('div', {}, [
          el('h3', { text: 'Alternatives measured' }),
          el(
            'ul',
            {},
            rec.alternatives.map((a) => el('li', { text: `${a.strategy} (${speedup(a.expectedSpeedup)}): ${a.why}` })),
          ),
        ])
      : null,
    rec.caveats.length
      ? el('div', {}, [
          el('h3', { text: 'Caveats' }),
          el(
            'ul',
            {},
            rec.caveats.map((c) => el('li', { text: c })),
          ),
        ])
      : null,
  ]);
}

const ROUTE_STATUS: Record<string, string> = { measured: 'measured', fits: 'worth trying', other: 'not here' };

/** Every route around the GIL as the recommendation covers it: one row each, the detail on demand. */
export function routesSection(profile: Profile): HTMLElement | null {
  const routes = profile.recommendation?.routes;
  if (!routes) return null;
  const rows = routes.map((r) => {
    const status = r.status === 'measured' ? 'measured' : r.fits ? 'fits' : 'other';
    return el('tr', { class: `route route-${status}`, attrs: { 'data-route': r.route } }, [
      el('th', { attrs: { scope: 'row' }, text: r.route }),
      el('td', {}, [el('span', { class: `status route-status-${status}`, text: ROUTE_STATUS[status] })]),
      el('td', { class: 'num', text: speedup(r.bestSpeedup) }),
      el('td', {}, [
        el('details', {}, [
          el('summary', { text: r.reason }),
          el('p', { text: r.detail }),
          r.strategies.length ? el('p', { class: 'muted', text: `Measured by ${r.strategies.join(', ')}.` }) : null,
          r.install ? el('p', {}, [el('span', { text: 'To try: ' }), el('code', { text: r.install })]) : null,
        ]),
      ]),
    ]);
  });
  return el('section', { class: 'card routes', testid: 'routes', attrs: { 'aria-labelledby': 'routes-heading' } }, [
    el('h2', { text: routesHeading(profile), attrs: { id: 'routes-heading' } }),
    el('div', { class: 'table-scroll' }, [
      el('table', { class: 'routes-table' }, [
        el('thead', {}, [
          el(
            'tr',
            {},
            ['Route', 'Status', 'Best', 'Why'].map((h, i) =>
              el('th', { class: i === 2 ? 'num' : '', attrs: { scope: 'col' }, text: h }),
            ),
          ),
        ]),
        el('tbody', {}, rows),
      ]),
    ]),
  ]);
}

function matchCell(s: StrategyResult): string {
  if (s.resultsComparison === 'not-comparable') return 'not comparable';
  if (s.resultsMatchBaseline === null) return '—';
  if (s.resultsMatchBaseline) return 'yes';
  return s.firstDifference ? `no (task ${s.firstDifference.task})` : 'no';
}

function cpuCell(s: StrategyResult): string {
  return s.cpuSeconds ? `${seconds(s.cpuSeconds.user)} / ${seconds(s.cpuSeconds.system)}` : '—';
}

/**
 * The native thread pools a run used ("openblas 1 (48%)": library, pool threads that used CPU, their
 * share of the CPU) and, for a `+native-N` run, the limit it set; the title names the libraries'
 * files, threadpoolctl's limits and the variables.
 */
export function nativePoolCell(s: StrategyResult): { text: string; title: string } {
  const found = s.nativePools?.length ? nativePoolsText(s.nativePools) : null;
  const limit = s.nativeLimit;
  const limited = limit ? `limited to ${limit.threads} thread${limit.threads === 1 ? '' : 's'} per pool` : null;
  const text = [found, limited].filter(Boolean).join('; ') || (s.nativePools == null ? '—' : 'none');
  const title = [
    ...(s.nativePools ?? []).map(
      (p) =>
        `${p.library}${p.path ? ` (${baseName(p.path)})` : ''}: ${p.threads} pool thread(s) beside the task ` +
        `threads did ${percent(p.cpuShare)} of the CPU` +
        (p.maxThreads !== null ? `; threadpoolctl limit ${p.maxThreads} per process` : ''),
    ),
    ...(limit
      ? [
          limit.variables.map((v) => `${v}=${limit.threads}`).join(' ') +
            (limit.threadpoolctl ? `, threadpoolctl.threadpool_limits(${limit.threads})` : ''),
        ]
      : []),
  ].join('\n');
  return { text, title };
}

/** Wall, speedup, efficiency, CPU and peak RSS: right-aligned like their cells. */
const NUMERIC_COLUMNS = new Set([2, 3, 4, 5, 6]);

export function strategiesTable(profile: Profile): HTMLElement {
  const recommended = profile.recommendation?.strategy;
  // The native pools column only where some run had a pool or limited them.
  const pools = profile.strategies.some((s) => s.nativePools?.length || s.nativeLimit);
  const head = [
    'Strategy',
    'Status',
    'Wall',
    'Speedup',
    'Efficiency',
    'CPU user / sys',
    'Peak RSS',
    'Results match',
    ...(pools ? ['Native pools'] : []),
  ];
  const rows: HTMLElement[] = [];
  const groups = interpreterGroups(profile);
  for (const group of groups) {
    if (groups.length > 1) rows.push(groupRow(group, head.length));
    for (const s of group.strategies) strategyRows(s, recommended, head.length, pools, rows);
  }
  return el('section', { class: 'card' }, [
    el('h2', { text: 'Strategies' }),
    el('div', { class: 'table-scroll' }, [
      el('table', { class: 'strategies', testid: 'strategy-table' }, [
        el('thead', {}, [
          el(
            'tr',
            {},
            head.map((h, i) =>
              el('th', { class: NUMERIC_COLUMNS.has(i) ? 'num' : '', attrs: { scope: 'col' }, text: h }),
            ),
          ),
        ]),
        el('tbody', {}, rows),
      ]),
    ]),
  ]);
}

/** A header row naming the interpreter of the rows below it. */
function groupRow(group: InterpreterGroup, columns: number): HTMLElement {
  return el('tr', { class: 'interpreter-group', testid: 'interpreter-group' }, [
    el('th', { attrs: { colspan: String(columns), scope: 'rowgroup' } }, [
      el('span', { text: group.title }),
      group.note ? el('span', { class: 'muted', text: group.note }) : null,
    ]),
  ]);
}

/** A strategy's row, and its detail rows (first difference, error) under it. */
function strategyRows(
  s: StrategyResult,
  recommended: string | undefined,
  columns: number,
  pools: boolean,
  rows: HTMLElement[],
): void {
  const poolCell = pools ? nativePoolCell(s) : null;
  const name = `${s.id}${s.startMethod ? ` (${s.startMethod})` : ''}`;
  rows.push(
    el('tr', { class: s.id === recommended ? 'recommended' : '' }, [
      el('th', { attrs: { scope: 'row' }, text: name, title: s.id === recommended ? 'recommended' : '' }),
      el('td', {}, [el('span', { class: `status status-${s.status}`, text: s.status })]),
      el('td', { class: 'num', text: seconds(s.wallSeconds) }),
      el('td', { class: 'num', text: speedup(s.speedup) }),
      el('td', { class: 'num', text: percent(s.efficiency) }),
      el('td', { class: 'num', text: cpuCell(s) }),
      el('td', { class: 'num', text: bytes(s.peakRssBytes) }),
      el('td', { text: matchCell(s), title: s.resultsNote ?? '' }),
      poolCell ? el('td', { class: 'native-pools', text: poolCell.text, title: poolCell.title }) : null,
    ]),
  );
  const difference = s.firstDifference;
  if (difference) {
    rows.push(
      el('tr', { class: 'detail' }, [
        el('td', { attrs: { colspan: String(columns) } }, [
          el('div', {
            text:
              `First difference at task ${difference.task}: expected ${difference.expected}, ` +
              `got ${difference.actual}`,
          }),
        ]),
      ]),
    );
  }
  if (s.status !== 'ok' && (s.error || s.errorDetail)) {
    const detail = s.errorDetail;
    rows.push(
      el('tr', { class: 'detail error-row' }, [
        el('td', { attrs: { colspan: String(columns) } }, [
          el('div', { class: 'error-title', text: detail ? `${detail.type}: ${detail.message}` : (s.error ?? '') }),
          detail?.traceback ? el('pre', { class: 'traceback', text: detail.traceback }) : null,
        ]),
      ]),
    );
  }
}

/** "2026-01-31 14:05" in local time; toLocaleString would load the locale data (tens of ms). */
function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** How the code was run: as a module or from its file (and why), the folders and the .env used. */
function howItRan(w: Profile['workload']): HTMLElement | null {
  if (w.cwd === undefined) return null; // a profile from before these fields
  const imported = w.module ? `imported as ${w.module}` : `loaded from its file: ${w.moduleNote ?? 'no module name'}`;
  const paths = [...(w.sysPathAdded ?? []), ...(w.sysPathAppended ? [`${w.sysPathAppended} (last)`] : [])];
  const parts = [
    imported,
    `cwd ${w.cwd}`,
    paths.length ? `sys.path + ${paths.join(', ')}` : null,
    w.envFile ? `env ${w.envFile}` : null,
  ];
  return el('p', { class: 'muted', testid: 'how-it-ran', text: parts.filter(Boolean).join(' · ') });
}

export function workloadLine(profile: Profile, source: string | null): HTMLElement {
  const w = profile.workload;
  const what = w.function ? `${w.function} in ${w.file}` : `script ${w.file}`;
  const m = profile.machine;
  const parts = [
    `${what}`,
    `${w.tasks} task${w.tasks === 1 ? '' : 's'}`,
    describeRuntime(w),
    `${m.usableCoresNote ?? `${m.logicalCores} logical cores`} (${m.cpuModel})`,
    localTime(profile.createdAt),
  ];
  return el('div', { class: 'workload' }, [
    el('h1', { text: 'Concurrency profile' }),
    el('p', { class: 'muted', text: parts.join(' · ') }),
    source ? el('p', { class: 'muted', text: `from ${source}` }) : null,
    howItRan(w),
    profile.interrupted
      ? el('p', { class: 'warning', text: 'The run was interrupted: this profile is partial.' })
      : null,
    profile.sampling.note ? el('p', { class: 'muted', text: profile.sampling.note }) : null,
  ]);
}
