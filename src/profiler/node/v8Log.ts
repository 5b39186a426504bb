// Turns V8's tick logs into the profile's JavaScript stacks. Each isolate of a run (the main
// thread, every worker thread, every forked child) writes its own log under `node --prof`, the
// collection 0x uses; V8's own tick processor (`node --prof-process --preprocess`) resolves the
// ticks' addresses to code. The preload's clock mark in each log says which thread the isolate ran
// on and where its clock sits on the engine's monotonic clock, so each tick becomes a stack sample
// of a native thread at a time, joined to the /proc samples like Python's.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TableBuilder } from '../traces';

/** An isolate's log: `isolate-<address>-<pid>-v8-<pid>.log` under `--logfile=DIR/v8-%p.log`. */
const ISOLATE_LOG = /^isolate-0x[0-9a-f]+-(\d+)-v8-\d+\.log$/i;
const CLOCK_MARK = /^__cp_clock_(\d+)_(\d+)_(\d+)/;
/** Tick processors run at most this many at once (each is a Node process parsing a log). */
const PREPROCESS_CONCURRENCY = 2;
const PREPROCESS_TIMEOUT_MS = 120_000;

/** V8's VM states (StateTag) whose ticks are V8's own work, named as a leaf frame. */
const VM_STATE_FRAMES: Record<number, string> = {
  1: '(garbage collection)',
  2: '(parser)',
  3: '(bytecode compiler)',
  4: '(compiler)',
};

interface CodeEntry {
  name: string;
  type: string;
  kind?: string;
  /** Log clock (µs since the isolate's log started) when the code was created. */
  tm?: number;
  source?: { script: number; positions: string };
}

interface Preprocessed {
  code: (CodeEntry | null)[];
  ticks: { tm: number; vm: number; s: number[] }[];
  scripts: ({ id: number; url?: string; name?: string; source?: string } | null)[];
}

export interface V8Isolate {
  log: string;
  pid: number;
  /** Native thread the isolate ran on; null when its clock mark is missing (the log is skipped). */
  tid: number | null;
  ticks: number;
}

export interface V8Samples {
  /** Stack samples, columnar: monotonic ns, native tid, leaf index into the builder's stacks. */
  samples: { ns: number[]; tid: number[]; stack: number[] };
  isolates: V8Isolate[];
  /** Logs the tick processor could not read, with why. */
  errors: string[];
}

/** The `--nm` the tick processor gets: a no-op, so C++ symbols are not looked up (5x faster;
 * native code shows as its library instead). */
function noSymbols(): string[] {
  const noop = ['/bin/true', '/usr/bin/true'].find((p) => existsSync(p));
  return noop ? [`--nm=${noop}`] : [];
}

function preprocess(node: string, log: string): Promise<Preprocessed> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, ['--prof-process', '--preprocess', ...noSymbols(), log], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: PREPROCESS_TIMEOUT_MS,
    });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Preprocessed);
      } catch {
        reject(new Error(`tick processor exited with ${code}: ${stderr.trim().split('\n').slice(-2).join(' ')}`));
      }
    });
  });
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(lanes);
  return out;
}

/** A frame of the profile, or null for code that is noise here (bytecode handlers, stubs, the harness). */
interface Frame {
  index: number;
  /** First line of the function (0 when it has no source). */
  line: number;
  lineAt(offset: number): number;
}

class FrameResolver {
  private readonly cache = new Map<number, Frame | null>();
  private readonly lineStarts = new Map<number, number[]>();

  constructor(
    private readonly data: Preprocessed,
    private readonly tables: TableBuilder,
    /** Files of the engine's own harness: their frames are left out, as Python's tracer does. */
    private readonly hiddenDir: string,
  ) {}

  frame(codeIndex: number): Frame | null {
    let frame = this.cache.get(codeIndex);
    if (frame === undefined) {
      frame = this.build(this.data.code[codeIndex] ?? null);
      this.cache.set(codeIndex, frame);
    }
    return frame;
  }

  private build(entry: CodeEntry | null): Frame | null {
    if (!entry) return null;
    if (entry.type === 'JS') return this.jsFrame(entry);
    if (entry.type === 'CODE' && entry.kind === 'Builtin') return this.plain(`(builtin) ${entry.name}`);
    if (entry.type === 'CODE' && entry.kind === 'RegExp') return this.plain(`(regexp) ${entry.name}`);
    if (entry.type === 'SHARED_LIB') return this.plain(`(native) ${basename(entry.name)}`);
    if (entry.type === 'CPP') return this.plain(`(C++) ${entry.name.replace(/\(.*$/, '')}`);
    return null;
  }

  private plain(name: string): Frame {
    const index = this.tables.frame([name, '', 0]);
    return { index, line: 0, lineAt: () => 0 };
  }

  /** `name file:line:column`, where the name may be empty and the file may hold spaces. */
  private jsFrame(entry: CodeEntry): Frame | null {
    const location = /:(\d+):(\d+)$/.exec(entry.name);
    if (!location) return this.plain(entry.name.trim() || '(anonymous)');
    const head = entry.name.slice(0, location.index);
    const script = entry.source ? this.data.scripts[entry.source.script] : null;
    const scriptUrl = script?.url ?? script?.name;
    let name: string;
    let file: string;
    if (scriptUrl && head.endsWith(scriptUrl)) {
      name = head.slice(0, head.length - scriptUrl.length).trim();
      file = scriptUrl;
    } else {
      const space = head.lastIndexOf(' ');
      name = head.slice(0, Math.max(0, space)).trim();
      file = head.slice(space + 1);
    }
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (file.startsWith(this.hiddenDir)) return null;
    const line = Number(location[1]);
    const index = this.tables.frame([name || '(anonymous)', file, line]);
    const positions = entry.source ? parsePositions(entry.source.positions) : null;
    const starts =
      script?.source !== undefined && entry.source ? this.starts(entry.source.script, script.source) : null;
    return {
      index,
      line,
      lineAt: (offset) => {
        if (!positions || !starts) return line;
        const source = sourceOffsetAt(positions, offset);
        return source === null ? line : lineOf(starts, source);
      },
    };
  }

  private starts(id: number, source: string): number[] {
    let starts = this.lineStarts.get(id);
    if (!starts) {
      starts = [0];
      for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts.set(id, starts);
    }
    return starts;
  }
}

/** V8's source position table `C<code offset>O<source offset>...`, as [code, source] pairs. */
export function parsePositions(table: string): number[][] {
  const pairs: number[][] = [];
  const pattern = /C(\d+)O(\d+)/g;
  for (let m = pattern.exec(table); m; m = pattern.exec(table)) pairs.push([Number(m[1]), Number(m[2])]);
  return pairs;
}

/** The source offset of the last position at or before `codeOffset`. */
export function sourceOffsetAt(pairs: number[][], codeOffset: number): number | null {
  let found: number | null = null;
  for (const [code, source] of pairs) {
    if (code! > codeOffset) break;
    found = source!;
  }
  return found;
}

/** 1-based line of a source offset, from the offsets where lines start. */
export function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** The isolate's thread and the offset from its log clock (µs) to the monotonic clock (ns). */
function clockMark(data: Preprocessed): { pid: number; tid: number; offsetNs: number } | null {
  for (const entry of data.code) {
    const mark = entry && entry.tm !== undefined ? CLOCK_MARK.exec(entry.name) : null;
    if (mark) return { pid: Number(mark[1]), tid: Number(mark[2]), offsetNs: Number(mark[3]) - entry!.tm! * 1000 };
  }
  return null;
}

function addTicks(
  data: Preprocessed,
  tid: number,
  offsetNs: number,
  frames: FrameResolver,
  tables: TableBuilder,
  out: V8Samples['samples'],
): number {
  let kept = 0;
  for (const tick of data.ticks) {
    const leafFirst: [number, number][] = [];
    for (let i = 0; i + 1 < tick.s.length; i += 2) {
      const code = tick.s[i]!;
      if (code < 0) continue;
      const frame = frames.frame(code);
      if (frame) leafFirst.push([frame.index, frame.lineAt(tick.s[i + 1]!)]);
    }
    const state = VM_STATE_FRAMES[tick.vm];
    // Ticks with no code of interest are the thread idle in its event loop or in native code it
    // reached without JavaScript: the /proc samples already say what it was doing.
    if (leafFirst.length === 0 && !state) continue;
    const path = leafFirst.reverse();
    if (state) path.push([tables.frame([state, '', 0]), 0]);
    out.ns.push(offsetNs + tick.tm * 1000);
    out.tid.push(tid);
    out.stack.push(tables.stack(path));
    kept++;
  }
  return kept;
}

/** Reads every isolate log in `dir` with `node`'s own tick processor (the V8 that wrote them). */
export async function readV8Logs(
  dir: string,
  node: string,
  tables: TableBuilder,
  hiddenDir: string,
): Promise<V8Samples> {
  const result: V8Samples = { samples: { ns: [], tid: [], stack: [] }, isolates: [], errors: [] };
  let logs: string[];
  try {
    logs = readdirSync(dir)
      .filter((f) => ISOLATE_LOG.test(f))
      .sort();
  } catch {
    return result;
  }
  const parsed = await mapLimited(logs, PREPROCESS_CONCURRENCY, (log) =>
    preprocess(node, join(dir, log)).then(
      (data) => ({ log, data, error: null }),
      (error: Error) => ({ log, data: null, error: error.message }),
    ),
  );
  for (const { log, data, error } of parsed) {
    const pid = Number(ISOLATE_LOG.exec(log)![1]);
    if (!data) {
      result.errors.push(`${log}: ${error}`);
      continue;
    }
    const mark = clockMark(data);
    if (!mark) {
      result.isolates.push({ log, pid, tid: null, ticks: 0 });
      continue;
    }
    const frames = new FrameResolver(data, tables, hiddenDir);
    const ticks = addTicks(data, mark.tid, mark.offsetNs, frames, tables, result.samples);
    result.isolates.push({ log, pid, tid: mark.tid, ticks });
  }
  return result;
}
