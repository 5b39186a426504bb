// Which native library a thread belongs to, read from outside the process: the thread's name
// (`/proc/PID/task/TID/comm`), or the return addresses on its stack (`/proc/PID/mem` from the stack
// pointer that `/proc/PID/task/TID/syscall` gives while the thread sleeps) looked up in the shared
// objects mapped in `/proc/PID/maps`. Pool threads of OpenBLAS and OpenMP are unnamed (their comm is
// the process's), so the stack is what tells them apart; a thread that never sleeps while it is
// watched is left to the process's loaded libraries (see nativePools.ts).
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import type { NativeLibrary } from '../profile';

/** A library recognised by the file name of its shared object (or, for numexpr, its folder). */
const LIBRARY_FILES: [RegExp, NativeLibrary][] = [
  [/(^|\/)lib(scipy_)?openblas[^/]*$/, 'openblas'],
  [/(^|\/)libmkl_[^/]*$/, 'mkl'],
  [/(^|\/)libblis[^/]*$/, 'blis'],
  [/(^|\/)lib(gomp|iomp\d*|omp)[.-][^/]*$/, 'openmp'],
  [/\/numexpr\/interpreter[^/]*\.so[^/]*$/, 'numexpr'],
  [/(^|\/)libuv[.-][^/]*$/, 'libuv'],
];

/** Objects that every thread's stack passes through, whatever pool it serves. */
const GENERIC_OBJECT =
  /(^|\/)(libc|libpthread|ld-linux[^/]*|libstdc\+\+|libgcc_s|libm|libpython[^/]*|python[0-9.]*|node)([.-][^/]*)?$/;

/** Thread names libraries give their pool threads (comm is cut at 15 characters). */
const THREAD_NAMES: [RegExp, NativeLibrary][] = [[/^libuv-worker/, 'libuv']];

export function libraryOfPath(path: string): NativeLibrary | null {
  for (const [pattern, library] of LIBRARY_FILES) if (pattern.test(path)) return library;
  return null;
}

export function libraryOfThreadName(comm: string): NativeLibrary | null {
  for (const [pattern, library] of THREAD_NAMES) if (pattern.test(comm)) return library;
  return null;
}

export interface ThreadLibrary {
  library: NativeLibrary;
  path: string | null;
}

/** Bytes of stack read above the stack pointer: the sleeping call's frames and their callers. */
const STACK_WINDOW = 16 * 1024;
/** A process's mappings are re-read when older than this at a scan (libraries load as it runs). */
const MAPS_MAX_AGE_MS = 100;
const TWO_32 = 2 ** 32;

interface Mappings {
  start: number[];
  end: number[];
  path: string[];
  readAtMs: number;
}

/** Executable file mappings of a process, sorted by address. */
function readMappings(pid: number, nowMs: number): Mappings | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/maps`, 'latin1');
  } catch {
    return null;
  }
  const maps: Mappings = { start: [], end: [], path: [], readAtMs: nowMs };
  for (const line of text.split('\n')) {
    // "7f1c2a000000-7f1c2a1f0000 r-xp 00002000 08:01 1234   /usr/lib/.../libopenblasp-r0.3.21.so"
    const slash = line.indexOf('/');
    if (slash < 0 || line.charCodeAt(line.indexOf(' ') + 3) !== 0x78 /* x */) continue;
    const dash = line.indexOf('-');
    maps.start.push(Number.parseInt(line.slice(0, dash), 16));
    maps.end.push(Number.parseInt(line.slice(dash + 1, line.indexOf(' ')), 16));
    maps.path.push(line.slice(slash).trimEnd());
  }
  return maps;
}

function mappingAt(maps: Mappings, address: number): number {
  let lo = 0;
  let hi = maps.start.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (address < maps.start[mid]!) hi = mid - 1;
    else if (address >= maps.end[mid]!) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/**
 * Reads sleeping threads' stacks and names the library they run in. One per thread sampler; it
 * keeps each process's /proc/PID/mem open until `close()`.
 */
export class StackLibraryReader {
  private readonly mem = new Map<number, number>();
  private readonly maps = new Map<number, Mappings | null>();
  private readonly buffer = Buffer.alloc(STACK_WINDOW);
  /** Time spent reading stacks and mappings, ms: the cost of finding the pools. */
  spentMs = 0;
  scans = 0;
  /** The last scan read the stack and found only generic objects: a thread of the interpreter itself. */
  lastScanWasGeneric = false;

  /**
   * The library of the first return address on the stack above `stackPointer` that lies in a known
   * pool library; failing that, the first object that is not generic (libc, the interpreter), as
   * `unknown`; null when the stack could not be read or holds neither.
   */
  libraryOf(pid: number, stackPointer: number, nowMs: number): ThreadLibrary | null {
    const started = performance.now();
    this.lastScanWasGeneric = false;
    try {
      return this.scan(pid, stackPointer, nowMs);
    } finally {
      this.spentMs += performance.now() - started;
      this.scans++;
    }
  }

  private scan(pid: number, stackPointer: number, nowMs: number): ThreadLibrary | null {
    const fd = this.memOf(pid);
    if (fd < 0 || !(stackPointer > 0)) return null;
    let length: number;
    try {
      length = readSync(fd, this.buffer, 0, STACK_WINDOW, stackPointer);
    } catch {
      return null; // the thread exited, or the page is not readable
    }
    let maps = this.maps.get(pid);
    if (maps === undefined || (maps !== null && nowMs - maps.readAtMs > MAPS_MAX_AGE_MS)) {
      maps = readMappings(pid, nowMs);
      this.maps.set(pid, maps);
    }
    if (!maps || maps.start.length === 0) return null;
    const low = maps.start[0]!;
    const high = maps.end[maps.end.length - 1]!;
    let other: string | null = null;
    let generic = false;
    for (let offset = 0; offset + 8 <= length; offset += 8) {
      const word = this.buffer.readUInt32LE(offset + 4) * TWO_32 + this.buffer.readUInt32LE(offset);
      if (word < low || word >= high) continue;
      const index = mappingAt(maps, word);
      if (index < 0) continue;
      const path = maps.path[index]!;
      const library = libraryOfPath(path);
      if (library) return { library, path };
      if (!GENERIC_OBJECT.test(path)) other ??= path;
      else generic = true;
    }
    this.lastScanWasGeneric = generic && other === null;
    return other === null ? null : { library: 'unknown', path: other };
  }

  private memOf(pid: number): number {
    let fd = this.mem.get(pid);
    if (fd === undefined) {
      try {
        fd = openSync(`/proc/${pid}/mem`, 'r');
      } catch {
        fd = -1; // not allowed to read it (ptrace restrictions): names come from the loaded libraries
      }
      this.mem.set(pid, fd);
    }
    return fd;
  }

  close(): void {
    for (const fd of this.mem.values()) if (fd >= 0) closeSync(fd);
    this.mem.clear();
    this.maps.clear();
  }
}

/** The stack pointer in a /proc/PID/task/TID/syscall line of a sleeping thread ("nr args... sp pc"). */
export function stackPointerOf(syscallLine: string): number {
  const fields = syscallLine.trim().split(' ');
  return fields.length >= 3 ? Number.parseInt(fields[fields.length - 2]!, 16) : NaN;
}
