// Every route Node.js offers for running calls at once (profile.ts NODE_ROUTES), each with what
// this profile measured about it or an honest "not measured here, because ...": the
// `recommendation.routes` of a Node profile, in the shape of the Python routes.
import { bytes, speedup } from '../../../shared/format';
import type { RouteCoverage, Verdict, VerdictKind } from '../../profile';
import { label } from '../facts';
import type { NodeFacts, NodeStrategyFacts } from './facts';
import { worstClone } from './rules/handoff';

type Draft = Pick<RouteCoverage, 'route' | 'fits' | 'reason' | 'detail'> & { runs?: NodeStrategyFacts[] };

function list(runs: NodeStrategyFacts[]): string {
  return runs.map((s) => `${label(s)} ${s.speedup !== null ? speedup(s.speedup) : s.result.status}`).join(', ');
}

function best(runs: NodeStrategyFacts[]): number | null {
  const usable = runs.filter((s) => s.usable && s.speedup !== null).map((s) => s.speedup!);
  return usable.length > 0 ? Math.max(...usable) : null;
}

/** A route the sweep measured with `runs`, or did not run. */
function measuredRoute(
  route: RouteCoverage['route'],
  runs: NodeStrategyFacts[],
  fits: boolean,
  reason: string,
  how: string,
): Draft {
  if (runs.length === 0)
    return { route, fits, reason: 'not run here (see --strategies)', detail: `Not measured here: ${how}` };
  return { route, fits, reason, detail: `Measured: ${list(runs)}. ${how}`, runs };
}

const CPU: readonly VerdictKind[] = ['cpu-bound-event-loop', 'event-loop-blocked', 'mixed'];

function asyncRoute(f: NodeFacts, v: Verdict): Draft {
  const runs = [f.async, ...f.uvPools.filter((s) => s.result.kind === 'async')].filter((s) => s !== null);
  const how =
    'All calls started at once (Promise.all): their waits overlap on one event loop, their JavaScript still runs ' +
    'one callback at a time.';
  if (!f.isAsync && runs.length === 0)
    return {
      route: 'async',
      fits: false,
      reason:
        v.kind === 'io-bound'
          ? 'the function blocks: its async API (fs.promises, execFile) would let calls overlap'
          : 'the function returns plain values: its calls cannot overlap on one loop',
      detail:
        `${how} The function returned plain values, so it was not run that way.` +
        (v.kind === 'io-bound'
          ? ' It waits in blocking calls (readFileSync, execSync, Atomics.wait): their async forms let ' +
            'Promise.all overlap the waits without threads.'
          : ''),
    };
  const fits = v.kind === 'io-bound' || v.kind === 'threadpool-bound';
  return measuredRoute(
    'async',
    runs,
    fits,
    fits ? 'the waits overlap on one event loop' : 'the synchronous work still queues on one loop',
    how,
  );
}

export function nodeRouteCoverage(f: NodeFacts, v: Verdict): RouteCoverage[] {
  const drafts: Draft[] = [
    asyncRoute(f, v),
    measuredRoute(
      'worker-threads',
      f.workers,
      CPU.includes(v.kind) || (v.kind === 'io-bound' && !f.isAsync),
      CPU.includes(v.kind) ? 'each has its own event loop and isolate' : 'arguments and results are copied per call',
      'Worker threads: each has its own event loop and V8 isolate in this process; arguments and results are ' +
        'copied by structured clone.',
    ),
    measuredRoute(
      'child-processes',
      f.children,
      CPU.includes(v.kind),
      CPU.includes(v.kind)
        ? 'each is a whole Node process with its own loop'
        : 'a whole process per worker, for no gain here',
      'Child processes: each a whole Node process (more memory, slower to start than a worker thread); messages ' +
        'are copied over IPC.',
    ),
  ];
  const uv = f.serial?.libuv;
  const pool =
    'libuv runs crypto, zlib, fs and dns.lookup jobs on its pool, 4 threads unless UV_THREADPOOL_SIZE raises it ' +
    'before the pool starts.';
  drafts.push(
    f.uvPools.length > 0
      ? measuredRoute(
          'libuv-pool',
          f.uvPools,
          v.kind === 'threadpool-bound',
          'a bigger pool runs more jobs at once',
          pool,
        )
      : {
          route: 'libuv-pool',
          fits: v.kind === 'threadpool-bound',
          reason:
            uv && uv.threads > 0 ? 'not measured: the pool worked in serial' : 'the pool was idle while the calls ran',
          detail:
            `${pool} ` +
            (uv && uv.threads > 0
              ? `Not measured here; in serial ${uv.meanBusy.toFixed(2)} pool threads were busy on average.`
              : 'Not relevant here: no pool thread worked while the calls ran.'),
        },
  );
  const clone = worstClone(f);
  drafts.push({
    route: 'shared-memory',
    fits: v.kind === 'copy-bound' || clone !== null,
    reason: clone ? `${bytes(clone.bytesMoved)} were copied by structured clone` : 'the calls copy little data',
    detail: clone
      ? `Not measured: ${label(clone.strategy)} copied ${bytes(clone.bytesMoved)} by structured clone; put large ` +
        `binary data in a SharedArrayBuffer (shared, with Atomics for coordination) or transfer ArrayBuffers ` +
        `instead of copying them.`
      : 'Not relevant here: arguments and results are small, so copying them costs little.',
  });
  drafts.push({
    route: 'yield-to-loop',
    fits: v.kind === 'event-loop-blocked',
    reason:
      v.kind === 'event-loop-blocked'
        ? 'chunks of synchronous work let other callbacks in'
        : 'the loop is not held up by an async function',
    detail:
      v.kind === 'event-loop-blocked'
        ? 'Not measured: split the synchronous part into chunks of a few milliseconds and yield between them ' +
          '(await new Promise(setImmediate)), so other callbacks run; or move it to a worker thread.'
        : 'Not relevant here: no async function held the event loop up.',
  });
  return drafts.map((d) => ({
    route: d.route,
    status: d.runs ? 'measured' : 'unmeasured',
    strategies: (d.runs ?? []).map((s) => s.id),
    bestSpeedup: d.runs ? best(d.runs) : null,
    fits: d.fits,
    reason: d.reason,
    detail: d.detail,
    install: null,
  }));
}
