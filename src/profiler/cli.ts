// concurrency-profiler: the engine's command line.
//   concurrency-profiler profile FILE.py [--function NAME] [--args EXPR] [--workers K] ...
//   concurrency-profiler export PROFILE.json [--speedscope F] [--trace F] [--collapsed F] [--html F]
import { parseArgs } from 'node:util';
import { formatAdvice } from './analysis';
import { formatBaselineFailure } from './baselineFailure';
import { forTerminal } from './caps';
import { DEFAULTS, InterruptedError, runProfile, UsageError, VERSION } from './engine';
import type { EngineEvent } from './events';
import { writeExports, type ExportOptions } from './export';
import { killEverythingLive } from './launcher';
import { parseNumber, rangeProblem, type RangedOption } from './options';
import { jsonParts, outputProblem, writeFileAtomic } from './output';
import type { Profile } from './profile';
import { readProfileSync } from './profileLoader';
import { formatPlan, formatTable } from './table';
import { BUDGET_BASE_SWEEPS } from './budget';
import { DEFAULT_MAX_WORKERS } from './scalingPlanner';
import { parseInterpreterRequest } from './interpreters';
import { formatInterpreterListing, listInterpreters } from './interpreterListing';
import { exitAfterFlush } from '../shared/exitAfterFlush';

const USAGE =
  `Usage:
  concurrency-profiler profile FILE.py|FILE.js|.mjs|.cjs|.ts [options]
      --function ` +
  `NAME     module-level function (def, async def, lambda, callable or Class.method);
 ` +
  `                         without it the whole script runs once as __main__; for Node, an exported
                          function (name, default, Class.method)
 ` +
  `     --args EXPR         Python expression, evaluated in the module, yielding ` +
  `one argument tuple per task
                          (Node: a JavaScript expression with the exports in scope, one argument array per task)
      --workers K         pool size (default: ` +
  `usable cores: CPU affinity and cgroup CPU quota)
      --strategies LIST   comma-separated: serial, threads, ` +
  `threads-N, processes-fork,
                          processes-forkserver, ` +
  `processes-spawn, asyncio, subinterpreters, dask-local,
                          dask; any of them @NAME for another interpreter of --interpreters
                          (Node: serial, async, worker-threads[-N], child-processes[-N], async+uv-N)
      --python PATH       interpreter (default: ` +
  `python3)
      --node PATH         Node.js for .js/.mjs/.cjs/.ts files (default: node on PATH)
      --interpreters LIST|auto|none  other interpreters that run ` +
  `the same tasks as serial@NAME and
                          threads@NAME ` +
  `(e.g. pypy3,python3.13t); auto: PyPy, free-threaded builds and
         ` +
  `                 other CPython versions found on PATH and in pyenv, uv and ` +
  `conda folders.
                          Default: PyPy and free-threaded ` +
  `builds found, when --strategies is not given
      --dask-scheduler tcp://HOST:PORT  also run the tasks on that Dask cluster (strategy dask);
                          the module is shipped with upload_file; a timeout cancels the run's futures only
      --project-root DIR  working ` +
  `directory and sys.path root (default: the nearest folder up from
       ` +
  `                   FILE with pyproject.toml, setup.cfg, setup.py or .git)
 ` +
  `     --env-file FILE     set the variables of this .env file (PYTHONPATH ` +
  `included) for the run
      --timeout SECONDS   per strategy (default: ${DEFAULTS.timeoutSeconds})
 ` +
  `     --scaling off|auto|full  scaling curves: each pool at 1, 2, 4, ... ` +
  `workers (default: auto, the
                          families that matter, ` +
  `on the default sweep; full: every pool family)
      --budget SECONDS   ` +
  ` time for the whole run (default: ${BUDGET_BASE_SWEEPS} x the base sweep); ` +
  `runs past it are skipped
      --max-workers N     largest pool a curve ` +
  `tries (default: ${DEFAULT_MAX_WORKERS})
      --sample-hz N       thread-state ` +
  `sampling rate (default: ${DEFAULTS.sampleHz})
      --slow-callback-ms N ` +
  ` an asyncio callback this long blocks the event loop (default: ${DEFAULTS.slowCallbackMs})
 ` +
  `     --out FILE          write the profile JSON (- for stdout); missing ` +
  `folders are created
      --progress text|json  progress on stderr (default: ` +
  `text)
      --stop-on-stdin-close  stop as on SIGTERM when stdin closes ` +
  `(for programs that run the CLI)
      --verbose           every strategy, ` +
  `all the evidence and reasoning, each route explained
      --speedscope ` +
  `F, --trace F, --collapsed F, --html F, --flamegraph DIR, --strategy ID   exports, as below
 ` +
  ` concurrency-profiler show PROFILE.json [--verbose]
      the table and ` +
  `advice of a saved profile (analysed again when it has no analysis)
  concurrency-profiler ` +
  `export PROFILE.json [options]
      --speedscope FILE   speedscope JSON, ` +
  `one profile per thread
      --trace FILE        Chrome Trace Event JSON ` +
  `(Perfetto, chrome://tracing)
      --collapsed FILE    collapsed stacks ` +
  `for flamegraph.pl
      --html FILE         standalone HTML report with ` +
  `every strategy
      --flamegraph DIR    0x's flame graph (HTML, offline), one page per strategy with stacks
      --strategy ID       strategy for speedscope/trace/collapsed ` +
  `(default: the recommended one,
                          else the one with ` +
  `most threads)
  concurrency-profiler interpreters [--json] [--python PATH]
 ` +
  `     lists what --interpreters auto would find, with what each one is
  ` +
  `concurrency-profiler --version

Exit codes: 0 the serial baseline completed, ` +
  `1 it did not, 2 usage error, 130/143 interrupted.`;

const EXIT_USAGE = 2;

function fail(message: string): never {
  throw new UsageError(message);
}

/** A numeric flag's value, checked against its range (src/profiler/options.ts). */
function rangedNumber(option: RangedOption, flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = parseNumber(value);
  const problem = rangeProblem(option, n, flag, JSON.stringify(value));
  if (problem) fail(problem);
  return n;
}

/** Every output path is checked before anything runs: a long sweep must not end in "cannot write". */
function checkOutputs(flags: Record<string, unknown>, names: string[]): void {
  for (const name of names) {
    const file = flags[name];
    if (typeof file !== 'string' || (name === 'out' && file === '-')) continue;
    if (file === '') fail(`--${name} needs a file name`);
    const problem = outputProblem(file);
    if (problem) fail(`--${name} ${file}: ${problem}`);
  }
}

function progressPrinter(mode: string): (event: EngineEvent) => void {
  if (mode === 'json') return (event) => process.stderr.write(`${JSON.stringify(event)}\n`);
  const print = (text: string): boolean => process.stderr.write(forTerminal(text));
  return (event) => {
    if (event.type === 'plan') print(`${formatPlan(event)}\n`);
    else if (event.type === 'strategy-start') print(`[${event.index + 1}/${event.total}] ${event.id} ...\n`);
    else if (event.type === 'strategy-end') {
      const wall = event.wallSeconds === null ? '' : ` ${event.wallSeconds.toFixed(3)} s`;
      const speedup = event.speedup === null ? '' : ` (${event.speedup.toFixed(2)}x)`;
      print(`[${event.index + 1}/${event.total}] ${event.id}: ${event.status}${wall}${speedup}\n`);
    } else if (event.type === 'heartbeat' && Math.round(event.elapsedSeconds) % 5 === 0) {
      print(`      ${event.id}: ${Math.round(event.elapsedSeconds)} s elapsed\n`);
    } else if (event.type === 'log') print(`${event.message}\n`);
  };
}

const EXPORT_OPTIONS = {
  speedscope: { type: 'string' },
  trace: { type: 'string' },
  collapsed: { type: 'string' },
  html: { type: 'string' },
  strategy: { type: 'string' },
  flamegraph: { type: 'string' },
} as const;
const EXPORT_FILE_FLAGS = ['speedscope', 'trace', 'collapsed', 'html'];

type ExportFlags = Partial<Record<keyof typeof EXPORT_OPTIONS, string>>;

async function exportFlags(profile: Profile, flags: ExportFlags): Promise<void> {
  const options: ExportOptions = { ...flags, strategy: flags.strategy ?? null };
  if (flags.strategy && !profile.strategies.some((s) => s.id === flags.strategy)) {
    fail(`--strategy ${flags.strategy} is not in the profile (${profile.strategies.map((s) => s.id).join(', ')})`);
  }
  for (const written of await writeExports(profile, options)) process.stderr.write(forTerminal(`wrote ${written}\n`));
}

/** The profile's JSON in parts, one strategy at a time: no single string holds a big profile. */
function profileParts(profile: Profile): Iterable<string> {
  return jsonParts(profile as unknown as Record<string, unknown>, ['strategies']);
}

function writeProfile(profile: Profile, out: string | undefined): void {
  if (!out) return;
  if (out === '-') {
    for (const part of profileParts(profile)) process.stdout.write(part);
    process.stdout.write('\n');
  } else writeFileAtomic(out, profileParts(profile));
}

async function profileCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      function: { type: 'string' },
      args: { type: 'string' },
      workers: { type: 'string' },
      strategies: { type: 'string' },
      python: { type: 'string' },
      node: { type: 'string' },
      'project-root': { type: 'string' },
      'env-file': { type: 'string' },
      interpreters: { type: 'string' },
      'known-interpreters': { type: 'string' },
      'dask-scheduler': { type: 'string' },
      timeout: { type: 'string' },
      scaling: { type: 'string', default: 'auto' },
      budget: { type: 'string' },
      'max-workers': { type: 'string' },
      'sample-hz': { type: 'string' },
      'slow-callback-ms': { type: 'string' },
      out: { type: 'string' },
      progress: { type: 'string', default: 'text' },
      'stop-on-stdin-close': { type: 'boolean' },
      verbose: { type: 'boolean', default: false },
      ...EXPORT_OPTIONS,
    },
  });
  if (positionals.length !== 1) fail(`profile takes one FILE.py or FILE.js|.mjs|.cjs|.ts\n${USAGE}`);
  if (values.progress !== 'text' && values.progress !== 'json') fail('--progress must be text or json');
  const workers = rangedNumber('workers', '--workers', values.workers);
  const timeoutSeconds = rangedNumber('timeoutSeconds', '--timeout', values.timeout);
  const sampleHz = rangedNumber('sampleHz', '--sample-hz', values['sample-hz']);
  const scaling = values.scaling;
  if (scaling !== 'off' && scaling !== 'auto' && scaling !== 'full') fail('--scaling must be off, auto or full');
  const maxWorkers = rangedNumber('maxWorkers', '--max-workers', values['max-workers']);
  const budgetSeconds = rangedNumber('budgetSeconds', '--budget', values.budget);
  const slowCallbackMs = rangedNumber('slowCallbackMs', '--slow-callback-ms', values['slow-callback-ms']);
  checkOutputs(values, ['out', ...EXPORT_FILE_FLAGS]);

  const abort = new AbortController();
  const signalCode = stopOnSignals(abort, values['stop-on-stdin-close'] === true);

  let outcome: Awaited<ReturnType<typeof runProfile>>;
  try {
    outcome = await runProfile({
      file: positionals[0]!,
      functionName: values.function ?? null,
      args: values.args ?? null,
      workers,
      strategies: values.strategies ? values.strategies.split(',') : null,
      python: values.python,
      node: values.node,
      projectRoot: values['project-root'] ?? null,
      envFile: values['env-file'] ?? null,
      interpreters: parseInterpreterRequest(values.interpreters),
      knownInterpreters: values['known-interpreters']?.split(',').filter(Boolean),
      daskScheduler: values['dask-scheduler'] ?? null,
      timeoutSeconds,
      scaling,
      budgetSeconds: budgetSeconds ?? null,
      maxWorkers,
      sampleHz,
      slowCallbackMs,
      signal: abort.signal,
      onEvent: progressPrinter(values.progress),
    });
  } catch (error) {
    // Stopped while the interpreter was still being checked: nothing ran, there is no profile.
    if (!(error instanceof InterruptedError)) throw error;
    process.stderr.write(`${error.message}: no profile written\n`);
    return signalCode();
  }
  const { profile } = outcome;
  writeProfile(profile, values.out);
  // With --out - stdout carries the JSON, so the table goes to stderr.
  const saved = values.out && values.out !== '-' ? values.out : null;
  (values.out === '-' ? process.stderr : process.stdout).write(forTerminal(report(profile, values.verbose, saved)));
  await exportFlags(profile, values);
  return signalCode() || outcome.exitCode;
}

/** How long the partial profile may take to write after Ctrl-C / SIGTERM before the CLI gives up on it. */
const STOP_GRACE_MS = 5_000;
const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
const EXIT_TERMINATED = 128 + SIGNAL_NUMBERS.SIGTERM!;

/**
 * Ctrl-C, SIGTERM, SIGHUP (the terminal went away), and with --stop-on-stdin-close the end of stdin
 * (the program running the CLI died; handled as SIGTERM): the workload's tree is killed at once and
 * the partial profile written; a second signal exits at once; STOP_GRACE_MS later the CLI exits
 * anyway. Returns the exit code a stop asks for (0 while none came).
 */
function stopOnSignals(abort: AbortController, stdinToo: boolean): () => number {
  let code = 0;
  const stop = (reason: string, exitCode: number): void => {
    const again = code !== 0;
    code = exitCode;
    killEverythingLive();
    if (again) {
      process.stderr.write(`\n${reason} again: exiting without the partial profile\n`);
      process.exit(code);
    }
    process.stderr.write(`\n${reason}: stopping, writing the partial profile\n`);
    abort.abort();
    setTimeout(() => {
      process.stderr.write(`could not write the partial profile within ${STOP_GRACE_MS / 1000} s: exiting\n`);
      process.exit(code);
    }, STOP_GRACE_MS).unref();
  };
  for (const signal of Object.keys(SIGNAL_NUMBERS) as NodeJS.Signals[])
    process.on(signal, () => stop(signal, 128 + SIGNAL_NUMBERS[signal]!));
  if (stdinToo) {
    const closed = (): void => {
      if (code === 0) stop('stdin closed', EXIT_TERMINATED);
    };
    process.stdin.on('end', closed);
    process.stdin.on('close', closed);
    process.stdin.on('error', closed);
    process.stdin.on('data', () => {}); // flowing, so that the end is seen
  }
  // A reader that went away (stderr piped into `head`) must not crash the run and orphan its tree.
  process.stderr.on('error', () => {});
  return () => code;
}

/** The table and the advice, as printed after a run; a failed baseline gets its short report instead. */
function report(profile: Profile, verbose: boolean, savedAt: string | null): string {
  if (profile.strategies[0]?.status !== 'ok') return formatBaselineFailure(profile, savedAt);
  const { module, moduleNote } = profile.workload;
  const fallback =
    module === null && moduleNote ? `Loaded from its file, not imported as a module: ${moduleNote}.\n` : '';
  return `${fallback}${formatTable(profile, { verbose })}\n${formatAdvice(profile, { verbose })}`;
}

async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: EXPORT_OPTIONS });
  if (positionals.length !== 1) fail(`export takes one PROFILE.json\n${USAGE}`);
  if (!values.speedscope && !values.trace && !values.collapsed && !values.html)
    fail('export needs at least one of --speedscope, --trace, --collapsed, --html');
  checkOutputs(values, EXPORT_FILE_FLAGS);
  await exportFlags(readProfileFile(positionals[0]!), values);
  return 0;
}

function showCommand(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { verbose: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) fail(`show takes one PROFILE.json\n${USAGE}`);
  process.stdout.write(forTerminal(report(readProfileFile(positionals[0]!), values.verbose, positionals[0]!)));
  return 0;
}

function readProfileFile(file: string): Profile {
  let profile: Profile;
  try {
    profile = readProfileSync(file);
  } catch (error) {
    // A damaged or foreign file is a usage error that names the field, never a crash.
    fail(`cannot read ${file}: ${(error as Error).message}`);
  }
  return profile;
}

async function interpretersCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      python: { type: 'string', default: 'python3' },
      'known-interpreters': { type: 'string' },
    },
  });
  const listing = await listInterpreters(values.python, values['known-interpreters']?.split(',').filter(Boolean));
  process.stdout.write(values.json ? `${JSON.stringify(listing)}\n` : formatInterpreterListing(listing));
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : EXIT_USAGE;
  }
  if (command === 'profile') return profileCommand(rest);
  if (command === 'export') return exportCommand(rest);
  if (command === 'show') return showCommand(rest);
  if (command === 'interpreters') return interpretersCommand(rest);
  fail(`unknown command "${command}"\n${USAGE}`);
}

main(process.argv.slice(2)).then(exitAfterFlush, (error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`concurrency-profiler: ${error.message}\n`);
    exitAfterFlush(EXIT_USAGE);
  } else if (error instanceof TypeError && (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`concurrency-profiler: ${error.message}\n${USAGE}\n`);
    exitAfterFlush(EXIT_USAGE);
  } else {
    process.stderr.write(`concurrency-profiler: internal error: ${(error as Error).stack ?? String(error)}\n`);
    exitAfterFlush(70);
  }
});
