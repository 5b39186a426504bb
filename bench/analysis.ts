// Analysis speed: a profile with >= 1M thread samples must be analysed at >= 1M samples/s.
// Run: node --import tsx bench/analysis.ts   (prints the measured rates; exit code 1 below target)
import { analyzeProfile, formatAdvice } from '../src/profiler/analysis/index';
import { hotLines } from '../src/profiler/analysis/hotspots';
import { syntheticProfile } from '../test/helpers/syntheticProfile';

const TARGET_SAMPLES_PER_SECOND = 1e6;
const RUNS = 5;

const profile = syntheticProfile({ threads: 8, samplesPerThread: 125_000, withAnalysis: false });
const samples = profile.strategies.reduce((n, s) => n + s.samples.t.length, 0);

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
}

function measure(work: () => void): number {
  work(); // warm-up: JIT, caches
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    work();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return median(times);
}

// What the CLI does: verdict + recommendation, then the printed advice.
const cli = measure(() => {
  const { verdict, recommendation } = analyzeProfile(profile);
  formatAdvice({ ...profile, verdict, recommendation });
});
// Worst case: every strategy's samples attributed to lines, whatever the rules needed.
const fullScan = measure(() => {
  analyzeProfile(profile);
  for (const s of profile.strategies) hotLines(s, profile.workload.file);
});

const rate = (seconds: number): number => samples / seconds;
console.log(`analysis: ${samples.toLocaleString('en-US')} samples`);
console.log(
  `  analyzeProfile + formatAdvice: ${(cli * 1000).toFixed(1)} ms median of ` +
    `${RUNS} = ${(rate(cli) / 1e6).toFixed(1)}M samples/s`,
);
console.log(
  `  + every strategy scanned:      ${(fullScan * 1000).toFixed(1)} ms median ` +
    `of ${RUNS} = ${(rate(fullScan) / 1e6).toFixed(1)}M samples/s`,
);
console.log(`  target: >= ${TARGET_SAMPLES_PER_SECOND / 1e6}M samples/s`);
if (Math.min(rate(cli), rate(fullScan)) < TARGET_SAMPLES_PER_SECOND) process.exitCode = 1;
