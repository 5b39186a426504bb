// Pure helpers over one strategy's frame table and stack trie, shared by the exports and the
// webview (which bundles them): resolve a leaf node to its frames and name frames readably.
import { STACK_DEPTH } from '../caps';
import type { FrameTable, StackTable, StrategyResult } from '../profile';
import { baseName } from '../../shared/format';

/** Frames of stack node `leaf`, root first; empty for -1 (no Python stack). Every walk up a stack
 * stops after STACK_DEPTH nodes, whatever the parents say (profiles are checked on load too). */
export function stackFrames(stacks: StackTable, leaf: number): number[] {
  const frames: number[] = [];
  for (let node = leaf; node >= 0 && frames.length < STACK_DEPTH; node = stacks.parent[node] ?? -1)
    frames.push(stacks.frame[node]!);
  return frames.reverse();
}

/** Depth of every trie node (a node whose parent is -1 has depth 0), whatever the node order. */
export function nodeDepths(stacks: StackTable): Int32Array {
  const depth = new Int32Array(stacks.parent.length).fill(-1);
  const path: number[] = [];
  for (let i = 0; i < depth.length; i++) {
    let node = i;
    while (node >= 0 && depth[node] === -1 && path.length < STACK_DEPTH) {
      path.push(node);
      node = stacks.parent[node] ?? -1;
    }
    let d = node >= 0 ? depth[node]! : -1;
    while (path.length > 0) depth[path.pop()!] = ++d;
  }
  return depth;
}

/** "name (file.py:12)", the form py-spy and flamegraph users expect. */
export function frameLabel(frames: FrameTable, frame: number): string {
  return `${frames.name[frame]} (${baseName(frames.file[frame] ?? '')}:${frames.line[frame]})`;
}

/** Time one sample stands for: the sampler's interval. */
export function sampleIntervalMs(sampleHz: number): number {
  return sampleHz > 0 ? 1000 / sampleHz : 5;
}

/** Indices of the samples of each thread, in time order (counted first: no arrays grown sample by sample). */
export function samplesByThread(strategy: StrategyResult): Int32Array[] {
  const { thread, t } = strategy.samples;
  const counts = new Int32Array(strategy.threads.length);
  for (let i = 0; i < thread.length; i++) if (thread[i]! >= 0 && thread[i]! < counts.length) counts[thread[i]!]!++;
  const byThread = Array.from(counts, (n) => new Int32Array(n));
  const filled = new Int32Array(counts.length);
  for (let i = 0; i < thread.length; i++) {
    const th = thread[i]!;
    if (th >= 0 && th < counts.length) byThread[th]![filled[th]!++] = i;
  }
  for (const list of byThread) if (!isSorted(list, t)) list.sort((a, b) => t[a]! - t[b]! || a - b);
  return byThread;
}

function isSorted(indices: ArrayLike<number>, t: ArrayLike<number>): boolean {
  for (let k = 1; k < indices.length; k++) if (t[indices[k]!]! < t[indices[k - 1]!]!) return false;
  return true;
}

/**
 * For each trie node, the nearest node on its path to the root (itself first) whose frame is
 * marked in `isUserFrame`: the innermost user frame of a stack ending there; -1 if there is none.
 */
export function innermostNodes(stacks: StackTable, isUserFrame: ArrayLike<boolean>): Int32Array {
  const { parent, frame } = stacks;
  const out = new Int32Array(parent.length).fill(-2); // -2 = not resolved yet
  const path: number[] = [];
  for (let i = 0; i < parent.length; i++) {
    let node = i;
    while (node >= 0 && out[node] === -2 && !isUserFrame[frame[node]!] && path.length < STACK_DEPTH) {
      path.push(node);
      node = parent[node] ?? -1;
    }
    const resolved = node < 0 ? -1 : out[node] !== -2 ? out[node]! : node;
    if (node >= 0) out[node] = resolved;
    for (const p of path) out[p] = resolved;
    path.length = 0;
  }
  return out;
}
