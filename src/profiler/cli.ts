// concurrency-profiler: the engine's command line.
//   concurrency-profiler profile FILE.py [--function NAME] [--args EXPR] [--workers K] ...
//   concurrency-profiler export PROFILE.json [--speedscope F] [--trace F] [--collapsed F] [--html F]
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatAdvice } from './analysis';
import { formatBaselineFailure } from './baselineFailure';
import { DEFAULTS, runProfile, UsageError, VERSION } from './engine';
import type { EngineEvent } from './events';
import { writeExports, type ExportOptions } from './export';
import { PROFILE_SCHEMA_VERSION, type Profile } from './profile';
import { formatPlan, formatTable } from './table';
import { BUDGET_BASE_SWEEPS } from './budget';
import { DEFAULT_MAX_WORKERS } from './scalingPlanner';

const USAGE = `Usage:
  concurrency-profiler profile FILE.py [options]
      --function NAME     module-level function (def, async def, lambda, callable or Class.method);
                          without it the whole script runs once as __main__
      --args EXPR         Python expression, evaluated in the module, yielding one argument tuple per task
      --workers K         pool size (default: logical cores)
      --strategies LIST   comma-separated: serial, threads, threads-N, processes-fork,
                          processes-forkserver, processes-spawn, asyncio
      --python PATH       interpreter (default: python3)
      --project-root DIR  working directory and sys.path root (default: the nearest folder up from
                          FILE with pyproject.toml, setup.cfg, setup.py or .git)
      --env-file FILE     set the variables of this .env file (PYTHONPATH included) for the run
      --timeout SECONDS   per strategy (default: ${DEFAULTS.timeoutSeconds})
      --scaling off|auto|full  scaling curves: each pool at 1, 2, 4, ... workers (default: auto, the
                          families that matter, on the default sweep; full: every pool family)
      --budget SECONDS    time for the whole run (default: ${BUDGET_BASE_SWEEPS} x the base sweep); runs past it are skipped
      --max-workers N     largest pool a curve tries (default: ${DEFAULT_MAX_WORKERS})
      --sample-hz N       thread-state sampling rate (default: ${DEFAULTS.sampleHz})
      --slow-callback-ms N  an asyncio callback this long blocks the event loop (default: ${DEFAULTS.slowCallbackMs})
      --out FILE          write the profile JSON (- for stdout)
      --progress text|json  progress on stderr (default: text)
      --speedscope F, --trace F, --collapsed F, --html F, --strategy ID   exports, as below
  concurrency-profiler export PROFILE.json [options]
      --speedscope FILE   speedscope JSON, one profile per thread
      --trace FILE        Chrome Trace Event JSON (Perfetto, chrome://tracing)
      --collapsed FILE    collapsed stacks for flamegraph.pl
      --html FILE         standalone HTML report with every strategy
      --strategy ID       strategy for speedscope/trace/collapsed (default: the recommended one,
                          else the one with most threads)
  concurrency-profiler --version

Exit codes: 0 the serial baseline completed, 1 it did not, 2 usage error, 130/143 interrupted.`;

const EXIT_USAGE = 2;

function fail(message: string): never {
  throw new UsageError(message);
}

/** Exits once stdout and stderr have drained: a pipe can still hold a large profile (--out -). */
function exitAfterFlush(code: number): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

function positiveNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) fail(`--${name} must be a positive number, got "${value}"`);
  return n;
}

function progressPrinter(mode: string): (event: EngineEvent) => void {
  if (mode === 'json') return (event) => process.stderr.write(`${JSON.stringify(event)}\n`);
  return (event) => {
    if (event.type === 'plan') process.stderr.write(`${formatPlan(event)}\n`);
    else if (event.type === 'strategy-start')
      process.stderr.write(`[${event.index + 1}/${event.total}] ${event.id} ...\n`);
    else if (event.type === 'strategy-end') {
      const wall = event.wallSeconds === null ? '' : ` ${event.wallSeconds.toFixed(3)} s`;
      const speedup = event.speedup === null ? '' : ` (${event.speedup.toFixed(2)}x)`;
      process.stderr.write(`[${event.index + 1}/${event.total}] ${event.id}: ${event.status}${wall}${speedup}\n`);
    } else if (event.type === 'heartbeat' && Math.round(event.elapsedSeconds) % 5 === 0) {
      process.stderr.write(`      ${event.id}: ${Math.round(event.elapsedSeconds)} s elapsed\n`);
    } else if (event.type === 'log') process.stderr.write(`${event.message}\n`);
  };
}

const EXPORT_OPTIONS = {
  speedscope: { type: 'string' },
  trace: { type: 'string' },
  collapsed: { type: 'string' },
  html: { type: 'string' },
  strategy: { type: 'string' },
} as const;

type ExportFlags = Partial<Record<keyof typeof EXPORT_OPTIONS, string>>;

async function exportFlags(profile: Profile, flags: ExportFlags): Promise<void> {
  const options: ExportOptions = { ...flags, strategy: flags.strategy ?? null };
  if (flags.strategy && !profile.strategies.some((s) => s.id === flags.strategy)) {
    fail(`--strategy ${flags.strategy} is not in the profile (${profile.strategies.map((s) => s.id).join(', ')})`);
  }
  for (const written of await writeExports(profile, options)) process.stderr.write(`wrote ${written}\n`);
}

function writeProfile(profile: Profile, out: string | undefined): void {
  if (!out) return;
  const json = JSON.stringify(profile);
  if (out === '-') process.stdout.write(`${json}\n`);
  else writeFileSync(out, json);
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
      'project-root': { type: 'string' },
      'env-file': { type: 'string' },
      timeout: { type: 'string' },
      scaling: { type: 'string', default: 'auto' },
      budget: { type: 'string' },
      'max-workers': { type: 'string' },
      'sample-hz': { type: 'string' },
      'slow-callback-ms': { type: 'string' },
      out: { type: 'string' },
      progress: { type: 'string', default: 'text' },
      ...EXPORT_OPTIONS,
    },
  });
  if (positionals.length !== 1) fail(`profile takes one FILE.py\n${USAGE}`);
  if (values.progress !== 'text' && values.progress !== 'json') fail('--progress must be text or json');
  const workers = positiveNumber('workers', values.workers);
  if (workers !== undefined && !Number.isInteger(workers)) fail('--workers must be a whole number');
  const scaling = values.scaling;
  if (scaling !== 'off' && scaling !== 'auto' && scaling !== 'full') fail('--scaling must be off, auto or full');
  const maxWorkers = positiveNumber('max-workers', values['max-workers']);
  if (maxWorkers !== undefined && !Number.isInteger(maxWorkers)) fail('--max-workers must be a whole number');

  // Ctrl-C / SIGTERM: the engine kills the running tree; the partial profile is still written.
  const abort = new AbortController();
  let signalCode = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signalCode = 128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as Record<string, number>)[signal]!;
    process.stderr.write(`\n${signal}: stopping, writing the partial profile\n`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal); // the terminal went away
  // A reader that went away (stderr piped into `head`) must not crash the run and orphan its tree.
  process.stderr.on('error', () => {});

  const outcome = await runProfile({
    file: positionals[0]!,
    functionName: values.function ?? null,
    args: values.args ?? null,
    workers,
    strategies: values.strategies ? values.strategies.split(',') : null,
    python: values.python,
    projectRoot: values['project-root'] ?? null,
    envFile: values['env-file'] ?? null,
    timeoutSeconds: positiveNumber('timeout', values.timeout),
    scaling,
    budgetSeconds: positiveNumber('budget', values.budget) ?? null,
    maxWorkers,
    sampleHz: positiveNumber('sample-hz', values['sample-hz']),
    slowCallbackMs: positiveNumber('slow-callback-ms', values['slow-callback-ms']),
    signal: abort.signal,
    onEvent: progressPrinter(values.progress),
  });
  const { profile } = outcome;
  writeProfile(profile, values.out);
  // With --out - stdout carries the JSON, so the table goes to stderr.
  const report =
    profile.strategies[0]?.status === 'ok'
      ? `${formatTable(profile)}\n${formatAdvice(profile)}`
      : formatBaselineFailure(profile, values.out && values.out !== '-' ? values.out : null);
  (values.out === '-' ? process.stderr : process.stdout).write(report);
  await exportFlags(profile, values);
  return signalCode || outcome.exitCode;
}

async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: EXPORT_OPTIONS });
  if (positionals.length !== 1) fail(`export takes one PROFILE.json\n${USAGE}`);
  if (!values.speedscope && !values.trace && !values.collapsed && !values.html)
    fail('export needs at least one of --speedscope, --trace, --collapsed, --html');
  let profile: Profile;
  try {
    profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as Profile;
  } catch (error) {
    fail(`cannot read ${positionals[0]}: ${(error as Error).message}`);
  }
  if (profile.schemaVersion !== PROFILE_SCHEMA_VERSION) {
    fail(
      `${positionals[0]} is not a profile of format version ${PROFILE_SCHEMA_VERSION} (schemaVersion: ${String(profile.schemaVersion)})`,
    );
  }
  await exportFlags(profile, values);
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
