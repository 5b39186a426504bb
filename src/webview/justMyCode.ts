// "Just my code" for the charts: each run of runtime frames on a stack (the harness, threading,
// concurrent.futures, asyncio, multiprocessing: shared/frames.ts) becomes one RUNTIME_FRAME, so
// flame charts, the flame graph and top functions show the user's frames and the libraries they
// call. Pure: a strategy in, a strategy with the same samples over a smaller stack trie out.
import type { StrategyResult } from '../profiler/profile';
import { RUNTIME_FRAME, frameOrigin } from '../shared/frames';

/** The strategy with runtime frames folded; the same object when it has none. */
export function foldRuntime(strategy: StrategyResult): StrategyResult {
  const { frames, stacks, samples } = strategy;
  const runtime = frames.file.map((file) => frameOrigin(file) === 'runtime');
  if (!runtime.includes(true)) return strategy;
  const folded = frames.name.length; // index of the RUNTIME_FRAME frame
  const newFrames = {
    name: [...frames.name, RUNTIME_FRAME],
    file: [...frames.file, ''],
    line: [...frames.line, 0],
  };
  const newStacks: StrategyResult['stacks'] = { parent: [], frame: [], line: [] };
  const interned = new Map<string, number>();
  const intern = (parent: number, frame: number, line: number): number => {
    const key = `${parent},${frame},${line}`;
    let node = interned.get(key);
    if (node === undefined) {
      node = newStacks.parent.push(parent) - 1;
      newStacks.frame.push(frame);
      newStacks.line.push(line);
      interned.set(key, node);
    }
    return node;
  };
  // Old node -> new node, resolved root first (a node's parent may come after it in the trie).
  const map = new Int32Array(stacks.parent.length).fill(-2);
  const path: number[] = [];
  for (let i = 0; i < map.length; i++) {
    for (let node = i; node >= 0 && map[node] === -2 && path.length <= map.length; node = stacks.parent[node]!)
      path.push(node);
    while (path.length > 0) {
      const node = path.pop()!;
      const parentOld = stacks.parent[node]!;
      const parent = parentOld >= 0 ? map[parentOld]! : -1;
      const frame = stacks.frame[node]!;
      map[node] = !runtime[frame]
        ? intern(parent, frame, stacks.line[node]!)
        : parent >= 0 && newStacks.frame[parent] === folded
          ? parent // a runtime frame called by a runtime frame: the same fold
          : intern(parent, folded, 0);
    }
  }
  // A typed column, like those of a packed profile: the webview only indexes it.
  const stack = new Int32Array(samples.stack.length);
  for (let i = 0; i < stack.length; i++) {
    const leaf = samples.stack[i]!;
    stack[i] = leaf >= 0 && leaf < map.length ? map[leaf]! : -1;
  }
  return {
    ...strategy,
    frames: newFrames,
    stacks: newStacks,
    samples: { ...samples, stack: stack as unknown as number[] },
  };
}
