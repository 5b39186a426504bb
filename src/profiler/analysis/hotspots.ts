// Where in the user's file each thread state was spent: one pass over the columnar samples,
// attributing every task sample to the innermost frame of the user's own file on its stack.
import { innermostNodes } from '../export/stacks';
import { THREAD_STATES, type StrategyResult, type ThreadState } from '../profile';

export interface HotLine {
  function: string;
  file: string;
  line: number;
  /** This line's share of the samples in that state that had a user frame. */
  share: number;
  samples: number;
}

export type HotLines = Partial<Record<ThreadState, HotLine>>;

function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

/** For each stack node, the nearest node (itself or an ancestor) whose frame is in the user's file; -1 if none. */
function userNodes(result: StrategyResult, userFile: string): Int32Array {
  const userBase = baseName(userFile);
  return innermostNodes(
    result.stacks,
    result.frames.file.map((f) => f === userFile || baseName(f) === userBase),
  );
}

export function hotLines(result: StrategyResult, userFile: string | null): HotLines {
  const { state, stack, inTask } = result.samples;
  const nodes = result.stacks.parent.length;
  if (!userFile || nodes === 0 || state.length === 0) return {};
  const user = userNodes(result, userFile);
  const states = THREAD_STATES.length;
  const counts = new Uint32Array(nodes * states);
  const totals = new Uint32Array(states);
  for (let i = 0; i < state.length; i++) {
    if (inTask[i] !== 1) continue;
    const s = stack[i];
    if (s < 0 || s >= nodes) continue;
    const u = user[s];
    if (u < 0) continue;
    counts[state[i] * nodes + u]++;
    totals[state[i]]++;
  }
  const out: HotLines = {};
  const { frame, line } = result.stacks;
  for (let s = 0; s < states; s++) {
    if (totals[s] === 0) continue;
    // Different stack paths can end on the same line (recursion, several callers): merge by line.
    const byLine = new Map<string, { frame: number; line: number; samples: number }>();
    for (let node = 0; node < nodes; node++) {
      const c = counts[s * nodes + node];
      if (c === 0) continue;
      const key = `${frame[node]}:${line[node]}`;
      const entry = byLine.get(key);
      if (entry) entry.samples += c;
      else byLine.set(key, { frame: frame[node], line: line[node], samples: c });
    }
    let top: { frame: number; line: number; samples: number } | null = null;
    for (const e of byLine.values()) if (!top || e.samples > top.samples) top = e;
    if (!top) continue;
    out[THREAD_STATES[s]] = {
      function: result.frames.name[top.frame] ?? '?',
      file: result.frames.file[top.frame] ?? '?',
      line: top.line,
      share: top.samples / totals[s],
      samples: top.samples,
    };
  }
  return out;
}

export function describeHotLine(h: HotLine): string {
  return `${h.function}() at ${baseName(h.file)}:${h.line}`;
}
