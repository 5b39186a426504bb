// The Node.js runtime: JavaScript and TypeScript functions run by the user's Node (never the
// editor's own) under V8's tick profiler, with the same /proc samplers as Python. Its harness is
// dist/node/cp_node_harness.js, built from ./harness.
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from '../python';
import type { RuntimeDriver } from '../runtime';
import { ThreadSampler } from '../sampler/threadSampler';
import { readTraces, TableBuilder } from '../traces';
import { LIBUV_THREAD_NAME, markNativePools } from './libuv';
import type { NodeHarnessResult } from './harness/protocol';
import { NODE_DEFAULT_STRATEGIES, NODE_STRATEGY_FORMS, parseNodeStrategy, uvPoolId } from './strategies';
import { readV8Logs } from './v8Log';

export const MINIMUM_NODE = 18;
/**
 * V8's tick profiler every 4 ms, not its default 1 ms: 2.5 times the Python stack sampler's rate,
 * and within its budget (bench/node.ts: CPU 1.019-1.024x at 4 ms, 1.048-1.056x at 1 ms).
 */
export const V8_TICK_HZ = 250;
/** A tick within 5 ms of a /proc sample describes it (ticks come every 4 ms; SIGPROF arrives late
 * under load). Further away the thread was idle in its loop (those ticks have no JavaScript). */
export const TICK_JOIN_WINDOW_MS = 5;

/** Node's own threads (named by the harness, or by V8 for its tick profiler): a whole file's task
 * threads are its JavaScript threads; what libuv's pool did is in `nativePools`. */
const RUNTIME_THREADS = new Set(['V8 platform', LIBUV_THREAD_NAME, 'v8:Profiler', 'SamplingThread']);
const TYPESCRIPT = /\.(ts|mts|cts)$/i;

export { isNodeSource } from './sourceFiles';

/** dist/node next to the bundled cli.js: the harness, its preload and the TypeScript loader. */
export function nodeHarnessDir(): string {
  const dir = join(__dirname, 'node');
  if (!existsSync(join(dir, 'cp_node_harness.js')))
    throw new Error(`the engine's Node harness (cp_node_harness.js) is missing in ${dir}: run npm run build`);
  return dir;
}

interface NodeProbe {
  execPath: string;
  version: string;
  v8: string;
}

function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 30_000, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') reject(error);
      else resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function probeNode(node: string): Promise<NodeProbe> {
  let out;
  try {
    out = await run(node, [
      '-p',
      'JSON.stringify({ execPath: process.execPath, version: process.versions.node, v8: process.versions.v8 })',
    ]);
  } catch {
    throw new UsageError(`Node.js not found: ${node}. Install Node.js ${MINIMUM_NODE}+ or pass --node PATH.`);
  }
  let probe: NodeProbe;
  try {
    probe = JSON.parse(out.stdout) as NodeProbe;
  } catch {
    throw new UsageError(
      `${node} is not a Node.js that runs scripts (--node): ${out.stderr.trim().split('\n')[0] ?? ''}`,
    );
  }
  if (Number(probe.version.split('.')[0]) < MINIMUM_NODE)
    throw new UsageError(
      `${node} is Node.js ${probe.version}; ${MINIMUM_NODE} or newer is needed. Pass --node PATH to another Node.`,
    );
  return probe;
}

/** `node --check`: a syntax error is a usage error with file:line, before any strategy runs. */
async function checkSyntax(node: string, file: string): Promise<void> {
  if (TYPESCRIPT.test(file)) return; // the harness's TypeScript loader reports those as it strips types
  const { code, stderr } = await run(node, ['--check', file]);
  if (code === 0) return;
  const lines = stderr.trim().split('\n');
  const message = lines.find((l) => /^\w*Error:/.test(l)) ?? lines.at(-1) ?? 'syntax error';
  const where = lines[0]?.startsWith(file) ? `\n  at ${lines[0]}\n    ${lines[1]?.trimEnd() ?? ''}` : '';
  throw new UsageError(`${message}${where}`);
}

export const nodeRuntime: RuntimeDriver = {
  runtime: 'node',
  defaultStrategies: NODE_DEFAULT_STRATEGIES,
  parseStrategy: parseNodeStrategy,
  knownStrategyForms: NODE_STRATEGY_FORMS,
  async prepare({ file, executable, logicalCores, env }) {
    const probe = await probeNode(executable ?? 'node');
    try {
      accessSync(file, constants.R_OK);
    } catch (error) {
      throw new UsageError(`Cannot read ${file}: ${(error as Error).message}`);
    }
    await checkSyntax(probe.execPath, file);
    const dir = nodeHarnessDir();
    const states = ThreadSampler.supported();
    return {
      workload: { node: { executable: probe.execPath, version: probe.version, v8: probe.v8 } },
      sampling: {
        threadStates: states ? 'proc' : 'unavailable',
        note: states
          ? null
          : `thread states need Linux /proc (this is ${process.platform} ${process.arch}): not sampled, not guessed`,
        gilDetection: null,
      },
      stackSampleHz: V8_TICK_HZ,
      stackJoinWindowMs: TICK_JOIN_WINDOW_MS,
      isRuntimeThread: (name) => RUNTIME_THREADS.has(name) || name.startsWith('V8 tick profiler'),
      gilOffsets: null,
      harnessConfig: {},
      launch(spec, configPath, traceDir) {
        const strategyEnv = { ...env };
        if (spec.uvThreads) strategyEnv.UV_THREADPOOL_SIZE = String(spec.uvThreads);
        return {
          command: probe.execPath,
          args: [
            // V8's tick profiler, as 0x runs it: one log per isolate, each tick a stack.
            '--prof',
            `--logfile=${join(traceDir, 'v8-%p.log')}`,
            `--prof-sampling-interval=${Math.round(1e6 / V8_TICK_HZ)}`,
            '--require',
            join(dir, 'cp_node_preload.js'),
            join(dir, 'cp_node_harness.js'),
            configPath,
          ],
          // The file's folder, as `node FILE` from there: relative paths in the code resolve alike.
          cwd: dirname(file),
          env: strategyEnv,
        };
      },
      async readTraces(traceDir) {
        const data = readTraces(traceDir);
        const tables = new TableBuilder();
        const v8 = await readV8Logs(traceDir, probe.execPath, tables, dir);
        data.frames = tables.frames;
        data.stacks = tables.stacks;
        data.stackSamples = v8.samples;
        // Isolates the harness did not name (a script's own workers): named by what they are.
        for (const isolate of v8.isolates)
          if (isolate.tid !== null && !data.threadNames.has(isolate.tid))
            data.threadNames.set(isolate.tid, isolate.tid === isolate.pid ? 'main' : 'worker thread');
        return data;
      },
      adaptive(serial, harness) {
        if (!harness.isAsync) return [];
        const extra = [parseNodeStrategy('async', 1)!];
        // Pool threads busy while serial awaited each call: a bigger pool may let more run at once.
        if (serial.nativePools?.some((p) => p.library === 'libuv'))
          extra.push(parseNodeStrategy(uvPoolId(logicalCores), 1)!);
        return extra;
      },
      complete(result, harness) {
        result.eventLoop = (harness as NodeHarnessResult | null)?.eventLoop ?? null;
        // What the engine's generic pool finder made of Node's threads is replaced by libuv's pool.
        if (result.nativePools !== null) result.nativePools = markNativePools(result);
      },
    };
  },
};
