// Where in the user's code each thread state was spent. One attribution serves the verdict's hot
// lines and the editor's source heat, so the two always agree: every in-task sample goes to the
// innermost frame of the user's own code on its stack ("just my code"); with justMyCode off,
// every sample with a stack goes to its leaf frame, whoever's code it is.
import { THREAD_STATES, type HotLine, type HotLines, type StrategyResult } from '../profile';
import { baseName } from '../../shared/format';
import { isUserFrame } from '../../shared/frames';
import { innermostNodes } from '../export/stacks';

export interface LineCounts {
  file: string;
  line: number;
  /** The function the line belongs to (the first frame seen at it). */
  function: string;
  /** Samples per state, indexed like THREAD_STATES. */
  states: Uint32Array;
  samples: number;
}

export interface Attribution {
  lines: LineCounts[];
  /** Samples attributed to some line: what shares are shares of. */
  samples: number;
  /** The same per state. */
  stateTotals: Uint32Array;
}

export function attributeLines(result: StrategyResult, workloadFile: string | null, justMyCode = true): Attribution {
  const { state, stack, inTask } = result.samples;
  const nodes = result.stacks.parent.length;
  const states = THREAD_STATES.length;
  const stateTotals = new Uint32Array(states);
  if (nodes === 0 || state.length === 0) return { lines: [], samples: 0, stateTotals };
  const target = justMyCode
    ? innermostNodes(
        result.stacks,
        result.frames.file.map((file) => isUserFrame(file, workloadFile)),
      )
    : null;
  const counts = new Uint32Array(nodes * states);
  for (let i = 0; i < state.length; i++) {
    const s = stack[i]!;
    if (s < 0 || s >= nodes || (justMyCode && inTask[i] !== 1)) continue;
    const node = target ? target[s]! : s;
    if (node < 0) continue;
    counts[node * states + state[i]!]++;
    stateTotals[state[i]!]++;
  }
  // Different stack paths end on the same line (recursion, several callers): merge by file and line.
  const { frame, line } = result.stacks;
  const byLine = new Map<string, LineCounts>();
  for (let node = 0; node < nodes; node++) {
    let sum = 0;
    for (let s = 0; s < states; s++) sum += counts[node * states + s]!;
    if (sum === 0) continue;
    const file = result.frames.file[frame[node]!] ?? '?';
    const key = `${line[node]}:${file}`;
    let entry = byLine.get(key);
    if (!entry) {
      const name = result.frames.name[frame[node]!] ?? '?';
      entry = { file, line: line[node]!, function: name, states: new Uint32Array(states), samples: 0 };
      byLine.set(key, entry);
    }
    for (let s = 0; s < states; s++) entry.states[s]! += counts[node * states + s]!;
    entry.samples += sum;
  }
  const lines = [...byLine.values()];
  return { lines, samples: lines.reduce((n, l) => n + l.samples, 0), stateTotals };
}

/** For each state, the line with most of its samples (first in line order on a tie). */
export function hotLines(result: StrategyResult, workloadFile: string | null): HotLines {
  const { lines, stateTotals } = attributeLines(result, workloadFile);
  const ordered = [...lines].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  const out: HotLines = {};
  THREAD_STATES.forEach((state, s) => {
    if (stateTotals[s] === 0) return;
    let top: LineCounts | null = null;
    for (const l of ordered) if (l.states[s]! > 0 && (!top || l.states[s]! > top.states[s]!)) top = l;
    if (!top) return;
    const hot: HotLine = {
      function: top.function,
      file: top.file,
      line: top.line,
      share: Math.round((top.states[s]! / stateTotals[s]!) * 1e4) / 1e4,
      samples: top.states[s]!,
    };
    out[state] = hot;
  });
  return out;
}

export function describeHotLine(h: HotLine): string {
  return `${h.function}() at ${baseName(h.file)}:${h.line}`;
}
