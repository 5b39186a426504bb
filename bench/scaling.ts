// The scaling sweep's cost against its budget, on three workloads run with the default settings
// (--scaling auto, budget 3 x the base sweep): what the curves added to the base sweep, how that
// compares with what the budget allowed, how close the planner's estimates were, and what came out
// (one line per curve, the recommended worker count). Figures depend on the machine's load, which
// is printed with them.
// Usage: npm run build && node --import tsx bench/scaling.ts [--python PATH]
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BUDGET_BASE_SWEEPS } from '../src/profiler/budget';
import { runProfile } from '../src/profiler/engine';
import type { EngineEvent } from '../src/profiler/events';
import { scalingLine } from '../src/profiler/table';

const { values } = parseArgs({ options: { python: { type: 'string', default: '/usr/bin/python3' } } });
const FIXTURES = join(__dirname, '..', 'test', 'fixtures', 'engine');

interface Workload {
  name: string;
  file: string;
  functionName: string | null;
  args: (port: number) => string | null;
}

const WORKLOADS: Workload[] = [
  {
    name: 'I/O: 32 loopback calls of 50 ms',
    file: 'socket_io.py',
    functionName: 'fetch',
    args: (p) => `[(${p}, 1)] * 32`,
  },
  {
    name: 'GIL-bound: 8 pure-Python loops',
    file: 'cpu_loop.py',
    functionName: 'spin',
    args: () => '[(1_000_000,)] * 8',
  },
  { name: 'script: ThreadPoolExecutor(2) of loops', file: 'script_pool.py', functionName: null, args: () => null },
];

async function measure(workload: Workload, port: number): Promise<void> {
  const plans: Extract<EngineEvent, { type: 'plan' }>[] = [];
  const load = loadavg()[0]!;
  const started = Date.now();
  const { profile } = await runProfile({
    file: join(FIXTURES, workload.file),
    functionName: workload.functionName,
    args: workload.args(port),
    workers: 2,
    python: values.python,
    onEvent: (event) => {
      if (event.type === 'plan') plans.push(event);
    },
  });
  const elapsed = (Date.now() - started) / 1000;
  const budget = profile.budget!;
  const extra = budget.spentSeconds - budget.baseSweepSeconds;
  const allowed = budget.seconds - budget.baseSweepSeconds;
  const planned = plans.find((p) => p.stage === 'scaling');
  const estimate = planned ? planned.runs.reduce((sum, r) => sum + r.estimatedSeconds, 0) : 0;
  const ran = planned
    ? planned.runs.filter((r) => profile.strategies.some((s) => s.id === r.id && s.status !== 'skipped'))
    : [];
  const actual = ran.reduce((sum, r) => sum + profile.strategies.find((s) => s.id === r.id)!.timing.totalSeconds, 0);
  const ranEstimate = ran.reduce((sum, r) => sum + r.estimatedSeconds, 0);
  console.log(`\n${workload.name} (load average ${load.toFixed(1)} at the start, ${elapsed.toFixed(1)} s in all)`);
  const ratio = extra / Math.max(1e-9, budget.baseSweepSeconds);
  const verdict = extra <= allowed + 1e-9 ? 'within budget' : 'OVER BUDGET';
  console.log(
    `   base sweep ${budget.baseSweepSeconds.toFixed(1)} s; curves added ${extra.toFixed(1)} s = ` +
      `${ratio.toFixed(2)}x the base sweep; the budget allowed ${allowed.toFixed(1)} s more ` +
      `(${BUDGET_BASE_SWEEPS - 1}x): ${verdict}`,
  );
  const accuracy = ranEstimate > 0 ? ` (actual / estimate ${(actual / ranEstimate).toFixed(2)})` : '';
  console.log(
    `   planner: ${planned?.runs.length ?? 0} point(s) planned, ~${estimate.toFixed(1)} s estimated; ` +
      `${ran.length} ran, estimated ${ranEstimate.toFixed(1)} s, took ${actual.toFixed(1)} s${accuracy}`,
  );
  if (budget.skipped.length > 0)
    console.log(`   skipped: ${budget.skipped.map((s) => `${s.strategy} (${s.reason.split(':')[0]})`).join(', ')}`);
  for (const curve of profile.scaling ?? []) console.log(`   ${scalingLine(curve)}`);
  const rec = profile.recommendation;
  if (rec)
    console.log(
      `   recommendation: ${rec.strategy}, workers ${rec.workers ?? '-'}, ${rec.expectedSpeedup?.toFixed(2) ?? '-'}x`,
    );
}

async function main(): Promise<void> {
  const server = createServer((socket) => {
    socket.once('data', () => setTimeout(() => socket.end('pong\n'), 50));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  console.log(`Scaling sweep against its budget (${BUDGET_BASE_SWEEPS} x the base sweep), ${values.python}, 2 workers`);
  try {
    for (const workload of WORKLOADS) await measure(workload, port);
  } finally {
    server.close();
  }
}

void main();
