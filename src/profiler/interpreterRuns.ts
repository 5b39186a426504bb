// The other interpreters of a run (`--interpreters`): probed before anything runs (what they are,
// their GIL, whether the user's module imports there), named, planned as `family@name`
// strategies after the main interpreter's, and their results compared in the main interpreter.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { SPEEDUP_MARGIN } from './analysis/margin';
import type { FinderEnvironment } from './interpreterFinder';
import {
  condenseError,
  interpreterBaseName,
  selectInterpreters,
  uniqueNames,
  type InterpreterRequest,
  type LeftOut,
} from './interpreters';
import type { InterpreterInfo, StrategyResult } from './profile';
import { probe, pythonDir, UsageError, type ProbeResult } from './python';
import { onInterpreter, parseStrategy, type StrategySpec } from './strategies';

/** One interpreter as the engine runs it. */
export interface RunInterpreter {
  info: InterpreterInfo;
  executable: string;
  gilOffsets: number[] | null;
}

export function describeGilDetection(offsets: number[] | null): string | null {
  return offsets
    ? `futex words at _PyRuntime${offsets.map((o) => `+0x${o.toString(16)}`).join(', ')} ` +
        `(learned at start-up from spinning threads), with the GIL's mutex and switch ` +
        `objects next to them`
    : null;
}

function interpreterInfo(
  name: string,
  probed: ProbeResult,
  source: string,
  main: boolean,
  importError: string | null,
): InterpreterInfo {
  return {
    name,
    executable: probed.executable,
    implementation: probed.implementation,
    version: probed.version,
    freeThreaded: probed.freeThreaded,
    gil: probed.gil,
    gilDetection: describeGilDetection(probed.gilOffsets),
    note: probed.gilNote,
    main,
    source,
    moduleImports: main ? null : importError === null,
    importError,
    subinterpreters: probed.subinterpreters,
  };
}

export interface PreparedInterpreters {
  main: RunInterpreter;
  others: RunInterpreter[];
  leftOut: LeftOut[];
}

/**
 * Selects, probes (one after another: each runs a GIL self-test that others would disturb) and
 * names the other interpreters. An interpreter whose probe fails is kept with the failure as its
 * import error, so its strategies report it instead of the run stopping.
 */
export async function prepareInterpreters(
  request: InterpreterRequest,
  mainProbe: ProbeResult,
  file: string,
  options: {
    known?: string[];
    timeoutSeconds: number;
    finder?: FinderEnvironment;
    /** Where the probes run (the run's working directory and environment). */
    where: { cwd: string; env: NodeJS.ProcessEnv };
    /** How the harness will import the module: the probe imports it the same way. */
    importPlan: object;
  },
): Promise<PreparedInterpreters> {
  const selection = await selectInterpreters(request, mainProbe, { known: options.known, finder: options.finder });
  const probed: { probe: ProbeResult; source: string; importError: string | null }[] = [];
  for (const chosen of selection.chosen) {
    try {
      const result = await probe(chosen.executable, file, options.where, {
        importPlan: options.importPlan,
        timeoutMs: options.timeoutSeconds * 1000,
      });
      probed.push({ probe: result, source: chosen.source, importError: result.importError ?? null });
    } catch (error) {
      const reason = error instanceof UsageError ? error.message : String(error);
      probed.push({
        probe: {
          ...chosen.about,
          syntaxError: null,
          gilOffsets: null,
          gilNote: null,
        },
        source: chosen.source,
        importError: `the engine's probe failed there: ${condenseError(reason)}`,
      });
    }
  }
  const names = uniqueNames([mainProbe, ...probed.map((p) => p.probe)].map(interpreterBaseName));
  const main: RunInterpreter = {
    info: interpreterInfo(names[0]!, mainProbe, 'main', true, null),
    executable: mainProbe.executable,
    gilOffsets: mainProbe.gilOffsets,
  };
  const others = probed.map((p, i) => ({
    info: interpreterInfo(names[i + 1]!, p.probe, p.source, false, p.importError),
    executable: selection.chosen[i]!.executable,
    gilOffsets: p.probe.gilOffsets,
  }));
  return { main, others, leftOut: selection.leftOut };
}

/** Checks that every `@name` in the requested ids names an interpreter of this run. */
export function checkRequestedNames(requested: StrategySpec[] | null, others: RunInterpreter[]): void {
  const names = others.map((o) => o.info.name);
  for (const spec of requested ?? []) {
    if (spec.interpreter !== null && !names.includes(spec.interpreter)) {
      throw new UsageError(
        `Strategy "${spec.id}": no interpreter named ${spec.interpreter} in this ` +
          `run (${names.length ? names.join(', ') : 'none: add it with --interpreters'}).`,
      );
    }
  }
}

/**
 * What runs on one other interpreter. With --strategies: that list (ids without `@`, and those
 * naming it); by default serial and threads, and subinterpreters where it has them.
 */
export function basePlan(other: RunInterpreter, requested: StrategySpec[] | null, workers: number): StrategySpec[] {
  const name = other.info.name;
  const serial = parseStrategy(`serial@${name}`, workers)!;
  const specs = requested
    ? requested.flatMap((spec) => {
        if (spec.interpreter === name) return [spec];
        if (spec.interpreter !== null) return [];
        const moved = onInterpreter(spec, name, workers);
        return moved && (moved.kind !== 'subinterpreters' || other.info.subinterpreters) ? [moved] : [];
      })
    : [parseStrategy(`threads@${name}`, workers)!];
  if (!requested && other.info.subinterpreters) specs.push(parseStrategy(`subinterpreters@${name}`, workers)!);
  return [serial, ...specs.filter((s) => s.id !== serial.id)];
}

/** processes-fork on another interpreter with a GIL, when processes won on the main one. */
export function afterMainPlan(
  other: RunInterpreter,
  main: StrategyResult[],
  request: InterpreterRequest,
  requested: StrategySpec[] | null,
  workers: number,
): StrategySpec[] {
  if (requested || request.kind === 'default' || !other.info.gil) return [];
  const usable = main.filter(
    (s) => s.status === 'ok' && s.speedup !== null && s.resultsMatchBaseline !== false && s.kind !== 'serial',
  );
  const best = usable.sort((a, b) => b.speedup! - a.speedup!)[0];
  if (!best || best.kind !== 'processes' || best.speedup! < SPEEDUP_MARGIN) return [];
  return [parseStrategy(`processes-fork@${other.info.name}`, workers)!];
}

/** Why a strategy on another interpreter is not run (a module that does not import there fails
 * its serial run with the import error), or null when it runs. */
export function gate(
  spec: StrategySpec,
  other: RunInterpreter,
  done: StrategyResult[],
): { status: 'failed' | 'skipped'; reason: string } | null {
  const name = other.info.name;
  const isSerial = spec.id === `serial@${name}`;
  if (other.info.importError !== null) {
    return isSerial
      ? { status: 'failed', reason: `the module does not import in ${name}: ${condenseError(other.info.importError)}` }
      : { status: 'skipped', reason: `not run: the module does not import in ${name} (see serial@${name})` };
  }
  if (isSerial) return null;
  const serial = done.find((s) => s.id === `serial@${name}`);
  return serial?.status === 'ok' ? null : { status: 'skipped', reason: `not run: serial@${name} did not complete` };
}

export interface Comparison {
  match: boolean | null;
  firstDifference: StrategyResult['firstDifference'];
  note: string;
}

/** Compares another interpreter's portable results with the baseline, in the main interpreter. */
export function compareInMain(
  mainExecutable: string,
  baselinePath: string,
  portablePath: string,
  importPlan: object,
  where: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<Comparison> {
  return new Promise((resolve) => {
    execFile(
      mainExecutable,
      [join(pythonDir(), 'cp_compare.py'), baselinePath, portablePath, JSON.stringify(importPlan)],
      { timeout: 60_000, maxBuffer: 4 * 1024 * 1024, cwd: where.cwd, env: where.env },
      (error, stdout, stderr) => {
        try {
          const out = JSON.parse(stdout) as {
            match: boolean | null;
            firstDifference: Comparison['firstDifference'];
            note: string;
          };
          resolve(out);
        } catch {
          const why = condenseError(stderr || String(error ?? 'no answer'));
          resolve({ match: null, firstDifference: null, note: `not compared: the comparison failed (${why})` });
        }
      },
    );
  });
}
