// npm run bench: every benchmark in turn, each in a process of its own, so one that misses its
// budget does not keep the others from running; the load average before and after each is printed
// (on a shared machine the figures scale with it). Exits 1 when any benchmark missed.
// Run: npm run build && node --import tsx bench/all.ts
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

const BENCHMARKS = ['engine', 'node', 'analysis', 'render', 'scaling', 'lifecycle'];

const load = (): string =>
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${cpus().length} cores`;

const missed: string[] = [];
for (const name of BENCHMARKS) {
  console.log(`\n=== bench/${name}.ts (${load()}) ===`);
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, `${name}.ts`)], { stdio: 'inherit' });
  const status = run.status ?? `signal ${run.signal}`;
  if (status !== 0) missed.push(`${name} (exit ${status})`);
  console.log(`=== ${name}: ${((Date.now() - started) / 1000).toFixed(0)} s, exit ${status} (${load()}) ===`);
}
console.log(`\n${missed.length === 0 ? 'Every benchmark within its budgets' : `Missed: ${missed.join(', ')}`}.`);
process.exitCode = missed.length === 0 ? 0 : 1;
