// Ranges of the numeric options, shared by the CLI flags, the engine's own checks and the
// extension's settings: a value outside them is a usage error that names the option, never a
// silent overflow (Node timers wrap past 2^31 ms, so `--timeout 3000000` once timed out at once).

export interface NumericRange {
  flag: string;
  setting: string;
  min: number;
  max: number;
  integer: boolean;
  unit: string;
}

export const OPTION_RANGES = {
  workers: {
    flag: '--workers',
    setting: 'concurrencyProfiler.workers',
    min: 1,
    max: 1024,
    integer: true,
    unit: 'workers',
  },
  timeoutSeconds: {
    flag: '--timeout',
    setting: 'concurrencyProfiler.timeout',
    min: 0.1,
    max: 7 * 24 * 3600,
    integer: false,
    unit: 'seconds',
  },
  maxWorkers: {
    flag: '--max-workers',
    setting: 'concurrencyProfiler.maxWorkers',
    min: 1,
    max: 1024,
    integer: true,
    unit: 'workers',
  },
  budgetSeconds: {
    flag: '--budget',
    setting: 'concurrencyProfiler.budget',
    min: 0.001,
    max: 7 * 24 * 3600,
    integer: false,
    unit: 'seconds',
  },
  slowCallbackMs: {
    flag: '--slow-callback-ms',
    setting: 'concurrencyProfiler.slowCallbackMs',
    min: 1,
    max: 60_000,
    integer: false,
    unit: 'milliseconds',
  },
  sampleHz: {
    flag: '--sample-hz',
    setting: 'concurrencyProfiler.sampleHz',
    min: 1,
    max: 1000,
    integer: false,
    unit: 'samples per second',
  },
} satisfies Record<string, NumericRange>;

export type RangedOption = keyof typeof OPTION_RANGES;

/** Why `value` is not a valid `option`, naming it as `name` (a flag or a setting) and showing what
 * was given as `given` (default: the value as JSON); null if valid. */
export function rangeProblem(option: RangedOption, value: unknown, name: string, given?: string): string | null {
  const range: NumericRange = OPTION_RANGES[option];
  const shown = given ?? (typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value)));
  const valid =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!range.integer || Number.isInteger(value)) &&
    value >= range.min &&
    value <= range.max;
  if (valid) return null;
  const kind = range.integer ? 'a whole number' : 'a number';
  return `${name} must be ${kind} from ${range.min} to ${range.max} (${range.unit}), got ${shown}`;
}

/** A flag's text as a number: the whole text must be one (`10s`, `` and `0x10` are not). */
export function parseNumber(text: string): number {
  return /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(text) ? Number(text) : Number.NaN;
}

/** The first setting out of its range, named as in settings.json; null (an unset optional one) passes. */
export function settingProblem(values: Partial<Record<RangedOption, unknown>>): string | null {
  for (const [option, value] of Object.entries(values) as [RangedOption, unknown][]) {
    if (value === null || value === undefined) continue;
    const problem = rangeProblem(option, value, OPTION_RANGES[option].setting);
    if (problem) return problem;
  }
  return null;
}
