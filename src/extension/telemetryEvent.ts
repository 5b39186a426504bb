// What one run reports to telemetry: outcome, verdict kind and counts, never code, paths, names,
// arguments or messages. Free of `vscode` so the contents can be checked in a test.
import type { Profile } from '../profiler/profile';

export type RunOutcome = 'ok' | 'serialFailed' | 'usageError' | 'cancelled' | 'engineCrashed';

export interface RunEvent {
  properties: Record<string, string>;
  measurements: Record<string, number>;
}

export function runEvent(outcome: RunOutcome, profile: Profile | null, durationSeconds: number): RunEvent {
  const properties: Record<string, string> = { outcome };
  const measurements: Record<string, number> = { durationSeconds: Math.round(durationSeconds * 10) / 10 };
  if (profile) {
    properties.mode = profile.mode;
    properties.verdictKind = profile.verdict?.kind ?? 'none';
    // Only the strategy's kind: ids are the engine's, but keep to a closed vocabulary anyway.
    const recommended = profile.strategies.find((s) => s.id === profile.recommendation?.strategy);
    properties.recommendedKind = recommended?.kind ?? (profile.recommendation ? 'unmeasuredRoute' : 'none');
    properties.runtime = profile.runtime === 'node' ? 'node' : 'python';
    if (profile.workload.python)
      properties.pythonImplementation = profile.workload.python.implementation === 'CPython' ? 'CPython' : 'other';
    measurements.strategies = profile.strategies.length;
    measurements.failedStrategies = profile.strategies.filter((s) => s.status === 'failed').length;
    measurements.tasks = profile.workload.tasks;
    measurements.logicalCores = profile.machine.logicalCores;
  }
  return { properties, measurements };
}
