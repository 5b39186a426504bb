// How numbers and paths read everywhere: the CLI, the advice, the webview, hovers. Absent values
// (null, undefined) read as an em dash.

type Maybe = number | null | undefined;
const DASH = '—';

/** 0.123 -> "12%"; with digits, "12.3%". */
export function percent(fraction: Maybe, digits = 0): string {
  return fraction === null || fraction === undefined ? DASH : `${(fraction * 100).toFixed(digits)}%`;
}

/** 1.734 -> "1.73x", 12.34 -> "12.3x". */
export function speedup(value: Maybe): string {
  if (value === null || value === undefined) return DASH;
  return `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}x`;
}

/** A duration in the unit that keeps it readable: "1.23 s", "12.3 ms", "4.50 ms", "15 µs". */
export function seconds(value: Maybe): string {
  if (value === null || value === undefined) return DASH;
  if (value === 0) return '0 s';
  const magnitude = Math.abs(value);
  if (magnitude < 1e-3) return `${(value * 1e6).toFixed(magnitude < 1e-5 ? 1 : 0)} µs`;
  if (magnitude < 1) return `${(value * 1e3).toFixed(magnitude < 1e-2 ? 2 : 1)} ms`;
  return `${value.toFixed(magnitude < 10 ? 2 : 1)} s`;
}

export const milliseconds = (ms: number): string => seconds(ms / 1000);

/** Binary units: "512 B", "1.5 KiB", "32.0 MiB". */
export function bytes(value: Maybe): string {
  if (value === null || value === undefined) return DASH;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = value;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

/** The file name of a path, POSIX or Windows. */
export function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut >= 0 ? path.slice(cut + 1) : path;
}

/** "openblas 1 (48%)": each native thread pool's library, threads that used CPU and share of the CPU. */
export function nativePoolsText(
  pools: readonly { library: string; threads: number; cpuShare: number }[] | null,
): string {
  if (!pools || pools.length === 0) return '-';
  return pools.map((p) => `${p.library} ${p.threads} (${percent(p.cpuShare)})`).join(', ');
}
