// speedscope file format (https://www.speedscope.app/file-format-schema.json): one sampled profile
// per thread of the chosen strategy, frames shared, weights in milliseconds.
import { THREAD_STATES, type Profile, type StrategyResult } from '../profile';
import { sampleIntervalMs, samplesByThread, stackFrames } from './stacks';

export interface SpeedscopeFrame {
  name: string;
  file?: string;
  line?: number;
}

export interface SpeedscopeSampledProfile {
  type: 'sampled';
  name: string;
  unit: 'milliseconds';
  startValue: number;
  endValue: number;
  samples: number[][];
  weights: number[];
}

export interface SpeedscopeFile {
  $schema: 'https://www.speedscope.app/file-format-schema.json';
  name: string;
  exporter: string;
  activeProfileIndex: number;
  shared: { frames: SpeedscopeFrame[] };
  profiles: SpeedscopeSampledProfile[];
}

export function toSpeedscope(profile: Profile, strategy: StrategyResult): SpeedscopeFile {
  const frames: SpeedscopeFrame[] = strategy.frames.name.map((name, i) => ({
    name,
    file: strategy.frames.file[i]!,
    line: strategy.frames.line[i]!,
  }));
  // Samples without a Python stack still took wall time: they get a frame named after their state.
  const stateFrame = THREAD_STATES.map((state) => frames.push({ name: `[${state}, no Python stack]` }) - 1);
  const interval = sampleIntervalMs(profile.settings.sampleHz);
  const leafCache = new Map<number, number[]>();
  const framesOf = (leaf: number): number[] => {
    let cached = leafCache.get(leaf);
    if (!cached) leafCache.set(leaf, (cached = stackFrames(strategy.stacks, leaf)));
    return cached;
  };
  const { t, stack, state } = strategy.samples;
  const profiles = samplesByThread(strategy).map((indices, th): SpeedscopeSampledProfile => {
    const thread = strategy.threads[th]!;
    const samples = Array.from(indices, (i) =>
      stack[i]! >= 0 ? framesOf(stack[i]!) : [stateFrame[state[i]!] ?? stateFrame[6]!],
    );
    const startValue = indices.length > 0 ? t[indices[0]!]! : 0;
    return {
      type: 'sampled',
      name: `${strategy.id}: ${thread.name} (tid ${thread.tid})`,
      unit: 'milliseconds',
      startValue,
      endValue: indices.length > 0 ? t[indices[indices.length - 1]!]! + interval : startValue,
      samples,
      weights: samples.map(() => interval),
    };
  });
  const busiest = profiles.reduce((best, p, i) => (p.samples.length > profiles[best]!.samples.length ? i : best), 0);
  return {
    $schema: 'https://www.speedscope.app/file-format-schema.json',
    name: `${profile.workload.function ?? profile.workload.file} — ${strategy.id}`,
    exporter: `${profile.tool.name}@${profile.tool.version}`,
    activeProfileIndex: busiest,
    shared: { frames },
    profiles,
  };
}
