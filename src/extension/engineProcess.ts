// Runs the engine CLI (dist/cli.js) as a child of the extension host's own Node (Electron run as
// Node), never through a shell, and turns its `--progress=json` stderr into events. Free of
// `vscode` so it can be tested against the real CLI.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { EngineEvent } from '../profiler/events';
import type { ScalingMode } from '../profiler/profile';

export interface EngineRequest {
  cliPath: string;
  file: string;
  /** null = whole-script mode. */
  functionName: string | null;
  args: string | null;
  /** `--python` for a Python file; null for a JavaScript or TypeScript file. */
  python: string | null;
  /** `--node` for a JavaScript or TypeScript file; absent or null = `node` on PATH. */
  node?: string | null;
  /** null = the engine's default (logical cores). */
  workers: number | null;
  /** empty = every strategy the engine knows. */
  strategies: string[];
  timeoutSeconds: number;
  sampleHz: number;
  outPath: string;
  /** Scaling curves (`--scaling`); absent = the engine's default (`auto`). */
  scaling?: ScalingMode;
  /** `--budget` seconds; absent or null = 3 x the base sweep. */
  budgetSeconds?: number | null;
  /** `--max-workers`; absent or null = the engine's default. */
  maxWorkers?: number | null;
  /** `--project-root`: the workspace folder; absent or null = the engine finds the root. */
  projectRoot?: string | null;
  /** `--env-file`: python.envFile when it exists. */
  envFile?: string | null;
  /** `--interpreters` items; absent or empty = the engine's default. */
  interpreters?: string[];
  /** Interpreters the Python extension knows, for `--interpreters auto` (`--known-interpreters`). */
  knownInterpreters?: string[];
  /** `--dask-scheduler`. */
  daskScheduler?: string | null;
}

export interface EngineOutcome {
  /** 0 = serial baseline ran, 1 = serial failed (partial profile), 2 = usage error; null if killed. */
  exitCode: number | null;
  cancelled: boolean;
  /** What the engine said that was not a progress event (usage errors, tracebacks), trimmed. */
  messages: string;
}

export interface EngineHandlers {
  onEvent(event: EngineEvent): void;
  /** Every line the engine printed, for the log channel. */
  onOutput(line: string, stream: 'stdout' | 'stderr'): void;
}

export interface EngineRun {
  readonly finished: Promise<EngineOutcome>;
  /** SIGTERM: the engine kills the workload's process tree and writes the partial profile. */
  cancel(): void;
}

/** How long the engine gets to clean up after SIGTERM before its whole process group is killed. */
const CANCEL_GRACE_MS = 3_000;
const MAX_MESSAGE_CHARS = 20_000;

export function engineArguments(request: EngineRequest): string[] {
  const args = ['profile', request.file];
  if (request.functionName !== null) args.push('--function', request.functionName);
  if (request.args !== null && request.args.trim() !== '') args.push('--args', request.args);
  if (request.workers !== null) args.push('--workers', String(request.workers));
  if (request.strategies.length > 0) args.push('--strategies', request.strategies.join(','));
  if (request.python !== null) args.push('--python', request.python);
  if (request.node) args.push('--node', request.node);
  args.push('--timeout', String(request.timeoutSeconds));
  args.push('--sample-hz', String(request.sampleHz));
  if (request.scaling) args.push('--scaling', request.scaling);
  if (request.budgetSeconds) args.push('--budget', String(request.budgetSeconds));
  if (request.maxWorkers) args.push('--max-workers', String(request.maxWorkers));
  if (request.projectRoot) args.push('--project-root', request.projectRoot);
  if (request.envFile) args.push('--env-file', request.envFile);
  if (request.interpreters && request.interpreters.length > 0)
    args.push('--interpreters', request.interpreters.join(','));
  if (request.knownInterpreters && request.knownInterpreters.length > 0)
    args.push('--known-interpreters', request.knownInterpreters.join(','));
  if (request.daskScheduler) args.push('--dask-scheduler', request.daskScheduler);
  args.push('--out', request.outPath);
  args.push('--progress=json');
  // The engine stops (and kills its workload) when this process dies and its stdin closes.
  args.push('--stop-on-stdin-close');
  return args;
}

export type ProgressLine = { kind: 'event'; event: EngineEvent } | { kind: 'text'; text: string };

export function parseProgressLine(line: string): ProgressLine {
  if (line.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(line);
      if (isEngineEvent(value)) return { kind: 'event', event: value };
    } catch {
      // Log text that happens to start with a brace.
    }
  }
  return { kind: 'text', text: line };
}

function isEngineEvent(value: unknown): value is EngineEvent {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return (
    type === 'strategy-start' ||
    type === 'strategy-end' ||
    type === 'heartbeat' ||
    type === 'log' ||
    type === 'plan' ||
    type === 'workload'
  );
}

export function startEngine(request: EngineRequest, handlers: EngineHandlers): EngineRun {
  const child = spawn(process.execPath, [request.cliPath, ...engineArguments(request)], {
    cwd: path.dirname(request.file),
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    // stdin is held open and never written: it closes when this process dies (--stop-on-stdin-close).
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group, so a cancel can still clear everything if the engine hangs.
    detached: true,
  });
  child.stdin.on('error', () => {});
  let cancelled = false;
  let exited = false;
  let messages = '';
  /** Process groups of the workload's interpreters, killed too if the engine dies or hangs. */
  const workloadGroups = new Set<number>();
  const keepMessage = (text: string): void => {
    if (messages.length < MAX_MESSAGE_CHARS) messages += `${text}\n`;
  };

  createInterface({ input: child.stdout }).on('line', (line) => handlers.onOutput(line, 'stdout'));
  const stderrLines = createInterface({ input: child.stderr });
  stderrLines.on('line', (line) => {
    handlers.onOutput(line, 'stderr');
    const parsed = parseProgressLine(line);
    if (parsed.kind === 'text') {
      keepMessage(parsed.text);
      return;
    }
    if (parsed.event.type === 'log' && parsed.event.level === 'error') keepMessage(parsed.event.message);
    if (parsed.event.type === 'workload') workloadGroups.add(parsed.event.pgid);
    handlers.onEvent(parsed.event);
  });
  const stderrClosed = new Promise<void>((resolve) => stderrLines.once('close', resolve));

  const finished = new Promise<EngineOutcome>((resolve) => {
    child.once('error', (error) => {
      exited = true;
      resolve({ exitCode: null, cancelled, messages: `Could not start the engine: ${error.message}` });
    });
    child.once('exit', (code) => {
      exited = true;
      child.stdin.destroy();
      // An engine that crashed or was killed left no one to end its workload: do it here.
      if (code === null || code > 2) for (const group of workloadGroups) killGroup(group);
    });
    child.once('close', (code) => {
      exited = true;
      void stderrClosed.then(() => resolve({ exitCode: code, cancelled, messages: messages.trim() }));
    });
  });

  return {
    finished,
    cancel() {
      if (cancelled || exited) return;
      cancelled = true;
      child.kill('SIGTERM');
      const backstop = setTimeout(() => {
        killGroup(child.pid);
        for (const group of workloadGroups) killGroup(group);
      }, CANCEL_GRACE_MS);
      void finished.then(() => clearTimeout(backstop));
    },
  };
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}
