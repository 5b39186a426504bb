// Collapsed stacks ("root;child;leaf count" per line) for flamegraph.pl, inferno and friends.
import { THREAD_STATES, type StrategyResult } from '../profile';
import { frameLabel, stackFrames } from './stacks';

/** The format's separators (';', newline) and the trailing count's space must not occur inside a frame. */
function sanitize(label: string): string {
  return label.replace(/[;\r\n]/g, '_');
}

export function toCollapsed(strategy: StrategyResult): string {
  const countByLeaf = new Map<number, number>();
  const countByState = new Map<number, number>();
  const { stack, state } = strategy.samples;
  for (let i = 0; i < stack.length; i++) {
    const leaf = stack[i]!;
    if (leaf >= 0) countByLeaf.set(leaf, (countByLeaf.get(leaf) ?? 0) + 1);
    else countByState.set(state[i]!, (countByState.get(state[i]!) ?? 0) + 1);
  }
  // Different trie nodes can share a frame path (same functions, other lines): merge them.
  const countByPath = new Map<string, number>();
  const add = (path: string, count: number): void => {
    countByPath.set(path, (countByPath.get(path) ?? 0) + count);
  };
  for (const [leaf, count] of countByLeaf) {
    add(
      stackFrames(strategy.stacks, leaf)
        .map((f) => sanitize(frameLabel(strategy.frames, f)))
        .join(';'),
      count,
    );
  }
  for (const [code, count] of countByState) add(`[${THREAD_STATES[code] ?? 'other'}, no Python stack]`, count);
  return [...countByPath]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, count]) => `${path} ${count}\n`)
    .join('');
}
