// Which other interpreters a run measures (`--interpreters`), and their short stable names.
//   default (no flag)  PyPy and free-threaded builds that `auto` finds, for the default sweep only
//   auto               PyPy, free-threaded builds and other CPython minor versions the finder finds
//   LIST               the interpreters named (commands on PATH or paths), `auto` among them allowed
//   none               only the main interpreter
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import {
  currentFinderEnvironment,
  findInterpreters,
  interpreterIdentity,
  type FinderEnvironment,
  type InterpreterCandidate,
  type InterpreterSource,
} from './interpreterFinder';
import { aboutInterpreter, MINIMUM_PYTHON, newEnough, UsageError, type InterpreterAbout } from './python';

export type InterpreterRequest = { kind: 'default' } | { kind: 'none' } | { kind: 'list'; items: string[] };

export interface ChosenInterpreter extends InterpreterCandidate {
  about: InterpreterAbout;
}

export interface LeftOut {
  strategy: string;
  reason: string;
}

/** How many interpreters are asked what they are at once. */
const ABOUT_CONCURRENCY = 4;

/** The first line of an error, and its last when that says more (numpy's long ImportError). */
export function condenseError(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length <= 1) return lines[0] ?? text.trim();
  return `${lines[0]} … ${lines[lines.length - 1]}`;
}

/** Parses `--interpreters`: `auto`, `none`, or a comma-separated list. */
export function parseInterpreterRequest(value: string | undefined | null): InterpreterRequest {
  if (value === undefined || value === null) return { kind: 'default' };
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 1 && items[0] === 'none') return { kind: 'none' };
  if (items.length === 0 || items.includes('none'))
    throw new UsageError('--interpreters takes auto, none, or a comma-separated list of interpreters');
  return { kind: 'list', items };
}

/** `pypy3.9`, `python3.13t`, `python3.12`: implementation, major.minor, `t` for free-threaded. */
export function interpreterBaseName(
  about: Pick<InterpreterAbout, 'implementation' | 'version' | 'freeThreaded'>,
): string {
  const [major = '3', minor = '0'] = about.version.split('.');
  const implementation = about.implementation === 'CPython' ? 'python' : about.implementation.toLowerCase();
  return `${implementation.replace(/[^a-z0-9]/g, '') || 'python'}${major}.${minor}${about.freeThreaded ? 't' : ''}`;
}

/** The names in order, a `-2`, `-3` ... suffix on the second and later of a kind. */
export function uniqueNames(bases: string[]): string[] {
  const counts = new Map<string, number>();
  return bases.map((base) => {
    const n = (counts.get(base) ?? 0) + 1;
    counts.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}

/** What `auto` adds next to the main interpreter: PyPy, free-threaded builds, and (unless only
 * those are wanted) CPython minor versions other than the main one's. */
function autoWants(about: InterpreterAbout, main: InterpreterAbout, pypyAndFreeThreadedOnly: boolean): boolean {
  if (!newEnough(about.version)) return false;
  if (pypyAndFreeThreadedOnly) return about.implementation === 'PyPy' || about.freeThreaded;
  return kindKey(about) !== kindKey(main);
}

function kindKey(about: InterpreterAbout): string {
  return interpreterBaseName(about);
}

/** A file name that may be PyPy or a free-threaded build: only these are asked by default. */
const MAYBE_PYPY_OR_FREE_THREADED = /(?:^pypy|\dt(?:\.exe)?$)/i;

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      out[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Resolves a command the way a shell would find it on PATH (no shell is run), or a path. */
export function resolveCommand(command: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const runnable = (path: string): boolean => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (isAbsolute(command) || command.includes('/')) return runnable(command) ? resolve(command) : null;
  for (const folder of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const path = join(folder, command);
    if (runnable(path)) return path;
  }
  return null;
}

export interface Selection {
  chosen: ChosenInterpreter[];
  leftOut: LeftOut[];
}

export interface SelectOptions {
  /** Interpreters the editor knows (the Python extension's environments), considered by `auto`. */
  known?: string[];
  finder?: FinderEnvironment;
  /** Ask an interpreter what it is (tests replace it to read fixtures). */
  about?: (executable: string) => Promise<InterpreterAbout>;
}

/** The other interpreters of a run, deduplicated against the main one and each other. */
export async function selectInterpreters(
  request: InterpreterRequest,
  main: InterpreterAbout,
  options: SelectOptions = {},
): Promise<Selection> {
  if (request.kind === 'none') return { chosen: [], leftOut: [] };
  const about = options.about ?? ((executable: string) => aboutInterpreter(executable));
  const leftOut: LeftOut[] = [];
  const chosen: ChosenInterpreter[] = [];
  const taken = new Set([interpreterIdentity(main.executable)]);
  const takenKinds = new Set([kindKey(main)]);

  const given = request.kind === 'list' ? request.items.filter((item) => item !== 'auto') : [];
  for (const command of given) {
    const executable = resolveCommand(command);
    if (!executable) throw new UsageError(`--interpreters: "${command}" was not found (not on PATH, not a file).`);
    let info: InterpreterAbout;
    try {
      info = await about(executable);
    } catch (error) {
      throw new UsageError(`--interpreters: ${command} could not run the engine's probe: ${(error as Error).message}`);
    }
    if (!newEnough(info.version))
      throw new UsageError(
        `--interpreters: ${command} is Python ${info.version}; ${MINIMUM_PYTHON.join('.')} or newer is needed.`,
      );
    const identity = interpreterIdentity(executable);
    if (taken.has(identity)) {
      leftOut.push({ strategy: `@${command}`, reason: `${command} is the main interpreter (or listed twice)` });
      continue;
    }
    taken.add(identity);
    takenKinds.add(kindKey(info));
    chosen.push({ executable, source: 'given', about: info });
  }

  const auto = request.kind === 'default' || (request.kind === 'list' && request.items.includes('auto'));
  if (auto) {
    const onlyPypyAndFreeThreaded = request.kind === 'default';
    const finder = options.finder ?? currentFinderEnvironment(homedir());
    const candidates = [
      ...findInterpreters(finder),
      ...(options.known ?? []).map((executable) => ({ executable, source: 'Python extension' as InterpreterSource })),
    ].filter(
      (c) =>
        !taken.has(interpreterIdentity(c.executable)) &&
        (!onlyPypyAndFreeThreaded || MAYBE_PYPY_OR_FREE_THREADED.test(c.executable.split(/[\\/]/).pop()!)),
    );
    const answers = await mapLimited(candidates, ABOUT_CONCURRENCY, (c) =>
      about(c.executable).then(
        (info) => ({ candidate: c, info, error: null }),
        (error: Error) => ({ candidate: c, info: null, error: error.message }),
      ),
    );
    for (const { candidate, info, error } of answers) {
      if (!info) {
        leftOut.push({ strategy: `@${candidate.executable}`, reason: `could not be run: ${error}` });
        continue;
      }
      if (!newEnough(info.version)) {
        if (!onlyPypyAndFreeThreaded)
          leftOut.push({
            strategy: `@${candidate.executable}`,
            reason: `Python ${info.version} is older than ${MINIMUM_PYTHON.join('.')}`,
          });
        continue;
      }
      const identity = interpreterIdentity(info.executable || candidate.executable);
      if (taken.has(identity) || takenKinds.has(kindKey(info)) || !autoWants(info, main, onlyPypyAndFreeThreaded))
        continue;
      taken.add(identity);
      takenKinds.add(kindKey(info));
      chosen.push({ ...candidate, about: info });
    }
  }
  return { chosen, leftOut };
}
