// The extension's settings, read for the file being profiled (they are resource-scoped).
import * as vscode from 'vscode';
import { settingProblem } from '../profiler/options';
import type { ScalingMode } from '../profiler/profile';

export const SECTION = 'concurrencyProfiler';

export interface ProfilerSettings {
  pythonPath: string;
  /** Node.js for JavaScript and TypeScript files; empty = `node` on PATH (never the editor's own runtime). */
  nodePath: string;
  workers: number | null;
  strategies: string[];
  timeoutSeconds: number;
  sampleHz: number;
  scaling: ScalingMode;
  budgetSeconds: number | null;
  maxWorkers: number | null;
  /** `--interpreters` items (commands, paths, `auto`, `none`); empty = the engine's default. */
  interpreters: string[];
  /** `--dask-scheduler`, or null. */
  daskScheduler: string | null;
  codeLensEnabled: boolean;
  sourceHeatJustMyCode: boolean;
}

/** The settings for `resource`; a numeric setting out of its range (settings.json is not checked
 * against package.json's limits) is an error that names it, not a run that fails later. */
export function readSettings(resource?: vscode.Uri): ProfilerSettings {
  const config = vscode.workspace.getConfiguration(SECTION, resource);
  const workers = config.get<number | null>('workers', null);
  const problem = settingProblem({
    workers,
    timeoutSeconds: config.get('timeout', 120),
    sampleHz: config.get('sampleHz', 200),
    budgetSeconds: config.get('budget', null),
    maxWorkers: config.get('maxWorkers', null),
  });
  if (problem) throw new Error(`${problem}: change it in the settings.`);
  return {
    pythonPath: config.get<string>('pythonPath', '').trim(),
    nodePath: config.get<string>('nodePath', '').trim(),
    workers: typeof workers === 'number' && workers > 0 ? Math.floor(workers) : null,
    strategies: config
      .get<string[]>('strategies', [])
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    timeoutSeconds: config.get<number>('timeout', 120),
    sampleHz: config.get<number>('sampleHz', 200),
    scaling: scalingMode(config.get<string>('scaling', 'auto')),
    budgetSeconds: positiveOrNull(config.get<number | null>('budget', null)),
    maxWorkers: positiveOrNull(config.get<number | null>('maxWorkers', null)),
    interpreters: config
      .get<string[]>('interpreters', [])
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    daskScheduler: config.get<string>('daskScheduler', '').trim() || null,
    codeLensEnabled: config.get<boolean>('codeLens.enabled', true),
    sourceHeatJustMyCode: config.get<boolean>('sourceHeat.justMyCode', true),
  };
}

function scalingMode(value: string): ScalingMode {
  return value === 'off' || value === 'full' ? value : 'auto';
}

function positiveOrNull(value: number | null): number | null {
  return typeof value === 'number' && value > 0 ? value : null;
}

/** Telemetry is off unless this application-scoped setting holds an Application Insights connection string. */
export function telemetryConnectionString(): string {
  return vscode.workspace.getConfiguration(SECTION).get<string>('telemetry.connectionString', '').trim();
}
