// Starts one interpreter of a run (no shell, its own process group), keeps a bounded tail of its
// output, and ends it with its whole tree on timeout, on cancel, or when it is done.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

export interface Launched {
  child: ChildProcess;
  stdout: BoundedTail;
  stderr: BoundedTail;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** Process groups started here and not yet ended: killed if this process exits in any way it
 * still can run code for (an uncaught error, process.exit), so no workload outlives its engine. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killLiveGroupsOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of liveGroups) signal(-pid, 'SIGKILL');
  });
}

export function launch(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Launched {
  killLiveGroupsOnExit();
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid !== undefined) liveGroups.add(pid);
  const stdout = new BoundedTail(OUTPUT_TAIL_BYTES);
  const stderr = new BoundedTail(OUTPUT_TAIL_BYTES);
  child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  return { child, stdout, stderr, exited };
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * Kills the process group of `rootPid` and every descendant still alive (a descendant may have
 * left the group with setsid). Returns the pids still alive afterwards (should be none).
 */
export async function killTree(rootPid: number): Promise<number[]> {
  const targets = new Set<number>(processTree(rootPid));
  signal(-rootPid, 'SIGKILL');
  liveGroups.delete(rootPid);
  for (const pid of targets) signal(pid, 'SIGKILL');
  // A process that forked between the listing and the kill: list again until nothing is left.
  for (let attempt = 0; attempt < 20; attempt++) {
    const alive = [...targets].filter((pid) => isAlive(pid));
    for (const pid of processTree(rootPid)) if (!targets.has(pid)) alive.push(pid);
    if (alive.length === 0) return [];
    for (const pid of alive) {
      targets.add(pid);
      signal(pid, 'SIGKILL');
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return [...targets].filter((pid) => isAlive(pid));
}

/** Alive and not a zombie waiting to be reaped. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
