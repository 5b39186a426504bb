// What a sleeping thread is doing, from the syscall it sleeps in (/proc/PID/task/TID/syscall).
// Numbers differ per architecture; see docs/profile-format.md for the state definitions and
// shared/notes/linux-thread-states.md for the measurements behind them.
import type { ThreadState } from '../profile';

type SleepKind = 'futex' | 'io' | 'sleep';

const X86_64: Record<number, SleepKind> = {
  202: 'futex',
  0: 'io',
  1: 'io',
  17: 'io',
  18: 'io',
  19: 'io',
  20: 'io', // read, write, pread64, pwrite64, readv, writev
  7: 'io',
  23: 'io',
  270: 'io',
  271: 'io', // poll, select, pselect6, ppoll
  232: 'io',
  281: 'io',
  441: 'io', // epoll_wait, epoll_pwait, epoll_pwait2
  42: 'io',
  43: 'io',
  288: 'io', // connect, accept, accept4
  44: 'io',
  45: 'io',
  46: 'io',
  47: 'io',
  299: 'io',
  307: 'io', // sendto, recvfrom, sendmsg, recvmsg, recvmmsg, sendmmsg
  61: 'io',
  247: 'io', // wait4, waitid: waiting for a child process
  35: 'sleep',
  230: 'sleep', // nanosleep, clock_nanosleep
};

const AARCH64: Record<number, SleepKind> = {
  98: 'futex',
  63: 'io',
  64: 'io',
  67: 'io',
  68: 'io',
  65: 'io',
  66: 'io', // read, write, pread64, pwrite64, readv, writev
  73: 'io',
  72: 'io', // ppoll, pselect6
  22: 'io',
  441: 'io', // epoll_pwait, epoll_pwait2
  203: 'io',
  202: 'io',
  242: 'io', // connect, accept, accept4
  206: 'io',
  207: 'io',
  211: 'io',
  212: 'io',
  243: 'io',
  269: 'io', // sendto, recvfrom, sendmsg, recvmsg, recvmmsg, sendmmsg
  260: 'io',
  95: 'io', // wait4, waitid
  101: 'sleep',
  115: 'sleep', // nanosleep, clock_nanosleep
};

const TABLES: Record<string, Record<number, SleepKind>> = { x64: X86_64, arm64: AARCH64 };

export function syscallTable(arch: string = process.arch): Record<number, SleepKind> | null {
  return TABLES[arch] ?? null;
}

/** Addresses [lo, hi] of one process's GIL: its condition variable, mutex and switch objects. */
export interface AddressRange {
  lo: number;
  hi: number;
}

/**
 * The GIL is a struct of pthread objects (cond, mutex, switch_cond, switch_mutex: 176 bytes on
 * glibc x86_64/aarch64). The start-up self-test sees the words of its condition variable; the
 * mutex and the switch objects, which waiters also sleep on under heavy contention, lie just after.
 * User locks are heap objects, far from this static data, so the margin cannot catch them.
 */
export const GIL_MARGIN_BEFORE = 0x40;
export const GIL_MARGIN_AFTER = 0x80;

export function gilRange(words: readonly number[]): AddressRange | null {
  if (words.length === 0) return null;
  return { lo: Math.min(...words) - GIL_MARGIN_BEFORE, hi: Math.max(...words) + GIL_MARGIN_AFTER };
}

/**
 * The state of a thread that is not on a CPU.
 * @param gil the GIL's futex address range in this thread's process (null when unknown).
 */
export function classifyBlocked(
  table: Record<number, SleepKind>,
  kernelState: string,
  syscall: number,
  futexAddress: number,
  gil: AddressRange | null,
): ThreadState {
  const kind = syscall >= 0 ? table[syscall] : undefined;
  if (kind === 'futex') return gil && futexAddress >= gil.lo && futexAddress <= gil.hi ? 'gilWait' : 'lockWait';
  if (kind === 'io') return 'io';
  if (kind === 'sleep') return 'sleep';
  return kernelState === 'D' ? 'io' : 'other'; // uninterruptible sleep is disk or page-in I/O
}

/** The futex syscall's number on this architecture (-1 when unknown). */
export function futexSyscall(arch: string = process.arch): number {
  const table = syscallTable(arch);
  const entry = table && Object.entries(table).find(([, kind]) => kind === 'futex');
  return entry ? Number(entry[0]) : -1;
}
