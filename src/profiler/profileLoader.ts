// Reads a profile someone else may have written: every profile read (the CLI's `export`, the
// extension's "Open profile..." and "Show last profile", a panel restored after a reload) goes
// through here. It is checked against the JSON Schema (the bundled validator) and then for what a
// schema cannot say: columns of equal length, every index in range, stack parents before their
// children (so no walk over a stack can loop), depths, sizes and core counts within bounds.
// Anything wrong is a ProfileFormatError naming the field, never a hang or a crash.
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import schema from '../../schema/profile.schema.json';
import { STACK_DEPTH } from './caps';
import {
  PROFILE_SCHEMA_VERSION,
  READABLE_SCHEMA_VERSIONS,
  THREAD_STATES,
  upgradeProfile,
  type Profile,
  type StrategyResult,
} from './profile';

export class ProfileFormatError extends Error {}

/** Schema versions this build reads: 1 (Python runs before `runtime` existed) and 2. */
export const SUPPORTED_SCHEMA_VERSIONS: readonly number[] = READABLE_SCHEMA_VERSIONS;

/** Bounds on what a profile may hold: far above what the engine writes (see caps.ts), low enough
 * that a hostile file cannot make a reader allocate without limit. */
export const PROFILE_LIMITS = {
  /** Bytes of JSON (V8 cannot hold a string much above 512 MB anyway). */
  fileBytes: 400 * 1024 * 1024,
  strategies: 10_000,
  cores: 4_096,
  processes: 100_000,
  threads: 1_000_000,
  /** Per strategy: thread samples, tasks, stack nodes, frames, per-core ticks. */
  samples: 20_000_000,
  tasks: 10_000_000,
  stackNodes: 10_000_000,
  frames: 10_000_000,
  coreTicks: 10_000_000,
  stackDepth: STACK_DEPTH,
} as const;

let validator: ValidateFunction | null = null;

function schemaValidator(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: false, strict: false });
    addFormats(ajv);
    validator = ajv.compile(schema);
  }
  return validator;
}

/** `/strategies/0/samples/t` -> `strategies[0].samples.t` */
function fieldName(pointer: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return (
    parts.reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part), '') ||
    '(the profile)'
  );
}

function describeSchemaError(error: ErrorObject): string {
  const field = fieldName(error.instancePath);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') return `${field}: unknown field "${String(params.additionalProperty)}"`;
  if (error.keyword === 'required') return `${field}: missing field "${String(params.missingProperty)}"`;
  const allowed = params.allowedValues ?? params.allowedValue;
  return `${field}: ${error.message ?? 'is invalid'}${allowed !== undefined ? ` (${JSON.stringify(allowed)})` : ''}`;
}

function checkSize(size: number): void {
  if (size > PROFILE_LIMITS.fileBytes)
    throw new ProfileFormatError(
      `${size} bytes, more than the ${PROFILE_LIMITS.fileBytes} a profile may have (it is not one this tool wrote)`,
    );
}

/** Reads and checks a profile file. */
export async function loadProfileFile(file: string): Promise<Profile> {
  checkSize((await stat(file)).size);
  return parseProfile(await readFile(file, 'utf8'));
}

/** The same, synchronously (the CLI). */
export function readProfileSync(file: string): Profile {
  checkSize(statSync(file).size);
  return parseProfile(readFileSync(file, 'utf8'));
}

/** Parses and checks a profile's JSON text. */
export function parseProfile(text: string): Profile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ProfileFormatError(`not JSON (${(error as Error).message})`);
  }
  return checkProfile(value);
}

/** `value` as a Profile when it is one; a ProfileFormatError naming the first field that is wrong. */
export function checkProfile(value: unknown): Profile {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ProfileFormatError('not a concurrency profile (not a JSON object)');
  const { schemaVersion: version, workload, strategies } = value as Record<string, unknown>;
  if (typeof version !== 'number' || typeof workload !== 'object' || !Array.isArray(strategies))
    throw new ProfileFormatError('not a concurrency profile (no schemaVersion, workload and strategies)');
  if (!SUPPORTED_SCHEMA_VERSIONS.includes(version))
    throw new ProfileFormatError(
      `schemaVersion ${version} is not one this version reads (${SUPPORTED_SCHEMA_VERSIONS.join(', ')}): ` +
        `it was written by ${version > PROFILE_SCHEMA_VERSION ? 'a newer' : 'another'} version of the tool`,
    );
  // A version 1 profile is a Python run: it reads as version 2 with `runtime: "python"`.
  const profile = upgradeProfile(value as Profile);
  const validate = schemaValidator();
  if (!validate(profile)) throw new ProfileFormatError(describeSchemaError(validate.errors![0]!));
  const problem = structureProblem(profile);
  if (problem) throw new ProfileFormatError(problem);
  return profile;
}

/** What the schema cannot check; the first problem found, or null. */
export function structureProblem(profile: Profile): string | null {
  const { machine, strategies } = profile;
  if (strategies.length > PROFILE_LIMITS.strategies)
    return `strategies: ${strategies.length} entries, more than ${PROFILE_LIMITS.strategies}`;
  for (const field of ['logicalCores', 'physicalCores'] as const) {
    const cores = machine[field];
    if (!Number.isInteger(cores) || cores < 1 || cores > PROFILE_LIMITS.cores)
      return `machine.${field}: ${cores}, not a core count from 1 to ${PROFILE_LIMITS.cores}`;
  }
  for (let i = 0; i < strategies.length; i++) {
    const found = strategyProblem(strategies[i]!);
    if (found) return `strategies[${i}].${found}`;
  }
  return null;
}

/** Checks that every column of a columnar table has `length` entries. */
function unevenColumn(name: string, table: Record<string, unknown[]>, limit: number): string | null {
  const columns = Object.entries(table);
  const length = columns[0]?.[1].length ?? 0;
  if (length > limit) return `${name}: ${length} entries, more than ${limit}`;
  for (const [column, values] of columns)
    if (values.length !== length) return `${name}.${column}: ${values.length} entries, ${length} in the other columns`;
  return null;
}

/** Index `value` at `field[i]` must be an integer in [min, max). */
function outOfRange(field: string, values: number[], min: number, max: number): string | null {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < min || v >= max)
      return `${field}[${i}]: ${v} is not an index from ${min} to ${max - 1}`;
  }
  return null;
}

function strategyProblem(s: StrategyResult): string | null {
  if (s.processes.length > PROFILE_LIMITS.processes)
    return `processes: ${s.processes.length} entries, more than ${PROFILE_LIMITS.processes}`;
  if (s.threads.length > PROFILE_LIMITS.threads)
    return `threads: ${s.threads.length} entries, more than ${PROFILE_LIMITS.threads}`;
  for (let t = 0; t < s.threads.length; t++) {
    const process = s.threads[t]!.process;
    if (!Number.isInteger(process) || process < -1 || process >= s.processes.length)
      return `threads[${t}].process: ${process} is not an index into processes (or -1)`;
  }
  const frames = s.frames.name.length;
  const nodes = s.stacks.parent.length;
  return (
    unevenColumn('frames', s.frames as unknown as Record<string, unknown[]>, PROFILE_LIMITS.frames) ??
    unevenColumn('stacks', s.stacks as unknown as Record<string, unknown[]>, PROFILE_LIMITS.stackNodes) ??
    stackProblem(s, frames) ??
    unevenColumn('samples', s.samples as unknown as Record<string, unknown[]>, PROFILE_LIMITS.samples) ??
    outOfRange('samples.thread', s.samples.thread, 0, s.threads.length) ??
    outOfRange('samples.state', s.samples.state, 0, THREAD_STATES.length) ??
    outOfRange('samples.stack', s.samples.stack, -1, nodes) ??
    outOfRange('samples.core', s.samples.core, -1, PROFILE_LIMITS.cores) ??
    outOfRange('samples.inTask', s.samples.inTask, 0, 2) ??
    unevenColumn('tasks', s.tasks as unknown as Record<string, unknown[]>, PROFILE_LIMITS.tasks) ??
    outOfRange('tasks.thread', s.tasks.thread, -1, s.threads.length) ??
    coresProblem(s)
  );
}

/** Parents precede their children (so every walk up a stack ends), frames exist, depth is bounded. */
function stackProblem(s: StrategyResult, frames: number): string | null {
  const { parent, frame } = s.stacks;
  const depth = new Int32Array(parent.length);
  for (let i = 0; i < parent.length; i++) {
    const p = parent[i]!;
    if (!Number.isInteger(p) || p < -1 || p >= i)
      return (
        `stacks.parent[${i}]: ${p} does not come before node ${i} ` + '(a parent precedes its children; -1 is the root)'
      );
    depth[i] = p < 0 ? 1 : depth[p]! + 1;
    if (depth[i]! > PROFILE_LIMITS.stackDepth)
      return `stacks.parent[${i}]: a stack deeper than ${PROFILE_LIMITS.stackDepth} frames`;
  }
  return outOfRange('stacks.frame', frame, 0, frames);
}

function coresProblem(s: StrategyResult): string | null {
  if (!s.cores) return null;
  for (const series of ['busy', 'workload'] as const) {
    const lanes = s.cores[series];
    if (lanes.length > PROFILE_LIMITS.cores)
      return `cores.${series}: ${lanes.length} cores, more than ${PROFILE_LIMITS.cores}`;
    for (let c = 0; c < lanes.length; c++)
      if (lanes[c]!.length > PROFILE_LIMITS.coreTicks)
        return `cores.${series}[${c}]: ${lanes[c]!.length} ticks, more than ${PROFILE_LIMITS.coreTicks}`;
  }
  return null;
}
