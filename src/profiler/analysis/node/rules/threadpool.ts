// threadpool-bound: the work ran on libuv's thread pool (crypto, zlib, fs, dns.lookup), not in
// JavaScript: the main thread waited while pool threads computed or did file I/O. Its routes are
// more calls at once (async), a bigger pool (UV_THREADPOOL_SIZE) when jobs wait or cores are idle,
// or worker threads, each of which shares the same pool.
import { label } from '../../facts';
import { percent, speedup } from '../../../../shared/format';
import type { NodeFacts, NodeStrategyFacts } from '../facts';
import type { Finding } from '../../rules/types';

/**
 * 0.5: during serial's calls, pool threads were busy (running, queued for a core, or in I/O) half a
 * thread on average: at least as much work went to the pool as the calls spent anywhere else. A
 * timer- or network-bound loop keeps it at 0 (the main thread waits in epoll); one awaited
 * pbkdf2 or gzip job at a time keeps it near 1.
 */
export const POOL_BUSY_MIN = 0.5;
/** 0.75: three in four pool threads busy on average: the pool is the queue the calls wait in. */
export const SATURATED_SHARE = 0.75;

function busiest(f: NodeFacts): NodeStrategyFacts | null {
  let best: NodeStrategyFacts | null = null;
  for (const s of [f.async, ...f.uvPools]) {
    if (!s?.libuv || !s.usable) continue;
    if (!best || s.libuv.meanBusy / s.uvThreads > best.libuv!.meanBusy / best.uvThreads) best = s;
  }
  return best;
}

export function threadpoolBound(f: NodeFacts): Finding | null {
  const uv = f.serial?.libuv;
  if (!f.serial || !uv || uv.meanBusy < POOL_BUSY_MIN) return null;
  const evidence = [
    `serial: libuv's pool threads were busy ${uv.meanBusy.toFixed(2)} threads on average while the calls ran ` +
      `(${uv.threads} of them worked), with ${percent(uv.cpuShare)} of the workload's CPU; the main thread ` +
      `${f.serialWaitShare !== null ? `waited ${percent(f.serialWaitShare)} of the time` : 'mostly waited'}.`,
  ];
  const peak = busiest(f);
  if (peak?.libuv) {
    const saturated = peak.libuv.meanBusy >= SATURATED_SHARE * peak.uvThreads;
    const queued = saturated ? ': the pool was saturated, calls queued for a pool thread' : '';
    const gain = peak.speedup !== null ? `, ${speedup(peak.speedup)} speedup` : '';
    evidence.push(
      `${label(peak)}: ${peak.libuv.meanBusy.toFixed(1)} of ${peak.uvThreads} pool threads busy on average` +
        `${queued}${gain}.`,
    );
  }
  for (const s of f.uvPools)
    if (s.speedup !== null && s !== peak)
      evidence.push(`${label(s)} (UV_THREADPOOL_SIZE=${s.uvThreads}): ${speedup(s.speedup)}.`);
  return { rule: 'threadpoolBound', kind: 'threadpool-bound', score: Math.min(0.95, uv.meanBusy), evidence };
}
