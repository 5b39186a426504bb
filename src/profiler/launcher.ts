// Starts one interpreter of a run (no shell, its own session and process group), keeps a bounded
// tail of its output, and ends it with everything it started: on timeout, on cancel, or when it
// exits. A run ends when the interpreter exits, never when its pipes close: a background process
// the workload started may hold them open for as long as it lives.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { capText, COMMAND_LINE_CHARS } from './caps';
import { processTree } from './sampler/threadSampler';

/** Keeps the last `limit` bytes of a stream and counts what was dropped. */
export class BoundedTail {
  private chunks: Buffer[] = [];
  private size = 0;
  droppedBytes = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.limit && this.chunks.length > 0) {
      const first = this.chunks[0]!;
      const excess = this.size - this.limit;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
        this.droppedBytes += first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
        this.droppedBytes += excess;
      }
    }
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export const OUTPUT_TAIL_BYTES = 16 * 1024;
/** File descriptor of the harness's lifeline: a pipe whose other end only this process holds. */
export const LIFELINE_FD = 3;

/** A process identified against pid reuse: its start time (field 22 of stat, clock ticks since boot). */
export interface ProcessRef {
  pid: number;
  startTicks: number;
  command: string;
}

export interface Launched {
  child: ChildProcess;
  stdout: BoundedTail;
  stderr: BoundedTail;
  /** Resolves with the exit code (null when killed by a signal) as soon as the process exits. */
  exited: Promise<number | null>;
  /** Resolves when both output pipes closed, or after `ms` with them closed by force. */
  drained(ms: number): Promise<void>;
}

/** Process groups started here and not yet ended, and the processes seen in them that may have left
 * them: killed if this process exits in any way it can still run code for (an uncaught error,
 * process.exit, a second Ctrl-C), so no workload outlives its engine. */
const liveGroups = new Map<number, Map<number, ProcessRef>>();
/** Short-lived helpers (the probe, nvidia-smi) in this process's own group: their trees go too. */
const liveHelpers = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killEverythingLive);
}

/** Kills every live workload and helper at once (synchronous: safe in an exit handler). */
export function killEverythingLive(): void {
  for (const pid of liveHelpers) for (const member of processTree(pid)) signal(member, 'SIGKILL');
  for (const [pgid, seen] of liveGroups) {
    // The tree is read before anything is killed: once the harness is gone, a child it started in a
    // session of its own is an orphan, no longer linked to the run (and a second Ctrl-C exits at once).
    const tree = processTree(pgid);
    signal(-pgid, 'SIGKILL');
    for (const pid of tree) signal(pid, 'SIGKILL');
    for (const ref of seen.values()) if (sameProcess(ref)) signal(ref.pid, 'SIGKILL');
  }
}

/** Kills `child` (and what it started) if this process exits before it does. */
export function killOnExit(child: ChildProcess): void {
  installExitHook();
  const pid = child.pid;
  if (pid === undefined) return;
  liveHelpers.add(pid);
  child.once('exit', () => liveHelpers.delete(pid));
}

/** Remembers a process of a live run (from the samplers), so that it is killed even if it left its
 * group and session. */
export function noteWorkloadProcess(pgid: number, ref: ProcessRef): void {
  liveGroups.get(pgid)?.set(ref.pid, ref);
}

export function launch(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Launched {
  installExitHook();
  // stdin is closed; fd 3 is the lifeline: the harness reads it, and when this process dies the
  // pipe closes and the harness takes its own tree down.
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid !== undefined) liveGroups.set(pid, new Map());
  const stdout = new BoundedTail(OUTPUT_TAIL_BYTES);
  const stderr = new BoundedTail(OUTPUT_TAIL_BYTES);
  child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
  const lifeline = child.stdio[LIFELINE_FD] as NodeJS.ReadableStream & { destroy(): void };
  lifeline.on('error', () => {});
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
  const closed = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => resolve());
  });
  const drained = async (ms: number): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
    child.stdout!.destroy();
    child.stderr!.destroy();
    lifeline.destroy();
  };
  return { child, stdout, stderr, exited, drained };
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Fields of /proc/PID/stat after the command name, or null when the process is gone. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** The process behind `pid` now, or null when there is none (or only a zombie). */
export function processRef(pid: number): ProcessRef | null {
  const fields = statFields(pid);
  if (!fields || fields[0] === 'Z' || fields[0] === 'X') return null;
  let command = '';
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean).join(' ');
  } catch {
    // gone since
  }
  return { pid, startTicks: Number(fields[19]), command: capText(command, COMMAND_LINE_CHARS) };
}

/** Still the same process (not a new one that got the pid) and not a zombie. */
function sameProcess(ref: ProcessRef): boolean {
  const now = processRef(ref.pid);
  return now !== null && now.startTicks === ref.startTicks;
}

/** Live processes in session or process group `id` (the harness leads both: it is started detached). */
function sessionMembers(id: number): number[] {
  const members: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return members;
  }
  for (const entry of entries) {
    if (entry.charCodeAt(0) > 0x39) continue; // not a pid
    const fields = statFields(Number(entry));
    // fields[2] = pgrp, fields[3] = session (stat fields 5 and 6)
    if (fields && fields[0] !== 'Z' && (Number(fields[2]) === id || Number(fields[3]) === id))
      members.push(Number(entry));
  }
  return members;
}

/**
 * Kills the tree of `rootPid`: its process group and session, every descendant still alive (one may
 * have left the group with setsid), and every process the samplers saw in the run that is still the
 * same process. Returns what was alive (other than the root) when the kill began, and the pids still
 * alive afterwards (should be none).
 */
export async function killTree(rootPid: number): Promise<{ killed: ProcessRef[]; survivors: number[] }> {
  const seen = liveGroups.get(rootPid) ?? new Map<number, ProcessRef>();
  const found = new Map<number, ProcessRef>();
  const list = (): void => {
    for (const pid of [...processTree(rootPid), ...sessionMembers(rootPid)]) {
      if (found.has(pid)) continue;
      const ref = processRef(pid);
      if (ref) found.set(pid, ref);
    }
    for (const ref of seen.values()) if (!found.has(ref.pid) && sameProcess(ref)) found.set(ref.pid, ref);
  };
  list();
  signal(-rootPid, 'SIGKILL');
  for (const ref of found.values()) signal(ref.pid, 'SIGKILL');
  const killed = [...found.values()].filter((ref) => ref.pid !== rootPid);
  // A process that forked between the listing and the kill: list again until nothing is left.
  for (let attempt = 0; attempt < 50; attempt++) {
    const before = found.size;
    list();
    const alive = [...found.values()].filter(sameProcess);
    if (alive.length === 0) {
      liveGroups.delete(rootPid);
      return { killed: [...found.values()].filter((ref) => ref.pid !== rootPid), survivors: [] };
    }
    for (const ref of alive) signal(ref.pid, 'SIGKILL');
    if (found.size === before) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  liveGroups.delete(rootPid);
  return { killed, survivors: [...found.values()].filter(sameProcess).map((ref) => ref.pid) };
}
