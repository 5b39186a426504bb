// How many cores a run may use: the CPU affinity of this process (what `taskset`, `docker --cpuset-cpus`
// and CI runners restrict) and the cgroup CPU quota (`docker --cpus`, Kubernetes CPU limits), not the
// host's count of logical cores. Every place that counts cores (default workers, default tasks,
// projections to "2x the cores") uses this one figure, so containers and CI get honest numbers.
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join } from 'node:path';

export interface UsableCores {
  /** Cores the workload may use at once (at least 1). */
  count: number;
  /** The host's logical cores. */
  logical: number;
  /** Cores in this process's CPU affinity mask. */
  affinity: number;
  /** The cgroup CPU quota in cores (e.g. 1.5), or null when there is none. */
  quota: number | null;
  /** How the count was found, for the profile and the CLI. */
  note: string;
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Cores in a list such as `0-3,8,10-11` (Cpus_allowed_list of /proc/self/status). */
export function countCpuList(list: string): number {
  let count = 0;
  for (const part of list.trim().split(',')) {
    if (!part) continue;
    const [from, to] = part.split('-').map(Number);
    if (from === undefined || !Number.isInteger(from)) continue;
    count += to === undefined ? 1 : Number.isInteger(to) && to >= from ? to - from + 1 : 0;
  }
  return count;
}

function affinityCores(): number {
  const status = read('/proc/self/status');
  const list = status?.match(/^Cpus_allowed_list:\s*(.+)$/m)?.[1];
  const counted = list ? countCpuList(list) : 0;
  // Node's own figure is the affinity mask too (sched_getaffinity), where /proc is missing.
  return counted > 0 ? counted : availableParallelism();
}

/** The tightest CPU quota on the path from this process's cgroup to the root, in cores. */
export function cgroupQuota(
  procCgroup: string | null = read('/proc/self/cgroup'),
  readFile: (path: string) => string | null = read,
  root = '/sys/fs/cgroup',
): number | null {
  if (!procCgroup) return null;
  let tightest: number | null = null;
  const consider = (cores: number): void => {
    if (Number.isFinite(cores) && cores > 0) tightest = tightest === null ? cores : Math.min(tightest, cores);
  };
  for (const line of procCgroup.trim().split('\n')) {
    // hierarchy-ID:controllers:path (the path may itself hold colons)
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const controllers = line.slice(first + 1, second);
    const path = line.slice(second + 1);
    const v2 = controllers === '';
    const v1 = controllers.split(',').includes('cpu');
    if (!v2 && !v1) continue;
    const base = v2 ? root : join(root, controllers);
    // In a container the cgroup path is often not visible under its own root: walk up from it,
    // then the root itself.
    for (let dir = join(base, path.replace(/^\/+/, '')); ; dir = dirname(dir)) {
      if (v2) {
        const [quota, period] = (readFile(join(dir, 'cpu.max')) ?? '').trim().split(/\s+/);
        if (quota && quota !== 'max' && period) consider(Number(quota) / Number(period));
      } else {
        const quota = Number((readFile(join(dir, 'cpu.cfs_quota_us')) ?? '').trim());
        const period = Number((readFile(join(dir, 'cpu.cfs_period_us')) ?? '').trim());
        if (quota > 0 && period > 0) consider(quota / period);
      }
      if (dir === base || dir.length <= base.length) break;
    }
  }
  return tightest;
}

let cached: UsableCores | null = null;

export function usableCores(): UsableCores {
  if (cached) return cached;
  const logical = Math.max(1, cpus().length);
  const affinity = Math.max(1, affinityCores());
  const quota = process.platform === 'linux' ? cgroupQuota() : null;
  // A quota of 1.5 cores still runs two workers at once, each at three quarters speed: round up.
  const count = Math.max(1, Math.min(affinity, quota === null ? affinity : Math.ceil(quota)));
  const limits = [
    affinity < logical ? `CPU affinity allows ${affinity}` : null,
    quota !== null ? `the cgroup CPU quota is ${Math.round(quota * 100) / 100} cores` : null,
  ].filter(Boolean);
  const note = limits.length
    ? `${count} of ${logical} logical cores: ${limits.join(', ')}`
    : `all ${logical} logical cores`;
  cached = { count, logical, affinity, quota, note };
  return cached;
}
