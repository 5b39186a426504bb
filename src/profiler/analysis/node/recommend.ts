// Picks the Node.js route: the fastest strategy that is correct and beats serial by the noise
// margin, preferring the simpler one on near-ties (Promise.all before a bigger libuv pool before
// worker threads before child processes); explains the others and the routes not measured.
import { label } from '../facts';
import { samplingCaveats } from '../caveats';
import { bytes, percent, seconds, speedup } from '../../../shared/format';
import { projectSpeedup } from '../projection';
import { SPEEDUP_MARGIN, disturbed, fastest } from '../margin';
import { familyPoints, PREFER_SIMPLER_WITHIN, IMBALANCE_ROUNDS } from '../recommend';
import type { Alternative, Recommendation, StrategyKind, Verdict } from '../../profile';
import { nodeCodeChange, type NodeRoute } from './codeChange';
import { alternatives, type NodeFacts, type NodeStrategyFacts } from './facts';
import { nodeRouteCoverage } from './routes';
import { CLONE_BYTES_PER_SECOND } from './rules/handoff';

/** Copying worth a caveat: 1% of serial's time at the estimated clone throughput. */
export const COPY_CAVEAT_SHARE = 0.01;

/** Lower = simpler to adopt and cheaper to run. */
const SIMPLICITY: Record<NodeRoute, number> = { async: 0, uv: 1, 'worker-threads': 2, 'child-processes': 3, serial: 4 };

function simplicity(s: NodeStrategyFacts): number {
  return SIMPLICITY[routeOf(s)];
}

function candidates(f: NodeFacts): NodeStrategyFacts[] {
  return alternatives(f).filter((s) => s.usable && s.speedup !== null);
}

/** The kind the verdict predicts will work, or null when it predicts none or several. */
export function predictedNodeKind(f: NodeFacts, v: Verdict): StrategyKind | null {
  switch (v.kind) {
    case 'io-bound':
      return f.isAsync ? 'async' : 'worker-threads';
    case 'threadpool-bound':
      return 'async';
    case 'cpu-bound-event-loop':
    case 'event-loop-blocked':
      return 'worker-threads';
    default:
      return null;
  }
}

function choose(f: NodeFacts, v: Verdict, pool: NodeStrategyFacts[]): NodeStrategyFacts | null {
  const best = fastest(pool);
  if (!best || best.speedup! < SPEEDUP_MARGIN) return null;
  const winners = pool.filter((s) => s.speedup! >= SPEEDUP_MARGIN) as NodeStrategyFacts[];
  if (disturbed(f, pool)) {
    const fits = winners.filter((s) => s.result.kind === predictedNodeKind(f, v));
    if (fits.length > 0) return fits.sort((a, b) => b.speedup! - a.speedup!)[0]!;
  }
  const near = winners.filter((s) => s.speedup! * PREFER_SIMPLER_WITHIN >= best.speedup!);
  near.sort((a, b) => simplicity(a) - simplicity(b) || b.speedup! - a.speedup!);
  return near[0] ?? null;
}

function routeOf(s: NodeStrategyFacts | null): NodeRoute {
  if (!s) return 'serial';
  if (s.raisedPool) return 'uv';
  if (s.result.kind === 'async') return 'async';
  if (s.result.kind === 'worker-threads' || s.result.kind === 'child-processes') return s.result.kind;
  return 'serial';
}

function whyLower(s: NodeStrategyFacts, chosen: NodeStrategyFacts | null): string {
  const sp = s.speedup!;
  if (sp < SPEEDUP_MARGIN)
    return (
      `${speedup(sp)}: below the ${SPEEDUP_MARGIN}x margin, so not distinguishable from serial on this noisy ` +
      `machine.`
    );
  if (!chosen) return `${speedup(sp)}.`;
  if (sp > chosen.speedup!) {
    const cost: Partial<Record<string, string>> = {
      'child-processes': 'pays for whole processes and copying',
      'worker-threads': 'pays for isolates and copying',
    };
    const within = Math.round((PREFER_SIMPLER_WITHIN - 1) * 100);
    return `${speedup(sp)}, within ${within}% of ${label(chosen)} but ${cost[s.result.kind] ?? 'is harder to adopt'}.`;
  }
  return `${speedup(sp)}, slower than ${label(chosen)} (${speedup(chosen.speedup!)}).`;
}

function projection(f: NodeFacts, v: Verdict, chosen: NodeStrategyFacts | null): Recommendation['projected'] {
  if (!chosen)
    return { cores2x: 1, cores4x: 1, model: 'serial', assumptions: 'One call at a time: more cores are not used.' };
  const kind = chosen.result.kind;
  const common = { cores: f.logicalCores, tasks: f.tasks };
  if (kind === 'worker-threads' || kind === 'child-processes') {
    const fitted = projectSpeedup({
      ...common,
      points: familyPoints(f.all.filter((s) => s.result.kind === kind)),
      bound: 'cores',
      subject: kind,
    });
    return fitted && { ...fitted, assumptions: fitted.assumptions.replace('pickling', 'structured-clone copies') };
  }
  if (v.kind === 'threadpool-bound') {
    // The pool's threads are the workers: async and +uv-N runs at their pool sizes.
    const runs = [f.async, ...f.uvPools].filter((s): s is NodeStrategyFacts => s !== null && s.usable);
    const fitted = projectSpeedup({
      ...common,
      points: runs.map((s) => ({ workers: s.uvThreads, speedup: s.speedup! })),
      bound: 'cores',
      subject: "libuv's pool",
    });
    return fitted && { ...fitted, assumptions: fitted.assumptions.replace('pickling and dispatch', 'dispatch') };
  }
  const overlap = projectSpeedup({
    ...common,
    points: [{ workers: 1, speedup: chosen.speedup! }],
    bound: 'waits',
    cpuShare: f.serialCpuShare,
  });
  const ceiling = overlap?.assumptions.indexOf('Ceiling') ?? -1;
  return (
    overlap && {
      ...overlap,
      model: 'Amdahl over concurrent waits: the JavaScript share of a call is the serial fraction',
      assumptions:
        `Waits overlap on one event loop; its JavaScript runs one callback at a time, so extra cores ` +
        `add nothing unless that work moves to worker ` +
        `threads.${ceiling >= 0 ? ` ${overlap.assumptions.slice(ceiling)}` : ''}`,
    }
  );
}

function caveats(f: NodeFacts, chosen: NodeStrategyFacts | null, pool: NodeStrategyFacts[]): string[] {
  const out: string[] = [];
  if (f.profile.interrupted)
    out.push('The run was interrupted: this profile is partial, and strategies that did not run are not compared.');
  for (const s of f.all) {
    const r = s.result;
    if (r.status === 'ok' && r.resultsMatchBaseline === false) {
      const d = r.firstDifference;
      const where = d
        ? `call ${d.task} returned ${d.actual} where serial returned ${d.expected}`
        : 'its results differ from serial';
      const why =
        r.kind === 'async'
          ? 'Calls running together interleave at their awaits and change state they share'
          : 'Each worker thread or child process has its own copy of module-level state';
      out.push(
        `${label(s)} is not recommended: ${where}. ${why}: ` +
          'make each call independent (return its result, combine in the caller).',
      );
    } else if (r.status === 'failed' && r.id !== 'serial') {
      const d = r.errorDetail;
      const clone = /DataCloneError|could not be cloned|cannot be sent/i.test(`${d?.type} ${d?.message} ${r.error}`);
      out.push(
        clone
          ? `${label(s)} failed: ${d?.message ?? r.error}. Worker threads and child processes copy arguments and ` +
              `results by structured clone: functions, class methods, sockets and streams cannot be sent; pass plain ` +
              `data (numbers, strings, arrays, objects, ArrayBuffers) and open resources inside the call.`
          : `${label(s)} failed: ${(r.error ?? '').split('\n')[0]}.`,
      );
    } else if (r.status === 'timeout')
      out.push(`${label(s)} did not finish within the timeout; it was stopped and is not compared.`);
  }
  const kind = chosen?.result.kind;
  if (chosen && (kind === 'worker-threads' || kind === 'child-processes')) {
    const c = chosen.result.processCosts;
    const copySeconds = c ? (c.pickledBytesSentTotal + c.pickledBytesReceivedTotal) / CLONE_BYTES_PER_SECOND : 0;
    if (c && copySeconds >= COPY_CAVEAT_SHARE * (f.serial?.result.wallSeconds ?? Infinity))
      out.push(
        `Each call copies ${bytes(c.pickledBytesSentPerTask)} of arguments and ` +
          `${bytes(c.pickledBytesReceivedPerTask)} of results by structured clone ` +
          `(~${seconds((c.pickledBytesSentTotal + c.pickledBytesReceivedTotal) / CLONE_BYTES_PER_SECOND)} in all ` +
          `at ~${CLONE_BYTES_PER_SECOND / 1e6} MB/s); for large binary data pass ArrayBuffers in the transfer ` +
          `list, or share one SharedArrayBuffer (with Atomics) instead of copying.`,
      );
    const startup = c?.workerStartupSeconds ?? [];
    if (startup.length > 0)
      out.push(
        `Starting the ${kind === 'worker-threads' ? 'worker threads' : 'child processes'} took up to ` +
          `${seconds(Math.max(...startup))} here (included in the speedup): keep the pool alive across calls.`,
      );
  }
  if (chosen && routeOf(chosen) === 'uv')
    out.push(
      `UV_THREADPOOL_SIZE=${chosen.uvThreads} helps while pool jobs wait (file I/O) or cores sit idle; CPU-bound ` +
        `jobs (crypto, zlib) gain only up to the number of cores.`,
    );
  if (disturbed(f, pool)) {
    const loads = [f.serial, ...pool]
      .filter((s) => s?.externalLoad != null)
      .map((s) => `${label(s!)} ${percent(s!.externalLoad!)}`);
    out.push(
      `Other programs kept the cores busy while this ran (${loads.join(', ')}): speedups are noisy. Re-run on a ` +
        `quieter machine to confirm.`,
    );
  }
  const idle = chosen && chosen.workers > 1 ? (chosen.workers - (f.tasks % chosen.workers)) % chosen.workers : 0;
  if (chosen && idle > 0 && f.tasks < IMBALANCE_ROUNDS * chosen.workers)
    out.push(
      `${f.tasks} calls on ${chosen.workers} workers: the last round leaves ${idle} worker(s) idle; more, smaller ` +
        `calls balance better.`,
    );
  out.push(...samplingCaveats(f.profile));
  return out;
}

function rationale(f: NodeFacts, v: Verdict, chosen: NodeStrategyFacts | null, best: NodeStrategyFacts | null): string {
  if (!f.serial) return 'The serial baseline failed, so no speedup could be measured; fix the error it reports first.';
  if (!chosen) {
    const near = best
      ? ` The fastest correct strategy, ${label(best)}, reached ${speedup(best.speedup!)}.`
      : ' No other strategy completed with results matching serial.';
    return (
      `Keep it serial: no strategy beat serial by the ${SPEEDUP_MARGIN}x margin that separates a real gain ` +
      `from run-to-run noise on this machine.${near}`
    );
  }
  const why: Partial<Record<Verdict['kind'], string>> = {
    'io-bound': 'the calls mostly wait, and their waits overlap',
    'cpu-bound-event-loop': 'each worker has its own event loop, so the JavaScript runs on several cores',
    'event-loop-blocked': 'the synchronous part leaves the shared event loop',
    'threadpool-bound': "more of libuv's pool works at once",
    'overhead-bound': 'it was fastest despite the hand-off per call',
    'copy-bound': 'it was fastest despite the copying',
    mixed: 'it overlaps the waits and the computing best of those measured',
  };
  const tie = chosen !== best && best ? ` (${label(best)} reached ${speedup(best.speedup!)}, within noise)` : '';
  return (
    `${label(chosen)}: ${speedup(chosen.speedup!)} faster than serial${tie}, above the ${SPEEDUP_MARGIN}x ` +
    `margin; it fits because ${why[v.kind] ?? 'it was fastest'}.`
  );
}

export function recommendNode(f: NodeFacts, v: Verdict): Recommendation {
  const pool = candidates(f);
  const chosen = f.profile.mode === 'script' ? null : choose(f, v, pool);
  const best = fastest(pool) as NodeStrategyFacts | null;
  const routes = nodeRouteCoverage(f, v);
  const alternatives: Alternative[] = pool
    .filter((s) => s !== chosen)
    .sort((a, b) => b.speedup! - a.speedup!)
    .map((s) => ({ strategy: s.id, expectedSpeedup: s.speedup, why: whyLower(s, chosen) }));
  const sharesState = f.all.some((s) => s.result.resultsMatchBaseline === false);
  if (f.profile.mode === 'script') {
    return {
      strategy: f.serial?.id ?? 'script',
      workers: null,
      expectedSpeedup: null,
      projected: null,
      rationale:
        `Whole-file mode ran the file once, so no strategy was compared; from its thread states the ` +
        `verdict is ${v.label}. Profile the hot exported function with --function to measure async, worker threads ` +
        `and child processes.`,
      alternatives: [],
      caveats: samplingCaveats(f.profile),
      codeChange: null,
      routes,
    };
  }
  return {
    strategy: chosen ? chosen.id : 'serial',
    workers: chosen ? chosen.workers : 1,
    expectedSpeedup: chosen ? chosen.speedup : 1,
    projected: projection(f, v, chosen),
    rationale: rationale(f, v, chosen, best),
    alternatives,
    caveats: caveats(f, chosen, pool),
    codeChange: nodeCodeChange(f.profile.workload, {
      route: routeOf(chosen),
      workers: chosen?.workers ?? f.logicalCores,
      uvThreads: chosen?.uvThreads ?? null,
      verdict: v.kind,
      sharesState,
    }),
    routes,
  };
}
