// One profiling run from the editor: resolve the interpreter, run the engine under a cancellable
// progress notification, then show the profile, annotate the function's lens, decorate the source
// with its heat and tell the user what happened. One run at a time: two at once would skew each
// other's measurements.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { failureHint } from '../profiler/baselineFailure';
import type { Profile } from '../profiler/profile';
import { startEngine, type EngineOutcome, type EngineRun } from './engineProcess';
import type { InterpreterListing } from '../profiler/interpreterListing';
import { interpreterChoices, listInterpreters } from './interpreterChoices';
import { askForInterpreter, type InterpreterResolver } from './interpreter';
import type { LensServer } from './languageClient';
import type { ProfilePanels } from './profilePanel';
import { newProfilePath, pruneProfiles, readProfile } from './profileStore';
import { resultSummary, statusBarText } from './resultSummary';
import { isNodeSource } from '../profiler/node/sourceFiles';
import { runEnvironment } from './runEnvironment';
import { RunProgress } from './runProgress';
import { readSettings } from './settings';
import { sha256 } from '../server/runResults';
import type { SourceHeatDecorations } from './sourceHeatDecorations';
import type { ProfileTarget } from './targetPicker';
import type { Telemetry } from './telemetry';
import { runEvent, type RunOutcome } from './telemetryEvent';

export const LAST_PROFILE_KEY = 'concurrencyProfiler.lastProfile';
const INTERPRETERS_KEY = 'concurrencyProfiler.comparedInterpreters';
const SHOW_LOG = 'Show Log';

export interface RunnerServices {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  interpreters: InterpreterResolver;
  panels: ProfilePanels;
  lenses: LensServer;
  sourceHeat: SourceHeatDecorations;
  telemetry: Telemetry;
}

/** What was profiled: the function of which file, with which text. */
interface Measured {
  uri: string;
  functionName: string | null;
  textSha256: string;
}

export class ProfileRunner implements vscode.Disposable {
  /** True from the first step of a run (saving, finding Python) to its report. */
  private busy = false;
  private current: EngineRun | undefined;

  constructor(private readonly services: RunnerServices) {}

  async run(target: ProfileTarget): Promise<void> {
    if (this.busy) {
      const cancel = 'Cancel It';
      if ((await vscode.window.showWarningMessage('A profile is already running.', cancel)) === cancel)
        this.current?.cancel();
      return;
    }
    this.busy = true;
    try {
      await this.profile(target);
    } finally {
      this.busy = false;
    }
  }

  private async profile(target: ProfileTarget): Promise<void> {
    const { log } = this.services;
    const { document, fn, args } = target;
    if (document.isUntitled) {
      void vscode.window.showErrorMessage('Save the file first: the profiler runs it from disk.');
      return;
    }
    if (document.isDirty && !(await document.save())) return;
    const measured: Measured = {
      uri: document.uri.toString(),
      functionName: fn?.qualifiedName ?? null,
      textSha256: sha256(document.getText()),
    };

    // JavaScript and TypeScript run on the user's Node (the setting, else `node` on PATH), never the editor's.
    const nodeRun = isNodeSource(document.uri.fsPath);
    const settings = readSettings(document.uri);
    const python = nodeRun ? null : await this.python(document.uri);
    if (!nodeRun && !python) return;
    // The last run's heat would be read as this one's while it runs.
    this.services.sourceHeat.clear();
    const folder = path.join(
      (this.services.context.storageUri ?? this.services.context.globalStorageUri).fsPath,
      'profiles',
    );
    const outPath = await newProfilePath(folder, document.uri.fsPath, measured.functionName);
    const subject = measured.functionName ?? path.basename(document.uri.fsPath);
    const known = nodeRun ? [] : await this.services.interpreters.knownEnvironments();
    const started = Date.now();
    log.info(`Profiling ${subject} with ${python ?? (settings.nodePath || 'node')}; profile: ${outPath}`);

    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Profiling ${subject}`, cancellable: true },
      (progress, token) => {
        const reporter = new RunProgress(progress, log, this.services.panels, {
          file: document.uri.fsPath,
          functionName: measured.functionName,
        });
        const engine = startEngine(
          {
            cliPath: path.join(this.services.context.extensionPath, 'dist', 'cli.js'),
            file: document.uri.fsPath,
            functionName: measured.functionName,
            args,
            python: python ?? null,
            node: nodeRun ? settings.nodePath || null : null,
            workers: settings.workers,
            strategies: settings.strategies,
            timeoutSeconds: settings.timeoutSeconds,
            sampleHz: settings.sampleHz,
            scaling: settings.scaling,
            budgetSeconds: settings.budgetSeconds,
            maxWorkers: settings.maxWorkers ? Math.floor(settings.maxWorkers) : null,
            // Picked for this run (none picked: only the main one), else the setting.
            // Other interpreters and Dask are Python's.
            interpreters: nodeRun
              ? []
              : target.interpreters
                ? target.interpreters.length > 0
                  ? target.interpreters
                  : ['none']
                : settings.interpreters,
            knownInterpreters: known,
            daskScheduler: nodeRun ? null : settings.daskScheduler,
            ...runEnvironment(document.uri, log),
            outPath,
          },
          {
            onEvent: (event) => reporter.onEvent(event),
            onOutput: (line, stream) =>
              stream === 'stderr' && line.startsWith('{') ? log.trace(line) : log.info(line),
          },
        );
        this.current = engine;
        const cancellation = token.onCancellationRequested(() => {
          log.info('Cancel requested: stopping the engine and its process tree.');
          engine.cancel();
        });
        return engine.finished.finally(() => {
          cancellation.dispose();
          this.current = undefined;
        });
      },
    );
    log.info(`Engine exited with code ${outcome.exitCode}${outcome.cancelled ? ' (cancelled)' : ''}`);
    this.services.panels.runEnded();

    const profile = await this.loadProfile(outPath, outcome);
    const result = await this.report(outcome, profile, outPath, measured);
    this.services.telemetry.sendRun(runEvent(result, profile, (Date.now() - started) / 1000));
    await pruneProfiles(folder).catch((error: Error) => log.warn(`Could not prune old profiles: ${error.message}`));
  }

  /**
   * "Compare interpreters...": the interpreters the engine finds (and the Python extension knows),
   * multi-selected; the choice is remembered per workspace. undefined when dismissed.
   */
  async chooseInterpreters(resource: vscode.Uri): Promise<string[] | undefined> {
    const python = await this.python(resource);
    if (!python) return undefined;
    const cliPath = path.join(this.services.context.extensionPath, 'dist', 'cli.js');
    const known = await this.services.interpreters.knownEnvironments();
    let listing: InterpreterListing;
    try {
      listing = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Looking for Python interpreters' },
        () => listInterpreters(cliPath, python, known),
      );
    } catch (error) {
      this.showError(`Could not list the interpreters: ${(error as Error).message}`);
      return undefined;
    }
    if (!listing.main) {
      this.showError(`Could not list the interpreters: ${listing.mainError ?? python}`);
      return undefined;
    }
    const state = this.services.context.workspaceState;
    const choices = interpreterChoices(listing, state.get<string[]>(INTERPRETERS_KEY));
    if (choices.length === 0) {
      void vscode.window.showInformationMessage(
        'No other Python interpreter was found (PATH, pyenv, uv, conda, the Python extension). Install PyPy ' +
          '(apt-get install pypy3) or a free-threaded build (uv python install 3.13t) to compare.',
      );
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(choices, {
      title: 'Compare interpreters',
      placeHolder: `Run the same tasks on these too, besides ${listing.main.name}`,
      canPickMany: true,
      matchOnDetail: true,
    });
    if (!picked) return undefined;
    const executables = picked.map((p) => p.executable);
    await state.update(INTERPRETERS_KEY, executables);
    return executables;
  }

  private async python(resource: vscode.Uri): Promise<string | undefined> {
    const resolution = await this.services.interpreters.resolve(resource);
    if (resolution.ok) return resolution.python.executable;
    return askForInterpreter(resolution, resource);
  }

  private async loadProfile(outPath: string, outcome: EngineOutcome): Promise<Profile | null> {
    if (outcome.exitCode === 2) return null; // usage errors write no profile
    try {
      return await readProfile(outPath);
    } catch (error) {
      this.services.log.warn(`No profile to show from ${outPath}: ${(error as Error).message}`);
      return null;
    }
  }

  private async report(
    outcome: EngineOutcome,
    profile: Profile | null,
    outPath: string,
    measured: Measured,
  ): Promise<RunOutcome> {
    const { context, panels, lenses, log } = this.services;
    const show = (shown: Profile): void => {
      panels.show(shown, outPath);
      this.services.sourceHeat.show(shown);
    };
    // A cancelled run's partial profile is offered once, but is not "the last profile".
    if (profile && !outcome.cancelled) await context.workspaceState.update(LAST_PROFILE_KEY, outPath);

    if (outcome.cancelled) {
      if (!profile) {
        void vscode.window.showInformationMessage('Profiling cancelled.');
        return 'cancelled';
      }
      const showPartial = 'Show Partial Profile';
      void vscode.window
        .showInformationMessage('Profiling cancelled. The partial profile was saved.', showPartial)
        .then((answer) => {
          if (answer === showPartial) show(profile);
        });
      return 'cancelled';
    }
    if (outcome.exitCode === 2) {
      this.showError(`The profiler could not start: ${firstLines(outcome.messages) || 'see the log'}`);
      return 'usageError';
    }
    if (!profile) {
      this.showError(
        `The profiler stopped unexpectedly (exit code ${outcome.exitCode ?? 'none'}). ${firstLines(outcome.messages)}`,
      );
      return 'engineCrashed';
    }

    show(profile);
    const summary = resultSummary(profile);
    if (measured.functionName !== null) {
      await lenses.showResult({ ...measured, functionName: measured.functionName, summary, profilePath: outPath });
    }
    if (outcome.exitCode === 1) {
      const serial = profile.strategies.find((s) => s.kind === 'serial' || s.kind === 'script');
      const hint = serial ? failureHint(profile, serial) : null;
      this.showError(
        `The serial run failed: ${serial?.error ?? firstLines(outcome.messages)}${hint ? ` Hint: ${hint}` : ''}`,
      );
      return 'serialFailed';
    }
    log.info(`Result: ${summary}`);
    void vscode.window.setStatusBarMessage(statusBarText(profile), 10_000);
    return 'ok';
  }

  private showError(message: string): void {
    this.services.log.error(message);
    void vscode.window.showErrorMessage(message, SHOW_LOG).then((answer) => {
      if (answer === SHOW_LOG) this.services.log.show(true);
    });
  }

  dispose(): void {
    this.current?.cancel();
  }
}

function firstLines(text: string, count = 6): string {
  return text.split('\n').slice(0, count).join('\n').trim();
}
